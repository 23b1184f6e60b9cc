"""A database outage, for real: a PostgreSQL cluster of the test's own is stopped and started
under a running production server."""

import shutil
import subprocess
import sys
import tempfile
import time
from http import HTTPStatus
from pathlib import Path

import pytest

from .servers import ADMIN_PASSWORD, ROOT, Browser, free_port, gunicorn, production_env

# Starts real processes (PostgreSQL tools, gunicorn, make): the `server` tier.
pytestmark = pytest.mark.server


def localdb(action, root, port):
    subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "localdb.sh"), action],
        env={
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "LOCAL_PG_ROOT": str(root),
            "LOCAL_PG_PORT": str(port),
        },
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def database():
    """A throwaway cluster, in a folder the postgres user can reach wherever the clone is."""
    root, port = Path(tempfile.gettempdir()) / f"alliance-outage-pg-{free_port()}", free_port()
    localdb("start", root, port)
    url = f"postgres://alliance@127.0.0.1:{port}/alliance"
    env = production_env(
        DATABASE_URL=url,
        OTP_REQUIRED="false",
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        # After a failure each worker leaves the database alone this long (stats/pagecache/).
        PAGE_CACHE_DATABASE_BREAKER_SECONDS="1",
    )
    # Demo data refuses to load in production: it is loaded as a developer would.
    development = {**env, "ENVIRONMENT": "development"}
    for command, command_env in (
        (["migrate", "-v0"], env),
        (["load_demo"], development),
        (["createsuperuser", "--no-input", "--username", "admin", "--email", "a@example.org"], env),
    ):
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=command_env,
            check=True,
            capture_output=True,
        )  # noqa: S603
    try:
        yield env, (lambda: localdb("stop", root, port)), (lambda: localdb("start", root, port))
    finally:
        localdb("stop", root, port)
        subprocess.run(["rm", "-rf", str(root)], check=False)  # noqa: S603, S607 - owned by postgres


def test_the_site_rides_out_a_database_outage_and_recovers_without_a_restart(database):
    if not shutil.which("runuser") and not shutil.which("initdb"):
        pytest.skip("no way to run PostgreSQL here")
    env, stop_database, start_database = database
    with gunicorn(env) as url:
        # Refused connections must not hang a request: one that waits 10 s fails the test.
        browser = Browser(url, timeout=10)
        pages = ["/", "/years/2022/", "/data/all.csv", "/feed.xml"]
        before = {path: browser.get(path).text for path in pages}
        assert browser.get("/readyz").status == HTTPStatus.OK

        stop_database()
        for path in pages:  # the last good copies, as they were
            response = browser.get(path)
            assert response.status == HTTPStatus.OK and response.text == before[path], path
        readiness = browser.get("/readyz")
        assert readiness.status == HTTPStatus.SERVICE_UNAVAILABLE
        assert browser.get("/healthz").status == HTTPStatus.OK
        never_seen = browser.get("/measures/drugs-seized/")
        assert never_seen.status == HTTPStatus.SERVICE_UNAVAILABLE
        assert "Temporarily unavailable" in never_seen.text and "Traceback" not in never_seen.text
        admin = browser.sign_in()
        assert (
            admin.status == HTTPStatus.SERVICE_UNAVAILABLE
            and "Temporarily unavailable" in admin.text
        )

        start_database()
        time.sleep(1.5)  # every worker's breaker closes by itself
        assert browser.get("/readyz").status == HTTPStatus.OK
        assert browser.get("/measures/drugs-seized/").status == HTTPStatus.OK
        signed_in = browser.sign_in()
        assert signed_in.status == HTTPStatus.FOUND and signed_in.headers["Location"] == "/admin/"
        assert browser.get("/admin/").status == HTTPStatus.OK
