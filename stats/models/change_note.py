from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .public import PublicQuerySet


class AppendOnlyError(Exception):
    """A public change note cannot be rewritten or removed: a mistake is fixed by a new note."""


class ChangeNote(models.Model):
    """The public record of a correction or update made to a year after it was published
    (or, before its release, the press office's record of a change to a version not yet seen).

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

    @property
    def after_release(self):
        return written_after_release(self.made_at, self.year.published_at)


def written_after_release(made_at, published_at):
    """A change note is public when written after its year's release: an update the public is
    told of. One written before it is about a version the public never saw
    (stats/models/release_version.py), so it stays in the press office's record, off the page
    (stats/rules/releases.py, which asks this of versions stored before this rule too), the
    versions list and the feed."""
    return published_at is not None and made_at > published_at
