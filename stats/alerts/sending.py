"""Every matching subscriber gets each alert once.

`prepare` makes one delivery per (event, subscriber) (unique in the database, so preparing
twice adds nothing). `send_due` claims a batch of deliveries at a time (FOR UPDATE SKIP
LOCKED: two workers never claim the same one) and sends each through Django's email backend:

    pending -> sending (claimed) -> handed_over (committed after the message's last line) -> sent
                                 -> pending again later (a failure worth retrying), or failed

A worker killed while `sending` has given the mail server no complete message, so `sweep`
puts those back to pending after ALERTS_STALE_SECONDS; one killed after `handed_over` has
delivered it, so `sweep` counts those as sent. Nobody is skipped, and nobody is sent an alert
twice but for a worker killed in the microseconds between a last line and its commit
(docs/decisions/0008-task-queue.md says where this holds and where it cannot).
"""

import datetime
import logging
import secrets
import smtplib
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as database
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from stats.models import AlertEvent, Delivery, Subscriber
from stats.models.alert import DeliveryState
from stats.models.subscriber import EndedBecause

from . import emails
from .smtp import NotHandedOver

logger = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 5


def retry_delay(attempts):
    """1, 5, 25, 125 times ALERTS_RETRY_SECONDS (60 s: a minute, 5, 25, about 2 hours)."""
    return datetime.timedelta(seconds=settings.ALERTS_RETRY_SECONDS * 5 ** max(attempts - 1, 0))


def prepare(event):
    """One delivery for every confirmed subscriber who wants this kind of alert."""
    ids = list(Subscriber.objects.wanting(event.kind).order_by("pk").values_list("pk", flat=True))
    before = Delivery.objects.filter(event=event).count()
    for start in range(0, len(ids), 2000):
        rows = [Delivery(event=event, subscriber_id=pk) for pk in ids[start : start + 2000]]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    AlertEvent.objects.filter(pk=event.pk, prepared_at__isnull=True).update(
        prepared_at=timezone.now()
    )
    return Delivery.objects.filter(event=event).count() - before


def _claim(event_id, claim):
    now = timezone.now()
    with database.cursor() as cursor:
        cursor.execute(
            """
            UPDATE stats_delivery SET state = 'sending', claim = %s, claimed_at = %s,
                attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM stats_delivery
                WHERE event_id = %s AND state = 'pending' AND next_attempt_at <= %s
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            [claim, now, event_id, now, BATCH],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _handing_over(delivery, claim):
    """Yields False if the claim is gone. The block sends the message's last line; the
    handover is committed after it, so it is never recorded before the server can have the
    message whole (a commit first, then a worker killed, lost the alert as "sent").

    Committed without waiting for the disk (synchronous_commit off): a worker that dies has
    still recorded it, and one message's wait for the disk would otherwise bound the rate
    of sending. Only PostgreSQL itself crashing in the next moment could lose the record
    (then that alert may go twice)."""
    with transaction.atomic():
        with database.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield bool(
            Delivery.objects.filter(
                pk=delivery.pk, state=DeliveryState.SENDING, claim=claim
            ).update(state=DeliveryState.HANDED_OVER)
        )


def _put_back(ids, claim, error, tried=True):
    """Back to pending for a later try (at once if not `tried`), or failed once tried
    MAX_ATTEMPTS times."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk__in=ids, claim=claim, state__in=[DeliveryState.SENDING, DeliveryState.HANDED_OVER]
    )
    for delivery in claimed:
        attempts = delivery.attempts if tried else delivery.attempts - 1
        if attempts >= MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.state = DeliveryState.PENDING
            delivery.next_attempt_at = now + retry_delay(attempts) if tried else now
        delivery.attempts, delivery.claim, delivery.error = attempts, "", error[:200]
        delivery.save(update_fields=["state", "next_attempt_at", "attempts", "claim", "error"])


