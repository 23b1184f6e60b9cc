"""The page cache with Redis, as several machines share it: each process keeps a copy of the
content version that Redis keeps in step (stats/pagecache/redis_changes.py), so a cached page
asks Redis nothing, and yet a change made on any machine reaches every other as fast as a
message crosses the network. Each "machine" here is a RedisStore of its own on one real Redis
server."""

import os
import time
import uuid
from http import HTTPStatus

import pytest
import redis as redis_client

from stats.models import Figure
from stats.pagecache import Unavailable, page_cache
from stats.pagecache.breaker import Breaker
from stats.pagecache.redis_store import RedisStore
from stats.pagecache.versions import Versions

from .factories import make_headline_year, release
from .relay import Relay
from .servers import Browser, gunicorn, production_env, redis_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def redis(redis_url):
    client = redis_client.Redis.from_url(redis_url)
    client.flushall()
    return client


@pytest.fixture
def machine():
    """A new machine's store on a Redis; each stops following it after the test."""
    made = []

    def make(url, heartbeat=1.0):
        made.append(RedisStore(url, timeout=0.5, breaker_seconds=5, heartbeat=heartbeat))
        return made[-1]

    yield make
    for store in made:
        store.subscription.stop()


GENERATION = uuid.uuid4().hex


def state(until=None):
    return {"version": uuid.uuid4().hex, "until": until, "generation": GENERATION}


def in_step(*machines):
    """Wait (a few seconds at most) for each machine's subscription to be in step."""
    deadline = time.monotonic() + 5
    while not all(m.subscription.in_step for m in machines):
        assert time.monotonic() < deadline, "never in step"
        for m in machines:
            m.current_state()
        time.sleep(0.01)


def soon(read, expected):
    """What `read` returns once it returns `expected`, or after a few seconds."""
    deadline = time.monotonic() + 5
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.001)
    return value


def reads(redis):
    """How many times the version was read from Redis since the last reset."""
    return redis.info("commandstats").get("cmdstat_mget", {}).get("calls", 0)


def test_a_cached_page_asks_redis_nothing(redis, redis_url, machine):
    here = machine(redis_url)
    here.write_state(first := state())
    in_step(here)
    redis.config_resetstat()
    for _ in range(500):  # for longer than the heartbeat, as a busy server would
        assert here.current_state() == first
        time.sleep(0.003)
    stats = redis.info("commandstats")
    assert set(stats) == {"cmdstat_ping", "cmdstat_config|resetstat"}, stats  # no read at all
    assert stats["cmdstat_ping"]["calls"] <= 10  # four a heartbeat, not one a request


@pytest.mark.parametrize("change", ["write", "replace", "clear"])
def test_a_change_on_one_machine_reaches_the_others(redis, redis_url, machine, change):
    here, there = machine(redis_url), machine(redis_url)
    there.write_state(first := state(until=time.time() + 3600))
    in_step(here, there)
    assert here.current_state() == first
    if change == "write":
        there.write_state(second := state())
    elif change == "replace":  # a scheduled moment, noticed there first
        assert there.replace_state(first, second := state())
    else:
        there.clear()
        second = None
    assert there.current_state() == second  # the machine that made it: at once
    assert soon(here.current_state, second) == second
    assert here.subscription.in_step == (second is not None)  # told, not reading each time


def test_a_lost_subscription_costs_a_round_trip_not_a_stale_page(redis, redis_url, machine):
    here, there = machine(redis_url), machine(redis_url)
    there.write_state(state())
    in_step(here)
    redis.client_kill_filter(_type="pubsub")  # its change is never sent to `here`
    there.write_state(second := state())
    assert soon(here.current_state, second) == second
    in_step(here)  # subscribed again, by itself


def test_a_redis_back_empty_keeps_the_last_generation_heard_unless_a_void_was_missed(
    redis,
    redis_url,
    machine,
    db,  # a renewal asks the database when the next release is
):
    here, there = machine(redis_url), machine(redis_url)
    versions = Versions(here, Breaker(5))
    there.write_state(state())
    in_step(here)
    there.write_state(corrected := {**state(), "generation": uuid.uuid4().hex})
    assert soon(here.current_state, corrected) == corrected

    def restart_redis():  # as a restart leaves it: the subscription cut, nothing kept
        redis.client_kill_filter(_type="pubsub")
        redis.flushall()
        assert soon(here.current_state, None) is None

    restart_redis()
    assert versions.last_known()["generation"] == corrected["generation"]  # while Redis is away
    renewed = versions.current()  # the last good copies made since the correction still serve
    assert renewed["generation"] == corrected["generation"]
    assert renewed["version"] != corrected["version"]  # but every page is rendered again

    here.breaker.trip()
    versions.renew(void=True)  # a correction saved here while Redis could not be told
    assert versions.last_known() is None  # no last good copy from before it, then
    here.breaker.reset()
    restart_redis()
    assert versions.current()["generation"] != corrected["generation"]


