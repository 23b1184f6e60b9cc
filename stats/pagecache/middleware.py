"""`PageCacheMiddleware`, first in the stack: a public page in the cache is answered before
any other middleware runs, with the headers it was stored with, in the encoding the client
accepts (a page the worker holds is answered before Django's handler, even: front.py). A page
is rendered once per content version per deployment (the others wait for it, or serve the
previous copy for a moment); when the database fails, a breaker opens and last good copies
are served at cache speed until it closes."""

import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, get_resolver
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import metrics, page_cache
from .addresses import page_key
from .entry import Entry
from .local_store import Unavailable

logger = logging.getLogger("stats.pagecache")

CACHED_STATUSES = {200, 301}
# A request carrying either may get a 304, which is Django's to decide (front.py leaves it here).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
NOT_STORED_HEADERS = {"set-cookie"}
# A render holds its page's lock at most this long (a worker killed mid-render leaves it).
LOCK_SECONDS = 10
# How long a request waits for another's render before rendering the page itself.
WAIT_SECONDS = 3.0


def respond(request, entry):
    """The stored page in the encoding the client accepts; 304 when it has it already."""
    status, headers, body = entry.answer(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    response = HttpResponse(body, status=status, headers=headers)
    conditional = any(name in request.META for name in CONDITIONAL)
    if entry.status == 200 and conditional:
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        unchanged = get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
        if unchanged is not None and unchanged.status_code == 304:
            return unchanged
    return response


def _view(request):
    try:
        return get_resolver().resolve(request.path_info).func
    except Resolver404:
        return None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        self.admin_prefix = "/" + settings.ADMIN_URL
        self.cache = page_cache()

    def __call__(self, request):
        if not settings.PAGE_CACHE or request.path.startswith(self.static_prefix):
            return self.get_response(request)
        cache = self.cache
        page = request.method in ("GET", "HEAD")
        key = page_key(request)  # an unknown host is refused here, before any look-up
        entry = cache.memory.get(key) if page else None
        if entry is None:
            view = _view(request)
            if not (page and getattr(view, "page_cacheable", False)):
                if cache.database.is_open and not getattr(view, "without_database", False):
                    return self.unavailable(request)
                return self.get_response(request)
        state = cache.versions.current()
        if state is None:  # the store is unreachable: render from the database, uncached
            if cache.database.is_open:
                return self.last_good_copy(request, key, cache.versions.last_known())
            return self.get_response(request)
        if entry is not None and entry.is_current(state):
            metrics.MEMORY_HITS.inc()
            return respond(request, entry)
        stored = cache.load(key)
        if stored is not None and stored.is_current(state):
            metrics.STORE_HITS.inc()
            cache.memory.put(key, stored)
            return respond(request, stored)
        metrics.MISSES.inc()
        if cache.database.is_open:
            return self.last_good_copy(request, key, state, stored)
        if request.method == "HEAD":
            # Not stored: Django leaves the ETag off an answer to HEAD, and a HEAD's entry
            # would then answer the GETs that follow without one.
            return self.get_response(request)
        return self.render_once(request, key, state, stored)

    def render_once(self, request, key, state, stored):
        """Render the page unless another request is rendering it already (in any worker,
        on any machine sharing the store)."""
        cache = self.cache
        try:
            locked = cache.store.lock(key, LOCK_SECONDS)
        except Unavailable:
            return self.get_response(request)
        if locked:
            try:
                # Another request may have stored it between our look and our lock.
                stored = cache.load(key)
                if stored is not None and stored.is_current(state):
                    cache.memory.put(key, stored)
                    return respond(request, stored)
                return self.render_and_store(request, key, state)
            finally:
                try:
                    cache.store.unlock(key)
                except Unavailable:
                    pass
        # The previous copy, while the new one is rendered, unless the change voided it (a
        # correction must show on the very next request).
        if stored is not None and stored.generation == state["generation"]:
            return respond(request, stored)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.01)
            # The version may have moved on meanwhile (after Redis comes back, each process
            # that missed it makes one): the lock's holder renders the newest.
            state = cache.versions.current() or state
            stored = cache.load(key)
            if stored is not None and stored.is_current(state):
                cache.memory.put(key, stored)
                return respond(request, stored)
        return self.render_and_store(request, key, state)

    def render_and_store(self, request, key, state):
        response = self.get_response(request)
        if not (
            getattr(response, "page_cacheable", False)
            and response.status_code in CACHED_STATUSES
            and not response.streaming
        ):
            return response
        headers = {k: v for k, v in response.items() if k.lower() not in NOT_STORED_HEADERS}
        entry = Entry.build(
            state["version"], state["generation"], response.status_code, headers, response.content
        )
        try:
            self.cache.store.put(key, entry.pack(key), settings.PAGE_CACHE_LAST_GOOD_SECONDS)
        except Unavailable:
            return response
        self.cache.memory.put(key, entry)
        metrics.RENDERS.inc()
        logger.info("Rendered %s for version %s", request.path, state["version"][:8])
        answer = respond(request, entry)
        answer.cookies = response.cookies
        return answer

    def process_exception(self, request, exception):
        """The database failed: open the breaker, and a stale results page beats an error."""
        if not isinstance(exception, DatabaseError):
            return None
        self.cache.database.trip()
        logger.warning("Database unavailable, serving last good copies: %s", exception)
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return self.unavailable(request)
        versions = self.cache.versions
        state = versions.current() or versions.last_known()
        return self.last_good_copy(request, page_key(request), state)

    def last_good_copy(self, request, key, state, stored=None):
        if state is not None and not request.path.startswith(self.admin_prefix):
            for entry in (self.cache.memory.get(key), stored or self.cache.load(key)):
                if (
                    entry is not None
                    and entry.generation == state["generation"]
                    and entry.age() < settings.PAGE_CACHE_LAST_GOOD_SECONDS
                ):
                    metrics.STALE.inc()
                    response = respond(request, entry)
                    response["Cache-Control"] = "no-cache"
                    response["X-Served-Stale"] = "database unavailable"
                    return response
        return self.unavailable(request)

    def unavailable(self, request):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
