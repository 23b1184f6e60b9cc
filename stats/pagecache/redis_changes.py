"""Each process's copy of the content version, kept in step by Redis, so a cached page costs
no round trip and no system call.

Every change of version is published on a channel. In each process a thread subscribes,
reads the version again when told of a change, and pings Redis every quarter `heartbeat`:
Redis sends a subscriber its messages in order, so a pong proves that every change published
before its ping was sent has arrived. A request takes the copy while the last answered ping
was sent within `heartbeat` seconds, and otherwise reads the version from Redis itself.

So a change made on any machine reaches every process as fast as a message crosses the
network (a few milliseconds at most), the process that made it reads it at once, and after a
network fault that loses packets without closing the connection a machine serves the
previous version for at most `heartbeat`. The thread is started by the first request of each
process, so a gunicorn worker forked from the master has its own.
"""

import logging
import os
import threading
import time
from collections import deque

import redis

logger = logging.getLogger("stats.pagecache")

CHANNEL = "pagecache:changed"


class Subscription:
    def __init__(self, client, read, heartbeat, timeout):
        self.client = client
        self.read = read  # one round trip: the state as Redis has it now
        self.heartbeat = heartbeat
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pid = None
        self._state = None
        # The generation of the last state read, kept when Redis is gone or comes back empty.
        self.generation = None
        self._heard = 0.0  # when the last answered ping (or the subscription) was sent
        # Reads are numbered as they begin, and the copy only ever takes a later one's answer:
        # a slow read begun before a change cannot undo the read made after it.
        self._reads = self._kept = 0
        self._stopping = threading.Event()

    def state(self):
        """The current state: this process's copy while it is known to be current, else read
        from Redis (whose failure is the caller's to handle)."""
        if self._pid != os.getpid():
            self._start()
        state = self._state  # once: the thread may replace it meanwhile
        return state if self._trusted(state) else self.read()

    @property
    def in_step(self):
        return self._pid == os.getpid() and self._trusted(self._state)

    def _trusted(self, state):
        return state is not None and time.monotonic() - self._heard < self.heartbeat

    def forget(self):
        """This process has just changed the version: read it again now, rather than serve
        the copy until its own message comes back."""
        with self._lock:
            self._state, self._kept = None, self._reads
        try:
            self._refresh()
        except (redis.RedisError, OSError):
            pass  # requests read it from Redis meanwhile

    def _start(self):
        with self._lock:
            if self._pid == os.getpid():
                return
            # Forked: the parent's thread did not come along, and its connection is the
            # parent's to use.
            self._pid, self._state, self._heard = os.getpid(), None, 0.0
            self.generation = None
            threading.Thread(target=self._listen, name="page cache version", daemon=True).start()

    def stop(self):
        """No more subscription (requests read the version from Redis)."""
        self._stopping.set()

    def _listen(self):
        self._quiet = False  # set once a loss is logged, until subscribed again
        while not self._stopping.is_set():
            try:
                self._follow()
            except (redis.RedisError, OSError) as error:
                if not self._quiet:  # once per outage: Redis's failures are logged elsewhere
                    logger.info("Page cache subscription lost, subscribing again: %s", error)
                    self._quiet = True
            except Exception:  # the thread must not die: requests would ask Redis each time
                logger.exception("Page cache subscription failed, subscribing again")
            self._heard = 0.0
            self._stopping.wait(self.heartbeat)

    def _follow(self):
        pubsub = self.client.pubsub()
        try:
            sent = time.monotonic()
            pubsub.subscribe(CHANNEL)
            # Confirmed before the version is read, so no change can fall between the two.
            confirmation = pubsub.get_message(timeout=self.timeout)
            if confirmation is None or confirmation["type"] != "subscribe":
                raise redis.TimeoutError("no confirmation of the subscription")
            self._refresh()
            self._heard, self._quiet = sent, False
            pings, pinged = deque(), sent
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=self.heartbeat / 4)
                if message is not None and message["type"] == "pong" and pings:
                    self._heard = pings.popleft()
                elif message is not None and message["type"] == "message":
                    self._refresh()
                now = time.monotonic()
                if now - pinged >= self.heartbeat / 4:
                    pubsub.ping()
                    pings.append(now)
                    pinged = now
                if pings and now - pings[0] > self.heartbeat:
                    raise redis.TimeoutError("no answer within the heartbeat")
        finally:
            try:
                pubsub.close()
            except (redis.RedisError, OSError):
                pass

    def _refresh(self):
        with self._lock:
            self._reads += 1
            number = self._reads
        state = self.read()
        with self._lock:
            if number > self._kept:
                self._state, self._kept = state, number
                if state is not None:
                    self.generation = state["generation"]
