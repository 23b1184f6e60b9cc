"""Probes for load balancers and orchestrators."""

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
