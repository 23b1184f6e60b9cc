"""A year released to 10,000 subscribers: the time from its publication until the last alert
reaches a local SMTP server (aiosmtpd, in this process), and the public pages' p99 under load
while the worker sends, against the same load with no send.

It runs in a database of its own, made with the demo data for the run and dropped afterwards:
a released year's versions can never be deleted (the database refuses), so the throwaway
release must not be made where the site's own years are. The worker is the Procfile's own
command.
"""

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from aiosmtpd.controller import Controller

from bench.release import SCRIPT
from tests.servers import procfile_command

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["/", "/years/2022/"]
LABEL = "2098"

MAKE = """
from stats.models import Subscriber
Subscriber.objects.bulk_create(
    Subscriber(email=f"reader{{n}}@bench.invalid", state="active") for n in range({count})
)
"""
RELEASE = """
import datetime
from django.utils import timezone
from stats.alerts import events
from stats.models import Year
from stats.rules.versions import freeze
year = Year.objects.create(
    label="{label}", title="Bench release", period_start=datetime.date(2098, 1, 1),
    period_end=datetime.date(2098, 12, 31), state="published", published_at=timezone.now(),
)
freeze(year, None)  # what the alert's words are read from, as for any release
events.year_published(year)
"""


class Counter:
    """An SMTP server that counts what it receives, and when the last one came."""

    def __init__(self):
        self.count = 0
        self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if not all(to.endswith("@bench.invalid") for to in envelope.rcpt_tos):
            return "250 OK"  # someone else's subscription in this database: not counted
        with self.lock:
            self.count += 1
            self.last = time.monotonic()
        return "250 OK"


def manage(env, *args):
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def run_code(env, code):
    manage(env, "shell", "-v0", "-c", code)


@contextmanager
def own_database(env):
    """env with DATABASE_URL on a new database beside the site's, migrated and with the demo
    year; dropped on the way out."""
    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/") + "_bench_alerts"

    def run_sql(sql):
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute(sql)

    run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run_sql(f'CREATE DATABASE "{name}"')
    own = {**env, "DATABASE_URL": urlunsplit(url._replace(path="/" + name))}
    try:
        manage(own, "migrate", "-v0", "--no-input")
        manage(own, "load_demo")
        yield own
    finally:
        run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_alerts(server_factory, wrk, env, port, subscribers=10_000, seconds=10):
    """{"subscribers", "received", "seconds", "quiet", "sending"}: "seconds" runs from just
    before the publishing command starts (a second or so of Python starting up counts
    against us) until the last alert arrives."""
    with own_database(env) as own:
        return _measure(server_factory, wrk, own, port, subscribers, seconds)


def _measure(server_factory, wrk, env, port, subscribers, seconds):
    counter = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    controller = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    env = {**env, "SHARED_CACHE_DIR": str(folder / "page-cache")}  # pages of this database
    script = folder / "paths.lua"
    script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in PATHS))
    worker_env = {
        **env,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": "https://bench.invalid",
    }
    run_code(env, MAKE.format(count=subscribers))
    server = server_factory(env)
    log = open(folder / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(  # noqa: S603 - the Procfile's command
        procfile_command("worker"), cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for path in PATHS:
            wrk(port, path, connections=32, seconds=2)  # warm
        quiet = wrk(port, "/", connections=32, seconds=seconds, script=script)
        started = time.monotonic()
        run_code(env, RELEASE.format(label=LABEL))
        sending = wrk(port, "/", connections=32, seconds=seconds, script=script)
        deadline = started + 600
        while counter.count < subscribers and time.monotonic() < deadline:
            time.sleep(0.2)
        took = (counter.last - started) if counter.count else None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        server.stop()
        controller.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "subscribers": subscribers,
        "received": counter.count,
        "seconds": took,
        "quiet": quiet,
        "sending": sending,
    }
