from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .public import PublicQuerySet


class AppendOnlyError(Exception):
    """A public change note cannot be rewritten or removed: a mistake is fixed by a new note."""


class ChangeNote(models.Model):
    """The public record of a correction or update made to a year after it was published.

    Append-only: the database itself refuses to change or delete one (migration 0006), and
    so does this model, with a clearer message.
    """

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="change_notes")
    made_at = models.DateTimeField("date", default=timezone.now)
    text = models.TextField(help_text="What changed and why, in a sentence the public will read.")

    history = HistoricalRecords()
    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.year}: {timezone.localtime(self.made_at):%d %b %Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A public change note cannot be changed: add a new note.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A public change note cannot be deleted: add a new note.")
