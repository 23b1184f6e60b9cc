"""Catching slips such as `10.4` typed for £10.4m: a value far from last year's is flagged."""

from decimal import Decimal

from .enums import Unit
from .models import Figure, Year

FACTOR = 10
# A percentage change can swing from 2% to 40% quite honestly; only amounts are compared.
CHECKED_UNITS = {Unit.MONEY, Unit.COUNT}


def is_implausible(value: Decimal | None, previous: Decimal | None) -> bool:
    """More than FACTOR times larger or smaller than the previous published value.

    Nothing to compare with (no previous value, or a previous zero) is never flagged; a new
    zero after a real value is, since a stray 0 is a common slip.
    """
    if value is None or previous is None or previous == 0:
        return False
    return value > previous * FACTOR or value * FACTOR < previous


def previous_published_figure(year, measure):
    """The same measure's figure in the latest published year that ended before this one began."""
    years = Year.objects.published().exclude(pk=year.pk)
    if year.period_start:
        years = years.filter(period_end__lt=year.period_start)
    return (
        Figure.objects.filter(measure=measure, year__in=years, value__isnull=False)
        .select_related("year")
        .order_by("-year__period_end")
        .first()
    )
