"""Where email goes, from one setting (EMAIL_URL): Django's EMAIL_* settings, as
django-environ reads them from a URL, with the site's own SMTP backend and django-anymail's
providers. Imported by settings: nothing of Django here."""

from urllib.parse import urlsplit

import environ

# The same backend as Django's, which also says when a message is about to be complete, so an
# alert is recorded as handed over before it is (stats/alerts/smtp.py).
SMTP_BACKEND = "stats.alerts.smtp.EmailBackend"


def settings(url):
    """smtp://host:port (smtp+tls://user:password@host:587 for STARTTLS), consolemail://
    (printed), filemail:///path (one file per message), or anymail://<provider> for a
    provider's API (django-anymail: postmark, mailgun, sendgrid, amazon_ses...)."""
    if url.startswith("anymail://"):
        provider = url.removeprefix("anymail://").strip("/")
        found = {"EMAIL_BACKEND": f"anymail.backends.{provider}.EmailBackend"}
    else:
        found = environ.Env.email_url_config(url)
    if found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        found["EMAIL_BACKEND"] = SMTP_BACKEND
    if url.startswith("filemail:"):
        # A file URL's path: filemail:///var/mail is /var/mail, where django-environ would
        # make it var/mail, a folder under whichever folder the process started in.
        found["EMAIL_FILE_PATH"] = urlsplit(url).path
    return {
        "EMAIL_BACKEND": found["EMAIL_BACKEND"],
        "EMAIL_HOST": found.get("EMAIL_HOST") or "localhost",
        "EMAIL_PORT": found.get("EMAIL_PORT") or 25,
        "EMAIL_HOST_USER": found.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": found.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": found.get("EMAIL_USE_TLS", False),
        "EMAIL_USE_SSL": found.get("EMAIL_USE_SSL", False),
        "EMAIL_FILE_PATH": found.get("EMAIL_FILE_PATH"),
    }
