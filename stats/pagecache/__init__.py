"""The whole-page cache: public pages answered from a store every worker shares, before any
other middleware runs, and a last good copy of each served when the database is unreachable.

A small layer of its own that knows nothing of years or figures. The application tells it:
- which views are the same for everyone (`cached_page`) and which never need the database
  (`without_database`: health probes);
- when public content changes (`content_changed`), and whether the public had seen it;
- how to find the next moment content changes by itself (`schedule`), e.g. a year scheduled
  to go public at 7am.

The store is Redis when CACHE_URL is Redis (several machines), otherwise files in a folder of
the site's own (one machine). See docs/decisions/0006-page-cache-layer.md.
"""

import functools

from django.conf import settings

from .breaker import Breaker
from .local_store import LocalStore, Unavailable
from .memory import Memory
from .versions import Versions, schedule
from .versions import content_changed as _content_changed

__all__ = [
    "PageCache",
    "Unavailable",
    "cached_page",
    "content_changed",
    "page_cache",
    "schedule",
    "without_database",
]


class PageCache:
    """The parts, made once per process from settings."""

    def __init__(self):
        self.database = Breaker(settings.PAGE_CACHE_DATABASE_BREAKER_SECONDS)
        if settings.PAGE_CACHE_REDIS_URL:
            from .redis_store import RedisStore

            self.store = RedisStore(
                settings.PAGE_CACHE_REDIS_URL,
                timeout=settings.PAGE_CACHE_REDIS_TIMEOUT,
                breaker_seconds=settings.PAGE_CACHE_REDIS_BREAKER_SECONDS,
                heartbeat=settings.PAGE_CACHE_REDIS_HEARTBEAT_SECONDS,
            )
        else:
            self.store = LocalStore(settings.SHARED_CACHE_DIR)
        self.versions = Versions(self.store, self.database)
        self.memory = Memory(settings.PAGE_CACHE_MEMORY_PAGES)

    def load(self, key):
        """The stored entry for a page, checked; None if missing, forged or unreachable."""
        from .entry import Entry

        try:
            return Entry.unpack(key, self.store.get(key))
        except Unavailable:
            return None

    def clear(self):
        self.memory.clear()
        self.store.clear()


@functools.cache
def page_cache():
    return PageCache()


def content_changed(*, void_last_good, using=None):
    """Public content changed: every page is rendered afresh once the change is committed;
    with `void_last_good`, no last good copy made before it is ever served again (the public
    may have seen what changed)."""
    _content_changed(page_cache().versions, void=void_last_good, using=using)


def cached_page(view):
    """Mark a public view's responses as the same for everyone, so they may be cached."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    # Not functools.wraps: some views are instances (the feed), whose attributes do not
    # belong on a function.
    wrapper.__name__ = getattr(view, "__name__", type(view).__name__)
    wrapper.__doc__ = view.__doc__
    wrapper.page_cacheable = True  # known before the view runs: one render at a time
    return wrapper


def without_database(view):
    """Mark a view that answers while the database is down (health probes)."""
    view.without_database = True
    return view
