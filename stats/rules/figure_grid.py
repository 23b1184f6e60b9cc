"""The figure grid's rows: a row per measure a year reports, in the order the page shows them,
and what a new row starts with (last year's headline choice, its comparison moved on a year)."""

import re

from django.db.models import Q

from stats.models import Measure, Year


def next_comparison(comparison):
    """ "compared with 2020" a year on: "compared with 2021"."""
    return re.sub(r"\b(\d{4})\b", lambda m: str(int(m.group(1)) + 1), comparison)


def figure_rows_for(year):
    """The rows of a year's figure grid: every measure in use, every measure the year before
    reported, and every measure the year has a figure for, totals followed by their parts.

    Returns [(measure, initial values for a row the year has no figure for yet)].
    """
    previous = (
        Year.objects.previous_published(year) if year is not None and year.period_start else None
    )
    before = {}
    if previous is not None:
        before = {f.measure_id: f for f in previous.figures.with_value()}
    own = set(year.figures.values_list("measure_id", flat=True)) if year and year.pk else set()
    measures = Measure.objects.filter(
        Q(is_active=True) | Q(pk__in=own) | Q(pk__in=list(before))
    ).select_related("parent")
    totals = sorted(
        (m for m in measures if not m.parent_id), key=lambda m: (m.display_order, m.name)
    )
    parts = sorted((m for m in measures if m.parent_id), key=lambda m: (m.display_order, m.name))
    ordered = []
    for total in totals:
        ordered.append(total)
        ordered += [part for part in parts if part.parent_id == total.pk]
    ordered += [part for part in parts if part not in ordered]  # a part whose total is retired
    rows = []
    for measure in ordered:
        last = before.get(measure.pk)
        initial = {
            "measure": measure.pk,
            "is_headline": last.is_headline if last else measure.is_headline,
            "comparison": next_comparison(last.comparison) if last else "",
        }
        rows.append((measure, None if measure.pk in own else initial))
    return rows
