"""What the publishing rules tell whoever listens (the email alerts, stats/alerts/receivers.py),
sent inside the rule's transaction, so a listener's work commits or rolls back with it.

- `year_published(year)`: published now, or scheduled for `year.published_at` (also sent when
  a scheduled time is moved);
- `correction_published(year, note)`: a new version of a year with a change note the public
  reads (`tell_of_correction`);
- `calendar_changed(change)`: a release announced, confirmed, moved or cancelled (an
  AnnouncementChange, approved).
"""

from django.dispatch import Signal

year_published = Signal()
correction_published = Signal()
calendar_changed = Signal()


def tell_of_correction(year, version):
    """Subscribers hear of a new version when its note is on the page: written after the
    release (ChangeNote.after_release). A change approved before the release, or at its very
    moment, is part of the release, which they hear of instead."""
    if version.note is not None and version.note.after_release:
        correction_published.send(type(year), year=year, note=version.note)
