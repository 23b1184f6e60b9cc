from django.conf import settings
from django.db import models
from django.db.models import Q

from stats.models.enums import ReleaseAct


class ReleaseRequest(models.Model):
    """An act on a release waiting for a second person: announcing, confirming, moving or
    cancelling a release in the calendar, or withdrawing a public year. Nothing public changes
    until another publisher approves it (stats/rules/release_requests.py); one waits at a
    time for each release, which the database enforces."""

    kind = models.CharField(max_length=10, choices=ReleaseAct.choices)
    announcement = models.ForeignKey(
        "stats.ReleaseAnnouncement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requests",
    )
    year = models.ForeignKey(
        "stats.Year", null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    label = models.CharField(max_length=200, blank=True)
    release_month = models.DateField(null=True, blank=True)
    release_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("public reason", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement"],
                condition=Q(announcement__isnull=False),
                name="one_request_per_announcement",
                violation_error_message="A change to this release is already waiting.",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(year__isnull=False),
                name="one_request_per_year",
                violation_error_message="A change to this year's release is already waiting.",
            ),
            models.CheckConstraint(
                condition=Q(announcement__isnull=False)
                | Q(year__isnull=False)
                | Q(kind=ReleaseAct.ANNOUNCE),
                name="request_names_its_release",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject} (waiting for approval)"

    @property
    def subject(self):
        if self.announcement_id:
            return self.announcement.label
        return self.label or str(self.year)
