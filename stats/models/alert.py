"""What the alerts say and to whom they went: an event (a year published, a correction, a
change to the calendar), and one delivery per (event, subscriber), unique in the database so
no retry, second worker or restarted worker sends anyone the same alert twice."""

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from .subscriber import AlertKind


class AlertEvent(models.Model):
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    # What makes it this event and no other (e.g. "release:<year>:<moment>"): the same
    # event asked for twice is created once.
    key = models.CharField(max_length=200, unique=True)
    year = models.ForeignKey(
        "stats.Year", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What the email says, as plain data (stats/alerts/content.py), fixed when the sending
    # starts: every subscriber gets the same figures, however long the sending takes.
    content = models.JSONField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    # Totals kept when the deliveries themselves are deleted (after 7 days).
    kept_counts = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "alert sent"
        verbose_name_plural = "alerts sent"

    def __str__(self):
        return self.subject or f"{self.get_kind_display()} ({self.key})"

    def counts(self):
        """{sent, failed, pending, unconfirmed}: from the deliveries, or kept totals."""
        if self.kept_counts is not None:
            return self.kept_counts
        return Delivery.objects.filter(event=self).aggregate(**Delivery.COUNTS)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being sent"
    # Committed once the message's last line had gone (see stats/alerts/smtp.py): a worker
    # killed now has, for the mail server, sent it.
    HANDED_OVER = "handed_over", "Handed over, not yet confirmed"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting, and their time (first or next try) has come: the worker's to send. The
        worker's claim asks the same in SQL (stats/alerts/sending.py)."""
        return self.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "stats.Subscriber", on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Which worker's claim this is: a worker whose claim was taken back (it stalled) finds
    # its claim gone and does not send.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    COUNTS = {
        "sent": Count("pk", filter=Q(state__in=["sent", "handed_over"])),
        "failed": Count("pk", filter=Q(state="failed")),
        "pending": Count("pk", filter=Q(state__in=["pending", "sending"])),
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="one_delivery_per_event_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"Delivery {self.pk}: {self.state}"
