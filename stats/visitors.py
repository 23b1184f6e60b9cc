"""Who a request came from, behind our own reverse proxy (deploy/nginx.conf).

Behind the proxy every request comes from the proxy's address, so the visitor's address is
taken from X-Forwarded-For, and only when the request came from a proxy we trust
(TRUSTED_PROXIES): anyone else could write any address there. Used by the sign-in lockout and
the log of preview link uses alike.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def from_trusted_proxy(request):
    return _trusted(request.META.get("REMOTE_ADDR", ""), tuple(settings.TRUSTED_PROXIES))


@lru_cache(maxsize=1024)  # asked several times a request, of a few addresses: parsed once
def _trusted(address, proxies):
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(net, strict=False) for net in proxies)


def trusted_proxy_headers(get_response):
    """First middleware: X-Forwarded-* headers count only when our own proxy sent them. From
    anyone else they are dropped, so no client can claim HTTPS or another address."""

    def middleware(request):
        forget_untrusted_forwarding(request)
        return get_response(request)

    return middleware


def forget_untrusted_forwarding(request):
    """Drop X-Forwarded-* unless our own proxy sent them (the middleware above, and the page
    cache's front door, which answers before it: stats/pagecache/front.py)."""
    if not from_trusted_proxy(request):
        for name in FORWARDED_HEADERS:
            request.META.pop(name, None)


def client_address(request):
    """The visitor's address (AXES_CLIENT_IP_CALLABLE): the last X-Forwarded-For entry, which
    our proxy wrote (deploy/nginx.conf replaces whatever the client sent), when the request came
    through it; REMOTE_ADDR otherwise."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and from_trusted_proxy(request):
        try:
            return str(ipaddress.ip_address(forwarded.split(",")[-1].strip()))
        except ValueError:
            return remote
    return remote
