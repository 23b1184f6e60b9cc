"""The floor with a database, for memory only: bench/floor.py's answer after one round trip to
PostgreSQL, with the ORM, psycopg and the contenttypes and auth apps loaded — what a worker of
any Django site that reads PostgreSQL and has staff accounts carries before its own code.

A settings module and URLconf in one, served by `bench/run.py` under the same gunicorn
settings as the site, with the same database connection settings.
"""

import os
from pathlib import Path

import environ
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-floor-only"  # noqa: S105 - serves fixed bytes on loopback, nothing to protect
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
MIDDLEWARE = []
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {"default": environ.Env.db_url_config(os.environ["DATABASE_URL"])}
DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
USE_TZ = True

_folder = Path(os.environ.get("FLOOR_BODIES", "."))
BODIES = {body.name: body.read_bytes() for body in _folder.iterdir() if body.suffix != ".json"}


def one_query(request, name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(BODIES[name])


urlpatterns = [path("<str:name>", one_query)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_db")
application = get_wsgi_application()
