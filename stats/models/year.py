import re

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from stats.models.enums import YearState

from .pending_correction import PendingCorrection
from .public import PublicQuerySet
from .year_page import published_year


class YearQuerySet(PublicQuerySet):
    def published(self, now=None):
        """Years the public may see: published, and their publication time has come.

        Visibility is decided at request time, so a year scheduled for 7am appears at 7am
        without anyone (or any cron job) acting.
        """
        return self.filter(
            state=YearState.PUBLISHED,
            published_at__lte=now or timezone.now(),
            current_version__isnull=False,
        )

    def scheduled(self, now=None):
        """Years published for a moment still to come: hidden until then."""
        return self.filter(state=YearState.PUBLISHED, published_at__gt=now or timezone.now())

    def ever_public(self, now=None):
        """Years the public has seen, even if withdrawn since: a change to one is a correction."""
        return self.filter(published_at__lte=now or timezone.now())

    def next_publication_moment(self, now=None):
        """When the next scheduled year goes public, or None."""
        return self.scheduled(now).aggregate(first=models.Min("published_at"))["first"]

    def latest_published(self, now=None):
        return self.published(now).order_by("-period_end", "-published_at").first()

    def previous_published(self, year, now=None):
        """The published year that ended last before `year` began ("the year before")."""
        earlier = self.published(now).exclude(pk=year.pk).filter(period_end__lt=year.period_start)
        return earlier.order_by("-period_end").first()

    def next_published(self, year, now=None):
        """The published year that began first after `year` ended."""
        later = self.published(now).exclude(pk=year.pk).filter(period_start__gt=year.period_end)
        return later.order_by("period_start").first()

    def with_release(self):
        """With the version the public sees, in the same query."""
        return self.select_related("current_version")

    def for_page(self, slug=None, now=None):
        """The published year at `slug` (or the latest) with all its public page shows, in one
        query (stats/models/year_page.py), or None."""
        return published_year(self, slug, now)


class Year(models.Model):
    """One reporting year of results: "2022", or "2022/23" for a financial year."""

    label = models.CharField(
        max_length=20, unique=True, help_text="As the public reads it: 2022 or 2022/23."
    )
    slug = models.SlugField(
        "web address",
        max_length=20,
        unique=True,
        blank=True,
        help_text="The year's address, e.g. 2022 or 2022-23; left empty, it is made from the "
        "label. Journalists link to it: do not change it once published.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(
        blank=True, help_text="A short paragraph in plain words for residents."
    )
    other_results = models.TextField(
        blank=True,
        help_text="Results that are not numbers, one per line, e.g. lengthy jail sentences.",
    )
    period_start = models.DateField("period covered from")
    period_end = models.DateField("period covered to")
    state = models.CharField(max_length=10, choices=YearState.choices, default=YearState.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="When the year is (or will be) public, UK time.",
    )
    photo = models.ImageField(upload_to="photos/", blank=True)
    photo_alt = models.CharField(
        "photo description (alt text)",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for people who cannot see it. Required with a photo.",
    )
    photo_caption = models.CharField(max_length=250, blank=True)
    photo_credit = models.CharField(max_length=120, blank=True, help_text="e.g. Cumbria Police")
    # The last time a publisher approved the year's content (publishing, scheduling or a
    # correction): whoever changed it since may not approve it again (a second pair of eyes).
    approved_at = models.DateTimeField("last approved", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="last approved by",
    )
    # Unpublished after being public: the year's address says so, and why, instead of a 404.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False)
    # The title as the public last saw it: the notice at its address shows this, not later edits.
    withdrawn_title = models.CharField(max_length=200, blank=True, editable=False)
    updated_at = models.DateTimeField("last edited", auto_now=True)
    # What the public sees (or, for a scheduled year, will see at its time): the latest
    # version a publisher approved. Written only by stats/rules/snapshot.freeze().
    current_version = models.ForeignKey(
        "stats.ReleaseVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Optimistic locking: a save based on an out-of-date copy is refused, never merged.
    version = AutoIncVersionField()

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "current_version"])
    objects = YearQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end"]
        permissions = [("publish_year", "Can publish, schedule and unpublish years")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="year_period_ends_after_it_starts",
                violation_error_message="The period must end on or after the day it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(state=YearState.PUBLISHED) | Q(published_at__isnull=False),
                name="year_published_has_publication_time",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.slug_for(self.label)
        if self.pk:
            # Journalists' links never break: an old address keeps redirecting here.
            old = (
                Year.objects.filter(pk=self.pk)
                .exclude(slug=self.slug)
                .values_list("slug", flat=True)
                .first()
            )
            if old:
                OldSlug.objects.update_or_create(slug=old, defaults={"year": self})
        # A year taking back its own old address (another year's is refused by clean()).
        OldSlug.objects.filter(slug=self.slug, year_id=self.pk).delete()
        if self.state == YearState.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stats:year", kwargs={"slug": self.slug})

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo for people who cannot see it."})
        slug = self.slug or self.slug_for(self.label or "")
        taken = OldSlug.objects.filter(slug=slug).exclude(year_id=self.pk).first()
        if taken is not None:
            raise ValidationError(
                {
                    "slug": f"/years/{slug}/ used to be {taken.year}'s address and still leads "
                    "there for the journalists who linked to it: choose another."
                }
            )

    # Each property says of one year what its queryset twin says of many (published(),
    # scheduled(), ever_public()); tests/test_public_vocabulary.py holds them to it.
    @property
    def is_public(self):
        return (
            self.state == YearState.PUBLISHED
            and self.has_been_public
            and self.current_version_id is not None
        )

    @property
    def is_scheduled(self):
        return (
            self.state == YearState.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def has_been_public(self):
        """Public at some moment, even if unpublished since: edits to it are corrections."""
        return self.published_at is not None and self.published_at <= timezone.now()

    @property
    def held_correction(self):
        """The correction waiting for a publisher's approval, or None (one waits at a time).
        Asked afresh each time: the reverse relation remembers "none" once asked, and a
        correction held since would go unseen."""
        return PendingCorrection.objects.filter(year=self).first()

    @staticmethod
    def slug_for(label):
        """2022/23 -> 2022-23 (plain slugify would run the years together)."""
        return slugify(label.replace("/", "-"))

    def next_label(self):
        """The label of the year after: 2022 -> 2023, 2022/23 -> 2023/24."""
        match = re.fullmatch(r"(\d{4})(?:/(\d{2}))?", self.label.strip())
        if not match:
            return ""
        start = int(match.group(1)) + 1
        return f"{start}/{(start + 1) % 100:02d}" if match.group(2) else str(start)


class OldSlug(models.Model):
    """A web address a year used to have: it redirects permanently to the year's current one."""

    slug = models.SlugField(max_length=20, unique=True)
    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="old_slugs")

    objects = PublicQuerySet.as_manager()

    def __str__(self):
        return f"{self.slug} → {self.year.slug}"
