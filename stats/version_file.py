"""The page cache's content version in a small file that every worker maps into memory.

A cached page is answered only after checking the version, so the check is on every request.
Read through a shared memory mapping it is a plain memory read, with no system call, and a new
version written by any process on the machine is seen by the next request of every other.
The file is written in place and never replaced or shortened, so a mapping never goes stale.
"""

import mmap
import os
import threading

SIZE = 64


class VersionFile:
    def __init__(self, path):
        self.path = path
        self._map = None
        self._lock = threading.Lock()

    def _mapping(self):
        if self._map is None:
            with self._lock:
                if self._map is None:
                    os.makedirs(os.path.dirname(self.path), exist_ok=True)
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    try:
                        if os.fstat(fd).st_size < SIZE:
                            os.ftruncate(fd, SIZE)
                        self._map = mmap.mmap(fd, SIZE)
                    finally:
                        os.close(fd)
        return self._map

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
