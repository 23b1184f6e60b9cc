"""The release moment: 200 connections on `/` and the year page while a scheduled year goes
public, counting the renders the site logs ("Rendered <path>") in that window. The page cache
promises one render per page per deployment however many workers and connections ask.

A throwaway year is scheduled a few seconds into the run and deleted afterwards.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["/", "/years/2022/"]
CONNECTIONS, SECONDS = 200, 10
LABEL = "2099"  # far ahead of any real year, so it becomes the home page at its moment

SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""

SCHEDULE = """
import datetime
from django.utils import timezone
from stats.models import Year
Year.objects.filter(label="{label}").delete()
Year.objects.create(
    label="{label}", title="Bench release", period_start=datetime.date(2099, 1, 1),
    period_end=datetime.date(2099, 12, 31), state="published",
    published_at=timezone.now() + datetime.timedelta(seconds={seconds}),
)
"""
REMOVE = 'from stats.models import Year; Year.objects.filter(label="{label}").delete()'


def manage(env, code):
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env, check=True
    )


def measure_release(server_factory, wrk, env, port):
    """{"rps", "p50", "p99", "errors", "renders", "pages"} over the window."""
    log = Path(tempfile.mkdtemp(prefix="bench-release-")) / "server.log"
    script = log.with_name("paths.lua")
    script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in PATHS))
    with open(log, "w") as log_file:
        server = server_factory(env, log_file)
        try:
            for path in PATHS:
                wrk(port, path, connections=32, seconds=2)  # warm: every worker has the pages
            manage(env, SCHEDULE.format(label=LABEL, seconds=5))
            time.sleep(0.5)
            for path in PATHS:  # the scheduling's own renders (it made a new version)
                wrk(port, path, connections=32, seconds=1)
            log_file.flush()
            start = log.stat().st_size
            result = wrk(port, "/", connections=CONNECTIONS, seconds=SECONDS, script=script)
            log_file.flush()
            window = log.read_text()[start:]
        finally:
            server.stop()
            manage(env, REMOVE.format(label=LABEL))
    result["renders"] = {path: window.count(f"Rendered {path} ") for path in PATHS}
    result["pages"] = len(PATHS)
    shutil.rmtree(log.parent, ignore_errors=True)
    return result
