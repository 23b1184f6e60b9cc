"""gunicorn settings for production, each from the environment with a default for a small
machine. Start with: gunicorn alliance.wsgi:application (this file is read automatically)."""

import gc
import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# A process per core and a spare; threads let a worker wait on the database for one request
# while serving another.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 2)

# A worker silent for this long is killed and replaced; the others keep serving. Database
# timeouts (DATABASE_CONNECT_TIMEOUT) are far shorter, so a dead database never gets here.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On restart or deploy, workers finish the requests they have before they stop.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Load the application once in the master and fork workers from it: they start in a moment
# (a replaced worker is serving again at once) and share memory. Nothing touches the database
# at import time, so no connection is shared across the fork.
preload_app = True
# Replace each worker after this many requests (0: never). A new worker starts with an empty
# page cache, so recycling often costs renders; turn on only to contain a memory leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # standard output
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def pre_fork(server, worker):
    # Everything loaded so far lives as long as the worker: keep it out of the garbage
    # collector's sweeps, so workers spend no time re-checking it and most of its memory pages
    # stay shared.
    gc.freeze()
