"""What the publishing rules tell whoever listens (the email alerts, stats/alerts/receivers.py),
sent inside the rule's transaction, so a listener's work commits or rolls back with it.

- `year_published(year)`: published now, or scheduled for `year.published_at` (also sent when
  a scheduled time is moved);
- `correction_published(year, note)`: a new version, with its public change note, of a year
  the public has seen;
- `calendar_changed(change)`: a release announced, confirmed, moved or cancelled (an
  AnnouncementChange, approved).
"""

from django.dispatch import Signal

year_published = Signal()
correction_published = Signal()
calendar_changed = Signal()
