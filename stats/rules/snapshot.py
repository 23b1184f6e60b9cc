"""A year's release as a record: everything a reader sees of it, frozen as plain JSON.

`snapshot(year)` reads the rows the press office edits and writes what a reader would see
of them now: the year's words, period and photo; each figure with its measure's name,
definition and unit as they are today, and the year before's figure it is compared with;
the quotes with their speakers' roles at the time; the public change notes. `freeze()`
stores it as the year's next ReleaseVersion, which nothing ever changes: every public page,
download, card, feed and alert reads a stored version (stats/rules/releases.py), never the
rows. A staff preview reads an unstored snapshot of the draft the same way.

The format is versioned ("format": 1) because stored versions are kept for good: code that
reads them must read every format ever written.

Written only with plain field access, so that a migration can take snapshots with its own
historical models (migration 0009 gave every year published before versions its first one).
"""

import hashlib
import json

from django.utils import timezone

FORMAT = 1


def _text(value):
    return None if value is None else format(value, "f")


def _figure(figure):
    measure = figure.measure
    return {
        "measure": measure.slug,
        "name": measure.name,
        "description": measure.description,
        "unit": measure.unit,
        "parent": measure.parent.slug if measure.parent_id else None,
        "order": measure.display_order,
        "value": _text(figure.value),
        "qualifier": figure.qualifier,
        "comparison": figure.comparison,
        "note": figure.note,
        "headline": figure.is_headline,
        "not_reported": figure.not_reported,
        "not_comparable": figure.not_comparable,
        "comparability_note": figure.comparability_note,
    }


def _photo(year):
    try:  # its size, so the page keeps its place for it while it loads
        width, height = year.photo.width, year.photo.height
    except (OSError, ValueError):
        width = height = None
    return {
        "name": year.photo.name,
        "alt": year.photo_alt,
        "caption": year.photo_caption,
        "credit": year.photo_credit,
        "width": width,
        "height": height,
    }


def _previous_year(year):
    """The published year that ended last before this one began, as its public saw it: its
    label, address and each figure's value, which this year's figures are compared with."""
    now = timezone.now()
    previous = (
        type(year)
        .objects.filter(
            state="published",
            published_at__lte=now,
            current_version__isnull=False,
            period_end__lt=year.period_start,
        )
        .exclude(pk=year.pk)
        .select_related("current_version")
        .order_by("-period_end")
        .first()
    )
    if previous is None:
        return None
    return {
        "label": previous.label,
        "figures": {
            row["measure"]: {key: row[key] for key in ("value", "qualifier", "unit")}
            for row in previous.current_version.content["figures"]
            if row["value"] is not None
        },
    }


def snapshot(year):
    """What a reader sees of the year, from its rows as they are now (JSON-ready)."""
    figures = year.figures.select_related("measure", "measure__parent").order_by(
        "measure__display_order", "measure__name"
    )
    return {
        "format": FORMAT,
        "label": year.label,
        "title": year.title,
        "introduction": year.introduction,
        "other_results": [line.strip() for line in year.other_results.splitlines() if line.strip()],
        "period_start": year.period_start.isoformat(),
        "period_end": year.period_end.isoformat(),
        "photo": _photo(year) if year.photo else None,
        "figures": [_figure(f) for f in figures if f.value is not None or f.not_reported],
        "previous_year": _previous_year(year),
        "quotes": [
            {"speaker_name": q.speaker_name, "speaker_role": q.speaker_role, "text": q.text}
            for q in year.quotes.order_by("order", "id")
            if q.text.strip()
        ],
        "change_notes": [
            {"made_at": note.made_at.isoformat(), "text": note.text}
            for note in year.change_notes.order_by("-made_at", "-pk")
        ],
    }


def fingerprint(content):
    """A short digest of a snapshot: a form carries the one its reader looked at, so that an
    approval never covers a change made after they looked."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
