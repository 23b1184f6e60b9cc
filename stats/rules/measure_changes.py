"""A measure's name and description are on the page of every year that reports it: once any
of those years has been public, a new name or description waits for another publisher's
approval, and is published with a change note on each of those years."""

from django.db import transaction

from stats.models import ChangeNote, Measure, PendingMeasureChange, Year
from stats.rules.corrections import NOT_THE_ONE_SEEN
from stats.rules.publishing import PublishingError, second_person_required

# What a year's page shows of a measure: its words, and where its figure sits on the page.
PUBLIC_FIELDS = ["name", "description", "display_order"]


def public_years(measure):
    """The years the public has seen with a figure for this measure."""
    return [
        year
        for year in Year.objects.filter(figures__measure=measure).distinct()
        if year.has_been_public or year.is_scheduled
    ]


def hold(measure, changes, user, change_note):
    return PendingMeasureChange.objects.update_or_create(
        measure=measure,
        defaults={"made_by": user, "changes": changes, "change_note": change_note.strip()},
    )[0]


@transaction.atomic
def approve(measure, user, seen=None):
    """`seen`: the change the publisher reviewed (its pk), if another may have replaced it."""
    pending = PendingMeasureChange.objects.select_for_update().filter(measure=measure).first()
    if pending is None:
        raise PublishingError(["There is no change to this measure waiting for approval."])
    if seen is not None and pending.pk != seen:
        raise PublishingError([NOT_THE_ONE_SEEN])
    if second_person_required() and pending.made_by_id == user.pk:
        raise PublishingError(["You made this change: another publisher must approve it."])
    measure = Measure.objects.get(pk=measure.pk)
    for name, value in pending.changes.items():
        setattr(measure, name, value)
    measure._history_user = pending.made_by
    measure.full_clean()
    measure.save()
    for year in public_years(measure):
        if year.has_been_public:
            ChangeNote(year=year, text=pending.change_note).save()
    pending.delete()
    return measure
