"""Permalinks that never break: a path's public address, and the published year at a year's
address, or a permanent redirect to the same page at the address it moved to."""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render

from stats.models import OldSlug, Year


def site_authority():
    """The site's own host name, for identifiers minted once (feed entry ids, calendar UIDs):
    SITE_URL's, else the first allowed host's, never the request's."""
    if settings.SITE_URL:
        return urlsplit(settings.SITE_URL).hostname
    named = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    return named[0] if named else "localhost"


def year_tag(year):
    """A year's identity for programs (RFC 4151 tag URI): minted from the site's own host name,
    the day it was first published and its record's number, so no new address or host name
    changes it. Its feed entries and its Dataset identifier are made from it."""
    return f"tag:{site_authority()},{year.published_at.date().isoformat()}:year-{year.pk}"


def site_root(request):
    """The site's public address, with no slash at the end: SITE_URL when set, else the
    request's own scheme and host."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path):
    """The public address of a path (which starts with /): on SITE_URL when set, else on the
    request's own host. Every absolute address the site writes comes from here."""
    return site_root(request) + path


def published_year_view(view=None, *, say_if_withdrawn=False):
    """For a view of one year at /years/<slug>/...: calls `view(request, year, ...)` with the
    published year at that address, its current version and all its page shows
    (Year.objects.for_page()); a year that moved address redirects, permanently, to the same
    page at its new one; anything else is not found (or, with `say_if_withdrawn`, a withdrawn
    year's notice, so journalists' links say what happened)."""
    if view is None:
        return functools.partial(published_year_view, say_if_withdrawn=say_if_withdrawn)

    @functools.wraps(view)
    def wrapper(request, slug, **kwargs):
        year = Year.objects.for_page(slug)
        if year is not None:
            return view(request, year, **kwargs)
        old = OldSlug.objects.select_related("year").filter(slug=slug).first()
        if old is not None and old.year.is_public:
            name = request.resolver_match.view_name
            return redirect(name, slug=old.year.slug, **kwargs, permanent=True)
        if say_if_withdrawn:
            withdrawn = Year.objects.filter(slug=slug, withdrawn_at__isnull=False).first()
            if withdrawn is None and old is not None:  # withdrawn, then given a new address
                withdrawn = old.year if old.year.withdrawn_at else None
            if withdrawn is not None and not withdrawn.is_public:
                return render(request, "stats/withdrawn.html", {"year": withdrawn}, status=410)
        raise Http404("No published year at this address.")

    return wrapper
