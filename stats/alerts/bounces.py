"""Addresses that do not exist stop getting alerts: a hard bounce ends the subscription.

Two ways in: the delivery status notifications (DSNs, RFC 3464) an SMTP server sends back,
read by `python manage.py mark_bounces`; and a provider's bounce reports, through
django-anymail's tracking signal (webhooks at /anymail/<provider>/tracking/).
"""

import email
from email import policy

from stats.models import Subscriber
from stats.models.subscriber import EndedBecause


def hard_bounces(raw):
    """The addresses a DSN (bytes) reports as failed for good (status 5.x.x)."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # Its payload: the per-message fields, then a block of fields per recipient.
        for block in part.get_payload():
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            action = (block.get("Action") or "").strip().lower()
            status = (block.get("Status") or "").strip()
            address = recipient.split(";", 1)[-1].strip()
            if address and action == "failed" and status.startswith("5"):
                found.append(address)
    return found


def end(addresses, because=EndedBecause.BOUNCED):
    """End the subscriptions of these addresses; returns how many were ended."""
    ended = 0
    for address in addresses:
        for subscriber in Subscriber.objects.for_address(address).exclude(state="ended"):
            subscriber.end(because)
            ended += 1
    return ended


ANYMAIL_ENDS = {"bounced": EndedBecause.BOUNCED, "complained": EndedBecause.COMPLAINED}


def tracked(sender, event, esp_name, **kwargs):
    """django-anymail's tracking signal: a hard bounce or a spam complaint ends alerts."""
    because = ANYMAIL_ENDS.get(event.event_type)
    if because is not None and event.recipient:
        end([event.recipient], because)
