"""The store shared by several machines: Redis, spoken to directly with raw bytes (Django's
Redis cache pickles what it stores, and a pickle from a shared server can run code).

Every call has a short timeout, and a failure opens a breaker: while it is open no call is
made, so a dead Redis costs microseconds, not a timeout per request. Each change of version
is published, so each process keeps a copy of it (redis_changes.py) and a cached page costs
no round trip.
"""

import logging

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .breaker import Breaker
from .local_store import Unavailable
from .redis_changes import CHANNEL, Subscription
from .version_file import encode, parse

logger = logging.getLogger("stats.pagecache")

VERSION, GENERATION = "pagecache:version", "pagecache:generation"
# Compare and set in one round trip: a version renewed at its scheduled moment by several
# processes at once cannot overwrite a change saved meanwhile.
REPLACE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[2])
    redis.call('PUBLISH', KEYS[2], '')
    return 1
end
return 0
"""


class RedisStore:
    shared_between_machines = True

    def __init__(self, url, timeout, breaker_seconds, heartbeat):
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # the breaker decides when to try again
        )
        self.breaker = Breaker(breaker_seconds)
        self._replace = self.client.register_script(REPLACE)
        self.subscription = Subscription(self.client, self._read, heartbeat, timeout)

    def _call(self, method, *args, **kwargs):
        if self.breaker.is_open:
            raise Unavailable("redis: breaker open")
        try:
            return method(*args, **kwargs)
        except redis.RedisError as error:
            if not self.breaker.is_open:
                logger.warning("Redis unavailable, pages rendered uncached for now: %s", error)
            self.breaker.trip()
            raise Unavailable(str(error)) from error

    def current_state(self):
        """The state for a request: this process's copy while it is known to be current."""
        return self._call(self.subscription.state)

    def read_state(self):
        return self._call(self._read)

    def last_generation(self):
        """The generation this process last read from Redis, known while Redis is not."""
        return self.subscription.generation

    def _read(self):
        version, generation = self.client.mget(VERSION, GENERATION)
        if version is None or generation is None:
            return None
        return parse(version + b" " + generation)

    def write_state(self, state):
        pipe = self.client.pipeline(transaction=True)
        pipe.set(VERSION, _version_line(state))
        pipe.set(GENERATION, state["generation"])
        pipe.publish(CHANNEL, b"")
        self._call(pipe.execute)
        self.subscription.forget()

    def replace_state(self, old, new):
        if old["generation"] != new["generation"]:
            raise ValueError("a scheduled renewal keeps the generation")
        line = (_version_line(old), _version_line(new))
        replaced = bool(self._call(self._replace, keys=[VERSION, CHANNEL], args=line))
        self.subscription.forget()
        return replaced

    def get(self, key):
        return self._call(self.client.get, f"pagecache:page:{key}")

    def put(self, key, data, seconds):
        self._call(self.client.set, f"pagecache:page:{key}", data, ex=seconds)

    def lock(self, key, seconds):
        return bool(self._call(self.client.set, f"pagecache:lock:{key}", b"1", nx=True, ex=seconds))

    def unlock(self, key):
        self._call(self.client.delete, f"pagecache:lock:{key}")

    def entries(self):
        return sum(1 for _ in self._call(self.client.scan_iter, "pagecache:page:*"))

    def ping(self):
        # A readiness probe asks now, whatever the breaker says, and its answer counts.
        try:
            self.client.ping()
        except redis.RedisError:
            self.breaker.trip()
            return False
        self.breaker.reset()
        return True

    def eviction_policy(self):
        """Redis's maxmemory-policy when it may evict keys that have no expiry (the content
        version), else None. INFO, not CONFIG GET: managed Redis services often refuse CONFIG."""
        try:
            policy = self.client.info("memory").get("maxmemory_policy", "")
        except redis.RedisError:
            return None  # unreachable: ping() says so
        return policy if policy.startswith("allkeys-") else None

    def clear(self):
        keys = list(self._call(self.client.scan_iter, "pagecache:*"))
        if keys:
            self._call(self.client.delete, *keys)
        self._call(self.client.publish, CHANNEL, b"")
        self.subscription.forget()


def _version_line(state):
    # "version until": the first two fields of the version file's line.
    return b" ".join(encode(state).split()[:2])
