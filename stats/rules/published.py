"""What a release holds, as small immutable objects: its measures, figures, quotes, notes and
photo, and a figure as a card with its parts. `Release` (stats/rules/releases.py) makes them
from one stored version; every public output reads them and nothing else."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from stats.models.enums import Qualifier
from stats.models.formatting import figure_text


@dataclass(frozen=True)
class PublishedMeasure:
    """A measure as the release named and defined it."""

    slug: str
    name: str
    description: str
    unit: str
    parent: str | None  # the slug of the total it is part of
    order: int


@dataclass(frozen=True)
class PublishedFigure:
    measure: PublishedMeasure
    value: Decimal | None
    qualifier: str = Qualifier.EXACT
    comparison: str = ""
    note: str = ""
    is_headline: bool = False
    not_reported: bool = False
    not_comparable: bool = False
    comparability_note: str = ""

    @property
    def unit(self):
        return self.measure.unit

    @property
    def display(self):
        return figure_text(self.value, self.unit, self.qualifier, self.not_reported)

    @property
    def period_compared(self):
        """What a percentage change compares with ("compared with 2020"), unless the figure is
        marked not comparable with earlier years: then it compares with nothing."""
        return "" if self.not_comparable else self.comparison

    @property
    def label(self):
        """Its words beside its number: "Cyber crime arrests, compared with 2020"."""
        compared = self.period_compared
        return f"{self.measure.name}, {compared}" if compared else self.measure.name


@dataclass(frozen=True)
class PublishedQuote:
    speaker_name: str
    speaker_role: str
    text: str

    @property
    def paragraphs(self):
        return [p.strip() for p in self.text.replace("\r\n", "\n").split("\n\n") if p.strip()]


@dataclass(frozen=True)
class PublishedNote:
    made_at: datetime.datetime
    text: str


@dataclass(frozen=True)
class PublishedPhoto:
    name: str
    alt: str
    caption: str
    credit: str
    width: int | None = None
    height: int | None = None

    @property
    def url(self):
        return settings.MEDIA_URL + self.name


@dataclass(frozen=True)
class Part:
    """A breakdown part as shown: its figure and its share of the total (None if inexact)."""

    figure: PublishedFigure
    share: int | None
    note_number: int | None = None


@dataclass(frozen=True)
class FigureCard:
    """A figure as the page, its cards and emails show it: with what changed since the year
    before, its note's number and its parts."""

    figure: PublishedFigure
    change: str = ""
    note_number: int | None = None
    parts: tuple[Part, ...] = ()
    exact_breakdown: bool = False
    remainder: str = ""
    remainder_share: int | None = None
