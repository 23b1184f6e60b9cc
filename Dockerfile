# Production images: `web` (gunicorn serving the site, static files collected at build time;
# the same image runs the worker, migrations and backups) and `proxy` (Debian's nginx with
# deploy/nginx.conf, serving those static files itself). gunicorn is never exposed on its
# own: it is served through the proxy only.
#
# The bases are build arguments, the official images by default. A site whose machines reach
# no registry builds from stand-ins made from Debian's packages (scripts/base-images.sh):
# `make images` does either (docs/deploy.md).
ARG PYTHON_IMAGE=docker.io/library/python:3.11-slim
ARG DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${PYTHON_IMAGE} AS web

ENV ENVIRONMENT=production \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and psql for backups and restores (scripts/backup.sh, the backup service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The locked dependencies alone first: this layer is rebuilt only when they change.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/dependencies.txt \
    && pip install -c requirements.lock -r /tmp/dependencies.txt \
    && rm /tmp/dependencies.txt

COPY alliance ./alliance
COPY stats ./stats
# Editable, so settings find templates and static files beside the code in /app.
RUN pip install --no-deps -e .

COPY manage.py gunicorn.conf.py ./
COPY templates ./templates
COPY static ./static
COPY scripts/backup.sh ./scripts/backup.sh
COPY deploy/backup-schedule.sh deploy/web-healthcheck.py deploy/worker-healthcheck.py ./deploy/

# collectstatic needs settings to load, not real secrets (nor production's checks). Our own
# modules are compiled once here, not by every process at start.
RUN ENVIRONMENT=build SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && python -m compileall -q alliance stats

RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent alliance
# The page cache's own folder (SHARED_CACHE_DIR's default, unused with Redis) and uploaded
# photos (a volume in compose.yaml: a new volume takes this folder's owner), the site user's.
RUN mkdir -p /app/.local /var/lib/alliance/media /var/lib/alliance/backups \
    && chown alliance /app/.local /var/lib/alliance/media /var/lib/alliance/backups \
    && chmod 700 /app/.local /var/lib/alliance/backups
ENV MEDIA_ROOT=/var/lib/alliance/media \
    GUNICORN_BIND=0.0.0.0:8000
USER alliance

EXPOSE 8000
# /healthz answers whatever the Host header (stats/public/health.py): the check needs no host
# name from ALLOWED_HOSTS. Build with `--format docker` (OCI images drop HEALTHCHECK).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/web-healthcheck.py"]

# Exec form: gunicorn is PID 1 and gets SIGTERM itself, so a stop lets requests finish.
CMD ["gunicorn", "alliance.wsgi:application"]

# The front door (deploy/nginx.conf): TLS, slow clients, body limits, /static/, micro-cache.
FROM ${DEBIAN_IMAGE} AS proxy
RUN apt-get update && apt-get install -y --no-install-recommends nginx gettext-base \
    && rm -rf /var/lib/apt/lists/*
COPY --from=web /app/staticfiles /srv/static
COPY deploy/nginx.conf /etc/alliance/nginx.conf.template
COPY deploy/proxy-entrypoint.sh /usr/local/bin/proxy-entrypoint
COPY deploy/proxy-healthcheck.sh /usr/local/bin/proxy-healthcheck
EXPOSE 80 443
# nginx's own answer on port 80, not the site's: a web server down leaves the proxy healthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["proxy-healthcheck"]
STOPSIGNAL SIGQUIT
CMD ["proxy-entrypoint"]

# Built by default (`docker build .`): the site's own image.
FROM web
