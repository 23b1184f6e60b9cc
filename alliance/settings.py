"""Settings for the Operation Alliance results site.

One module for every environment: each knob comes from the environment (or a `.env` file
beside manage.py) with a default that is safe for development. `.env.example` lists them all.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from alliance import log, mail

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Real environment variables win over the file, so CI and containers need no .env.
if (BASE_DIR / ".env").exists():  # containers have none, and need no line saying so
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "production" turns on HTTPS-only cookies, HSTS, a second factor for staff, and refuses to
# start with an unsafe setting. Anything else is development or a test.
PRODUCTION = env.str("ENVIRONMENT", default="development") == "production"

# Off unless asked for: a forgotten variable must never expose debug pages in production.
DEBUG = env.bool("DEBUG", default=False)

# Development gets a throwaway key; anything running with DEBUG off must bring its own.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 10
        or SECRET_KEY.startswith("django-insecure")
    ):
        problems.append("SECRET_KEY must be at least 50 random characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the site's host names")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

# Canonical address of the public site, used for permalinks and citations; without it,
# links are built from the request's own host.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Lets whitenoise serve static files under runserver too, exactly as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "simple_history",  # every change to every record, readable in the admin
    "concurrency",  # optimistic locking: no silent overwrite when two people edit a year
    "axes",  # throttles password guessing
    "csp",  # Content-Security-Policy header
    "django_otp",  # a second factor for staff
    "django_otp.plugins.otp_totp",
    # The task queue, in PostgreSQL: alerts, the release moment, retention (the `worker`
    # process in the Procfile; docs/decisions/0008-task-queue.md).
    "procrastinate.contrib.django",
    "stats",
]
# Prometheus metrics only where they are served (METRICS_PORT, gunicorn.conf.py): elsewhere
# every worker would carry the library, and count for nobody.
METRICS = bool(env.str("METRICS_PORT", default=""))

MIDDLEWARE = [
    # /healthz and /readyz before anything reads the Host header: health checks call a
    # server by its address (stats/public/health.py).
    "stats.public.health.probes",
    # Every request's id (the proxy's X-Request-ID) on its log lines and its response.
    "stats.request_log.request_log",
    # Before anything reads them: X-Forwarded-* count only from our own proxy
    # (stats/visitors.py).
    "stats.visitors.trusted_proxy_headers",
    # First: a public page in the cache is answered before any other work, with the headers
    # it was stored with (security headers included, added below on its first rendering).
    "stats.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Straight after SecurityMiddleware, as whitenoise asks: static files skip everything else.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "stats.middleware.permissions_policy",
    # Only the methods a page takes (405 otherwise), before any view, form or CSRF check.
    "stats.middleware.allowed_methods",
    # A value the database refuses (a NUL byte in an address) is a 404, not an outage.
    "stats.middleware.BadInputNotFound",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags for every page and download, and 304 answers to conditional requests.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Records who made each change in the history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stats.middleware.admin_not_indexed",
    "stats.middleware.public_cache_headers",
    # Last, as django-axes asks: it turns a lockout into a plain "locked" response.
    "axes.middleware.AxesMiddleware",
]
if METRICS:
    INSTALLED_APPS.insert(-1, "django_prometheus")
    MIDDLEWARE.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    # The public pages (stats/jinja2/): compiled to Python, several times faster to render.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "alliance.jinja2.environment",
            "context_processors": ["stats.public.context_processors.force"],
        },
    },
    # The admin, and our few changes to it (templates/admin/).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stats.public.context_processors.force",
            ],
        },
    },
]

# Without DATABASE_URL the project-local PostgreSQL that `make run` starts is used, on the
# port make gives it (LOCAL_PG_PORT), so `python manage.py ...` typed by hand finds it too.
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="postgres://alliance@127.0.0.1:{}/alliance".format(
            env.int("LOCAL_PG_PORT", default=54329)
        ),
    )
}
# Reuse connections between requests, but check them first so a database restart heals itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Never let a request hang on a database that has gone away.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=3
)
# ...nor on a query that never finishes: both far below gunicorn's worker timeout.
DATABASES["default"]["OPTIONS"]["options"] = "-c statement_timeout={}".format(
    env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=5000)
)

# Local memory by default (Django's own cache, for whatever asks for one). The page cache
# (stats/pagecache/) keeps its own store: Redis when CACHE_URL is Redis, shared by every
# machine; otherwise files in SHARED_CACHE_DIR, shared by this machine's workers.
CACHE_URL = env.str("CACHE_URL", default="locmemcache://alliance")
CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}
PAGE_CACHE_REDIS_URL = CACHE_URL if CACHE_URL.startswith(("redis://", "rediss://")) else ""
# A folder the site makes for itself, owner-only; it refuses one another user owns or others
# may write to (a planted page must never be served). The default is the checkout's, whatever
# the shell: a command run by hand (a data fix, a scheduled year) must renew the version the
# server reads, or the server goes on serving the page as it was.
SHARED_CACHE_DIR = env.str("SHARED_CACHE_DIR", default=str(BASE_DIR / ".local" / "page-cache"))
# Public pages are rendered once per content version and served from the cache after that.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 60 * 60)
# How long a page's last good copy may stand in for it while the database is unreachable:
# longer than any outage we plan for. One copy per public address, so this bounds nothing.
PAGE_CACHE_LAST_GOOD_SECONDS = env.int("PAGE_CACHE_LAST_GOOD_SECONDS", default=30 * 24 * 60 * 60)
# Each worker keeps its own copy of this many pages (the most recently served).
PAGE_CACHE_MEMORY_PAGES = env.int("PAGE_CACHE_MEMORY_PAGES", default=256)
# Redis calls give up after this many seconds; a failure then skips Redis for the breaker's
# time, pages rendered from the database meanwhile.
PAGE_CACHE_REDIS_TIMEOUT = env.float("PAGE_CACHE_REDIS_TIMEOUT", default=0.5)
PAGE_CACHE_REDIS_BREAKER_SECONDS = env.float("PAGE_CACHE_REDIS_BREAKER_SECONDS", default=5)
# Each process keeps a copy of the content version, told of changes by Redis, and trusts it
# while Redis was heard from within this many seconds: the longest a machine may show the
# previous version after a network fault that loses packets without closing the connection.
PAGE_CACHE_REDIS_HEARTBEAT_SECONDS = env.float("PAGE_CACHE_REDIS_HEARTBEAT_SECONDS", default=1)
# After a database failure, last good copies are served without trying it for this long.
PAGE_CACHE_DATABASE_BREAKER_SECONDS = env.float("PAGE_CACHE_DATABASE_BREAKER_SECONDS", default=5)
# How long a CDN may hold a public page; browsers always revalidate (previews and the admin
# are never cached anywhere).
CDN_CACHE_SECONDS = env.int("CDN_CACHE_SECONDS", default=60)
HTTP_STALE_WHILE_REVALIDATE_SECONDS = env.int("HTTP_STALE_WHILE_REVALIDATE_SECONDS", default=300)
# A CDN serving a stale page on an error could show a corrected figure: off by default, since
# the site itself serves last good copies (voided by a correction) in a database outage. Set,
# it is capped at CDN_CACHE_SECONDS, the staleness the site already accepts.
HTTP_STALE_IF_ERROR_SECONDS = min(
    env.int("HTTP_STALE_IF_ERROR_SECONDS", default=0), CDN_CACHE_SECONDS
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user or address is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins lock out the pair (user name, address), so nobody elsewhere can lock out a
# press officer; an address failing with many names is locked out as a whole
# (stats/admin/sign_in.py). A wrong second-factor code counts as a failure.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "stats.admin.sign_in.LockoutHandler"
# The visitor's address, from X-Forwarded-For only when our own proxy sent the request.
AXES_CLIENT_IP_CALLABLE = "stats.visitors.client_address"
# The reverse proxy's addresses (or networks): only their X-Forwarded-* headers are believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
AXES_RESET_ON_SUCCESS = True
# History pages are for reading: no "Revert" button (stats/admin/history.py refuses the POST).
SIMPLE_HISTORY_REVERT_DISABLED = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

# --- Security ------------------------------------------------------------------------------
# In production the site is served over HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the figure embeds alone may be framed (stats.public.views.embed)
# Cookies: HTTPS only in production, never readable by scripts, not sent cross-site, and
# with __Host- names so no subdomain can set them.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid" if PRODUCTION else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if PRODUCTION else "csrftoken"
# The admin's messages live in the (server-side) session, not in a cookie of their own: no
# cookie without the __Host- prefix, and nothing a message says travels to the browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Strict Content Security Policy: nothing inline, nothing from elsewhere. The site has no
# scripts of its own; the admin's come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": PRODUCTION,
    }
}
# Browser features the site never uses, turned off.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "serial=(), usb=(), xr-spatial-tracking=(), interest-cohort=()"
)
# Staff sign in with a one-time code from an authenticator app as well as their password.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Operation Alliance results")

# Staff sessions end after this many seconds without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# UK English and UK time: "1 April 2023", published times in Europe/London, stored in UTC.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (favicon.ico, apple-touch-icon.png), served by
# whitenoise there: without them every visit logs a 404.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Uploaded photos. Served by the site itself, and only once their year is public.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed names: safe to cache for ever. Tests and development use
    # plain storage so they need no collectstatic step.
    "staticfiles": {
        "BACKEND": env.str(
            "STATIC_FILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# The admin's address; moving it off /admin/ turns away most drive-by password guessing.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Publishing. With more than one publisher, nobody approves what they changed or asked for
# themselves (a second pair of eyes); turn off for a one-person press office, and every release
# then says in public that one person published it.
PUBLISH_NEEDS_SECOND_PERSON = env.bool("PUBLISH_NEEDS_SECOND_PERSON", default=True)
# Early access opens at most this many hours before a release (the Code of Practice for
# Statistics' limit is 24), unless a publisher records why a link must open sooner.
PRE_RELEASE_HOURS = env.int("PRE_RELEASE_HOURS", default=24)

# Who publishes, and where residents report crime: data for one force, never code.
FORCE_NAME = env.str("FORCE_NAME", default="Cumbria Constabulary")
OPERATION_NAME = env.str("OPERATION_NAME", default="Operation Alliance")
FORCE_WEBSITE_URL = env.str("FORCE_WEBSITE_URL", default="https://www.cumbria.police.uk/")
# The place the figures cover: the dataset markup's spatialCoverage, the site's share card.
FORCE_AREA = env.str("FORCE_AREA", default="Cumbria")
REPORT_ONLINE_URL = env.str("REPORT_ONLINE_URL", default="https://www.cumbria.police.uk/ro/report/")
REPORT_PHONE = env.str("REPORT_PHONE", default="101")
CRIMESTOPPERS_PHONE = env.str("CRIMESTOPPERS_PHONE", default="0800 555 111")
CRIMESTOPPERS_URL = env.str(
    "CRIMESTOPPERS_URL", default="https://crimestoppers-uk.org/give-information"
)
# Where people ask about the site or its accessibility.
CONTACT_URL = env.str("CONTACT_URL", default="https://www.cumbria.police.uk/contact-us/")
# The press office journalists call, shown on every year's page and in the footer. Only what
# is set is shown: no made-up address or number reaches the public.
PRESS_OFFICE_NAME = env.str("PRESS_OFFICE_NAME", default=f"{FORCE_NAME} press office")
PRESS_OFFICE_EMAIL = env.str("PRESS_OFFICE_EMAIL", default="")
PRESS_OFFICE_PHONE = env.str("PRESS_OFFICE_PHONE", default="")
PRESS_OFFICE_URL = env.str("PRESS_OFFICE_URL", default=CONTACT_URL)
# Who gives press office staff an account, in plain words: the login page says "No account?
# Ask <this>."
STAFF_ACCOUNTS_CONTACT = env.str(
    "STAFF_ACCOUNTS_CONTACT", default="the press office's digital lead"
)

# --- Email ---------------------------------------------------------------------------------
# One setting says where email goes (alliance/mail.py reads it into Django's EMAIL_* settings):
# smtp://host:port, smtp+tls://user:password@host:587, consolemail://, filemail:///path, or
# anymail://<provider> with the provider's keys as ANYMAIL_<NAME> variables. Development
# writes files to .local/mail; production, like Django, sends to an SMTP server on the machine.
EMAIL_URL = env.str(
    "EMAIL_URL",
    default="smtp://localhost:25" if PRODUCTION else f"filemail://{BASE_DIR / '.local' / 'mail'}",
)
# As django-environ's own documentation does with env.email_url().
vars().update(mail.settings(EMAIL_URL))
# An SMTP server that does not answer must not hold a worker for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The provider's settings for django-anymail, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN=...,
# ANYMAIL_WEBHOOK_SECRET=user:password for its bounce reports at /anymail/<provider>/tracking/.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in env.ENVIRON.items()
    if name.startswith("ANYMAIL_")
}
if EMAIL_URL.startswith("anymail://") or "WEBHOOK_SECRET" in ANYMAIL:
    # Its checks and webhooks only where a provider is used.
    INSTALLED_APPS.insert(-1, "anymail")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default=f"{OPERATION_NAME} results <alerts@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work: the `worker` process (Procfile) ----------------------------------------
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""  # the tasks live in one named module
PROCRASTINATE_IMPORT_PATHS = ["stats.alerts.tasks"]
PROCRASTINATE_WORKER_DEFAULTS = {
    # Jobs start at once (PostgreSQL's LISTEN/NOTIFY); a job scheduled for a moment, such as
    # a year's release at 09:30:00, is looked for every second.
    "fetch_job_polling_interval": 1.0,
    "concurrency": env.int("WORKER_CONCURRENCY", default=4),
    # On SIGTERM the running jobs finish their message and stop (a sending job gives back
    # what it has not sent); after this many seconds they are aborted.
    "shutdown_graceful_timeout": env.float("WORKER_GRACEFUL_TIMEOUT", default=8.0),
}
# Forms on public pages (subscribe, report a problem): per address and per visitor, in the
# spirit of GOV.UK's email alerts.
FORM_LIMIT_PER_MINUTE = env.int("FORM_LIMIT_PER_MINUTE", default=4)
FORM_LIMIT_PER_HOUR = env.int("FORM_LIMIT_PER_HOUR", default=40)
# An alert left half-sent by a worker that died is taken up again after this many seconds.
ALERTS_STALE_SECONDS = env.int("ALERTS_STALE_SECONDS", default=120)
# A failed alert is tried again after 1, 5, 25 and 125 times this many seconds, then given up.
ALERTS_RETRY_SECONDS = env.int("ALERTS_RETRY_SECONDS", default=60)

# JSON lines on stdout in production (time, level, logger, message, request id; a request's
# own line adds the visitor's address, path, status and duration), plain text on stderr in
# development. alliance/log.py.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = log.config(env.str("LOG_LEVEL", default="INFO"), LOG_FORMAT)
# Said by every command as the queue's tasks load: noise, not news.
for _name in ("procrastinate.blueprints", "procrastinate.periodic"):
    LOGGING.setdefault("loggers", {})[_name] = {"level": "WARNING"}
