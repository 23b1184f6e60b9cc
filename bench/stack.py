"""Reference points for an uncached page: the site's own settings and middleware answering
with a page's captured bytes, first with no database work, then after one round trip to
PostgreSQL (`SELECT 1`). No page rendered from the database can beat the second, so the two
show how much of the floor an uncached page could ever reach on this machine.

A settings module and URLconf in one, served by `bench/run.py` under the same gunicorn
settings as the site.
"""

import os
from pathlib import Path

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from alliance.settings import *  # noqa: F403 - the site's settings, middleware and database

ROOT_URLCONF = __name__

_folder = Path(os.environ.get("FLOOR_BODIES", "."))
BODIES = {body.name: body.read_bytes() for body in _folder.iterdir() if body.suffix != ".json"}


def stack_only(request, name):
    return HttpResponse(BODIES[name])


def one_query(request, name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(BODIES[name])


urlpatterns = [path("stack/<str:name>", stack_only), path("query/<str:name>", one_query)]
