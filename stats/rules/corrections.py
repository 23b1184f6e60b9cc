"""Corrections to a published or scheduled year wait for a publisher's approval.

The admin saves such a change as usual, inside a savepoint, reads the year's content after it
(`content`), rolls the savepoint back and keeps the change as a `PendingCorrection`: the year
itself, and so the public page, stay as approved. Approving writes the held content over the
year (`apply_content`); discarding forgets it.

A year's *content* is everything the public reads on its page, as plain JSON: the year's own
text, its photo, each figure and each quote. Comparing two contents gives the change in words
(`differences`), which is what a publisher reviews.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from stats.models import Figure, Measure, PendingCorrection, Quote, Year
from stats.models.formatting import figure_text
from stats.rules import signals
from stats.rules.approval import second_person_problem, second_person_required
from stats.rules.checklist import problems_before_publishing
from stats.rules.publishing import PublishingError, approved
from stats.rules.versions import freeze

YEAR_FIELDS = [
    "label",
    "slug",
    "title",
    "introduction",
    "other_results",
    "period_start",
    "period_end",
    "photo",
    "photo_alt",
    "photo_caption",
    "photo_credit",
]
FIGURE_FIELDS = [
    "value",
    "qualifier",
    "comparison",
    "note",
    "is_headline",
    "not_reported",
    "not_comparable",
    "comparability_note",
    "confirmed_value",
]
QUOTE_FIELDS = ["speaker_name", "speaker_role", "text", "order"]


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value.name if hasattr(value, "name") else value)  # an image field's file


def content(year):
    """What the public reads on the year's page, as JSON-ready data read from the database."""
    return {
        "year": {name: _plain(getattr(year, name)) or "" for name in YEAR_FIELDS},
        "figures": {
            str(figure.measure_id): {name: _plain(getattr(figure, name)) for name in FIGURE_FIELDS}
            for figure in Figure.objects.filter(year=year).order_by("measure_id")
        },
        "quotes": [
            {"id": quote.pk, **{name: getattr(quote, name) for name in QUOTE_FIELDS}}
            for quote in Quote.objects.filter(year=year).order_by("pk")
        ],
    }


def _figure_text(row, measure):
    if row is None:
        return "(none)"
    text = figure_text(_value(row["value"]), measure.unit, row["qualifier"], row["not_reported"])
    if row["value"] is None:
        return text
    extras = [
        row["comparison"],
        "headline" if row["is_headline"] else "",
        f"note: {row['note']}" if row["note"] else "",
        f"not comparable: {row['comparability_note']}" if row["not_comparable"] else "",
    ]
    return "; ".join([text, *[extra for extra in extras if extra]])


def _short(text):
    text = str(text or "(empty)")
    return text if len(text) <= 120 else text[:117] + "…"


def differences(before, after):
    """The change from one content to another, a line per thing changed, in plain words."""
    lines = []
    for name in YEAR_FIELDS:
        old, new = before["year"].get(name), after["year"].get(name)
        if old != new:
            label = name.replace("_", " ").capitalize()
            lines.append(f"{label}: {_short(old)} → {_short(new)}")
    ids = set(before["figures"]) | set(after["figures"])
    measures = Measure.objects.in_bulk([int(pk) for pk in ids])
    for pk in sorted(ids, key=lambda pk: (measures[int(pk)].display_order, int(pk))):
        old, new = before["figures"].get(pk), after["figures"].get(pk)
        if old != new:
            measure = measures[int(pk)]
            old_text, new_text = _figure_text(old, measure), _figure_text(new, measure)
            if old_text == new_text:  # only the confirmation of an unusual value
                lines.append(f"Figure “{measure.name}”: {new_text} confirmed as right")
                continue
            lines.append(f"Figure “{measure.name}”: {old_text} → {new_text}")
    old_quotes = {quote["id"]: quote for quote in before["quotes"]}
    new_quotes = {quote["id"]: quote for quote in after["quotes"] if quote["id"] in old_quotes}
    for quote_id, quote in old_quotes.items():
        if quote_id not in new_quotes:
            lines.append(f"Quote by {quote['speaker_name']} removed")
            continue
        changed = [name for name in QUOTE_FIELDS if quote[name] != new_quotes[quote_id][name]]
        if changed:
            words = ", ".join(name.replace("_", " ") for name in changed)
            lines.append(
                f"Quote by {quote['speaker_name']}: {words} changed"
                + (f" to “{_short(new_quotes[quote_id]['text'])}”" if "text" in changed else "")
            )
    for quote in after["quotes"]:
        if quote["id"] not in old_quotes:
            lines.append(f"Quote by {quote['speaker_name']} added: “{_short(quote['text'])}”")
    return lines


def _value(text):
    return None if text is None else Decimal(text)


