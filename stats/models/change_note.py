from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ChangeNote(models.Model):
    """The public record of a correction or update made to a year after it was published."""

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="change_notes")
    made_at = models.DateTimeField("date", default=timezone.now)
    text = models.TextField(help_text="What changed and why, in a sentence the public will read.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.year}: {timezone.localtime(self.made_at):%d %b %Y}"
