"""A circuit breaker: after a failure, stop calling a dependency for a few seconds.

A dead Redis or a hung database would otherwise cost every request a timeout. Two states and
a clock are all we need; libraries such as pybreaker wrap each call, and the database's
failures reach us after the fact (in `process_exception`), so they fit less well than this.
"""

import time


class Breaker:
    def __init__(self, seconds):
        self.seconds = seconds
        self._open_until = 0.0

    def trip(self):
        """A failure: nothing is attempted for `seconds`, then one request tries again."""
        self._open_until = time.monotonic() + self.seconds

    def reset(self):
        self._open_until = 0.0

    @property
    def is_open(self):
        return time.monotonic() < self._open_until
