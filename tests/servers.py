"""Real servers for tests that need one: gunicorn with the production configuration, on
loopback, stopped when the test ends."""

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "test-only-" + "k3y-Wq9!zX2#pL7$" * 4
ADMIN_PASSWORD = "a-long-test-admin-passphrase"
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The test database pytest-django made, for a server in another process to use."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST")) and key not in {"DEBUG"}
    }
    env.update(
        ENVIRONMENT="production",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        STATIC_FILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        SHARED_CACHE_DIR=str(Path(tempfile.gettempdir()) / f"alliance-test-cv-{os.getpid()}"),
        GUNICORN_ACCESS_LOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    env.update(extra)
    return env


class ServerAddress(str):
    """A running server's address, which also knows the gunicorn master's process id."""

    pid: int


@contextmanager
def gunicorn(env, port=None, log=None):
    """`log`: a file for the server's log (else kept only to explain a failed start; a test
    that reads the log, or makes many warnings, should pass one so the pipe never fills)."""
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [str(Path(sys.executable).with_name("gunicorn")), "alliance.wsgi:application"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        # JSON log lines go to stdout in production mode, gunicorn's start-up errors to stderr.
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
    )
    url = ServerAddress(f"http://127.0.0.1:{port}")
    url.pid = process.pid
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    problem = process.stderr.read().decode()[-2000:] if not log else "see log"
                    raise RuntimeError(problem) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class Browser:
    """Just enough of a browser: cookies, headers, no redirects followed. Cookies are kept by
    hand: the server sees HTTPS (X-Forwarded-Proto) and marks them Secure. A page that does
    not answer within `timeout` seconds is a hang, and raises."""

    def __init__(self, base, timeout=30):
        self.base = base
        self.timeout = timeout
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def get(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data else None
        origin = self.base.replace("http://", "https://")
        headers = {**HTTPS, "Referer": origin + path} if data else dict(HTTPS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        response.text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def form_token(self, path):
        page = self.get(path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def sign_in(self):
        page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:  # no form to fill in: the login page itself is an error page
            return page
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": "admin",
            "password": ADMIN_PASSWORD,
        }
        return self.get("/admin/login/?next=/admin/", form)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def remove_committed_data():
    """Undo what a module committed for its servers, history and accounts included, so later
    tests start from an empty database (the press-office groups stay)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    # pytest-django sets up the test database only for a session with a django_db test in it:
    # a module without the mark, run alone, would reach the developer's own database here.
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError("Not a test database: mark the module's tests django_db")
    # TRUNCATE, because public change notes refuse to be deleted row by row (append-only).
    tables = [model._meta.db_table for model in apps.get_app_config("stats").get_models()]
    tables.append("procrastinate_jobs")  # and the queue's jobs, which name those records
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    get_user_model().objects.all().delete()


def start_redis(port):
    """Debian's redis-server on a loopback port, answering pings before this returns."""
    import redis as redis_client

    binary = shutil.which("redis-server")
    if binary is None:  # make test installs it: a missing server is a failure, not a skip
        raise RuntimeError("redis-server is not installed: `make tools` installs it")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis_client.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process
        except redis_client.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def stop(process):
    process.terminate()
    process.wait(timeout=10)


@contextmanager
def redis_server():
    """A throwaway Redis for the block: its CACHE_URL."""
    port = free_port()
    process = start_redis(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def procfile_command(name):
    """A process's command exactly as the Procfile gives it (make run and the containers start
    the same), run with this environment's Python."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            command = shlex.split(line.partition(":")[2])
            return [sys.executable if word == "python" else word for word in command]
    raise LookupError(f"no {name} in the Procfile")


@contextmanager
def worker(env, log):
    """The Procfile's worker, on the test database, until the block ends (then SIGTERM, as a
    container is stopped). `log`: an open file for what it says."""
    process = subprocess.Popen(  # noqa: S603 - the Procfile's own command
        procfile_command("worker"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_log(log.name, "Starting worker", process)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_log(path, text, process=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in Path(path).read_text(errors="replace"):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(Path(path).read_text(errors="replace")[-3000:])
        time.sleep(0.1)
    raise RuntimeError(f"{text!r} not seen: " + Path(path).read_text(errors="replace")[-3000:])