def apply_content(year, wanted, user):
    """Make the year's records say what `wanted` says, recording `user` in the history."""
    for name in YEAR_FIELDS:
        value = wanted["year"][name]
        if name == "photo":
            year.photo.name = value or None
        else:
            setattr(year, name, value)
    year._history_user = user
    year.full_clean(exclude=["version"])
    year.save()
    existing = {str(figure.measure_id): figure for figure in year.figures.all()}
    for measure_id, row in wanted["figures"].items():
        figure = existing.pop(measure_id, None) or Figure(year=year, measure_id=int(measure_id))
        for name in FIGURE_FIELDS:
            value = row[name]
            setattr(figure, name, _value(value) if name in ("value", "confirmed_value") else value)
        figure._history_user = user
        figure.save()
    for figure in existing.values():
        figure._history_user = user
        figure.delete()
    kept = {quote["id"] for quote in wanted["quotes"]}
    for quote in year.quotes.all():
        if quote.pk not in kept:
            quote._history_user = user
            quote.delete()
    for row in wanted["quotes"]:
        quote = Quote.objects.filter(pk=row["id"], year=year).first() or Quote(year=year)
        for name in QUOTE_FIELDS:
            setattr(quote, name, row[name])
        quote._history_user = user
        quote.save()


class AlreadyWaiting(Exception):
    """Another correction to the year was held a moment before: only one waits at a time."""


def hold(year, before, after, user, change_note=""):
    """Keep a change to an approved year for approval; None when nothing public changed."""
    if not differences(before, after):
        return None
    try:
        with transaction.atomic():
            return PendingCorrection.objects.create(
                year=year, made_by=user, change_note=change_note.strip(), before=before, after=after
            )
    except IntegrityError as error:  # two saves at once: the other one got there first
        raise AlreadyWaiting from error


def published_note(pending, addition=""):
    """The public change note of a held correction: its author's words, which the approver
    may add to but never rewrite."""
    parts = [pending.change_note.strip(), addition.strip()]
    return " ".join(part for part in parts if part)


@transaction.atomic
def approve(year, user, addition="", seen=None, version=None, public=None):
    """Make a held correction public (or part of a scheduled year's release) as the year's
    next version: the same rules as publishing, and nobody who made or changed it since the
    last approval may approve it. `seen`: the correction the publisher reviewed (its pk);
    `version`: the version number it was shown as becoming; `public`: whether the year had
    been released then (its note public or for the record only). If any moved on meanwhile,
    nothing is approved."""
    year = Year.objects.select_for_update().get(pk=year.pk)
    pending = year.held_correction
    if pending is None:
        raise PublishingError(["There is no correction waiting for approval."])
    if seen is not None and pending.pk != seen:
        raise PublishingError([NOT_THE_ONE_SEEN])
    if version is not None and version != next_version_number(year):
        raise PublishingError([NOT_THE_ONE_SEEN])
    if public is not None and public != year.has_been_public:
        raise PublishingError([RELEASED_SINCE_SEEN])
    note = published_note(pending, addition)
    problems = []
    if (problem := second_person_problem(year, user)) is not None:
        problems.append(problem)
    if content(year) != pending.before:
        problems.append(
            "The year has changed since this correction was made: discard it and make it again."
        )
    if not note:
        problems.append(
            "Say what changed in a public change note: the public will read it."
            if year.has_been_public
            else "Say what changed in a change note: it goes in the year's record (before the "
            "release, the public is not shown it)."
        )
    if problems:
        raise PublishingError(problems)
    apply_content(year, pending.after, pending.made_by)
    if problems := problems_before_publishing(year):
        raise PublishingError(problems)  # and the atomic block undoes the correction
    pending.delete()
    year.refresh_from_db()
    approved(year, user)
    year._history_user = user
    year.save()
    version = freeze(year, user, note_text=note, second_person=second_person_required())
    signals.tell_of_correction(year, version)
    return year


def next_version_number(year):
    return (year.current_version.number if year.current_version_id else 0) + 1


RELEASED_SINCE_SEEN = (
    "The year was released while you read this: the note will now be public, under “Updates "
    "to this page”, and subscribers will be told of it. Read it again before approving."
)
NOT_THE_ONE_SEEN = (
    "The change you reviewed was discarded and another one made since: read this one before "
    "approving it."
)


def discard(year):
    """Forget a pending correction: the year stays as approved. A photo uploaded for it alone
    (the held save wrote the file, though its record was rolled back) goes too."""
    pending = year.held_correction
    if pending is None:
        return
    pending.delete()
    photo = pending.after["year"].get("photo")
    if photo and photo != pending.before["year"].get("photo") and not _photo_in_use(photo):
        storage = Year._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(photo))


def _photo_in_use(name):
    return (
        Year.objects.filter(photo=name).exists()
        or Year.history.filter(photo=name).exists()  # a revert could bring it back
        or PendingCorrection.objects.filter(after__year__photo=name).exists()
    )
