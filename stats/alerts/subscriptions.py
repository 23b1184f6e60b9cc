"""Subscribing, confirming, changing choices and unsubscribing.

Whatever state an address is in (new, waiting, confirmed, ended), asking for alerts answers
the same on the page; the email says the rest, and at most one goes to an address an hour.
"""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from stats.models import Subscriber
from stats.models.subscriber import EndedBecause, SubscriberState

CONFIRM_DAYS = 7
ASK_AGAIN_AFTER = datetime.timedelta(hours=1)
_confirm = signing.TimestampSigner(salt="stats.alerts.confirm")


def confirmation_token(subscriber):
    return _confirm.sign(subscriber.token)


class Expired(Exception):
    """A confirmation link older than its days."""


def from_confirmation_token(signed):
    """The subscriber a confirmation link names; None if forged; Expired if too old."""
    try:
        token = _confirm.unsign(signed, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired as error:
        raise Expired from error
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(token=token).first()


def ask(address, kinds):
    """Someone asked for `kinds` of alerts at `address`. Returns the subscriber if an email
    should go to it now (a confirmation, or "you already have alerts"), else None."""
    try:
        with transaction.atomic():
            return _ask(address, kinds)
    except IntegrityError:  # the same new address sent twice at once: the other one won
        with transaction.atomic():
            return _ask(address, kinds)


def _ask(address, kinds):
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().for_address(address).first()
    if subscriber is None:
        subscriber = Subscriber(email=address)
    if subscriber.state == SubscriberState.ENDED:
        subscriber.state = SubscriberState.PENDING
        subscriber.created_at = now
        subscriber.ended_at = None
        subscriber.ended_because = ""
        subscriber.confirmed_at = None
    if subscriber.state == SubscriberState.PENDING:
        _choose(subscriber, kinds)
    tell = subscriber.last_asked_at is None or subscriber.last_asked_at <= now - ASK_AGAIN_AFTER
    if tell:
        subscriber.last_asked_at = now
    subscriber.save()
    return subscriber if tell else None


def _choose(subscriber, kinds):
    for name in ("release", "correction", "calendar"):
        setattr(subscriber, f"wants_{name}", name in kinds)


def confirm(subscriber):
    if subscriber.state == SubscriberState.PENDING:
        subscriber.state = SubscriberState.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["state", "confirmed_at"])


def choose(subscriber, kinds):
    _choose(subscriber, kinds)
    subscriber.save(update_fields=["wants_release", "wants_correction", "wants_calendar"])


def unsubscribe(subscriber):
    subscriber.end(EndedBecause.UNSUBSCRIBED)


def clean_address(text):
    """The address as stored (its domain in lower case), or ValidationError in plain words.
    Plain ASCII only: a letter from another alphabet that looks like a Latin one (Cyrillic
    "а" for "a") would make a second address that looks like the first."""
    address = text.strip()
    for character in address:
        if character in "\r\n\t " or not character.isprintable():
            raise ValidationError(
                "An email address has no spaces, line breaks or hidden characters: type it "
                "again, like name@example.com.",
                code="invalid",
            )
        if not character.isascii():
            raise ValidationError(
                f"“{character}” is not a letter we can send to: type the address with the "
                "letters a to z, numbers and . _ - + @ only. (It may only look like one.)",
                code="invalid",
            )
    try:
        EmailValidator()(address)
    except ValidationError:
        raise ValidationError(
            "Enter an email address in the right form, like name@example.com.", code="invalid"
        ) from None
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
