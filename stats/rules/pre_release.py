"""Early access to a release, as the Code of Practice for Statistics allows it: only to a
scheduled release's approved version, no sooner than PRE_RELEASE_HOURS before the release
unless a publisher records why, each link recorded (to whom, by whom, when, each opening),
and from the release moment the list of who had it, and for how long, published with it."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from stats.models import PreviewLink
from stats.rules.publishing import PublishingError


def share(year, user, *, organisation, recipient="", role="", early_reason=""):
    """A preview link to the year's approved version, for one person at one organisation."""
    problems = []
    if not year.is_scheduled or year.current_version_id is None:
        problems.append(
            "Only a scheduled year can be shared early: its approved version is what the link "
            "shows."
        )
    if not organisation.strip():
        problems.append("Say which organisation the link is for: it is published with the release.")
    if problems:
        raise PublishingError(problems)
    release = year.published_at
    opens_at = None if early_reason.strip() else release - pre_release_window()
    return PreviewLink.objects.create(
        year=year,
        organisation=organisation.strip()[:200],
        recipient=recipient.strip()[:200],
        role=role.strip()[:200],
        early_reason=early_reason.strip(),
        opens_at=opens_at,
        expires_at=release,
        created_by=user,
    )


def pre_release_window():
    return datetime.timedelta(hours=settings.PRE_RELEASE_HOURS)


@dataclass(frozen=True)
class EarlyAccess:
    """One organisation's early access, as published with the release."""

    organisation: str
    role: str
    starts_at: datetime.datetime

    def hours_before(self, published_at):
        return max(0, round((published_at - self.starts_at).total_seconds() / 3600))


def early_access(rows, published_at):
    """Who had early access, from the rows `Year.objects.for_page()` gives (`early_access`):
    links whose access began before the release and was not revoked before it began."""
    found = []
    for row in rows or []:
        opens = _moment(row["opens_at"])
        starts = max(_moment(row["created_at"]), opens) if opens else _moment(row["created_at"])
        revoked = _moment(row["revoked_at"])
        if starts >= published_at or (revoked is not None and revoked <= starts):
            continue
        found.append(EarlyAccess(row["organisation"], row["role"], starts))
    return found


def _moment(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    moment = datetime.datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)
