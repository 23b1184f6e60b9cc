"""Freezing a year's release: each approval stores what the public will read as a new
ReleaseVersion, and the year points at it. The only writer of versions and of
Year.current_version."""

from django.db.models import Max

from stats.models import ChangeNote, ReleaseVersion, Year
from stats.rules.snapshot import snapshot


def add_change_note(year, text, user):
    """An append-only note, on the year's page ("Updates to this page") if written after its
    release (ChangeNote.after_release); before it, for the press office's record."""
    note = ChangeNote(year=year, text=text.strip())
    note._history_user = user
    note.save()
    return note


def freeze(year, user, *, note_text="", second_person=True, at=None):
    """Store the year as it reads now as its next version, with its public change note (none
    for a first version), approved by `user`. Nothing new is stored when nothing a reader sees
    changed and there is no note. `at`: when it was approved, if not now."""
    current = year.current_version
    if current is not None and not note_text and current.content == snapshot(year):
        return current
    note = add_change_note(year, note_text, user) if note_text else None
    latest = ReleaseVersion.objects.filter(year=year).aggregate(n=Max("number"))["n"] or 0
    version = ReleaseVersion.objects.create(
        year=year,
        number=latest + 1,
        content=snapshot(year),  # after the note, which is part of what the page shows
        note=note,
        approved_by=user,
        second_person=second_person,
        **({"made_at": at} if at else {}),
    )
    Year.objects.filter(pk=year.pk).update(current_version=version)
    year.current_version = version
    return version
