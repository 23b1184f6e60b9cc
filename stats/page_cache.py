"""Public pages served from Django's cache, invalidated the moment anything changes.

Views marked with `cached_page` are stored by `PageCacheMiddleware`, the first middleware:
a page served from the cache skips every other middleware and the view itself, and never
touches the database. It is stored with the headers the rest of the stack gave it.

Every cached page's key carries the *content version*. Any save or delete of the press
office's records makes a new version (signals in stats/signals.py), so the next request
renders afresh. The version also knows the next scheduled publication time and renews itself
then, so a year scheduled for 7am appears at 7am although nothing was saved at 7am.

The version, and the last good copy of each page (served when the database is unreachable),
are kept where every process sees them: in Redis when CACHE_URL is Redis; otherwise on local
disk, shared by the workers of one machine (the version in a memory-mapped file, read on every
request; the copies in a file cache).
"""

import functools
import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.db.models import Min
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .enums import YearState
from .models import Year
from .version_file import VersionFile

VERSION_KEY = "stats:content-version"
# Renewed whenever public content is corrected or withdrawn: last good copies made before then
# are never served again, so an outage cannot show a figure the force has since corrected, nor
# bring back a page it has taken down.
GENERATION_KEY = "stats:last-good-generation"
CACHED_STATUSES = {200, 301}
NOT_STORED_HEADERS = {"set-cookie"}


def _next_scheduled_moment():
    try:
        moment = Year.objects.filter(
            state=YearState.PUBLISHED, published_at__gt=timezone.now()
        ).aggregate(first=Min("published_at"))["first"]
    except DatabaseError:
        return time.time() + 30  # no database to ask: look again shortly
    return moment.timestamp() if moment else None


@functools.cache
def _version_file(path):
    return VersionFile(path)


def _read_state():
    if settings.CONTENT_VERSION_FILE:
        return _version_file(settings.CONTENT_VERSION_FILE).read()
    return caches["shared"].get(VERSION_KEY)


def new_version():
    """Make a new content version: every cached page is out of date from now on."""
    state = {"version": uuid.uuid4().hex, "until": _next_scheduled_moment()}
    if settings.CONTENT_VERSION_FILE:
        _version_file(settings.CONTENT_VERSION_FILE).write(state)
    else:
        caches["shared"].set(VERSION_KEY, state, None)
    return state["version"]


def content_version():
    # Read on every request, from shared memory or Redis: a per-process copy could miss a
    # change made through another process and serve a stale page.
    state = _read_state()
    if state is None or (state["until"] is not None and time.time() >= state["until"]):
        return new_version()
    return state["version"]


def void_last_good_copies():
    """Public content was corrected or withdrawn: every last good copy made so far is void
    (all of them, to be safe), and every cached page out of date."""
    caches["shared"].set(GENERATION_KEY, uuid.uuid4().hex, None)
    new_version()


def cached_page(view):
    """Mark a public view's responses as the same for everyone, so they may be cached."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    wrapper.__name__ = getattr(view, "__name__", type(view).__name__)
    wrapper.__doc__ = view.__doc__
    return wrapper


def _key(request, version):
    # Scheme, host and path only: a query string cannot multiply the entries, and a plain
    # HTTP request still reaches SecurityMiddleware's redirect to HTTPS. Hashed, because an
    # address may be long or hold characters no cache accepts in a key.
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    return f"stats:page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def _from_cache(request, stored):
    status, headers, content = stored
    conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    if status == 200 and conditional:
        last_modified = parse_http_date_safe(headers.get("Last-Modified", ""))
        unchanged = get_conditional_response(
            request, etag=headers.get("ETag"), last_modified=last_modified
        )
        if unchanged is not None:
            return unchanged
    return HttpResponse(content, status=status, headers=headers)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(self.static_prefix)
        ):
            return self.get_response(request)
        page_cache = caches["default"]
        # Read once: a page rendered while a save lands is stored under the old version.
        version = content_version()
        stored = page_cache.get(_key(request, version))
        if stored is not None:
            return _from_cache(request, stored)
        # Also read before rendering: a page rendered while a correction lands is not a good
        # copy of the corrected content.
        generation = caches["shared"].get(GENERATION_KEY)
        response = self.get_response(request)
        # Stored from GET only: Django leaves the ETag off an answer to HEAD, and a HEAD's
        # entry would then answer the GETs that follow without one.
        if (
            request.method == "GET"
            and getattr(response, "page_cacheable", False)
            and response.status_code in CACHED_STATUSES
            and not response.streaming
        ):
            headers = {k: v for k, v in response.items() if k.lower() not in NOT_STORED_HEADERS}
            stored = (response.status_code, headers, response.content)
            page_cache.set(_key(request, version), stored, settings.PAGE_CACHE_SECONDS)
            # The last good copy, whatever the version: served if the database goes away.
            caches["shared"].set(_key(request, "last-good"), (generation, stored), None)
        return response

    def process_exception(self, request, exception):
        """The database is unreachable: a stale results page beats an error page."""
        if not isinstance(exception, DatabaseError):
            return None
        if request.method in ("GET", "HEAD") and not request.path.startswith(
            "/" + settings.ADMIN_URL
        ):
            shared = caches["shared"]
            generation, stored = shared.get(_key(request, "last-good"), (None, None))
            if stored is not None and generation == shared.get(GENERATION_KEY):
                response = _from_cache(request, stored)
                response["Cache-Control"] = "no-cache"
                response["X-Served-Stale"] = "database unavailable"
                return response
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
