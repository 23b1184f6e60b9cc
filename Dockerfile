# Production image: gunicorn serving the site, static files collected at build time.
FROM python:3.11-slim

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
USER alliance

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"

ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "alliance.wsgi:application"]
