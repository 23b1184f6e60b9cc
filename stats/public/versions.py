"""Every version of a year's release, each kept as it stood: /years/<slug>/versions/ lists them
with their dates and change notes, /years/<slug>/versions/<n>/ shows one (not indexed), and its
data.csv and data.json give its figures. These addresses never change."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from stats.public import open_data_views, pages
from stats.public.permalinks import absolute_url, published_year_view
from stats.public.views import card_url, year_context
from stats.rules.releases import Release


def _version(year, number):
    version = year.versions.seen_by_public().filter(number=number).first()
    if version is None:
        raise Http404("This year has no such version.")
    return version


@published_year_view
def version_list(request, year):
    versions = list(year.versions.seen_by_public().select_related("note__year").order_by("-number"))
    context = {
        "year": year,
        "versions": versions,
        "replaced_before_release": versions[0].number - len(versions),  # the numbers skipped
        "card_url": card_url(request, Release.of(year)),
    }
    response = render(request, "stats/version_list.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@published_year_view
def version_detail(request, year, number):
    version = _version(year, number)
    old = version.pk != year.current_version_id
    context = year_context(request, year, pages.version_page(year, version), old_version=old)
    context["shown_version"] = version
    # Its own address: a version is cited as it stood, and is not the year's page.
    address = reverse("stats:version", kwargs={"slug": year.slug, "number": version.number})
    context["page_url"] = absolute_url(request, address)
    response = render(request, "stats/year_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@published_year_view
def version_data(request, year, number, extension):
    return open_data_views.year_download(request, year, extension, _version(year, number))
