"""Bringing back a deleted draft, with its figures, quotes and notes, from the revision history."""

from django.db import transaction

from stats.models.enums import YearState

from ..models import ChangeNote, Figure, Quote, Year


class RestoreError(Exception):
    pass


def deleted_years():
    """The last record of each year that was deleted and not restored since, newest first."""
    existing = set(Year.objects.values_list("pk", flat=True))
    seen, deleted = set(), []
    for record in Year.history.select_related("history_user").order_by("-history_date"):
        if record.id in seen:
            continue
        seen.add(record.id)
        if record.history_type == "-" and record.id not in existing:
            deleted.append(record)
    return deleted


@transaction.atomic
def restore_year(year_id, user):
    record = Year.history.filter(id=year_id).order_by("-history_date").first()
    if record is None or record.history_type != "-" or Year.objects.filter(pk=year_id).exists():
        raise RestoreError("That year is not a deleted draft.")
    clash = (
        Year.objects.filter(slug=record.slug).first()
        or Year.objects.filter(label=record.label).first()
    )
    if clash:
        raise RestoreError(f"Cannot restore: {clash} now uses the same label or web address.")
    year = record.instance
    year.state = YearState.DRAFT
    year._history_user = user
    year.save(force_insert=True)
    for model in (Figure, Quote, ChangeNote):
        # Rows deleted with the year (the last record of each is its deletion).
        latest = {}
        for row in model.history.filter(year_id=year_id).order_by("history_date"):
            latest[row.id] = row
        for row in latest.values():
            if row.history_type == "-" and not model.objects.filter(pk=row.id).exists():
                instance = row.instance
                instance._history_user = user
                instance.save(force_insert=True)
    return year
