"""Probes for load balancers, orchestrators and container health checks."""

import json

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from stats.pagecache import page_cache, without_database


@never_cache
@without_database
def healthz(request):
    """Alive: the process answers. Touches neither the database nor the cache, so an outage
    of either never gets every instance restarted."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@without_database
def readyz(request):
    """Ready: each dependency on its own, as JSON: {"database": "ok", "cache": "failing"}.

    503 unless all are ok. A database that failed a moment ago (its breaker is open) is
    reported failing at once rather than waited on again.
    """
    cache = page_cache()
    checks = {"database": "ok", "cache": "ok" if cache.store.ping() else "failing"}
    evicts = checks["cache"] == "ok" and cache.store.eviction_policy()
    if evicts:
        # It could drop the content version: a server would then serve pages as they were.
        checks["cache"] = f"would evict (maxmemory-policy {evicts}): set noeviction"
    if cache.database.is_open:
        checks["database"] = "failing"
    else:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            cache.database.trip()
            checks["database"] = "failing"
    ok = all(value == "ok" for value in checks.values())
    return HttpResponse(
        json.dumps(checks), status=200 if ok else 503, content_type="application/json"
    )


PROBES = {"/healthz": healthz, "/readyz": readyz}


def probes(get_response):
    """First middleware: the probes are answered before anything reads the Host header. Health
    checks call a server by its address (127.0.0.1:8000 inside its container, a pod's IP),
    which ALLOWED_HOSTS rightly does not list: through the host check they would get 400 and
    log a DisallowedHost every time. The probes build no address from the host, so nothing
    is lost by skipping it."""

    def middleware(request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return get_response(request)

    return middleware
