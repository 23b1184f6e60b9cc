"""Absolute links for emails: a worker has no request to take a host from."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse


def site_url():
    if settings.SITE_URL:
        return settings.SITE_URL
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Set SITE_URL (https://...): emails link to the site.")
    return "http://127.0.0.1:8000"


def absolute(path):
    return site_url() + path


def link(name, *args):
    return absolute(reverse(name, args=args))


def domain():
    """The site's host name, for Message-IDs."""
    return site_url().split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
