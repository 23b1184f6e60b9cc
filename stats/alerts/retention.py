"""Keep as little as possible, for as short as possible (what /privacy/ promises):

- an address never confirmed: deleted 7 days after it was given;
- a record of who was sent which alert: deleted after 7 days (each alert keeps its totals);
- an ended subscription (unsubscribed, bounced): its address deleted 28 days after it ended;
- the hashed addresses that count form uses: after an hour;
- readers' reports: after a year.

Run every hour by the worker (stats/alerts/tasks.py, `keep_little`).
"""

import datetime

from django.utils import timezone

from stats.models import AlertEvent, Delivery, ProblemReport, Subscriber
from stats.models.alert import DeliveryState
from stats.models.subscriber import SubscriberState

from . import limits

UNCONFIRMED_DAYS = 7
DELIVERY_DAYS = 7
ENDED_DAYS = 28
REPORT_DAYS = 365


def purge(now=None):
    """Delete what is past its time; returns how many of each were deleted."""
    now = now or timezone.now()
    days = datetime.timedelta(days=1)
    old_deliveries = Delivery.objects.filter(created_at__lte=now - DELIVERY_DAYS * days).exclude(
        state__in=[DeliveryState.PENDING, DeliveryState.SENDING]
    )
    for event in AlertEvent.objects.filter(
        pk__in=old_deliveries.values("event_id"), kept_counts__isnull=True
    ):
        event.kept_counts = event.counts()
        event.save(update_fields=["kept_counts"])
    return {
        "deliveries": old_deliveries.delete()[0],
        "unconfirmed": Subscriber.objects.filter(
            state=SubscriberState.PENDING, created_at__lte=now - UNCONFIRMED_DAYS * days
        ).delete()[0],
        "ended": Subscriber.objects.filter(
            state=SubscriberState.ENDED, ended_at__lte=now - ENDED_DAYS * days
        ).delete()[0],
        "form uses": limits.forget_old(now),
        "reports": ProblemReport.objects.filter(created_at__lte=now - REPORT_DAYS * days).delete()[
            0
        ],
    }
