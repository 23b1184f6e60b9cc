"""What a year's page and a measure's page show, gathered in a fixed, small number of queries."""

from django.db.models import Q

from .changes import describe_change
from .enums import Qualifier
from .formatting import format_value
from .models import Figure, Year


def _breakdown(total):
    """Each part's share of its total, and the remainder where it can be stated exactly."""
    parts = total.parts
    exact = total.qualifier == Qualifier.EXACT and all(
        p.qualifier == Qualifier.EXACT for p in parts
    )
    total.breakdown_exact = exact and total.value > 0
    for part in parts:
        part.share = round(part.value * 100 / total.value) if total.breakdown_exact else None
    total.remainder = None
    if total.breakdown_exact:
        rest = total.value - sum(p.value for p in parts)
        if rest > 0:
            total.remainder = format_value(rest, total.unit)
            total.remainder_share = 100 - sum(p.share for p in parts)


def year_page(year):
    """Everything on a year's page. Queries: years, figures, previous figures, quotes, notes."""
    published = list(
        Year.objects.published().only("pk", "label", "slug", "title", "period_start", "period_end")
    )
    earlier = [y for y in published if y.period_end < year.period_start]
    later = [y for y in published if y.period_start > year.period_end]
    previous_year = max(earlier, key=lambda y: y.period_end, default=None)
    next_year = min(later, key=lambda y: y.period_start, default=None)

    headline, other = year.figures_for_page()
    previous_figures = {}
    if previous_year is not None:
        previous_figures = {
            f.measure_id: f for f in Figure.objects.filter(year=previous_year, value__isnull=False)
        }
    for figure in headline + other:
        figure.change = describe_change(
            figure,
            previous_figures.get(figure.measure_id),
            previous_year.label if previous_year else "",
        )
        if figure.parts:
            _breakdown(figure)
    return {
        "year": year,
        "headline_figures": headline,
        "other_figures": other,
        "quotes": year.public_quotes(),
        "change_notes": list(year.change_notes.all()),
        "previous_year": previous_year,
        "next_year": next_year,
    }


def measure_page(measure):
    """Every published year with this measure's figure, or None where it has none."""
    years = list(Year.objects.published().order_by("period_start"))
    figures = {
        f.year_id: f
        for f in Figure.objects.filter(measure=measure, year__in=years).filter(
            Q(value__isnull=False) | Q(not_reported=True)
        )
    }
    rows = [(year, figures.get(year.pk)) for year in years]
    present = [(year, f) for year, f in rows if f is not None and f.value is not None]
    summary = {}
    if present:
        latest_year, latest = present[-1]
        highest_year, highest = max(present, key=lambda row: row[1].value)
        summary = {
            "count": len(present),
            "latest": (latest_year, latest),
            "highest": (highest_year, highest) if len(present) > 1 else None,
            "missing": [year for year, f in rows if f is None or f.value is None],
        }
    return {"measure": measure, "rows": rows, "summary": summary, "total_years": len(years)}
