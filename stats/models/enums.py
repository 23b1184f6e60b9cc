"""The fixed vocabularies of the press office: a year's state, a measure's unit, a qualifier."""

from django.db import models


class YearState(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready for review"
    PUBLISHED = "published", "Published"


class Unit(models.TextChoices):
    MONEY = "money", "Money (£)"
    COUNT = "count", "Count"
    PERCENT_CHANGE = "percent_change", "Percentage change"


class Qualifier(models.TextChoices):
    """The word the force put before a number. Exact is the absence of one."""

    EXACT = "", "Exact (no qualifier)"
    NEARLY = "nearly", "nearly"
    ALMOST = "almost", "almost"
    ABOUT = "about", "about"
    MORE_THAN = "more than", "more than"
    OVER = "over", "over"
