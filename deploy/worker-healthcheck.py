"""The worker's health check (compose.yaml): its process is alive (PID 1 in the container is
the worker) and it can reach the database it takes tasks from."""

import os
import sys

sys.path.insert(0, "/app")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

try:
    os.kill(1, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
except Exception as error:  # noqa: BLE001 - any failure is "unhealthy", said plainly
    print(f"worker unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
