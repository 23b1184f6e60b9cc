"""The page cache's content version in a small file that every worker maps into memory.

A cached page is answered only after checking the version, so the check is on every request.
Read through a shared memory mapping it is a plain memory read, with no system call, and a new
version written by any process on the machine is seen by the next request of every other.
We write the file in place and never replace or shorten it; should someone delete it, every
process maps the new one within a second.
"""

import mmap
import os
import threading
import time

SIZE = 64


class VersionFile:
    def __init__(self, path, check_every=1.0):
        self.path = path
        self.check_every = check_every
        self._map = None
        self._inode = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def _mapping(self):
        # Someone may delete the file (an operator, a cleaner of old files in /tmp). At most
        # once a second, check the mapped file is still the one at the path, so no worker goes
        # on reading a file that the others no longer write.
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
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            info = os.fstat(fd)
            if info.st_size < SIZE:
                os.ftruncate(fd, SIZE)
            return mmap.mmap(fd, SIZE), info.st_ino
        finally:
            os.close(fd)

    def read(self):
        """{"version": ..., "until": timestamp or None}, or None before the first write.

        A read that overlaps a write may see a mix of old and new: at worst an unknown version,
        so the page is rendered afresh, never an out-of-date page served.
        """
        fields = bytes(self._mapping()).split()
        if len(fields) != 2 or len(fields[0]) != 32:
            return None
        try:
            until = None if fields[1] == b"-" else float(fields[1])
        except ValueError:
            return None
        return {"version": fields[0].decode("ascii", "replace"), "until": until}

    def clear(self):
        """Forget the version: the next read finds none and a new one is made."""
        self._mapping()[:SIZE] = b" " * SIZE

    def write(self, state):
        until = "-" if state["until"] is None else repr(state["until"])
        line = f"{state['version']} {until}".encode().ljust(SIZE)
        self._mapping()[:SIZE] = line[:SIZE]
