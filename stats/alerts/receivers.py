"""What connects the alerts to the rules: the publishing rules say a year was published or
corrected (stats/rules/signals.py), and django-anymail says a provider reported a bounce."""

from anymail.signals import tracking

from stats.rules import signals

from . import bounces, events


def year_published(sender, year, **kwargs):
    events.year_published(year)


def correction_published(sender, year, note, **kwargs):
    events.correction_approved(year, note)


def calendar_changed(sender, change, **kwargs):
    """Confirmed, moved or cancelled; a first announcement alone tells nobody anything new."""
    if change.kind == change.Kind.ANNOUNCED and change.release_at is None:
        return
    events.calendar_changed(
        change.pk,
        what="confirmed" if change.kind == change.Kind.ANNOUNCED else change.kind,
        label=change.announcement.label,
        new_date=change.new_when,
        previous_date=change.previous_when if change.kind == change.Kind.MOVED else "",
        reason=change.reason,
    )


def connect():
    signals.year_published.connect(year_published, dispatch_uid="alerts-year-published")
    signals.correction_published.connect(
        correction_published, dispatch_uid="alerts-correction-published"
    )
    signals.calendar_changed.connect(calendar_changed, dispatch_uid="alerts-calendar-changed")
    tracking.connect(bounces.tracked, dispatch_uid="alerts-anymail-tracking")
