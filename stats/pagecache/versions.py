"""The content version: every stored page carries the version it was rendered under, and is
served only while that version is current.

The application says when content changes (`content_changed`): one new version per
transaction, once it is committed. A change to content the public has seen also renews the
*generation*, voiding every last good copy made before it. The application also says when the
next scheduled change is (`schedule`): the version then renews itself at that moment, to the
same new value in every process, so the moment costs one render per page, not one per worker.
"""

import hashlib
import threading
import time
import uuid

from django.db import transaction

_next_moment = None  # set by the application: () -> timestamp or None
_lock = threading.Lock()


def schedule(next_moment):
    """Register how to find the next moment public content changes by itself."""
    global _next_moment
    _next_moment = next_moment


class Versions:
    def __init__(self, store, database_breaker):
        self.store = store
        self.database_breaker = database_breaker
        # Set while the store is unreachable: nobody can tell what changed meanwhile (a
        # change made then could not be recorded), so a new version is made once it is back.
        self._missed = None

    def _until(self):
        if self.database_breaker.is_open or _next_moment is None:
            return time.time() + self.database_breaker.seconds  # ask again shortly
        return _next_moment()

    def current(self):
        """The current state ({version, until, generation}); None while the store is down."""
        from .local_store import Unavailable

        try:
            if self._missed is not None:
                self._renew(void=self._missed)
                self._missed = None
            state = self.store.current_state()
            if state is None:
                return self._renew(void=False)
            if state["until"] is not None and time.time() >= state["until"]:
                return self._renew_at_moment(state)
            return state
        except Unavailable:
            self._missed = bool(self._missed)
            return None

    def last_known(self):
        """While the store is unreachable: the generation this process last read, enough to
        pick last good copies by; None if unknown, or if this process has voided it since."""
        generation = self.store.last_generation()
        if generation is None or self._missed:
            return None
        return {"version": None, "until": None, "generation": generation}

    def settled(self):
        """The current state if it needs nothing done (no renewal due, nothing missed); None
        otherwise or while the store is down. For the front door, which runs before Django's
        request signals: a renewal asks the database when the next moment is, and that is
        done in Django's request, after the signals have checked the connection."""
        from .local_store import Unavailable

        if self._missed is not None:
            return None
        try:
            state = self.store.current_state()
        except Unavailable:
            return None
        if state is None or (state["until"] is not None and time.time() >= state["until"]):
            return None
        return state

    def _renew_at_moment(self, old):
        # Derived from the old version, so every process that notices the moment writes the
        # same new one; and written only over the old, so a change saved meanwhile stands.
        version = hashlib.sha256(f"{old['version']} {old['until']}".encode()).hexdigest()[:32]
        new = {"version": version, "until": self._until(), "generation": old["generation"]}
        if self.store.replace_state(old, new):
            return new
        return self.store.read_state() or new

    def _renew(self, void):
        generation = None
        if not void:
            state = self.store.read_state()
            # A store that came back empty (Redis restarted) gets the generation it had, as a
            # store that kept its state keeps it: a new one would void every last good copy
            # just when they may be needed, should the database fail next.
            generation = state["generation"] if state else self.store.last_generation()
        new = {
            "version": uuid.uuid4().hex,
            "until": self._until(),
            "generation": generation or uuid.uuid4().hex,
        }
        self.store.write_state(new)
        return new

    def renew(self, void=False):
        """A new version now (and a new generation if `void`)."""
        from .local_store import Unavailable

        try:
            self._renew(void)
        except Unavailable:
            self._missed = void or bool(self._missed)


def content_changed(versions, *, void, using=None):
    """Public content changed: a new version once the transaction commits (at once outside
    one), however many records it touched; `void` if the public had seen the content."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        versions.renew(void)
        return
    with _lock:
        pending = getattr(connection, "_pagecache_pending", None)
        # Still queued? A rolled-back savepoint drops the callbacks registered inside it
        # (Django keeps them in run_on_commit), and then a new one is needed.
        if pending is not None and any(func is pending for _, func, _ in connection.run_on_commit):
            pending.void = pending.void or void
            return
        pending = _Pending(versions, void)
        connection._pagecache_pending = pending
    transaction.on_commit(pending, using=using)


class _Pending:
    def __init__(self, versions, void):
        self.versions = versions
        self.void = void

    def __call__(self):
        self.versions.renew(self.void)
