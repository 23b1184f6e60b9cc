"""What a year's page, a version's page and a measure's page show, gathered from stored
versions (stats/rules/releases.py) in a fixed, small number of queries."""

from dataclasses import dataclass

from django.urls import reverse

from stats.rules.pre_release import early_access
from stats.rules.releases import Release


@dataclass(frozen=True)
class YearLink:
    label: str
    url: str


def _year_link(label, slug):
    return YearLink(label, reverse("stats:year", kwargs={"slug": slug})) if slug else None


def year_page(year):
    """A published year's page, from a row of `Year.objects.for_page()`."""
    release = Release.of(year)
    return {
        "release": release,
        "version_pk": year.current_version_id,
        "previous_year": _year_link(year.previous_label, year.previous_slug),
        "next_year": _year_link(year.next_label, year.next_slug),
        "early_access": early_access(year.early_access, year.published_at),
    }


def draft_page(year, content):
    """A year as it would read if approved now, for staff: no version, no neighbours."""
    release = Release.from_content(content, slug=year.slug, published_at=year.published_at)
    return {
        "release": release,
        "version_pk": None,
        "previous_year": None,
        "next_year": None,
        "early_access": [],
    }


def version_page(year, version):
    """One stored version, exactly as it stood."""
    return {
        "release": Release.of(year, version),
        "version_pk": version.pk,
        "previous_year": None,
        "next_year": None,
        "early_access": [],
    }


@dataclass(frozen=True)
class SeriesRow:
    """One published year on a measure's page: its figure (or None) and whether a break in the
    series (the figure is not comparable with earlier years) comes before it."""

    release: Release
    figure: object
    starts_run: bool = False


def measure_series(releases, slug):
    """The measure in every published year, oldest first. A figure marked not comparable with
    earlier years starts a new run: nothing compares across it."""
    rows = []
    for release in releases:
        figure = next((f for f in release.figures if f.measure.slug == slug), None)
        starts = bool(figure and figure.value is not None and figure.not_comparable and rows)
        rows.append(SeriesRow(release, figure, starts))
    return rows


def runs(rows):
    """The series cut at each break: lists of rows that may be compared with each other."""
    cut = [[]]
    for row in rows:
        if row.starts_run:
            cut.append([])
        cut[-1].append(row)
    return [run for run in cut if run]


def measure_page(releases, slug):
    """Every published year with this measure's figure, and what can honestly be said of
    them: the latest figure; the highest and lowest only within the latest comparable run."""
    rows = measure_series(releases, slug)
    present = [row for row in rows if row.figure is not None and row.figure.value is not None]
    if not present:
        return None
    latest = present[-1]
    measure = latest.figure.measure
    run = [row for row in runs(rows)[-1] if row.figure is not None and row.figure.value is not None]
    summary = {
        "count": len(present),
        "latest": latest,
        "run_start": run[0].release.label if len(run) < len(present) else None,
        "highest": max(run, key=lambda row: row.figure.value) if len(run) > 1 else None,
        "lowest": min(run, key=lambda row: row.figure.value) if len(run) > 1 else None,
        "missing": [row.release.label for row in rows if row not in present],
    }
    return {
        "measure": measure,
        "rows": rows,
        "runs": runs(rows),
        "summary": summary,
        "total_years": len(rows),
    }
