from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor
from simple_history.models import HistoricalRecords

from stats.models.enums import Qualifier, Unit
from stats.models.formatting import figure_text, format_value

from .public import PublicQuerySet

# Sane limits: a larger value is a slip (a figure typed twice, a stray zero), not a result.
LIMITS = {
    Unit.MONEY: (Decimal(0), Decimal("1000000000")),  # £1bn
    Unit.COUNT: (Decimal(0), Decimal("10000000")),
    # A fall cannot exceed 100%; a rise of more than a hundredfold is not a credible claim.
    Unit.PERCENT_CHANGE: (Decimal(-100), Decimal(10000)),
}


class FigureQuerySet(PublicQuerySet):
    def with_value(self):
        """Figures with a value (not "not reported", not waiting to be filled in)."""
        return self.filter(value__isnull=False)


class Figure(models.Model):
    """The value of one measure for one year, stored exactly as the force stated it.

    A draft may hold a figure without a value yet (a row waiting to be filled in); the
    public never sees one, and a year cannot be published with one.
    """

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="figures")
    measure = models.ForeignKey("stats.Measure", on_delete=models.PROTECT, related_name="figures")
    # Copied from the measure so the database itself can check the value against it.
    unit = models.CharField(max_length=20, choices=Unit.choices, editable=False)
    value = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
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
    # Which figures lead the page is the year's own choice: releases change shape.
    is_headline = models.BooleanField(
        "headline", default=False, help_text="A large card at the top of this year's page."
    )
    not_reported = models.BooleanField(
        "not reported this year",
        default=False,
        help_text="The force did not report this measure this year (it did in an earlier year).",
    )
    not_comparable = models.BooleanField(
        "not comparable with earlier years",
        default=False,
        help_text="The way it is counted changed: the page will not compare it with earlier years.",
    )
    comparability_note = models.CharField(
        "why it is not comparable",
        max_length=300,
        blank=True,
        help_text="Shown to the public, e.g. now includes accounts frozen as well as cash seized.",
    )
    # The value a press officer confirmed as right when the checks questioned it: it is not
    # questioned again, but a different value is.
    confirmed_value = models.DecimalField(
        max_digits=15, decimal_places=2, null=True, blank=True, editable=False
    )

    history = HistoricalRecords()
    objects = FigureQuerySet.as_manager()

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
                condition=~Q(unit=Unit.PERCENT_CHANGE) | ~Q(comparison="") | Q(value__isnull=True),
                name="figure_percent_change_has_comparison",
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="figure_unit_is_known"),
            models.CheckConstraint(
                condition=~Q(not_reported=True) | Q(value__isnull=True),
                name="figure_not_reported_has_no_value",
            ),
            models.CheckConstraint(
                condition=~Q(not_comparable=True) | ~Q(comparability_note=""),
                name="figure_not_comparable_says_why",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.year}: {self.display}"

    def save(self, *args, **kwargs):
        self.unit = self.measure.unit
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.year.get_absolute_url()}#{self.measure.slug}"

    @property
    def has_value(self):
        return self.value is not None

    @property
    def display(self):
        return figure_text(self.value, self.unit, self.qualifier, self.not_reported)

    def clean(self):
        if self.measure_id is None:
            return
        self.unit = self.measure.unit
        errors = {}
        if self.not_reported and self.value is not None:
            errors["not_reported"] = "Either enter a value or tick “not reported”, not both."
        if self.not_comparable and not self.comparability_note.strip():
            errors["comparability_note"] = (
                "Say in a few words why it cannot be compared, e.g. the definition changed."
            )
        if (
            self.unit == Unit.PERCENT_CHANGE
            and self.value is not None
            and not self.comparison.strip()
        ):
            errors["comparison"] = "Say what the change compares with, e.g. compared with 2020."
        if self.value is not None:
            low, high = LIMITS[self.unit]
            if self.value < 0 and self.unit != Unit.PERCENT_CHANGE:
                errors["value"] = "Money and counts cannot be negative."
            elif self.unit == Unit.COUNT and self.value != self.value.to_integral_value():
                errors["value"] = "A count must be a whole number."
            elif not low <= self.value <= high:
                errors["value"] = (
                    f"That is outside what this measure can be ({format_value(low, self.unit)} "
                    f"to {format_value(high, self.unit)}): check the number."
                )
        if errors:
            raise ValidationError(errors)
