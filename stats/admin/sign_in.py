"""Sign-in throttling that a stranger cannot turn against the press office.

django-axes counts failed sign-ins, by the visitor's address as our proxy reports it
(stats/visitors.py: X-Forwarded-For believed from TRUSTED_PROXIES only).

A lockout is for the pair (user name, address) (AXES_LOCKOUT_PARAMETERS): five wrong
passwords from one place lock that name out *from that place* only, so a stranger who knows a
press officer's name cannot lock them out of their own office. An address that fails with
many names in a row (AXES_ADDRESS_FAILURE_LIMIT, generous) is locked out as a whole: guessing
across every name is still slowed down.

A wrong or missing second factor (TOTP code) after a right password counts as a failed sign-in
too, and the page says no more than it does for a wrong password.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER), plus a lockout of an address that fails with
    many names: axes has one failure limit for every lockout parameter, and the pair's five is
    far too few for a whole address (a press office shares one)."""

    def get_failures(self, request, credentials=None):
        # Both the lockout check and the recording of a failure ask this: an address over its
        # own limit reads as locked for every name.
        failures = super().get_failures(request, credentials)
        address = get_client_ip_address(request)
        if not address:
            return failures
        from_address = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (from_address or 0) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def second_factor_failed(request, username):
    """Record a wrong or missing code as axes records a wrong password."""
    user_login_failed.send(
        sender=__name__, credentials={settings.AXES_USERNAME_FORM_FIELD: username}, request=request
    )
