"""The published figures as open data: one row per figure (breakdown parts included), the
same columns in CSV and JSON, exact values as stored.

`COLUMNS` is the data dictionary: the order of the CSV header and the JSON keys, and what
the /data/ page says about each.
"""

import csv
import io
import json

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from stats.models import Figure
from stats.models.enums import Qualifier, Unit
from stats.rules.formatting import plain_decimal

COLUMNS = [
    (
        "year_label",
        "The reporting year as the force labels it: 2022, or 2022/23 for a financial year.",
    ),
    ("year_slug", "The year's web address: the year's page is /years/<year_slug>/."),
    ("period_start", "First day the year's figures cover (YYYY-MM-DD)."),
    ("period_end", "Last day the year's figures cover (YYYY-MM-DD)."),
    ("measure_slug", "A stable identifier for what is counted, the same every year."),
    ("measure_name", "What is counted, in words."),
    (
        "parent_measure_slug",
        "For a breakdown part (e.g. cannabis), the measure it is part of; empty otherwise.",
    ),
    ("unit", "money (pounds sterling), count, or percent_change (a percentage change)."),
    (
        "value",
        "The exact value as stored: a plain decimal number, no £ sign, % sign or separators.",
    ),
    (
        "qualifier",
        "The force's word for the value (nearly, almost, about, more than, over); empty if exact.",
    ),
    ("comparison", "For a percentage change, what it compares with, e.g. compared with 2020."),
    ("note", "Anything the force said about the figure."),
    (
        "value_as_displayed",
        "The figure as the web page states it, qualifier included, e.g. nearly £4m.",
    ),
    ("published_at", "When the year was first published (ISO 8601, with the UTC offset)."),
    (
        "last_updated_at",
        "When the year was last corrected or updated, or its publication time if never.",
    ),
    (
        "comparable_with_earlier_years",
        "false when the way the figure is counted changed, so it must not be compared with "
        "earlier years' figures for the same measure; true otherwise.",
    ),
    ("comparability_note", "Why the figure is not comparable with earlier years, if it is not."),
]
FIELDNAMES = [name for name, _ in COLUMNS]
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
UNITS = [
    (Unit.MONEY.value, "Pounds sterling. 1500000 is £1.5m."),
    (Unit.COUNT.value, "A whole number of things or people."),
    (Unit.PERCENT_CHANGE.value, "A percentage change: 40 is a rise of 40%, -10 a fall of 10%."),
]
QUALIFIERS = [(q.value or "(empty)", q.label) for q in Qualifier]
ENCODING = (
    "CSV files are UTF-8 with a byte-order mark, so that Excel on Windows shows £ and accented "
    "names correctly. pandas and R's readr skip the mark by themselves; with base R's read.csv "
    'use fileEncoding = "UTF-8-BOM", and with Python\'s csv module open the file with '
    'encoding="utf-8-sig". JSON files are plain UTF-8.'
)
# Spreadsheets run a cell starting with one of these as a formula: text never should.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every column but the value holds text, slugs included (a slug such as -2-3 would be summed).
# The value is a plain decimal, and -5 must stay a number.
TEXT_COLUMNS = set(FIELDNAMES) - {"value"}


def published_figures(years=None):
    figures = Figure.objects.public()
    if years is not None:
        figures = figures.filter(year__in=years)
    return (
        figures.select_related("year", "measure", "measure__parent")
        .prefetch_related("year__change_notes")
        .order_by("year__period_start", "measure__display_order", "measure__name")
    )


def row(figure):
    year, measure = figure.year, figure.measure
    return {
        "year_label": year.label,
        "year_slug": year.slug,
        "period_start": year.period_start.isoformat(),
        "period_end": year.period_end.isoformat(),
        "measure_slug": measure.slug,
        "measure_name": measure.name,
        "parent_measure_slug": measure.parent.slug if measure.parent else "",
        "unit": figure.unit,
        "value": plain_decimal(figure.value),
        "qualifier": figure.qualifier,
        "comparison": figure.comparison,
        "note": figure.note,
        "value_as_displayed": figure.display,
        "published_at": timezone.localtime(year.published_at).isoformat(),
        "last_updated_at": timezone.localtime(year.last_updated).isoformat(),
        "comparable_with_earlier_years": "false" if figure.not_comparable else "true",
        "comparability_note": figure.comparability_note,
    }


def rows(years=None):
    return [row(figure) for figure in published_figures(years)]


def _safe_cell(name, value):
    if name in TEXT_COLUMNS and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(data):
    """RFC 4180: comma-separated, CRLF line ends, quotes where needed, a header row.

    UTF-8 with a byte-order mark: Excel on Windows reads `£` right only with it, and pandas,
    R's readr and Python's csv (encoding "utf-8-sig") skip it (data dictionary: ENCODING).
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDNAMES, lineterminator="\r\n")
    writer.writeheader()
    for item in data:
        writer.writerow({name: _safe_cell(name, value) for name, value in item.items()})
    return buffer.getvalue().encode("utf-8-sig")


def to_json(data, title, url):
    document = {
        "title": title,
        "publisher": settings.FORCE_NAME,
        "licence": "Open Government Licence v3.0",
        "licence_url": LICENCE_URL,
        "url": url,
        "columns": FIELDNAMES,
        "rows": data,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def filename(suffix, extension):
    return f"{slugify(settings.OPERATION_NAME)}-{suffix}.{extension}"


def last_modified(years):
    return max((year.last_updated for year in years), default=None)


def dataset(*, name, description, url, years, downloads):
    """A schema.org Dataset, so search engines list the data. URLs are absolute."""
    years = list(years)
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": {
            "@type": "Organization",
            "name": settings.FORCE_NAME,
            "url": settings.FORCE_WEBSITE_URL,
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv" if extension == "csv" else "application/json",
                "contentUrl": address,
            }
            for extension, address in downloads.items()
        ],
    }
    if years:
        start = min(year.period_start for year in years)
        end = max(year.period_end for year in years)
        data["temporalCoverage"] = f"{start.isoformat()}/{end.isoformat()}"
    published = [year for year in years if year.published_at]
    if published:
        data["datePublished"] = min(year.published_at for year in published).isoformat()
        data["dateModified"] = last_modified(published).isoformat()
    return data
