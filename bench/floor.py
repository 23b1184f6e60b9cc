"""The floor: the least work Django can do to answer with a page's bytes.

A settings module, URLconf and WSGI application in one: no middleware, no apps, no database,
each body read once at start-up. `bench/run.py` serves it under the same gunicorn settings as
the site, so the site's throughput can be stated as a share of what no Django page can beat.
Like the site, it logs a line a request (gunicorn's access log, which bench/run.py turns on).
"""

import json
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-floor-only"  # noqa: S105 - serves fixed bytes on loopback, nothing to protect
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
MIDDLEWARE = []
INSTALLED_APPS = []
DATABASES = {}
USE_TZ = True

_folder = Path(os.environ.get("FLOOR_BODIES", "."))
_types = (
    json.loads((_folder / "types.json").read_text()) if (_folder / "types.json").exists() else {}
)
BODIES = {
    name: ((_folder / name).read_bytes(), content_type) for name, content_type in _types.items()
}


def serve(request, name):
    body, content_type = BODIES[name]
    return HttpResponse(body, content_type=content_type)


urlpatterns = [path("<str:name>", serve)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor")
application = get_wsgi_application()
