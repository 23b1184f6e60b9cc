"""Each worker's own copies of the pages it has served, so a cached page costs one look at the
content version (memory-mapped, or a copy Redis keeps in step) and no copying of its bytes.
Bounded: the least recently used copy makes room."""

import threading
from collections import OrderedDict


class Memory:
    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()