def test_a_silent_network_shows_the_old_version_no_longer_than_the_heartbeat(
    redis, redis_url, machine
):
    """Packets lost without the connection closing: the copy is trusted only while Redis was
    heard from recently, then Redis counts as unreachable (pages rendered uncached)."""
    with Relay.in_front_of(redis_url) as relay:
        here = machine(relay.url, heartbeat=0.4)
        there = machine(redis_url)
        there.write_state(first := state())
        in_step(here)
        relay.freeze()
        there.write_state(state())
        assert here.current_state() == first  # within the heartbeat: the promised bound
        time.sleep(0.5)
        with pytest.raises(Unavailable):
            here.current_state()


def test_a_forked_worker_subscribes_for_itself(redis, redis_url, machine):
    """gunicorn forks workers from a master: a child must not read or close the parent's
    subscription."""
    here = machine(redis_url)
    here.write_state(state())
    in_step(here)
    subscribed = {c["id"] for c in redis.client_list(_type="pubsub")}
    pid = os.fork()
    if pid == 0:  # the child: its own subscription, then gone
        code = 2
        try:
            in_step(here)
            ours = {c["id"] for c in redis.client_list(_type="pubsub")} - subscribed
            code = 0 if len(ours) == 1 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    machine(redis_url).write_state(second := state())
    assert soon(here.current_state, second) == second
    assert here.subscription.in_step
    assert {c["id"] for c in redis.client_list(_type="pubsub")} == subscribed  # the same one


@pytest.mark.django_db(transaction=True)  # committed as it goes, so the servers see it
def test_a_correction_shows_on_every_worker_at_once(redis, redis_url, settings, tmp_path):
    """Three workers, each with the page in memory; the change is made by another process
    (as an admin on another machine would), and once it shows, no worker shows the old
    figure."""
    year = make_headline_year()
    env = production_env(CACHE_URL=redis_url, WEB_CONCURRENCY="3")
    settings.PAGE_CACHE_REDIS_URL = redis_url
    page_cache.cache_clear()
    try:
        with open(tmp_path / "log", "w") as log, gunicorn(env, log=log) as url:
            page = Browser(url)
            for _ in range(60):
                response = page.get("/years/2022/")
                assert response.status == HTTPStatus.OK and "£4m" in response.text
            # gunicorn does not share requests out evenly: a worker may not have served one
            # yet, and reads the page once. Once each has, a round asks Redis nothing.
            for _ in range(10):
                redis.config_resetstat()
                for _ in range(60):
                    assert page.get("/years/2022/").status == HTTPStatus.OK
                if reads(redis) == 0:
                    break
            assert reads(redis) == 0  # every worker answered from its own copy
            Figure.objects.filter(year=year).update(value=4200000)
            release(year, note_text="Corrected.")
            corrected = lambda: "£4.2m" in page.get("/years/2022/").text  # noqa: E731
            assert soon(corrected, True)
            assert all(corrected() for _ in range(60))  # every worker, not just one
    finally:
        page_cache.cache_clear()


@pytest.mark.django_db
def test_a_redis_that_would_evict_the_content_version_is_not_ready(redis, redis_url):
    """Redis at its memory limit with an allkeys-* policy could drop the content version, and
    a server would go on serving pages as they were: /readyz says so, by name."""
    redis.config_set("maxmemory-policy", "allkeys-lru")
    try:
        with gunicorn(production_env(CACHE_URL=redis_url)) as url:
            answer = Browser(url).get("/readyz")
            assert answer.status == HTTPStatus.SERVICE_UNAVAILABLE
            assert "would evict (maxmemory-policy allkeys-lru)" in answer.text
            redis.config_set("maxmemory-policy", "volatile-lru")  # our version has no expiry
            assert Browser(url).get("/readyz").status == HTTPStatus.OK
    finally:
        redis.config_set("maxmemory-policy", "noeviction")
