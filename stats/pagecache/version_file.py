"""The local store's content version in a small file that every worker maps into memory.

A cached page is answered only after checking the version, so the check is on every request.
Read through a shared memory mapping it is a plain memory read, with no system call, and a new
version written by any process on the machine is seen by the next request of every other.
We write the file in place and never replace or shorten it; should someone delete it, every
process maps the new one within a second.

The line holds three fields: the version, when it expires (the next scheduled publication, or
"-"), and the generation of last good copies. Text only: nothing in it is ever executed.
"""

import fcntl
import mmap
import os
import threading
import time
from contextlib import contextmanager

SIZE = 128


class VersionFile:
    def __init__(self, path, check_every=1.0):
        self.path = path
        self.check_every = check_every
        self._map = None
        self._inode = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def _mapping(self):
        # Someone may delete the file (an operator, a cleaner of old files). At most once a
        # second, check the mapped file is still the one at the path, so no worker goes on
        # reading a file that the others no longer write.
        now = time.monotonic()
        if self._map is None or now - self._checked_at >= self.check_every:
            with self._lock:
                self._checked_at = now
                try:
                    inode = os.stat(self.path).st_ino
                except FileNotFoundError:
                    inode = None
                if self._map is None or inode != self._inode:
                    self._map, self._inode = self._open()
        return self._map

    def _open(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            info = os.fstat(fd)
            if info.st_size < SIZE:
                os.ftruncate(fd, SIZE)
            return mmap.mmap(fd, SIZE), info.st_ino
        finally:
            os.close(fd)

    def read(self):
        """{"version", "until" (timestamp or None), "generation"}, or None before the first
        write.

        A read that overlaps a write may see a mix of old and new: at worst an unknown version,
        so the page is rendered afresh, never an out-of-date page served.
        """
        return parse(bytes(self._mapping()))

    def clear(self):
        """Forget the version: the next read finds none and a new one is made."""
        with self._exclusive():
            self._mapping()[:SIZE] = b" " * SIZE

    def write(self, state):
        with self._exclusive():
            self._mapping()[:SIZE] = encode(state)

    def replace(self, old, new):
        """Write `new` only if the file still holds `old`: two processes renewing the same
        version at its scheduled moment cannot undo a change saved meanwhile."""
        with self._exclusive():
            if parse(bytes(self._mapping())) != old:
                return False
            self._mapping()[:SIZE] = encode(new)
            return True

    @contextmanager
    def _exclusive(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock


def encode(state):
    until = "-" if state["until"] is None else repr(state["until"])
    line = f"{state['version']} {until} {state['generation']}".encode()
    return line.ljust(SIZE)[:SIZE]


def parse(data):
    fields = data.split()
    if len(fields) != 3 or len(fields[0]) != 32 or len(fields[2]) != 32:
        return None
    try:
        until = None if fields[1] == b"-" else float(fields[1])
    except ValueError:
        return None
    return {
        "version": fields[0].decode("ascii", "replace"),
        "until": until,
        "generation": fields[2].decode("ascii", "replace"),
    }
