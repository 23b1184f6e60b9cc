"""The three things worth an alert, each a plain function, each made into an event once
however often it is asked for (the event's key is unique in the database), its sending
queued in the same transaction: nothing is sent for a publication that is rolled back.

- `year_published(year)`: now, or at its publication time if it is scheduled;
- `correction_approved(year, note)`: a public change note on a year the public has seen;
- `calendar_changed(change_id, ...)`: a release date confirmed, moved or cancelled.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from stats.models import AlertEvent, Year
from stats.models.subscriber import AlertKind

from . import content, queue


def year_published(year):
    """A year published now gets its alert now; a scheduled one at its moment, by a job that
    checks then that the year is still due at that moment (moved or withdrawn: nothing)."""
    if year.published_at > timezone.now():
        moment = year.published_at.isoformat()
        queue.defer(
            "release_moment",
            lock=f"release-{year.pk}-{moment}",
            at=year.published_at,
            year_id=year.pk,
            moment=moment,
        )
        return None
    return _event(AlertKind.RELEASE, _release_key(year), year, lambda: content.release(year))


def release_moment(year_id, moment):
    """The moment a scheduled year was due: its alert, if it is public with that time."""
    year = (
        Year.objects.published()
        .filter(pk=year_id, published_at=datetime.datetime.fromisoformat(moment))
        .first()
    )
    if year is None:
        return None
    return _event(AlertKind.RELEASE, _release_key(year), year, lambda: content.release(year))


def correction_approved(year, note):
    if not year.is_public:  # withdrawn: the correction reaches the public when it returns
        return None
    return _event(
        AlertKind.CORRECTION, f"correction:{note.pk}", year, lambda: content.correction(year, note)
    )


def calendar_changed(change_id, *, what, label, new_date="", previous_date="", reason="", link=""):
    """`what`: "confirmed", "moved" or "cancelled"; the dates as the calendar writes them
    ("12 March 2026, 09:30"); `change_id` names the calendar's record of this change."""
    return _event(
        AlertKind.CALENDAR,
        f"calendar:{change_id}",
        None,
        lambda: content.calendar(what, label, new_date, previous_date, reason, link),
    )


def _release_key(year):
    return f"release:{year.pk}:{year.published_at.isoformat()}"


def _event(kind, key, year, make_content):
    """The event for `key`, made with its content and its sending queued if it is new."""
    event = AlertEvent.objects.filter(key=key).first()
    if event is not None:
        return event
    words = make_content()
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(
                kind=kind, key=key, year=year, content=words, subject=words["subject"][:200]
            )
            queue.defer("prepare_alert", lock=f"prepare-{event.pk}", event_id=event.pk)
    except IntegrityError:  # made a moment ago by another process: that one is queued
        return AlertEvent.objects.get(key=key)
    return event
