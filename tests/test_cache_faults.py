"""The page cache under faults, with real servers: Redis stopped under load and restarted,
the database hung (a port that accepts and never answers), a Host-header flood, and many
requests at once for a page that has just changed. Every load loop is bounded in time."""

import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
import redis as redis_client

from .relay import Relay
from .servers import (
    database_url,
    free_port,
    gunicorn,
    production_env,
    start_redis,
    stop,
)

pytestmark = [pytest.mark.server, pytest.mark.django_db]
PAGES = ["/", "/years/2022/"]


@pytest.fixture
def cache_dir(tmp_path):
    return str(tmp_path / "page-cache")


def get(url, path, headers=None, timeout=15):
    # As our HTTPS proxy would send it (production redirects plain HTTP).
    headers = {"X-Forwarded-Proto": "https", **(headers or {})}
    request = urllib.request.Request(url + path, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, body, heads = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, heads = error.code, error.read(), error.headers
    return status, body, heads, time.monotonic() - started


class Load:
    """A few threads fetching pages in turn until stopped (at most `limit` seconds)."""

    def __init__(self, url, paths, threads=4, limit=60):
        self.url, self.paths, self.limit = url, paths, limit
        self.results, self.stopping = [], threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        deadline = time.monotonic() + self.limit
        n = 0
        while not self.stopping.is_set() and time.monotonic() < deadline:
            path = self.paths[n % len(self.paths)]
            n += 1
            try:
                status, _, headers, elapsed = get(self.url, path)
                stale = "X-Served-Stale" in headers
            except OSError as error:
                status, elapsed, stale = repr(error), 0, False
            self.results.append((path, status, elapsed, time.monotonic() - elapsed, stale))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def failures(self):
        return [r for r in self.results if not (isinstance(r[1], int) and r[1] < 500)]


def test_redis_stopped_under_load_costs_no_errors_and_comes_back_by_itself(
    committed_year, tmp_path
):
    port = free_port()
    process = start_redis(port)
    env = production_env(CACHE_URL=f"redis://127.0.0.1:{port}/0", WEB_CONCURRENCY="2")
    try:
        with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
            for path in PAGES:
                assert get(url, path)[0] == HTTPStatus.OK
            with Load(url, [*PAGES, "/healthz"]) as load:
                time.sleep(1)
                stop(process)
                stopped_at = time.monotonic()
                time.sleep(2)
                assert get(url, "/healthz")[0] == HTTPStatus.OK
                status, body, _, _ = get(url, "/readyz")
                assert status == HTTPStatus.SERVICE_UNAVAILABLE
                assert json.loads(body) == {"database": "ok", "cache": "failing"}
                process = start_redis(port)  # empty: everything it held is gone
                restarted_at = time.monotonic()
                time.sleep(6)  # the breaker closes by itself
            assert load.failures() == [], load.failures()[:5]
            # The load ran through the outage, not only around it.
            assert any(stopped_at < r[3] < restarted_at for r in load.results)
            status, body, _, _ = get(url, "/readyz")
            assert status == HTTPStatus.OK, body
            for path in PAGES:
                assert get(url, path)[0] == HTTPStatus.OK
            client = redis_client.Redis(port=port)
            assert client.keys("pagecache:page:*")  # cached again, with no restart

            # Subscribed again too: a cached page asks Redis nothing (its heartbeat aside).
            client.config_resetstat()
            for _ in range(20):
                assert get(url, "/years/2022/")[0] == HTTPStatus.OK
            stats = client.info("commandstats")
            assert set(stats) <= {"cmdstat_config|resetstat", "cmdstat_ping"}, stats
    finally:
        stop(process)


@pytest.mark.parametrize("redis_back", [True, False], ids=["redis-back-empty", "redis-still-down"])
def test_the_database_failing_after_or_with_redis_still_serves_last_good_copies(
    committed_year, tmp_path, redis_back
):
    """Redis keeps nothing on disk, so it comes back empty. The pages a worker holds must stay
    its last good copies: the deploy tier gave 503s when the database restarted a few seconds
    after Redis did, because the content version made afresh voided them. With Redis still
    down, the generation the worker last read picks them (503 before: no state, no copy)."""
    redis_port = free_port()
    process = start_redis(redis_port)
    database = Relay.in_front_of(database_url())
    env = production_env(
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        DATABASE_URL=database.url,
        CONN_MAX_AGE="0",
        DATABASE_CONNECT_TIMEOUT="1",
        PAGE_CACHE_REDIS_BREAKER_SECONDS="1",
        WEB_CONCURRENCY="1",  # one worker's memory: the copies it holds are the ones asked for
    )
    try:
        with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
            before = {path: get(url, path)[1] for path in PAGES}
            stop(process)
            for path in PAGES:
                assert get(url, path)[0] == HTTPStatus.OK  # rendered uncached
            if redis_back:
                process = start_redis(redis_port)
            database.hang()
            time.sleep(1.5)  # the Redis breaker closes
            for path in PAGES:
                status, body, headers, _ = get(url, path)
                assert (status, headers["X-Served-Stale"]) == (200, "database unavailable"), path
                assert body == before[path]
    finally:
        stop(process)
        database.close()


def test_a_hung_database_serves_last_good_copies_without_asking_it_again(
    committed_year, tmp_path, cache_dir
):
    """How fast that is, make bench measures; this says what is served, and that the
    database is left alone while it hangs."""
    hole = Relay.in_front_of(database_url())
    env = production_env(
        DATABASE_URL=hole.url,
        SHARED_CACHE_DIR=cache_dir,
        CONN_MAX_AGE="0",
        # Every stored page is out of date a second after it is made, so each later request
        # is a miss that would ask the database: what a release or a correction does.
        PAGE_CACHE_SECONDS="1",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
    )
    try:
        with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
            before = {path: get(url, path)[1] for path in PAGES}
            time.sleep(1.1)
            hole.hang()
            hung_at = time.monotonic()
            with Load(url, PAGES, limit=8) as load:
                time.sleep(9)
            assert load.failures() == [], load.failures()[:5]
            for path, status, *_ in load.results:
                assert status == HTTPStatus.OK, path
            # Once the first requests had timed out, every page was its last good copy, and the
            # database was asked again only when a worker's breaker let one request try (every
            # PAGE_CACHE_DATABASE_BREAKER_SECONDS): a few times, not once a request.
            later = [r for r in load.results if r[3] > hung_at + 5]
            assert later and all(r[4] for r in later)  # served stale, every one
            workers_and_threads = 2 * 2
            assert hole.knocks <= workers_and_threads * 3, hole.knocks
            assert len(load.results) > hole.knocks
            assert get(url, "/years/2022/")[1] == before["/years/2022/"]
            assert get(url, "/readyz")[0] == HTTPStatus.SERVICE_UNAVAILABLE

            hole.release()
            time.sleep(6)  # the breakers close
            status, body, _, _ = get(url, "/readyz")
            assert status == HTTPStatus.OK, body
            status, _, headers, _ = get(url, "/years/2022/")
            assert status == HTTPStatus.OK and "X-Served-Stale" not in headers
    finally:
        hole.close()


@pytest.mark.parametrize("store", ["local", "redis"])
def test_a_host_header_flood_stores_nothing_new(committed_year, tmp_path, cache_dir, store):
    process = None
    env = production_env(SHARED_CACHE_DIR=cache_dir, ALLOWED_HOSTS="127.0.0.1,localhost")
    if store == "redis":
        port = free_port()
        process = start_redis(port)
        env["CACHE_URL"] = f"redis://127.0.0.1:{port}/0"

    def entries():
        if process:
            return sorted(redis_client.Redis(port=port).keys("*"))
        return sorted((p.name, p.stat().st_mtime_ns) for p in Path(cache_dir).iterdir())

    try:
        with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
            for path in PAGES:
                assert get(url, path, {"Host": "localhost"})[0] == HTTPStatus.OK
            before = entries()
            port_ = int(url.rsplit(":", 1)[1])
            connection = http.client.HTTPConnection("127.0.0.1", port_, timeout=10)
            for n in range(2000):
                path = f"{PAGES[n % 2]}?utm={n}"
                connection.request(
                    "GET",
                    path,
                    headers={"Host": f"localhost:{1024 + n}", "X-Forwarded-Proto": "https"},
                )
                response = connection.getresponse()
                response.read()
                assert response.status == HTTPStatus.OK
            connection.close()
            assert get(url, "/", {"Host": "attacker.example"})[0] == HTTPStatus.BAD_REQUEST
            # Nothing stored, nothing rendered again (the files' times are unchanged).
            assert entries() == before
            log.flush()
            assert (tmp_path / "log").read_text().count("Rendered ") == len(PAGES)
    finally:
        if process:
            stop(process)


def test_a_changed_page_is_rendered_once_however_many_ask_at_once(
    committed_year, tmp_path, cache_dir
):
    from stats.pagecache.version_file import VersionFile

    env = production_env(SHARED_CACHE_DIR=cache_dir, WEB_CONCURRENCY="4", GUNICORN_THREADS="4")
    with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
        # Every worker has the page in memory.
        for _ in range(40):
            assert get(url, "/years/2022/")[0] == HTTPStatus.OK
        log.flush()
        rendered_before = (tmp_path / "log").read_text().count("Rendered /years/2022/")
        # A release moment: a new version, the same generation (nothing voided).
        version_file = VersionFile(os.path.join(cache_dir, "content-version"))
        state = version_file.read()
        version_file.write({**state, "version": "f" * 32})
        barrier, statuses = threading.Barrier(32), []

        def ask():
            barrier.wait()
            statuses.append(get(url, "/years/2022/")[0])

        threads = [threading.Thread(target=ask) for _ in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [HTTPStatus.OK] * 32
        log.flush()
        rendered = (tmp_path / "log").read_text().count("Rendered /years/2022/")
        assert rendered - rendered_before == 1
