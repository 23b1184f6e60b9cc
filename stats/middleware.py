import logging

from django.conf import settings
from django.db import DataError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found

logger = logging.getLogger(__name__)


def admin_not_indexed(get_response):
    """Tell search engines to leave the admin alone, without naming its address in robots.txt."""
    prefix = "/" + settings.ADMIN_URL

    def middleware(request):
        response = get_response(request)
        if request.path.startswith(prefix):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return middleware


def public_cache_headers(get_response):
    """Let a CDN keep public pages briefly and serve a stale copy while it checks for a new one
    (and, if set, when the site errs). Browsers check every time (a cheap 304 when nothing
    changed), so a correction or a scheduled year shows at once. Views that must never be
    cached (the admin, previews, health checks) say so themselves and are left alone."""
    value = (
        f"public, max-age=0, s-maxage={settings.CDN_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.HTTP_STALE_WHILE_REVALIDATE_SECONDS}"
    )
    # Off unless set (and capped in settings): in an outage the site serves its own last good
    # copies, which a correction voids; a CDN's stale copy would not be.
    if settings.HTTP_STALE_IF_ERROR_SECONDS:
        value += f", stale-if-error={settings.HTTP_STALE_IF_ERROR_SECONDS}"
    admin = "/" + settings.ADMIN_URL

    def middleware(request):
        response = get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and not response.has_header("Cache-Control")
            and response.status_code in (200, 301, 404)
            and not request.path.startswith(admin)
        ):
            response["Cache-Control"] = value
        return response

    return middleware


def permissions_policy(get_response):
    """Turn off the browser features the site never uses."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def _takes_forms(request):
    """A public page a form posts to (stats/public/guard.py: public_form), or a provider's
    bounce report (django-anymail's webhooks, checked by their own shared secret)."""
    if request.path.startswith("/anymail/"):
        return True
    try:
        return getattr(resolve(request.path_info).func, "accepts_post", False)
    except Resolver404:
        return False


def allowed_methods(get_response):
    """Answer only the methods a page can take: GET and HEAD everywhere, POST in the admin
    and on the pages public forms post to. OPTIONS says so in an Allow header with no page;
    anything else (TRACE, PUT, DELETE...) gets a plain 405 before any view, form or CSRF
    check sees it."""
    admin = "/" + settings.ADMIN_URL

    def middleware(request):
        allowed = ["GET", "HEAD"]
        if request.method not in allowed and (
            request.path.startswith(admin) or _takes_forms(request)
        ):
            allowed.append("POST")
        if request.method in allowed:
            return get_response(request)
        allowed.append("OPTIONS")
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(allowed)
        else:
            response = HttpResponseNotAllowed(allowed)
        response["Cache-Control"] = "no-store"
        return response

    return middleware


class BadInputNotFound:
    """A database that refuses a value it was given (a NUL byte in an address, a number out of
    range) is the visitor's fault, not an outage: answer 404 and log the traceback, instead of
    letting the page cache report the site as unavailable (503). Listed after
    PageCacheMiddleware, so Django asks this first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DataError):
            return None
        logger.error(
            "Bad input refused by the database: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return page_not_found(request, Http404())
