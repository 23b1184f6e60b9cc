"""The application gunicorn loads in its master before forking the workers (alliance/wsgi.py):
it loads with the database down, and what a worker's first pages need is already loaded there,
so workers share it instead of each loading its own copy."""

import json
import subprocess
import sys

import pytest

from .servers import ROOT, free_port, production_env

pytestmark = [pytest.mark.server, pytest.mark.django_db]

# Run in a fresh process: this one has loaded everything already.
FIRST_PAGES = """
import json, sys
import alliance.wsgi
from django.template import engines
from django.test import Client

jinja = engines["jinja2"].env
modules, templates = set(sys.modules), set(jinja.cache.keys())
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
statuses = [client.get(path).status_code for path in sys.argv[1:]]
print(json.dumps({
    "statuses": statuses,
    "modules": sorted(set(sys.modules) - modules),
    "templates": len(set(jinja.cache.keys()) - templates),
}))
"""
PAGES = ["/", "/years/2022/", "/years/2022/versions/", "/releases/", "/about/", "/no-such-page/"]


def test_the_application_loads_while_the_database_is_down():
    env = production_env(DATABASE_URL=f"postgres://alliance@127.0.0.1:{free_port()}/alliance")
    loaded = subprocess.run(  # noqa: S603 - our own application
        [sys.executable, "-c", "import alliance.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, loaded.stderr


def test_a_workers_first_pages_load_no_module_and_compile_no_template(committed_year):
    served = subprocess.run(  # noqa: S603 - our own application
        [sys.executable, "-c", FIRST_PAGES, *PAGES],
        cwd=ROOT,
        env=production_env(PAGE_CACHE="false"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first = json.loads(served.stdout.strip().splitlines()[-1])
    assert first["statuses"] == [200, 200, 200, 200, 200, 404]
    assert first["modules"] == []
    assert first["templates"] == 0
