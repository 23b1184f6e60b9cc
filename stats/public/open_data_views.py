"""Open data: each year's figures and all figures as CSV and JSON, and the /data/ page."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date

from stats.models import Figure, Measure, Year
from stats.public import open_data
from stats.public.permalinks import absolute_url, published_year_view

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8; header=present", "json": "application/json"}
EXTENSIONS = ("csv", "json")
ALL_YEARS_TITLE = f"{settings.OPERATION_NAME} results, every published year: figures"


def year_title(year):
    return f"{year.title}: figures"


def _body(request, data, extension, title, page_url):
    if extension == "csv":
        return open_data.to_csv(data)
    return open_data.to_json(data, title, absolute_url(request, page_url))


def _download(request, years, name, extension, title, page_url):
    body = _body(request, open_data.rows(years), extension, title, page_url)
    response = HttpResponse(body, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="{open_data.filename(name, extension)}"'
    )
    # The ETag, and the 304 answer to a conditional request, come from ConditionalGetMiddleware.
    modified = open_data.last_modified(years)
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())
    return response


@published_year_view
def year_data(request, year, extension):
    return _download(
        request, [year], year.slug, extension, year_title(year), year.get_absolute_url()
    )


def all_data(request, extension):
    years = list(Year.objects.published().prefetch_related("change_notes"))
    return _download(request, years, "all-years", extension, ALL_YEARS_TITLE, reverse("stats:data"))


def data_page(request):
    """Every download with its size and date, and what every column, unit and qualifier means."""
    years = list(Year.objects.published().prefetch_related("change_notes"))
    everything = open_data.rows(years)  # one read; each year's file is its share of the rows
    files = [
        {
            "title": f"Every published year, {extension.upper()}",
            "url": reverse("stats:all_data", kwargs={"extension": extension}),
            "size": len(
                _body(request, everything, extension, ALL_YEARS_TITLE, reverse("stats:data"))
            ),
            "updated": open_data.last_modified(years),
        }
        for extension in EXTENSIONS
    ]
    for year in years:
        own = [row for row in everything if row["year_slug"] == year.slug]
        files += [
            {
                "title": f"{year.label}, {extension.upper()}",
                "url": reverse(
                    "stats:year_data", kwargs={"slug": year.slug, "extension": extension}
                ),
                "size": len(
                    _body(request, own, extension, year_title(year), year.get_absolute_url())
                ),
                "updated": year.last_updated,
            }
            for extension in EXTENSIONS
        ]
    structured = open_data.dataset(
        name=f"{settings.OPERATION_NAME} results: {settings.FORCE_NAME}",
        description=f"Every published figure of {settings.OPERATION_NAME}, {settings.FORCE_NAME}'s "
        "operation against serious and organised crime, by year and measure.",
        url=absolute_url(request, reverse("stats:data")),
        years=years,
        downloads={
            extension: absolute_url(
                request, reverse("stats:all_data", kwargs={"extension": extension})
            )
            for extension in EXTENSIONS
        },
    )
    context = {
        "files": files,
        "columns": open_data.COLUMNS,
        "units": open_data.UNITS,
        "qualifiers": open_data.QUALIFIERS,
        "encoding": open_data.ENCODING,
        "measures": Measure.objects.filter(figures__in=Figure.objects.public())
        .distinct()
        .select_related("parent"),
        "structured": structured,
    }
    return render(request, "stats/data.html", context)
