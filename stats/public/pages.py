"""What a year's page and a measure's page show, gathered in a fixed, small number of queries
and built as small immutable objects: templates, the share cards and the feed read these,
never attributes set on a model instance."""

from dataclasses import dataclass

from django.db.models import Q

from stats.models import Figure, Year
from stats.models.enums import Qualifier
from stats.rules.changes import describe_change
from stats.rules.formatting import format_value


@dataclass(frozen=True)
class Part:
    """A breakdown part as shown: its figure and its share of the total (None if inexact)."""

    figure: Figure
    share: int | None
    note_number: int | None = None

    @property
    def measure(self):
        return self.figure.measure

    @property
    def display(self):
        return self.figure.display


@dataclass(frozen=True)
class FigureCard:
    """A figure as the page shows it: with what changed, its note's number, and its parts."""

    figure: Figure
    change: str = ""
    note_number: int | None = None
    parts: tuple[Part, ...] = ()
    exact_breakdown: bool = False
    remainder: str = ""
    remainder_share: int | None = None

    @property
    def measure(self):
        return self.figure.measure

    @property
    def display(self):
        return self.figure.display

    @property
    def comparison(self):
        return self.figure.comparison

    @property
    def not_comparable(self):
        return self.figure.not_comparable

    @property
    def comparability_note(self):
        return self.figure.comparability_note


class Notes:
    """Notes numbered once each, however many figures share them (shown as footnotes)."""

    def __init__(self):
        self.texts = []

    def number(self, text):
        if not text:
            return None
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1


def _card(figure, parts, change, notes):
    note = notes.number(figure.note)
    if not parts:
        return FigureCard(figure, change, note)
    exact = (
        figure.qualifier == Qualifier.EXACT
        and all(p.qualifier == Qualifier.EXACT for p in parts)
        and figure.value > 0
    )
    shares = [round(p.value * 100 / figure.value) if exact else None for p in parts]
    rows = tuple(
        Part(p, share, notes.number(p.note)) for p, share in zip(parts, shares, strict=True)
    )
    remainder, remainder_share = "", None
    if exact and (rest := figure.value - sum(p.value for p in parts)) > 0:
        remainder = format_value(rest, figure.unit)
        remainder_share = 100 - sum(shares)
    return FigureCard(figure, change, note, rows, exact, remainder, remainder_share)


def year_page(year):
    """Everything on a year's page. Queries: the years before and after, figures, previous
    figures, quotes, notes."""
    previous_year = Year.objects.previous_published(year)
    next_year = Year.objects.next_published(year)

    headline, other, parts = year.figures_for_page()
    previous_figures = {}
    if previous_year is not None:
        previous_figures = {
            f.measure_id: f for f in Figure.objects.public().filter(year=previous_year)
        }
    notes = Notes()

    def card(figure):
        change = describe_change(
            figure,
            previous_figures.get(figure.measure_id),
            previous_year.label if previous_year else "",
        )
        return _card(figure, parts.get(figure.measure_id, []), change, notes)

    headline_cards = [card(figure) for figure in headline]
    other_cards = [card(figure) for figure in other]
    return {
        "year": year,
        "headline_figures": headline_cards,
        "breakdowns": [card for card in headline_cards if card.parts],
        "other_figures": other_cards,
        "notes": list(enumerate(notes.texts, start=1)),
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
