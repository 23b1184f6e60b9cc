"""The published figures as open data: one row per figure (breakdown parts included), the
same columns in CSV and JSON, exact values as stored in each release's version.

`COLUMNS` is the data dictionary: the order of the CSV header and the JSON keys, and what
the /data/ page says about each. A row holds typed values (text, a Decimal, true/false, a
date and time, or None for nothing); CSV writes each as text, JSON as a JSON number, boolean
or null, so a script never adds strings or reads "false" as true.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from stats.models.enums import Qualifier, Unit
from stats.models.formatting import plain_decimal

# The format of both files: raised when a column changes meaning or is removed (a new column
# is added at the end and raises the minor number). /data/ says so.
FORMAT_VERSION = "2.0"

COLUMNS = [
    (
        "year_label",
        "The reporting year as the force labels it: 2022, or 2022/23 for a financial year.",
    ),
    ("year_slug", "The year's web address: the year's page is /years/<year_slug>/."),
    ("period_start", "First day the year's figures cover (YYYY-MM-DD)."),
    ("period_end", "Last day the year's figures cover (YYYY-MM-DD)."),
    ("measure_slug", "A stable identifier for what is counted, the same every year."),
    ("measure_name", "What is counted, in words, as the release named it."),
    (
        "parent_measure_slug",
        "For a breakdown part (e.g. cannabis), the measure it is part of; empty (null in JSON) "
        "otherwise.",
    ),
    ("unit", "money (pounds sterling), count, or percent_change (a percentage change)."),
    (
        "value",
        "The exact value as stored: a plain decimal number, no £ sign, % sign or separators "
        "(a JSON number).",
    ),
    (
        "qualifier",
        "The force's word for the value (nearly, almost, about, more than, over); empty (null "
        "in JSON) if exact.",
    ),
    (
        "comparison",
        "For a percentage change, what it compares with, e.g. compared with 2020; empty (null "
        "in JSON) otherwise.",
    ),
    ("note", "Anything the force said about the figure; empty (null in JSON) if nothing."),
    (
        "value_as_displayed",
        "The figure as the web page states it, qualifier included, e.g. nearly £4m.",
    ),
    ("published_at", "When the year was first published (ISO 8601, with the UTC offset)."),
    (
        "last_updated_at",
        "When the release version the row comes from was published: its publication, or the "
        "approval of a later correction.",
    ),
    (
        "comparable_with_earlier_years",
        "false when the way the figure is counted changed, so it must not be compared with "
        "earlier years' figures for the same measure; true otherwise (JSON true/false).",
    ),
    (
        "comparability_note",
        "Why the figure is not comparable with earlier years; empty (null in JSON) if it is.",
    ),
    (
        "version",
        "The version of the year's release the row comes from: 1 as first published, then one "
        "more at each correction (every version stays at /years/<year_slug>/versions/). A "
        "version replaced before the release was never published, so its number is skipped.",
    ),
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
# Every column but the value and the version holds text, slugs included (a slug such as -2-3
# would be summed). The value is a plain decimal, and -5 must stay a number.
TEXT_COLUMNS = set(FIELDNAMES) - {"value", "version"}


def _or_none(text):
    return text or None


def row(release, figure):
    """One figure of one release version, typed."""
    measure = figure.measure
    return {
        "year_label": release.label,
        "year_slug": release.slug,
        "period_start": release.period_start,
        "period_end": release.period_end,
        "measure_slug": measure.slug,
        "measure_name": measure.name,
        "parent_measure_slug": measure.parent,
        "unit": measure.unit,
        "value": figure.value,
        "qualifier": _or_none(figure.qualifier),
        "comparison": _or_none(figure.comparison),
        "note": _or_none(figure.note),
        "value_as_displayed": figure.display,
        "published_at": timezone.localtime(release.published_at),
        "last_updated_at": timezone.localtime(release.last_updated),
        "comparable_with_earlier_years": not figure.not_comparable,
        "comparability_note": _or_none(figure.comparability_note),
        "version": release.version,
    }


def rows(releases):
    """Every figure with a value of each release, in the order of their pages."""
    return [row(release, figure) for release in releases for figure in release.shown]


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _safe_cell(name, text):
    if name in TEXT_COLUMNS and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(data):
    """RFC 4180: comma-separated, CRLF line ends, quotes where needed, a header row.

    UTF-8 with a byte-order mark: Excel on Windows reads `£` right only with it, and pandas,
    R's readr and Python's csv (encoding "utf-8-sig") skip it (data dictionary: ENCODING).
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDNAMES, lineterminator="\r\n")
    writer.writeheader()
    for item in data:
        writer.writerow({name: _safe_cell(name, _as_text(value)) for name, value in item.items()})
    return buffer.getvalue().encode("utf-8-sig")


def _as_json(value):
    """A JSON number written from the exact decimal (its shortest float spelling is the same
    digits: at most 15 significant, as stored), ISO 8601 for dates and times."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        number = float(value)
        if Decimal(repr(number)) != value:  # never rounded: stored values have 15 digits at most
            raise ValueError(f"{value} has no exact JSON number")
        return number
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def to_json(data, title, url, *, version=None):
    document = {
        "format_version": FORMAT_VERSION,
        "title": title,
        "publisher": settings.FORCE_NAME,
        "licence": "Open Government Licence v3.0",
        "licence_url": LICENCE_URL,
        "url": url,
        "version": version,
        "columns": FIELDNAMES,
        "rows": [{name: _as_json(value) for name, value in item.items()} for item in data],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def filename(suffix, extension):
    return f"{slugify(settings.OPERATION_NAME)}-{suffix}.{extension}"


def last_modified(releases):
    return max((release.last_updated for release in releases), default=None)
