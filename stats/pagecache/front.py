"""The page cache's front door: a WSGI wrapper around Django's handler (alliance/wsgi.py) that
answers a GET or HEAD for a page this worker holds at the current content version, before
Django's request signals, middleware and HttpResponse: about half of a cached page's time in
the site's own code, profiled (docs/decisions/0006-page-cache-layer.md).

It answers only when it is sure; everything else goes on to Django, where PageCacheMiddleware
decides as before: a host not allowed (Django's 400), a conditional request (the 304 is
Django's), a static file, a page not held or no longer current, a content version due to
renew (renewing asks the database), the store unreachable. Both send a page the same way
(Entry.answer) and log the same line with the same request id (stats/request_log.py), from
the same reading of our proxy's headers (stats/visitors.py); a request the front door looked
at and left to Django keeps the id the front's own lines were logged with.
"""

import time
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from alliance.log import request_id
from stats import request_log
from stats.visitors import forget_untrusted_forwarding

from . import metrics, page_cache
from .addresses import page_key
from .middleware import CONDITIONAL


class PageCacheFront:
    def __init__(self, application):
        self.application = application
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, environ, start_response):
        started = time.monotonic()
        if not self.may_answer(environ):
            return self.application(environ, start_response)
        request = WSGIRequest(environ)
        forget_untrusted_forwarding(request)
        this_id = request_log.id_for(request)
        token = request_id.set(this_id)  # on what the lookup logs too (Redis gone...)
        try:
            entry = self.current_entry(request)
            if entry is None:
                environ[request_log.FRONT_DOOR_ID] = this_id  # Django's line says the same id
                return self.application(environ, start_response)
            metrics.MEMORY_HITS.inc()
            status, headers, body = entry.answer(environ.get("HTTP_ACCEPT_ENCODING", ""))
            headers["X-Request-ID"] = this_id
            start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
            request_log.log(request, status, started)
        finally:
            request_id.reset(token)
        return [b""] if request.method == "HEAD" else [body]

    def may_answer(self, environ):
        """A plain GET or HEAD of a page, as far as can be told before reading more."""
        path = environ.get("PATH_INFO", "")
        return (
            settings.PAGE_CACHE
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and not environ.get("SCRIPT_NAME")
            and path.isascii()  # Django's decoding of other bytes is Django's to do
            and not path.startswith(self.static_prefix)
            and not any(name in environ for name in CONDITIONAL)
        )

    @staticmethod
    def current_entry(request):
        """This worker's copy of the page, if it is current; None to leave it to Django."""
        cache = page_cache()
        try:
            key = page_key(request)
        except DisallowedHost:
            return None
        entry = cache.memory.get(key)
        if entry is None:
            return None
        state = cache.versions.settled()
        if state is None or not entry.is_current(state):
            return None
        return entry
