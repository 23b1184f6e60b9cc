"""The press office's records: reporting years, measures, figures, quotes and change notes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone

from .enums import Qualifier, Unit, YearState
from .formatting import format_figure


class YearQuerySet(models.QuerySet):
    def published(self, now=None):
        """Years the public may see: published, and their publication time has come.

        Visibility is decided at request time, so a year scheduled for 7am appears at 7am
        without anyone (or any cron job) acting.
        """
        return self.filter(state=YearState.PUBLISHED, published_at__lte=now or timezone.now())

    def latest_published(self, now=None):
        return self.published(now).order_by("-period_end", "-published_at").first()


class Year(models.Model):
    """One reporting year of results: "2022", or "2022/23" for a financial year."""

    label = models.CharField(
        max_length=20, unique=True, help_text="As the public reads it: 2022 or 2022/23."
    )
    slug = models.SlugField(
        max_length=20,
        unique=True,
        help_text="The year's web address, e.g. 2022 or 2022-23. Journalists link to it.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(help_text="A short paragraph in plain words for residents.")
    other_results = models.TextField(
        blank=True,
        help_text="Results that are not numbers, one per line, e.g. lengthy jail sentences.",
    )
    period_start = models.DateField("period covered from")
    period_end = models.DateField("period covered to")
    state = models.CharField(max_length=10, choices=YearState.choices, default=YearState.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the year is (or will be) public. Left empty, publishing sets it to now.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = YearQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end"]
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
        if self.state == YearState.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stats:year", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return (
            self.state == YearState.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def last_updated(self):
        """The later of publication and the last edit: what the public is told."""
        if self.published_at is None:
            return self.updated_at
        return max(self.published_at, self.updated_at)

    @property
    def updated_since_publication(self):
        """Whether "last updated" tells the reader anything beyond the publication date."""
        if self.published_at is None:
            return False
        return timezone.localdate(self.last_updated) != timezone.localdate(self.published_at)

    @property
    def other_results_lines(self):
        return [line.strip() for line in self.other_results.splitlines() if line.strip()]

    def figures_for_page(self):
        """Headline and other figures, each top-level figure carrying its breakdown parts.

        One query however many figures the year has.
        """
        figures = list(
            self.figures.select_related("measure").order_by(
                "measure__display_order", "measure__name"
            )
        )
        parts_by_parent = {}
        for figure in figures:
            if figure.measure.parent_id:
                parts_by_parent.setdefault(figure.measure.parent_id, []).append(figure)
        headline, other = [], []
        for figure in figures:
            if figure.measure.parent_id:
                continue
            figure.parts = parts_by_parent.get(figure.measure_id, [])
            (headline if figure.measure.is_headline else other).append(figure)
        return headline, other


class Measure(models.Model):
    """What is counted, defined once and reused every year, e.g. drugs seized."""

    name = models.CharField(
        max_length=120, unique=True, help_text="As residents read it, e.g. Criminal cash seized."
    )
    slug = models.SlugField(max_length=60, unique=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    description = models.TextField(blank=True, help_text="How it is counted, in plain words.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="For a breakdown part (cannabis), the measure it is part of (drugs seized).",
    )
    display_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first."
    )
    is_headline = models.BooleanField("headline figure", default=False)
    is_active = models.BooleanField(
        "in use", default=True, help_text="Untick to stop offering it for new years."
    )

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="measure_not_part_of_itself",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": "A part cannot itself be part of another part."})
            if self.parent.unit != self.unit:
                raise ValidationError(
                    {"parent": "A part must have the same unit as the measure it is part of."}
                )


class Figure(models.Model):
    """The value of one measure for one year, stored exactly as the force stated it."""

    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="figures")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="figures")
    # Copied from the measure so the database itself can check the value against it.
    unit = models.CharField(max_length=20, choices=Unit.choices, editable=False)
    value = models.DecimalField(max_digits=15, decimal_places=2)
    qualifier = models.CharField(
        max_length=10, choices=Qualifier.choices, blank=True, default=Qualifier.EXACT
    )
    comparison = models.CharField(
        "compared with",
        max_length=100,
        blank=True,
        help_text="For a percentage change: what it compares with, e.g. compared with 2020.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure__display_order", "measure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "measure"],
                name="one_figure_per_measure_per_year",
                violation_error_message="This year already has a figure for that measure.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(unit=Unit.PERCENT_CHANGE),
                name="figure_money_and_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.COUNT) | Q(value=Floor(F("value"))),
                name="figure_counts_are_whole",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT_CHANGE) | ~Q(comparison=""),
                name="figure_percent_change_has_comparison",
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="figure_unit_is_known"),
        ]

    def __str__(self):
        return f"{self.measure} {self.year}: {self.display}"

    def save(self, *args, **kwargs):
        self.unit = self.measure.unit
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.year.get_absolute_url()}#{self.measure.slug}"

    @property
    def display(self):
        return format_figure(self.value, self.unit, self.qualifier)

    def clean(self):
        if self.measure_id is None or self.value is None:
            return
        self.unit = self.measure.unit
        errors = {}
        if self.value < 0 and self.unit != Unit.PERCENT_CHANGE:
            errors["value"] = "Money and counts cannot be negative."
        elif self.unit == Unit.COUNT and self.value != self.value.to_integral_value():
            errors["value"] = "A count must be a whole number."
        if self.unit == Unit.PERCENT_CHANGE and not self.comparison.strip():
            errors["comparison"] = "Say what the change compares with, e.g. compared with 2020."
        if errors:
            raise ValidationError(errors)


class Quote(models.Model):
    """Words of a senior officer, with their role at the time: ranks and offices change."""

    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="quotes")
    speaker_name = models.CharField(max_length=120, help_text="e.g. Ian Hussey")
    speaker_role = models.CharField(
        "role at the time",
        max_length=160,
        help_text="e.g. Detective Superintendent, as it was when they spoke.",
    )
    text = models.TextField(
        help_text="The words only, without quotation marks. A blank line starts a new paragraph."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.speaker_name}, {self.speaker_role}"

    @property
    def paragraphs(self):
        return [p.strip() for p in self.text.replace("\r\n", "\n").split("\n\n") if p.strip()]


class ChangeNote(models.Model):
    """The public record of a correction or update made to a year after it was published."""

    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="change_notes")
    made_at = models.DateTimeField("date", default=timezone.now)
    text = models.TextField(help_text="What changed and why, in a sentence the public will read.")

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.year}: {self.made_at:%d %b %Y}"
