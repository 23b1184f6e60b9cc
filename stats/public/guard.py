"""Forms on public pages. The pages they sit on come from a cache every visitor shares, so
the forms carry no CSRF token: each posts to a page of its own, never cached, which defends
itself instead. A post from another site's page is refused (the browser's Origin and
Sec-Fetch-Site headers say where it came from); a hidden field that people never see but
robots fill in (the honeypot) marks a robot; and the form's rate limit applies
(stats/alerts/limits.py)."""

import functools
from urllib.parse import urlsplit

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

HONEYPOT = "website"


def same_origin(request):
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin in (None, "null"):
        return origin is None
    return urlsplit(origin).netloc.lower() == request.get_host().lower()


def public_form(view):
    """A view a public page's form posts to: POST allowed (stats/middleware.py), never
    cached, no CSRF token, and a post from another site refused."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not same_origin(request):
            return render(request, "stats/forms/refused.html", status=403)
        return view(request, *args, **kwargs)

    wrapper = csrf_exempt(never_cache(wrapper))
    wrapper.accepts_post = True
    return wrapper


def is_robot(request):
    return bool(request.POST.get(HONEYPOT, "").strip())
