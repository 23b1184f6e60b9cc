"""gunicorn settings for production, each from the environment with a default for a small
machine. Start with: gunicorn alliance.wsgi:application (this file is read automatically)."""

import gc
import math
import os
import signal
import subprocess
import sys
import tempfile
import time


def _int(name, default):
    return int(os.environ.get(name, default))


def _on(name):
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


def cpus_available(cpu_max="/sys/fs/cgroup/cpu.max"):
    """The cores this process may use: its CPU affinity, capped by a container's CPU quota
    (cgroup v2 cpu.max, "200000 100000" = 2 cores), not the host's count."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = open(cpu_max).read().split()
    except (OSError, ValueError):
        return cores
    if quota == "max":
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# A process per core and a spare; threads let a worker wait on the database for one request
# while serving another. Containers should set WEB_CONCURRENCY (compose.yaml does).
workers = _int("WEB_CONCURRENCY", cpus_available() * 2 + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 2)

# A worker silent for this long is killed and replaced; the others keep serving. Database
# timeouts (DATABASE_CONNECT_TIMEOUT) are far shorter, so a dead database never gets here.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On restart or deploy, workers finish the requests they have before they stop. A container's
# stop grace period must be longer (compose.yaml: 40 s).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Load the application once in the master and fork workers from it: they start in a moment
# (a replaced worker is serving again at once) and share memory, including what
# alliance/wsgi.py's warm_up() loads for their first pages. Nothing touches the database at
# import time, so no connection is shared across the fork.
preload_app = True
# Replace each worker after this many requests (0: never). A new worker starts with an empty
# page cache, so recycling often costs renders; turn on only to contain a memory leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# No control socket: it would live in the home folder, which the site's user has none of.
control_socket_disable = True

# The site logs each request itself (stats/request_log.py: one JSON line with the request id
# and the visitor's address); gunicorn's own access log only on request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
# gunicorn's own lines (start, workers, timeouts) as JSON on stdout, like the site's
# (LOG_FORMAT, as in settings: JSON in production).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or (
    "json" if os.environ.get("ENVIRONMENT") == "production" else "text"
)
if LOG_FORMAT == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "alliance.log.json_formatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }

# Prometheus metrics (docs/operations.md): every process writes its counters to files in one
# folder, and the master serves their sum on METRICS_PORT, apart from the site's own port so
# that the proxy never passes it on. The folder is new for each start, as prometheus_client
# requires, and must be known before the application is loaded.
METRICS_PORT = os.environ.get("METRICS_PORT")
if METRICS_PORT:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="alliance-metrics-")


MANAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manage.py")


def on_starting(server):
    if _on("WAIT_FOR_MIGRATIONS"):
        wait_for_migrations(server.log)


def wait_for_migrations(log):
    """Serve only once the migrations this code needs are applied (the migrate service runs
    them): an older schema would answer visitors with errors. Checked in a separate process,
    so the master loads no migration modules (every worker would carry them)."""
    # PID 1 in a container ignores signals it has no handler for: a stop must not wait.
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, lambda *_: sys.exit(0))
    said = None
    while True:
        check = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, MANAGE, "migrate", "--check", "--no-input"],
            capture_output=True,
            text=True,
        )
        if check.returncode == 0:
            return
        lines = (check.stderr or check.stdout or "migrations not applied").strip().splitlines()
        reason = lines[-1] if lines else "migrations not applied"
        if reason != said:
            log.info("Waiting for migrations before serving: %s", reason)
            said = reason
        time.sleep(2)


def when_ready(server):
    if METRICS_PORT:
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.multiprocess import MultiProcessCollector

        from stats.alerts.metrics import AlertsCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(AlertsCollector())  # whether alerts are going out, from the database
        start_http_server(int(METRICS_PORT), os.environ.get("METRICS_BIND", "0.0.0.0"), registry)  # noqa: S104 - the container's own network only
        server.log.info("Metrics on port %s", METRICS_PORT)


def child_exit(server, worker):
    if METRICS_PORT:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def pre_fork(server, worker):
    # Everything loaded so far lives as long as the worker: keep it out of the garbage
    # collector's sweeps, so workers spend no time re-checking it and most of its memory pages
    # stay shared.
    gc.freeze()
