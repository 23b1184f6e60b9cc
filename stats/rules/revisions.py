"""A year's revision history in words: who changed what, when, from what to what.

Reads django-simple-history's records for the year and everything on its page (figures,
quotes, change notes), so one list tells the whole story of a year.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from stats.models import ChangeNote, Figure, Measure, Quote, Year
from stats.models.formatting import plain_decimal

KINDS = {"+": "added", "~": "changed", "-": "deleted"}
IGNORED = {"unit"}  # copied from the measure, never typed


@dataclass
class Change:
    when: datetime
    who: str
    kind: str
    what: str
    details: list[str] = field(default_factory=list)


def _shown(value):
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _details(record, previous, model):
    if record.history_type != "~" or previous is None:
        return []
    lines = []
    for change in record.diff_against(previous).changes:
        if change.field in IGNORED:
            continue
        label = model._meta.get_field(change.field).verbose_name
        lines.append(f"{label}: {_shown(change.old)} → {_shown(change.new)}")
    return lines


def changes_to_year(year_id, since=None):
    """Every recorded change to the year and its figures, quotes and notes, newest first."""
    measures = dict(Measure.objects.values_list("pk", "name"))
    sources = [
        (Year, Year.history.filter(id=year_id), lambda r: "The year"),
        (
            Figure,
            Figure.history.filter(year_id=year_id),
            lambda r: f"Figure: {measures.get(r.measure_id, '?')}",
        ),
        (Quote, Quote.history.filter(year_id=year_id), lambda r: f"Quote by {r.speaker_name}"),
        (ChangeNote, ChangeNote.history.filter(year_id=year_id), lambda r: "Public change note"),
    ]
    changes = []
    for model, records, describe in sources:
        records = list(records.select_related("history_user").order_by("id", "history_date"))
        previous_of = {}
        for record in records:
            key = record.id
            previous = previous_of.get(key)
            previous_of[key] = record
            if since is not None and record.history_date <= since:
                continue
            user = record.history_user
            details = _details(record, previous, model)
            if record.history_type == "~" and previous is not None and not details:
                continue  # saved without a change worth telling
            changes.append(
                Change(
                    when=record.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "someone",
                    kind=KINDS[record.history_type],
                    what=describe(record),
                    details=details,
                )
            )
    return sorted(changes, key=lambda change: change.when, reverse=True)
