"""What the publishing rules tell whoever listens (the email alerts, stats/alerts/receivers.py),
sent inside the rule's transaction, so a listener's work commits or rolls back with it.

- `year_published(year)`: published now, or scheduled for `year.published_at` (also sent when
  a scheduled time is moved);
- `correction_published(year, note)`: a public change note on a year the public has seen.
"""

from django.dispatch import Signal

year_published = Signal()
correction_published = Signal()
