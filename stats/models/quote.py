from django.db import models
from simple_history.models import HistoricalRecords

from .public import PublicQuerySet


class QuoteQuerySet(PublicQuerySet):
    def with_words(self):
        """Quotes with words: the ones a release shows."""
        return self.exclude(text__regex=r"^\s*$")


class Quote(models.Model):
    """Words of a senior officer, with their role at the time: ranks and offices change.

    A draft may hold a quote with the speaker but no words yet ("start from last year"
    copies the speakers); the public never sees it, and a year cannot be published with it.
    """

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="quotes")
    speaker_name = models.CharField(max_length=120, help_text="e.g. Ian Hussey")
    speaker_role = models.CharField(
        "role at the time",
        max_length=160,
        help_text="e.g. Detective Superintendent, as it was when they spoke.",
    )
    text = models.TextField(
        "words",
        blank=True,
        help_text="The words only, without quotation marks. A blank line starts a new paragraph.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()
    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.speaker_name}, {self.speaker_role}"

    @property
    def has_words(self):
        return bool(self.text.strip())
