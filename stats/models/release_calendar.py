from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stats.models.enums import AnnouncementStatus

from .change_note import AppendOnlyError
from .public import PublicQuerySet
from .year_page import PUBLISHED


def when_text(release_at=None, release_month=None):
    """A release's date as the calendar states it: "12 March 2026, 09:30" (UK time) when
    confirmed, "March 2026 (provisional)" when only the month is known."""
    if release_at is not None:
        moment = timezone.localtime(release_at)
        return f"{moment:%-d %B %Y, %H:%M}"
    if release_month is not None:
        return f"{release_month:%B %Y} (provisional)"
    return "a date to be announced"


# The next release, for the footer of every page: plain SQL, as the ORM's building of it cost
# several times its running (the year page's query says more: stats/models/year_page.py),
# with that query's idea of a published year.
NEXT_SQL = f"""
SELECT a.* FROM stats_releaseannouncement a
  LEFT JOIN stats_year y ON y.id = a.year_id
 WHERE NOT coalesce(({PUBLISHED.format(y="y")}), FALSE)
   AND ((a.status = 'confirmed' AND a.release_at > %(now)s)
        OR (a.status = 'provisional' AND a.release_month >= %(month)s))
 ORDER BY coalesce(a.release_at::date, a.release_month), a.id
 LIMIT 1
"""  # noqa: S608 - only the fixed fragment is formatted in


class ReleaseAnnouncementQuerySet(PublicQuerySet):
    def next_announced(self, now=None):
        """The soonest provisional or confirmed release whose year is not public yet, or None."""
        now = now or timezone.now()
        month = timezone.localdate(now).replace(day=1)
        return next(iter(self.raw(NEXT_SQL, {"now": now, "month": month})), None)


class ReleaseAnnouncement(models.Model):
    """A planned publication in the release calendar (/releases/): provisional (a month) or
    confirmed (a date and time), or cancelled. Every change is kept as an AnnouncementChange
    with its reason; nothing in the calendar is ever deleted. Changes are made only through
    held requests a second person approves (stats/rules/release_requests.py)."""

    label = models.CharField(max_length=200, help_text="What will be published, e.g. 2023 results.")
    year = models.OneToOneField(
        "stats.Year",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="announcement",
        help_text="The year this release publishes, once it is being prepared.",
    )
    status = models.CharField(max_length=12, choices=AnnouncementStatus.choices)
    release_month = models.DateField("month (provisional)", null=True, blank=True)
    release_at = models.DateTimeField("date and time (confirmed)", null=True, blank=True)
    # Raised at every change, so calendar apps replace the event they imported (RFC 5545).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReleaseAnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "release in the calendar"
        verbose_name_plural = "release calendar"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AnnouncementStatus.CONFIRMED) | Q(release_at__isnull=False),
                name="announcement_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnnouncementStatus.PROVISIONAL)
                | Q(release_month__isnull=False),
                name="announcement_provisional_has_month",
            ),
        ]

    def __str__(self):
        return f"{self.label}, {self.when}"

    @property
    def when(self):
        if self.status == AnnouncementStatus.CONFIRMED:
            return when_text(self.release_at)
        return when_text(None, self.release_month)

    @property
    def is_published(self):
        return self.year is not None and self.year.is_public

    @property
    def public_status(self):
        """As the calendar shows it: provisional, confirmed, cancelled or published."""
        return "published" if self.is_published else self.status


class AnnouncementChange(models.Model):
    """One change to a planned release, kept for good: the calendar shows each with the date
    before it and the reason ("Moved from 12 March 2026, 09:30: ..."). Append-only, in this
    model and in the database (migration 0009)."""

    class Kind(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        CONFIRMED = "confirmed", "Confirmed"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    announcement = models.ForeignKey(
        ReleaseAnnouncement, on_delete=models.PROTECT, related_name="changes"
    )
    made_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    release_month = models.DateField(null=True, blank=True)
    release_at = models.DateTimeField(null=True, blank=True)
    previous_month = models.DateField(null=True, blank=True)
    previous_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    second_person = models.BooleanField(default=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.announcement.label}: {self.sentence}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A change to the calendar is kept as it was: add a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A change to the calendar is kept for good.")

    @property
    def new_when(self):
        return when_text(self.release_at, self.release_month)

    @property
    def previous_when(self):
        return when_text(self.previous_at, self.previous_month)

    @property
    def sentence(self):
        """The change in words, as the calendar shows it."""
        reason = f": {self.reason}" if self.reason else ""
        if self.kind == self.Kind.MOVED:
            return f"Moved from {self.previous_when} to {self.new_when}{reason}"
        if self.kind == self.Kind.CANCELLED:
            return f"Cancelled{reason}"
        if self.kind == self.Kind.CONFIRMED:
            return f"Confirmed for {self.new_when}{reason}"
        return f"Announced for {self.new_when}{reason}"
