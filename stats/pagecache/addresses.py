"""Which page a request is for, as a key no request can multiply.

The key is the scheme, the canonical host and the path, hashed. The host is `SITE_URL`'s when
it is set, otherwise the `ALLOWED_HOSTS` entry the request matched, without its port: a
request cannot make a new key by varying the port, the query string or the host's case. A
host not allowed is refused (Django's DisallowedHost, a 400) before anything is looked up.
"""

import hashlib
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host


@lru_cache(maxsize=256)  # bounded: only allowed hosts get here, but their ports vary
def _canonical(host, site_url, allowed):
    if site_url:
        return urlsplit(site_url).hostname
    domain, _ = split_domain_port(host)
    for pattern in allowed:
        if validate_host(domain, [pattern]):
            # A wildcard entry (".example.org", "*") stands for every host it matches.
            return pattern if pattern.startswith(".") or pattern == "*" else domain
    return domain  # DEBUG's implicit localhost names


def page_key(request):
    host = _canonical(request.get_host(), settings.SITE_URL, tuple(settings.ALLOWED_HOSTS))
    address = f"{request.scheme}://{host}{request.path}"
    return hashlib.sha256(address.encode()).hexdigest()
