"""A measure's name and description are on the page of every year that reports it: once any
of those years is published or scheduled, a new name or description waits for another
publisher's approval, and is then published as a new version of each of those years, with a
change note.

A new description is a new definition: approving one asks whether earlier years' figures are
still comparable with later ones. If not, the figures of years not yet public are marked "not
comparable with earlier years", with the change note as the reason, so no page compares them.
"""

from django.db import IntegrityError, transaction

from stats.models import Measure, PendingMeasureChange, Year
from stats.models.enums import YearState
from stats.rules import signals
from stats.rules.approval import proposer_problem, second_person_required
from stats.rules.corrections import NOT_THE_ONE_SEEN
from stats.rules.publishing import PublishingError
from stats.rules.versions import freeze

# What a year's page shows of a measure: its words, and where its figure sits on the page.
PUBLIC_FIELDS = ["name", "description", "display_order"]
ALREADY_WAITING = "A change to this measure is already waiting for approval."
RELEASED_SINCE_SEEN = (
    "A year that shows this measure was released while you read this: the change note will "
    "now be public on its page too, and its subscribers will be told of it. Read it again "
    "before approving."
)


def public_years(measure):
    """The years published or scheduled with a figure for this measure: their rows are what
    was approved, so a new version of each differs from the last by the measure alone."""
    return list(
        Year.objects.filter(
            figures__measure=measure, state=YearState.PUBLISHED, current_version__isnull=False
        ).distinct()
    )


def released(years):
    """The years the public has seen (pks): on them a change note is public and sent to
    correction alerts; a year still scheduled keeps it in its record (ChangeNote.after_release)."""
    return {year.pk for year in years if year.has_been_public}


def hold(measure, changes, user, change_note):
    """Keep a change for approval. One waits at a time for each measure: the database refuses
    a second, so two saves at the same moment never overwrite each other."""
    try:
        with transaction.atomic():
            return PendingMeasureChange.objects.create(
                measure=measure, made_by=user, changes=changes, change_note=change_note.strip()
            )
    except IntegrityError as error:
        raise PublishingError([ALREADY_WAITING]) from error


def changes_definition(pending):
    return "description" in pending.changes


@transaction.atomic
def approve(measure, user, seen=None, still_comparable=None, released_seen=None):
    """`seen`: the change the publisher reviewed (its pk), if another may have replaced it.
    `still_comparable`: for a new definition, whether earlier figures remain comparable.
    `released_seen`: the years released when the publisher read it (`released()`): if one
    has been released since, its note would be public unannounced, so nothing is approved."""
    pending = PendingMeasureChange.objects.select_for_update().filter(measure=measure).first()
    if pending is None:
        raise PublishingError(["There is no change to this measure waiting for approval."])
    if seen is not None and pending.pk != seen:
        raise PublishingError([NOT_THE_ONE_SEEN])
    if released_seen is not None and released_seen != released(public_years(measure)):
        raise PublishingError([RELEASED_SINCE_SEEN])
    if (problem := proposer_problem(pending.made_by_id, user)) is not None:
        raise PublishingError([problem.replace("asked for", "made")])
    if changes_definition(pending) and still_comparable is None:
        raise PublishingError(
            [
                "The definition changes: say whether earlier years' figures can still be "
                "compared with later ones."
            ]
        )
    measure = Measure.objects.get(pk=measure.pk)
    for name, value in pending.changes.items():
        setattr(measure, name, value)
    measure._history_user = pending.made_by
    measure.full_clean()
    measure.save()
    if still_comparable is False:
        _mark_break(measure, pending.change_note, user)
    for year in public_years(measure):
        version = freeze(
            year, user, note_text=pending.change_note, second_person=second_person_required()
        )
        signals.tell_of_correction(year, version)
    pending.delete()
    return measure


def _mark_break(measure, reason, user):
    """The figures of years not yet approved for the public are counted the new way."""
    drafts = measure.figures.filter(
        year__current_version__isnull=True, year__state__in=[YearState.DRAFT, YearState.READY]
    )
    for figure in drafts:
        figure.not_comparable = True
        figure.comparability_note = reason
        figure._history_user = user
        figure.save()
