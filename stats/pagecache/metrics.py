"""The page cache's counters for Prometheus (served by gunicorn.conf.py, docs/operations.md):
how pages were answered. A high share of renders outside a release moment means the cache is
not doing its job; stale answers mean the database was unreachable.

Counted only where metrics are served (settings.METRICS): elsewhere each counter does nothing,
and no worker loads prometheus_client for it.
"""

from django.conf import settings


class _Uncounted:
    def inc(self, amount=1):
        pass


if settings.METRICS:
    from prometheus_client import Counter

    HITS = Counter(
        "alliance_page_cache_hits",
        "Public pages answered from the cache, by where the copy was found",
        ["source"],
    )
    MISSES = Counter("alliance_page_cache_misses", "Cacheable requests with no current copy")
    RENDERS = Counter("alliance_page_cache_renders", "Pages rendered and stored")
    STALE = Counter(
        "alliance_page_cache_stale", "Last good copies served while the database was unreachable"
    )
    MEMORY_HITS = HITS.labels("memory")
    STORE_HITS = HITS.labels("store")
else:
    MISSES = RENDERS = STALE = MEMORY_HITS = STORE_HITS = _Uncounted()
