"""A release as readers meet it: small immutable objects made from one stored version.

Every public output (pages, cards, embeds, downloads, the feed, alert emails) is built from a
`Release`, and a `Release` is built from a version's content (stats/rules/snapshot.py), so
nothing public reads the rows the press office is editing. A staff preview builds one from an
unstored snapshot of the draft, the same way.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from stats.models.change_note import written_after_release
from stats.models.enums import Qualifier, Unit
from stats.models.formatting import format_value
from stats.rules.changes import describe_change
from stats.rules.published import (
    FigureCard,
    Part,
    PublishedFigure,
    PublishedMeasure,
    PublishedNote,
    PublishedPhoto,
    PublishedQuote,
)


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


def _figure(row):
    measure = PublishedMeasure(
        slug=row["measure"],
        name=row["name"],
        description=row["description"],
        unit=row["unit"],
        parent=row["parent"],
        order=row["order"],
    )
    return PublishedFigure(
        measure=measure,
        value=None if row["value"] is None else Decimal(row["value"]),
        qualifier=row["qualifier"],
        comparison=row["comparison"],
        note=row["note"],
        is_headline=row["headline"],
        not_reported=row["not_reported"],
        not_comparable=row["not_comparable"],
        comparability_note=row["comparability_note"],
    )


def _previous(row, slug):
    unit = row["unit"]
    measure = PublishedMeasure(slug, "", "", unit, None, 0)
    return PublishedFigure(measure, Decimal(row["value"]), qualifier=row["qualifier"])


@dataclass(frozen=True)
class Release:
    """A year as one version of its release states it, and the facts of that release."""

    slug: str
    label: str
    title: str
    introduction: str
    other_results: tuple[str, ...]
    period_start: datetime.date
    period_end: datetime.date
    photo: PublishedPhoto | None
    figures: tuple[PublishedFigure, ...]
    quotes: tuple[PublishedQuote, ...]
    change_notes: tuple[PublishedNote, ...]
    previous_label: str = ""
    previous_figures: dict = field(default_factory=dict)
    # The record: None for a draft shown to staff, which no one has approved.
    version: int | None = None
    approved_at: datetime.datetime | None = None
    published_at: datetime.datetime | None = None
    second_person: bool = True

    @classmethod
    def from_content(cls, content, *, slug, **record):
        previous = content["previous_year"] or {"label": "", "figures": {}}
        published_at = record.get("published_at")
        notes = (
            PublishedNote(datetime.datetime.fromisoformat(n["made_at"]), n["text"])
            for n in content["change_notes"]
        )
        return cls(
            slug=slug,
            label=content["label"],
            title=content["title"],
            introduction=content["introduction"],
            other_results=tuple(content["other_results"]),
            period_start=datetime.date.fromisoformat(content["period_start"]),
            period_end=datetime.date.fromisoformat(content["period_end"]),
            photo=PublishedPhoto(**content["photo"]) if content["photo"] else None,
            figures=tuple(_figure(row) for row in content["figures"]),
            quotes=tuple(PublishedQuote(**quote) for quote in content["quotes"]),
            change_notes=tuple(
                note for note in notes if written_after_release(note.made_at, published_at)
            ),
            previous_label=previous["label"],
            previous_figures={
                slug: _previous(row, slug) for slug, row in previous["figures"].items()
            },
            **record,
        )

    @classmethod
    def of(cls, year, version=None):
        """The year as `version` (default: its current one) states it."""
        version = version or year.current_version
        return cls.from_content(
            version.content,
            slug=year.slug,
            version=version.number,
            approved_at=version.made_at,
            published_at=year.published_at,
            second_person=version.second_person,
        )

    # --- the record ---------------------------------------------------------------------

    @property
    def last_updated(self):
        """Publication, or the version's approval if later (a correction the same day too)."""
        if self.published_at is None or self.approved_at is None:
            return self.published_at
        return max(self.published_at, self.approved_at)

    @property
    def updated_since_publication(self):
        return self.last_updated is not None and self.last_updated > self.published_at

    # --- the figures, as the page groups them -------------------------------------------

    @cached_property
    def shown(self):
        """Figures with a value: the ones a page shows (not-reported ones are listed on the
        measure's own page)."""
        return [figure for figure in self.figures if figure.value is not None]

    def figure(self, slug):
        return next((f for f in self.shown if f.measure.slug == slug), None)

    @cached_property
    def _cards(self):
        notes = Notes()
        parts = {}
        for figure in self.shown:
            if figure.measure.parent:
                parts.setdefault(figure.measure.parent, []).append(figure)
        tops = [figure for figure in self.shown if not figure.measure.parent]
        cards = {}
        for figure in tops:
            change = describe_change(
                figure, self.previous_figures.get(figure.measure.slug), self.previous_label
            )
            cards[figure.measure.slug] = _card(
                figure, parts.get(figure.measure.slug, []), change, notes
            )
        for parent, figures in parts.items():  # a part whose total this year has none
            if parent not in cards:
                for figure in figures:
                    cards[figure.measure.slug] = _card(figure, [], "", notes)
        return cards, notes.texts

    @property
    def headline_cards(self):
        return [card for card in self._cards[0].values() if card.figure.is_headline]

    @property
    def other_cards(self):
        return [card for card in self._cards[0].values() if not card.figure.is_headline]

    @property
    def breakdowns(self):
        return [card for card in self.headline_cards if card.parts]

    @property
    def notes(self):
        return list(enumerate(self._cards[1], start=1))

    def card(self, slug):
        """The card of any figure shown, a part's included: for its share image and embed."""
        for card in self._cards[0].values():
            if card.figure.measure.slug == slug:
                return card
            for part in card.parts:
                if part.figure.measure.slug == slug:
                    return FigureCard(part.figure, note_number=part.note_number)
        return None


def _card(figure, parts, change, notes):
    note = notes.number(figure.note)
    if not parts:
        return FigureCard(figure, change, note)
    exact = (
        figure.qualifier == Qualifier.EXACT
        and all(p.qualifier == Qualifier.EXACT for p in parts)
        and figure.value > 0
        and figure.unit != Unit.PERCENT_CHANGE
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
