"""People who asked for email alerts: an address, what it wants, and where it stands.

Kept no longer than the privacy notice says (/privacy/, stats/alerts/retention.py): an
unconfirmed address for 7 days, an ended subscription's address for 28 days after it ended.
Nobody at the press office sees an address: the admin shows counts only.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class SubscriberState(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Confirmed"
    ENDED = "ended", "Ended"


class EndedBecause(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    BOUNCED = "bounced", "The address does not exist (hard bounce)"
    COMPLAINED = "complained", "Marked an alert as spam"


class AlertKind(models.TextChoices):
    """What an alert is about; each is a list a subscriber may choose."""

    RELEASE = "release", "New releases"
    CORRECTION = "correction", "Corrections to published results"
    CALENDAR = "calendar", "Release dates confirmed, moved or cancelled"


def new_token():
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def wanting(self, kind):
        """Confirmed subscribers who asked for this kind of alert."""
        return self.filter(state=SubscriberState.ACTIVE, **{f"wants_{kind}": True})

    def for_address(self, address):
        return self.filter(email__iexact=address)


class Subscriber(models.Model):
    email = models.CharField(max_length=254)
    wants_release = models.BooleanField("new releases", default=True)
    wants_correction = models.BooleanField("corrections", default=False)
    wants_calendar = models.BooleanField("calendar changes", default=False)
    state = models.CharField(
        max_length=10, choices=SubscriberState.choices, default=SubscriberState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_because = models.CharField(max_length=20, choices=EndedBecause.choices, blank=True)
    # When the last confirmation (or "you already have alerts") email was asked for: never
    # another within the hour, however often the form is sent.
    last_asked_at = models.DateTimeField(null=True, blank=True)
    # In the links of its emails (manage, unsubscribe; signed and dated to confirm): random,
    # so a link names no one and cannot be guessed.
    token = models.CharField(max_length=32, unique=True, default=new_token)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="one_subscriber_per_address"),
            models.CheckConstraint(
                condition=Q(wants_release=True) | Q(wants_correction=True) | Q(wants_calendar=True),
                name="subscriber_wants_something",
            ),
            models.CheckConstraint(
                condition=~Q(state="ended") | Q(ended_at__isnull=False),
                name="subscriber_ended_has_a_date",
            ),
        ]

    def __str__(self):
        return f"Subscriber {self.pk} ({self.get_state_display().lower()})"

    @property
    def kinds(self):
        return [kind for kind in AlertKind if getattr(self, f"wants_{kind}")]

    def end(self, because):
        """Stop every alert to this address at once (its record goes 28 days later)."""
        if self.state == SubscriberState.ENDED:
            return
        self.state = SubscriberState.ENDED
        self.ended_at = timezone.now()
        self.ended_because = because
        self.save(update_fields=["state", "ended_at", "ended_because"])
