"""Catching slips such as `10.4` typed for £10.4m, from every angle there is evidence for.

A value is questioned when it is far from:
- the same measure's previous published value (more than ten times larger or smaller);
- its total, for a breakdown part (under 1% of a total of £1m or more);
- its sibling parts (under a thousandth of the smallest of them);
- the scale of the year's other money figures (under £1,000 where they are in millions);
- the form money takes in a release (pence, where the release speaks in millions).

Each question is a `Flag`: why, in plain words, and the value most likely meant. The rules
are pure functions of the evidence (`Evidence`), so the admin form, the publishing checklist
and the tests share them; `flags_for_year` gathers the evidence for a saved year.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from stats.models import Figure, Year
from stats.models.enums import Unit
from stats.models.formatting import format_value

FACTOR = 10
# A percentage change can swing from 2% to 40% quite honestly; only amounts are compared.
CHECKED_UNITS = {Unit.MONEY, Unit.COUNT}
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)
# A part this small a share of a total in the millions is far more likely a unit slip.
SMALLEST_SHARE = Decimal("0.01")
SMALLEST_MONEY = THOUSAND


@dataclass(frozen=True)
class Flag:
    """Why a value looks like a slip, and the value most likely meant (or None)."""

    reason: str
    suggestion: Decimal | None = None

    def message(self, unit):
        if self.suggestion is None:
            return self.reason
        return f"{self.reason}: did you mean {format_value(self.suggestion, unit)}?"


@dataclass(frozen=True)
class Evidence:
    """What is known around one value: everything optional, since a first year has none."""

    name: str
    unit: str
    previous: Decimal | None = None  # the same measure's last published value
    previous_label: str = ""
    total: Decimal | None = None  # for a breakdown part: its total this year
    total_name: str = ""
    siblings: tuple[Decimal, ...] = ()  # the other parts of the same total this year
    other_money: tuple[Decimal, ...] = field(default=())  # the year's other money figures


def is_implausible(value: Decimal | None, previous: Decimal | None) -> bool:
    """More than FACTOR times larger or smaller than the previous published value.

    Nothing to compare with (no previous value, or a previous zero) is never flagged; a new
    zero after a real value is, since a stray 0 is a common slip.
    """
    if value is None or previous is None or previous == 0:
        return False
    return value > previous * FACTOR or value * FACTOR < previous


def _scaled_to(value, target):
    """The value times a thousand or a million, whichever lands nearest `target` (or None)."""
    candidates = [value * THOUSAND, value * MILLION]
    candidates = [c for c in candidates if not is_implausible(c, target)]
    return min(candidates, key=lambda c: abs(c - target), default=None)


def _percent(share):
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return "less than 0.01%" if share < Decimal("0.0001") else f"{text}%"


def flags(value: Decimal | None, evidence: Evidence) -> list[Flag]:
    """Every reason to question `value`, most telling first; empty when it looks right."""
    if value is None or evidence.unit not in CHECKED_UNITS:
        return []
    money = evidence.unit == Unit.MONEY
    shown = format_value(value, evidence.unit)
    found = []
    if is_implausible(value, evidence.previous):
        larger = "larger" if value > evidence.previous else "smaller"
        before = format_value(evidence.previous, evidence.unit)
        suggestion = _scaled_to(value, evidence.previous) if larger == "smaller" else None
        found.append(
            Flag(
                f"{shown} is more than {FACTOR} times {larger} than the last published figure "
                f"({before} for {evidence.previous_label})",
                suggestion,
            )
        )
    total = evidence.total
    if total and total >= MILLION and value and value < total * SMALLEST_SHARE:
        found.append(
            Flag(
                f"{shown} is {_percent(value / total)} of {evidence.total_name} "
                f"({format_value(total, evidence.unit)})",
                _scaled_to(value, total / max(len(evidence.siblings) + 1, 1)),
            )
        )
    siblings = [s for s in evidence.siblings if s > 0]
    if siblings and value and value * THOUSAND < min(siblings) and not found:
        smallest = min(siblings)
        found.append(
            Flag(
                f"{shown} is less than a thousandth of the other parts of "
                f"{evidence.total_name or 'the same total'} "
                f"(the smallest is {format_value(smallest, evidence.unit)})",
                _scaled_to(value, smallest),
            )
        )
    if money:
        in_millions = [m for m in evidence.other_money if m >= MILLION]
        scale = in_millions or ([total] if total and total >= MILLION else [])
        if scale and value < SMALLEST_MONEY and not found:
            found.append(
                Flag(
                    f"{shown} is under £1,000, where the year's other money figures are in "
                    f"millions",
                    value * MILLION,
                )
            )
        elif value != value.to_integral_value() and not found:
            found.append(
                Flag(
                    f"{shown} has pence, which a release's figures rarely do",
                    value * MILLION if scale and value < SMALLEST_MONEY else None,
                )
            )
    return found


def previous_published_figures(year, measures):
    """For each measure, its figure in the latest published year that ended before this one
    began: {measure pk: figure}. One query however many measures."""
    figures = (
        Figure.objects.with_value()
        .filter(year__in=Year.objects.published(), measure__in=measures)
        .exclude(year_id=year.pk)
    )
    if year.period_start:
        figures = figures.filter(year__period_end__lt=year.period_start)
    latest = {}
    for figure in figures.select_related("year").order_by("-year__period_end"):
        latest.setdefault(figure.measure_id, figure)
    return latest


def previous_published_figure(year, measure):
    """The same measure's figure in the latest published year that ended before this one began."""
    return previous_published_figures(year, [measure]).get(measure.pk)


def evidence_for(rows, year):
    """Evidence for each row of a year's figures, from the rows themselves and the year before.

    `rows` are (measure, value) pairs, saved or only typed: the form and the checklist alike.
    Returns {measure pk: Evidence}.
    """
    values = {measure.pk: value for measure, value in rows if value is not None}
    money = [value for measure, value in rows if measure.unit == Unit.MONEY and value is not None]
    by_pk = {measure.pk: measure for measure, _ in rows}
    earlier = previous_published_figures(year, list(by_pk)) if year is not None else {}
    result = {}
    for measure, value in rows:
        previous = earlier.get(measure.pk)
        parent = measure.parent if measure.parent_id else None
        siblings = tuple(
            values[m.pk]
            for m in by_pk.values()
            if parent and m.parent_id == parent.pk and m.pk != measure.pk and m.pk in values
        )
        others = list(money)
        if value is not None and measure.unit == Unit.MONEY:
            others.remove(value)
        result[measure.pk] = Evidence(
            name=measure.name,
            unit=measure.unit,
            previous=previous.value if previous else None,
            previous_label=previous.year.label if previous else "",
            total=values.get(parent.pk) if parent else None,
            total_name=parent.name if parent else "",
            siblings=siblings,
            other_money=tuple(others),
        )
    return result


def flags_for_year(year):
    """Unconfirmed flags on a saved year's figures: [(figure, [Flag, ...]), ...]."""
    figures = [
        f for f in year.figures.select_related("measure", "measure__parent") if f.value is not None
    ]
    evidence = evidence_for([(f.measure, f.value) for f in figures], year)
    found = []
    for figure in figures:
        if figure.confirmed_value is not None and figure.confirmed_value == figure.value:
            continue
        questions = flags(figure.value, evidence[figure.measure_id])
        if questions:
            found.append((figure, questions))
    return found
