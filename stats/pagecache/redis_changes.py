"""Each process's copy of the content version, kept in step by Redis, so a cached page costs
no round trip.

Every change of version is published on a channel each process subscribes to. A request
looks at the subscription without waiting: a message there means "read the version again";
with nothing there, this process's copy is current. Redis sends a subscriber its messages in
order, so a pong proves that every change published before its ping was sent has arrived.
While it serves, a process pings every half `heartbeat`, and trusts its copy only while the
last answered ping was sent within `heartbeat` seconds; otherwise it subscribes again (one
round trip, and a failure is Redis's). So after a network fault that loses packets without
closing the connection, a machine serves the previous version for at most `heartbeat`.

Nothing runs in the background: a gunicorn worker forked from a master that had subscribed
simply subscribes again.
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
        self._pubsub = None
        self._pid = None
        self._state = None
        self._heard = 0.0  # when the last answered ping (or the subscription) was sent
        self._pings = deque()  # when each ping still unanswered was sent
        self._pinged = 0.0

    def state(self):
        """The current state: this process's copy while the subscription is known to be in
        step, else read from Redis. Failing to reach Redis is the caller's error; a broken
        subscription is made again."""
        with self._lock:
            if self._pubsub is not None and self._pid == os.getpid():
                try:
                    if self._in_step(time.monotonic()):
                        return self._state
                except (redis.RedisError, OSError) as error:
                    # After a quiet spell too, when no ping was sent: not a fault by itself.
                    logger.info("Page cache subscription out of step, subscribing again: %s", error)
                    self._close()
            if self._pubsub is None or self._pid != os.getpid():
                self._subscribe()
            self._state = self.read()
            return self._state

    def forget(self):
        """This process changed the version: read it afresh on the next request rather than
        wait for its own message."""
        with self._lock:
            self._state = None

    def _in_step(self, now):
        changed = False
        while (message := self._pubsub.get_message(timeout=0)) is not None:
            if message["type"] == "pong" and self._pings:
                self._heard = self._pings.popleft()
            changed = changed or message["type"] == "message"
        if now - self._heard > self.heartbeat:
            raise redis.TimeoutError("no answer within the heartbeat")
        if now - self._pinged > self.heartbeat / 2:
            self._pubsub.ping()
            self._pings.append(now)
            self._pinged = now
        return not changed and self._state is not None

    def _subscribe(self):
        # A subscription made before a fork belongs to the parent: leave its socket alone.
        self._pubsub, self._pid = None, os.getpid()
        pubsub = self.client.pubsub()
        sent = time.monotonic()
        try:
            pubsub.subscribe(CHANNEL)
            # Confirmed before the version is read, so no change can fall between the two.
            confirmation = pubsub.get_message(timeout=self.timeout)
            if confirmation is None or confirmation["type"] != "subscribe":
                raise redis.TimeoutError("no confirmation of the subscription")
        except BaseException:
            pubsub.close()
            raise
        self._pubsub, self._heard = pubsub, sent
        self._pings.clear()

    def _close(self):
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except (redis.RedisError, OSError):
                pass
        self._pubsub = None