def send_due(event_id, should_stop=lambda: False):
    """Send this event's deliveries that are due, a batch at a time, until none is left or
    `should_stop()` (the worker is stopping). Returns when the next retry is due, or None."""
    event = AlertEvent.objects.get(pk=event_id)
    claim = secrets.token_hex(8)
    backend = get_connection()
    ids = []
    try:
        while not should_stop():
            ids = _claim(event_id, claim)
            if not ids:
                break
            if not _send_batch(event, ids, claim, backend, should_stop):
                break
    except Exception:
        _put_back(ids, claim, "", tried=False)  # what this job claimed waits for the next
        raise
    finally:
        backend.close()
    return Delivery.objects.filter(event_id=event_id, state=DeliveryState.PENDING).aggregate(
        due=Min("next_attempt_at")
    )["due"]


def _send_batch(event, ids, claim, backend, should_stop):
    """False when the mail server cannot be reached (the rest wait for a retry)."""
    deliveries = list(
        Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    )
    sent = []
    try:
        for position, delivery in enumerate(deliveries):
            rest = [d.pk for d in deliveries[position:]]
            if should_stop():
                _put_back(rest, claim, "", tried=False)
                return False
            outcome = _send_one(event, delivery, claim, backend)
            if outcome == "sent":
                sent.append(delivery.pk)
            elif outcome == "unreachable":
                _put_back(rest[1:], claim, "server unreachable", tried=False)
                return False
        return True
    finally:
        _record_sent(sent)


def _record_sent(ids):
    Delivery.objects.filter(pk__in=ids, state=DeliveryState.HANDED_OVER).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), claim="", error=""
    )


def _send_one(event, delivery, claim, backend):
    message = emails.alert(event, delivery.subscriber)
    message.handing_over = lambda: _handing_over(delivery, claim)
    calls_hook = getattr(backend, "sends_last_line_in_handover", False)
    if not calls_hook:
        # Another backend (a provider's API) cannot say when the message is whole: the
        # handover is recorded just before sending, so a failure mid-call never sends twice.
        with message.handing_over() as still_ours:
            if not still_ours:
                return "taken back"
    try:
        backend.open()  # kept open for the next message (send_messages alone closes it)
        backend.send_messages([message])
    except NotHandedOver:
        backend.close()
        return "taken back"
    except smtplib.SMTPRecipientsRefused as error:
        backend.close()
        code = next(iter(error.recipients.values()))[0]
        return _refused(delivery, claim, code, hard_bounce=True)
    except smtplib.SMTPResponseException as error:
        backend.close()
        return _refused(delivery, claim, error.smtp_code)
    except Exception as error:  # noqa: BLE001 - a server gone, a provider's API error...
        backend.close()
        logger.warning("Alert %s: could not send (%s)", event.pk, type(error).__name__)
        handed_over = Delivery.objects.filter(
            pk=delivery.pk, claim=claim, state=DeliveryState.HANDED_OVER
        ).exists()
        if calls_hook and handed_over:
            return "sent"  # the server had the whole message; only its answer was lost
        _put_back([delivery.pk], claim, type(error).__name__)
        return "unreachable"
    return "sent"


def _refused(delivery, claim, code, hard_bounce=False):
    if 500 <= code < 600:  # permanent: trying again would get the same answer
        Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
            state=DeliveryState.FAILED, claim="", error=f"refused by the mail server ({code})"
        )
        if hard_bounce:  # the address does not exist
            delivery.subscriber.end(EndedBecause.BOUNCED)
        return "failed"
    _put_back([delivery.pk], claim, f"refused for now ({code})")
    return "retry"


def sweep(now=None):
    """Take up what a worker that died left behind: claims older than ALERTS_STALE_SECONDS.
    Returns the events with deliveries due, for the caller to queue their sending."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.ALERTS_STALE_SECONDS)
    taken_back = Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=stale).update(
        state=DeliveryState.PENDING, claim="", next_attempt_at=now
    )
    delivered = Delivery.objects.filter(
        state=DeliveryState.HANDED_OVER, claimed_at__lt=stale
    ).update(state=DeliveryState.SENT, sent_at=now, claim="")
    if taken_back or delivered:
        logger.warning("Sweep: %s alerts to send again, %s recorded as sent", taken_back, delivered)
    due = Delivery.objects.due(now)
    unprepared = AlertEvent.objects.filter(
        prepared_at__isnull=True, created_at__lt=now - datetime.timedelta(seconds=30)
    )
    return (
        sorted(set(due.values_list("event_id", flat=True))),
        list(unprepared.values_list("pk", flat=True)),
    )
