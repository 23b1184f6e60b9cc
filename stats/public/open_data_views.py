"""Open data: each year's figures (its current version, or any earlier one) and all figures as
CSV and JSON, and the /data/ page."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date

from stats.models import Year
from stats.public import data_descriptions, open_data
from stats.public.permalinks import absolute_url, published_year_view
from stats.public.structured_data import dataset_for_all
from stats.rules.releases import Release

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8; header=present", "json": "application/json"}
EXTENSIONS = ("csv", "json")
ALL_YEARS_TITLE = f"{settings.OPERATION_NAME} results, every published year: figures"


def year_title(release):
    return f"{release.title}: figures"


def _body(request, data, extension, title, page_url, version=None):
    if extension == "csv":
        return open_data.to_csv(data)
    return open_data.to_json(data, title, absolute_url(request, page_url), version=version)


def _download(request, releases, name, extension, title, page_url, version=None):
    body = _body(request, open_data.rows(releases), extension, title, page_url, version)
    response = HttpResponse(body, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="{open_data.filename(name, extension)}"'
    )
    response["Link"] = data_descriptions.describedby(request, extension)
    # The ETag, and the 304 answer to a conditional request, come from ConditionalGetMiddleware.
    modified = open_data.last_modified(releases)
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())
    return response


def year_download(request, year, extension, version=None):
    """A year's figures as one of its versions states them (default: the current one)."""
    release = Release.of(year, version)
    name = year.slug if version is None else f"{year.slug}-version-{release.version}"
    return _download(
        request,
        [release],
        name,
        extension,
        year_title(release),
        year.get_absolute_url(),
        release.version,
    )


@published_year_view
def year_data(request, year, extension):
    return year_download(request, year, extension)


def published_releases():
    years = Year.objects.published().with_release().order_by("period_start")
    return [Release.of(year) for year in years]


def all_data(request, extension):
    return _download(
        request,
        published_releases(),
        "all-years",
        extension,
        ALL_YEARS_TITLE,
        reverse("stats:data"),
    )


def _json(document):
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return HttpResponse(body, content_type="application/json")


def openapi(request):
    """/data/openapi.json: the data addresses described for programs (OpenAPI 3.1)."""
    return _json(data_descriptions.openapi(request, published_releases()))


def datapackage(request):
    """/data/datapackage.json: every CSV with its Table Schema (a Frictionless Data Package)."""
    releases = list(reversed(published_releases()))
    return _json(data_descriptions.datapackage(request, releases))


def data_page(request):
    """Every download with its size and date, and what every column, unit and qualifier means."""
    releases = published_releases()
    everything = open_data.rows(releases)  # one read; each year's file is its share of the rows
    files = [
        {
            "title": f"Every published year, {extension.upper()}",
            "url": reverse("stats:all_data", kwargs={"extension": extension}),
            "size": len(
                _body(request, everything, extension, ALL_YEARS_TITLE, reverse("stats:data"))
            ),
            "updated": open_data.last_modified(releases),
        }
        for extension in EXTENSIONS
    ]
    for release in reversed(releases):
        own = [row for row in everything if row["year_slug"] == release.slug]
        page = reverse("stats:year", kwargs={"slug": release.slug})
        files += [
            {
                "title": f"{release.label}, {extension.upper()}",
                "url": reverse(
                    "stats:year_data", kwargs={"slug": release.slug, "extension": extension}
                ),
                "size": len(
                    _body(request, own, extension, year_title(release), page, release.version)
                ),
                "updated": release.last_updated,
            }
            for extension in EXTENSIONS
        ]
    measures = {}
    for release in releases:  # as the latest release that reports each one defines it
        for figure in release.shown:
            measures[figure.measure.slug] = figure.measure
    structured = dataset_for_all(request, releases)
    context = {
        "files": files,
        "columns": open_data.COLUMNS,
        "format_version": open_data.FORMAT_VERSION,
        "units": open_data.UNITS,
        "qualifiers": open_data.QUALIFIERS,
        "encoding": open_data.ENCODING,
        "measures": sorted(measures.values(), key=lambda m: (m.order, m.name)),
        "structured": structured,
    }
    return render(request, "stats/data.html", context)
