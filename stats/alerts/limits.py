"""How often one visitor, or one email address, may use a public form: 4 times a minute and
40 times an hour (FORM_LIMIT_PER_MINUTE, FORM_LIMIT_PER_HOUR), counted in the database so
every server counts together. Only a keyed hash of the address is kept, for an hour."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from stats.models import FormUse

KEEP = datetime.timedelta(hours=1)


def _key(kind, value):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def allow(**identities):
    """Whether every identity given (e.g. visitor="203.0.113.9", address="a@b.org") is under
    its limits; if so, this use is counted against each of them."""
    now = timezone.now()
    keys = [_key(kind, str(value).lower()) for kind, value in identities.items() if value]
    recent = list(FormUse.objects.filter(key__in=keys, at__gt=now - KEEP))
    for key in keys:
        uses = [use.at for use in recent if use.key == key]
        last_minute = sum(1 for at in uses if at > now - datetime.timedelta(minutes=1))
        if (
            last_minute >= settings.FORM_LIMIT_PER_MINUTE
            or len(uses) >= settings.FORM_LIMIT_PER_HOUR
        ):
            return False
    FormUse.objects.bulk_create([FormUse(key=key, at=now) for key in keys])
    return True


def forget_old(now=None):
    return FormUse.objects.filter(at__lte=(now or timezone.now()) - KEEP).delete()[0]
