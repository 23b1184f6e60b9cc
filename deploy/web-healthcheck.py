"""The web image's HEALTHCHECK: gunicorn answers /healthz on its own port. /healthz answers
whatever the Host header, so no host name from ALLOWED_HOSTS is needed here."""

import os
import sys
import urllib.request

port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
        sys.exit(0 if answer.status == 200 else 1)
except OSError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
