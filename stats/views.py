from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from . import calendar
from .models import NextRelease, PreviewLink, PreviewLinkUse, Year


def absolute_url(request, path):
    """The public address of a path: on SITE_URL when set, else on the request's own host."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def render_year(request, year, *, is_home=False, preview=None):
    """A year's page. `preview` ("staff" or "link") marks it as not yet public and unindexed."""
    headline, other = year.figures_for_page()
    response = render(
        request,
        "stats/year_detail.html",
        {
            "year": year,
            "headline_figures": headline,
            "other_figures": other,
            "quotes": year.public_quotes(),
            "change_notes": year.change_notes.all(),
            "is_home": is_home,
            "preview": preview,
            "canonical_url": absolute_url(request, year.get_absolute_url()),
        },
    )
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def home(request):
    """The latest published year in full; its canonical address is the year's permalink."""
    year = Year.objects.latest_published()
    if year is None:
        return render(request, "stats/no_results.html")
    return render_year(request, year, is_home=True)


def year_list(request):
    return render(request, "stats/year_list.html", {"years": Year.objects.published()})


def year_detail(request, slug):
    return render_year(request, get_object_or_404(Year.objects.published(), slug=slug))


@never_cache
def preview(request, token):
    """An embargoed year shown through a signed link a publisher shared; every use is logged."""
    link = PreviewLink.from_token(token)
    if link is None:
        return render(request, "stats/preview_unavailable.html", status=404)
    if link.year.is_public:
        return redirect(link.year)
    if not link.is_usable:
        return render(request, "stats/preview_unavailable.html", {"link": link}, status=410)
    PreviewLinkUse.objects.create(
        link=link,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    return render_year(request, link.year, preview="link")


def next_release_ics(request):
    """The next announced publication, for journalists' calendars."""
    release = NextRelease.objects.upcoming().first()
    body = calendar.next_release_calendar(release, absolute_url(request, "/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="next-release.ics"'
    return response
