from django.conf import settings


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
    or when the site errs. Browsers check every time (a cheap 304 when nothing changed), so a
    correction or a scheduled year shows at once. Views that must never be cached (the admin,
    previews, health checks) say so themselves and are left alone."""
    value = (
        f"public, max-age=0, s-maxage={settings.CDN_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.HTTP_STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={settings.HTTP_STALE_IF_ERROR_SECONDS}"
    )
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
