"""The deployment as shipped, put through the faults an operator meets (issue #22): services
stopped, restarted and started out of order, under load and alone. The stack is
tests/conftest.py's, shared with tests/test_deploy.py; each test leaves it as it found it."""

import json
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime
from http import HTTPStatus

import pytest

from .stack import SERVICES, fresh

pytestmark = pytest.mark.deploy


# Every request a fresh address (as tests/stack.py's fresh() makes one), numbered by wrk
# thread and request. Random numbers were not: each wrk thread seeded them with the same
# second, so the threads asked for the same addresses in turn, and the second of each pair
# waited up to 5 s on nginx's cache lock for the first before asking itself; one slow page
# then counted twice against wrk's timeout.
WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
local paths = {"/", "/years/2022/", "/years/", "/measures/drugs-seized/"}
local sent = 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[sent % #paths + 1] .. "?n=" .. thread_number .. "-" .. sent)
end
"""


def test_under_load_stopping_a_web_server_the_worker_redis_and_the_database_costs_nothing(
    stack, tmp_path
):
    stack.wait_healthy(*SERVICES)
    script = tmp_path / "pages.lua"
    script.write_text(WRK_SCRIPT)
    target = f"https://127.0.0.1:{stack.https_port}"
    wrk = shutil.which("wrk") or pytest.fail("wrk is not installed: `make tools` installs it")
    load = subprocess.Popen(  # noqa: S603 - wrk at our own stack, on loopback
        [wrk, "-t2", "-c8", "-d30s", "--timeout", "10s", "-s", str(script),
         "-H", f"Host: localhost:{stack.https_port}", target],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    faults = [(3, "stop", "web-1"), (8, "stop", "worker"), (12, "restart", "redis"),
              (19, "restart", "db")]  # fmt: skip
    done = []

    def inflict():
        started = time.monotonic()
        for at, action, service in faults:
            time.sleep(max(0, at - (time.monotonic() - started)))
            begun = datetime.now(UTC).replace(microsecond=0)  # nginx logs whole seconds
            stack.compose(action, service)
            done.append((begun, action, service))

    thread = threading.Thread(target=inflict)
    thread.start()
    output = load.communicate(timeout=120)[0]
    thread.join(timeout=120)
    try:
        assert [d[1:] for d in done] == [f[1:] for f in faults], done
        proxy = stack.json_lines("proxy")
        assert "Non-2xx or 3xx responses" not in output, what_happened(stack, output, done, proxy)
        assert "Socket errors" not in output, what_happened(stack, output, done, proxy)
        pages = [line for line in proxy if "?n=" in line["path"]]
        assert len({line["path"] for line in pages}) == len(pages)  # each fresh, as meant
        # Pages kept coming after each fault began, not only before the first.
        served = [datetime.fromisoformat(line["time"]) for line in pages
                  if line["status"] == HTTPStatus.OK]  # fmt: skip
        for begun, action, service in done:
            assert any(at >= begun for at in served), (action, service, output)
        print(what_happened(stack, output, done, proxy))
    finally:
        stack.compose("start", "web-1", "worker")
        stack.wait_healthy(*SERVICES)


def what_happened(stack, output, done, proxy):
    """What a failure needs to be read: wrk's summary, when each fault began, each page over 2 s
    or answered with an error as nginx and the web server that answered it logged it, nginx's
    errors (a name it could not look up, a server it could not reach), and the web servers'
    warnings and page renders."""
    slow = {line["request_id"]: line for line in proxy if "?n=" in line["path"]
            and (line["duration"] > 2 or line["status"] >= HTTPStatus.BAD_REQUEST)}  # fmt: skip
    said = [line for service in ("web-1", "web-2") for line in stack.json_lines(service)]
    site = [line for line in said if line.get("request_id") in slow or line["level"] != "INFO"
            or line["logger"] == "stats.pagecache"]  # fmt: skip
    keys = ("time", "path", "status", "duration", "upstream", "upstream_status",
            "upstream_duration", "cache")  # fmt: skip
    return "\n".join([
        output,
        *(f"{begun:%H:%M:%S} {action} {service}" for begun, action, service in done),
        *(" ".join(str(line.get(key)) for key in keys) for line in slow.values()),
        *(line for line in stack.logs("proxy").splitlines()
          if "?n=" in line and not line.startswith("{") and "[warn]" not in line),
        *(json.dumps(line) for line in site),
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("service", "said", "then"),
    [
        ("web-2", "Shutting down: Master", ["web-2"]),
        ("db", "database system is shut down", ["db", "web-1", "web-2"]),
    ],
)
def test_a_stopped_service_shuts_down_by_itself_instead_of_being_killed(stack, service, said, then):
    """gunicorn finishes its requests; postgres shuts down cleanly (not SIGKILL's 137 at the
    end of the grace period, and a crash recovery at the next start: the stand-in postgres,
    stopped, was killed until its entrypoint let postgres be PID 1)."""
    stack.compose("stop", service)
    try:
        assert stack.inspect(service, "{{.State.ExitCode}}") == "0"
        assert said in stack.logs(service)
    finally:
        stack.compose("start", service)
        stack.wait_healthy(*then)


def test_the_site_waits_a_second_not_five_for_a_name_the_network_missed(stack):
    # A lookup of "db" held up 10 s as a container restarted (two 5 s waits, measured): the
    # site's containers ask again after 1 s. Read from the file the C library reads.
    for service in ("web-1", "web-2", "worker"):
        resolver = stack.podman("exec", stack.container(service), "cat", "/etc/resolv.conf")
        assert re.search(r"^options .*\btimeout:1\b", resolver.stdout, re.M), service


def test_a_web_server_that_exits_or_starts_before_the_database_comes_back_by_itself(stack):
    count = int(stack.inspect("web-1", "{{.RestartCount}}"))
    stop_gunicorn = "import os, signal; os.kill(1, signal.SIGTERM)"  # as if it had ended
    stack.podman("exec", stack.container("web-1"), "python", "-c", stop_gunicorn)
    stack.wait(lambda: int(stack.inspect("web-1", "{{.RestartCount}}")) > count, 60, "a restart")
    stack.wait_healthy("web-1")
    stack.compose("stop", "db")
    try:
        stack.compose("restart", "web-2")  # starts while the database is down
        stack.wait(lambda: "Waiting for migrations" in stack.logs("web-2"), 60, "web-2 waiting")
    finally:
        stack.compose("start", "db")
    stack.wait_healthy("db", "web-2", "web-1")
    assert stack.request("GET", fresh("/years/2022/")).status == HTTPStatus.OK


def test_the_proxy_starts_with_no_web_server_and_finds_them_when_they_come(stack):
    stack.compose("stop", "web-1", "web-2")
    try:
        stack.compose("restart", "proxy")
        stack.wait_healthy("proxy")
        assert stack.request("GET", fresh("/years/")).status == HTTPStatus.BAD_GATEWAY
    finally:
        stack.compose("start", "web-1", "web-2")
    stack.wait_healthy("web-1", "web-2")
    stack.wait(lambda: stack.request("GET", fresh("/years/")).status == HTTPStatus.OK, 30)
