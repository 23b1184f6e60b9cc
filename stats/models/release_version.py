from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from .public import PublicQuerySet


class ReleaseVersionQuerySet(PublicQuerySet):
    def seen_by_public(self, now=None):
        """Versions the public has seen, each with `public_at`, when it became public: those
        of a published year but one approved and replaced before its year's release, which
        early readers saw at most (and what was taken out before a release stays out)."""
        years = self.model._meta.get_field("year").related_model.objects.published(now)
        replaced_before_release = self.model.objects.filter(
            year=OuterRef("year"),
            number__gt=OuterRef("number"),
            made_at__lte=OuterRef("year__published_at"),
        )
        return (
            self.filter(year__in=years)
            .exclude(Exists(replaced_before_release))
            .annotate(public_at=Greatest("made_at", "year__published_at"))
        )


class FrozenError(Exception):
    """A published version is a record of what the public saw: it is never changed."""


class ReleaseVersion(models.Model):
    """What the public saw of a year, frozen when a publisher approved it: version 1 when the
    year was published (or scheduled), the next one at each approved correction.

    `content` holds everything a reader sees (stats/rules/snapshot.py writes it,
    stats/rules/releases.py reads it): every public page, download, card and feed reads the
    year's current version, never the rows the press office edits. The database refuses to
    change or delete a version (migration 0009), and so does this model.
    """

    year = models.ForeignKey("stats.Year", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField("approved at", default=timezone.now)
    content = models.JSONField()
    # The public change note that came with it (none for the first version).
    note = models.OneToOneField(
        "stats.ChangeNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether someone other than the people who made the change approved it: false where the
    # force allows one-person publishing, and the release then says so in public.
    second_person = models.BooleanField(default=True)

    objects = ReleaseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_version_number_per_year")
        ]

    def __str__(self):
        return f"{self.year} version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenError("A published version cannot be changed: approve a new one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stats:version", kwargs={"slug": self.year.slug, "number": self.number})

    def delete(self, *args, **kwargs):
        raise FrozenError("A published version cannot be deleted.")
