from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from stats.models.enums import Unit

from .public import PublicQuerySet


class MeasureQuerySet(PublicQuerySet):
    def active(self):
        return self.filter(is_active=True)


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
        verbose_name="part of",
        help_text="For a breakdown part (cannabis), the measure it is part of (drugs seized).",
    )
    display_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first."
    )
    is_headline = models.BooleanField("headline figure", default=False)
    is_active = models.BooleanField(
        "in use", default=True, help_text="Untick to stop offering it for new years."
    )

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

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
