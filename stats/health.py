"""Probes for load balancers and orchestrators."""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Alive: the process answers. Never touches the database, so an outage does not restart us."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready: the database answers too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
