from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .public import PublicQuerySet


class NextReleaseQuerySet(PublicQuerySet):
    def upcoming(self):
        return self.filter(expected_at__gt=timezone.now()).order_by("expected_at")


class NextRelease(models.Model):
    """An announced date for the next year's results, shown on the public pages."""

    label = models.CharField(max_length=100, help_text="What will be published, e.g. 2023 results.")
    expected_at = models.DateTimeField("expected publication time", help_text="UK time.")
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()
    objects = NextReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-expected_at"]
        verbose_name = "next release announcement"

    def __str__(self):
        return f"{self.label}, {timezone.localtime(self.expected_at):%d %B %Y}"
