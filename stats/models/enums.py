"""The fixed vocabularies of the press office: a year's state, a measure's unit, a qualifier,
where a planned release stands and what a held request asks for."""

from django.db.models import TextChoices


class YearState(TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready for review"
    PUBLISHED = "published", "Published"


class Unit(TextChoices):
    MONEY = "money", "Money (£)"
    COUNT = "count", "Count"
    PERCENT_CHANGE = "percent_change", "Percentage change"


class Qualifier(TextChoices):
    """The word the force put before a number. Exact is the absence of one."""

    EXACT = "", "Exact (no qualifier)"
    NEARLY = "nearly", "nearly"
    ALMOST = "almost", "almost"
    ABOUT = "about", "about"
    MORE_THAN = "more than", "more than"
    OVER = "over", "over"


class AnnouncementStatus(TextChoices):
    """Where a planned release stands in the calendar. "Published" is not stored: an
    announcement is published once its year is public."""

    PROVISIONAL = "provisional", "Provisional"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class ReleaseAct(TextChoices):
    """What a held request to change a release asks for: each waits for a second person."""

    ANNOUNCE = "announce", "Announce a release"
    CONFIRM = "confirm", "Confirm the date and time"
    MOVE = "move", "Move the release"
    CANCEL = "cancel", "Cancel the release"
    WITHDRAW = "withdraw", "Withdraw the year"
