from django.conf import settings
from django.db import models


class PendingCorrection(models.Model):
    """A change to a published (or scheduled) year, waiting for a publisher's approval.

    The public keeps seeing the approved year until then: the change is held here as the
    year's content before and after it (see stats/rules/corrections.py), not saved over the year.
    """

    year = models.OneToOneField(
        "stats.Year", on_delete=models.CASCADE, related_name="pending_correction"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    change_note = models.TextField(
        "public change note", blank=True, help_text="Published with the correction."
    )
    before = models.JSONField(help_text="The year's content as approved.")
    after = models.JSONField(help_text="The year's content with the correction.")

    def __str__(self):
        return f"Correction to {self.year} waiting for approval"


class PendingMeasureChange(models.Model):
    """A new name or description for a measure already on public pages, waiting for a
    publisher's approval: until then every year's page shows the measure as it was."""

    measure = models.OneToOneField(
        "stats.Measure", on_delete=models.CASCADE, related_name="pending_change"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    change_note = models.TextField(
        "public change note", help_text="Added to every public year that shows the measure."
    )
    changes = models.JSONField(help_text="The new values, by field name.")

    def __str__(self):
        return f"Change to {self.measure} waiting for approval"
