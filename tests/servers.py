"""Real servers for tests that need one: gunicorn with the production configuration, on
loopback, stopped when the test ends."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "test-only-" + "k3y-Wq9!zX2#pL7$" * 4


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
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        SHARED_CACHE_DIR=str(Path(tempfile.gettempdir()) / f"alliance-test-cv-{os.getpid()}"),
        GUNICORN_ACCESS_LOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(env, port=None):
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [str(Path(sys.executable).with_name("gunicorn")), "alliance.wsgi:application"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
