# Production images: `web` (gunicorn serving the site, static files collected at build time)
# and `proxy` (Debian's nginx with deploy/nginx.conf, serving those static files itself).
# gunicorn is never exposed on its own: it is served through the proxy only.
FROM python:3.11-slim AS web

ENV ENVIRONMENT=production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

COPY pyproject.toml requirements.lock ./
COPY alliance ./alliance
COPY stats ./stats
# Editable, so settings find templates and static files beside the code in /app.
RUN pip install -c requirements.lock -e .

COPY manage.py gunicorn.conf.py ./
COPY templates ./templates
COPY static ./static

# collectstatic needs settings to load, not real secrets (nor production's checks).
RUN ENVIRONMENT=build SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input

RUN useradd --system --uid 10001 --no-create-home alliance
# The page cache's own folder (SHARED_CACHE_DIR's default), the site user's alone.
RUN mkdir -p /app/.local && chown alliance /app/.local && chmod 700 /app/.local
USER alliance

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"

ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "alliance.wsgi:application"]

# The front door (deploy/nginx.conf): TLS, slow clients, body limits, /static/, micro-cache.
FROM debian:bookworm-slim AS proxy
RUN apt-get update && apt-get install -y --no-install-recommends nginx gettext-base \
    && rm -rf /var/lib/apt/lists/*
COPY --from=web /app/staticfiles /srv/static
COPY deploy/nginx.conf /etc/alliance/nginx.conf.template
COPY deploy/proxy-entrypoint.sh /usr/local/bin/proxy-entrypoint
EXPOSE 80 443
CMD ["proxy-entrypoint"]

# Built by default (`docker build .`): the site's own image.
FROM web
