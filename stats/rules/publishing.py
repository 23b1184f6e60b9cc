"""A year's states: draft, ready for review, published (now, or at the time the release calendar
confirmed), and back to draft (unscheduled, or withdrawn with a public reason).

Each step is a plain function taking the year and the person acting, so the admin, tests and
commands share one set of rules. Who may take a step is asked of stats/rules/approval.py;
the calendar's changes, and withdrawing, wait for a second person (release_requests.py).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stats.models import PreviewLink, Quote, Year
from stats.models.enums import AnnouncementStatus, YearState
from stats.rules import signals
from stats.rules.approval import second_person_problem, second_person_required
from stats.rules.checklist import problems_before_publishing
from stats.rules.snapshot import fingerprint, snapshot
from stats.rules.versions import add_change_note, freeze


class PublishingError(Exception):
    """A step that cannot be taken; `problems` lists why, in words for the press office."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


CHANGED_SINCE_SEEN = (
    "The year changed since you opened this page: look at it again (its preview too) before "
    "you approve it."
)


def announced_time(year, now=None):
    """The future moment the release calendar has confirmed for this year, or None."""
    announcement = getattr(year, "announcement", None)
    now = now or timezone.now()
    if (
        announcement is not None
        and announcement.status == AnnouncementStatus.CONFIRMED
        and announcement.release_at > now
    ):
        return announcement.release_at
    return None


def approved(year, user):
    """Mark the year's content as approved by `user` now: whoever changes it later may not
    approve it again (stats/rules/approval.py)."""
    year.approved_at = timezone.now()
    year.approved_by = user
    year.withdrawn_at = None
    year.withdrawal_reason = ""


@transaction.atomic
def publish(year, user, *, change_note="", seen=None):
    """Publish the year now, or schedule it for the time the release calendar confirmed for it.
    Publishing again after a withdrawal needs a public change note. `seen`: the fingerprint of
    the year as the publisher looked at it (stats/rules/snapshot.py); anything changed since
    refuses. Refuses with every reason at once."""
    year = Year.objects.select_for_update().get(pk=year.pk)
    problems = problems_before_publishing(year)
    again = year.has_been_public
    if year.state == YearState.PUBLISHED:
        problems.append("This year is already published or scheduled.")
    if again and not change_note.strip():
        problems.append(
            "Say what changed in a public change note: this year has been published before."
        )
    if year.held_correction is not None:
        problems.append("A correction is waiting for approval: approve or discard it first.")
    if (problem := second_person_problem(year, user)) is not None:
        problems.append(problem)
    if seen is not None and seen != fingerprint(snapshot(year)):
        problems.append(CHANGED_SINCE_SEEN)
    if problems:
        raise PublishingError(problems)
    at = None if again else announced_time(year)
    # One moment for both: published now, the version is approved at its publication, not a
    # moment after it (which would read as "updated since", and leave a version it replaced
    # looking released).
    now = timezone.now()
    year.state = YearState.PUBLISHED
    if not again:
        year.published_at = at or now
    approved(year, user)
    year._history_user = user
    year.save()
    version = freeze(
        year,
        user,
        note_text=change_note if again else "",
        second_person=second_person_required(),
        at=now,
    )
    if again:  # public again after a withdrawal: its subscribers hear of it as an update
        signals.tell_of_correction(year, version)
    else:
        signals.year_published.send(Year, year=year)
    return year


def revoke_preview_links(year):
    """Early access ends when the release it was for does (unscheduled or withdrawn)."""
    PreviewLink.objects.filter(year=year, revoked_at__isnull=True).update(revoked_at=timezone.now())


def unschedule(year, user):
    """A scheduled year back to draft before its time: nobody saw it, so it is not a correction
    later. Its approved version is kept; preview links stop working. (A change to the release
    calendar, so it is applied only by an approved request: release_requests.py.)"""
    year.state = YearState.DRAFT
    year.published_at = None
    year._history_user = user
    year.save()
    revoke_preview_links(year)


def withdraw(year, user, reason):
    """A public year back to draft, hidden at once: its address then says it was withdrawn,
    when and why, instead of a bare "not found". The reason is a public change note too, so it
    stays in the record when the year is published again. (Applied only by an approved
    request: release_requests.py.)"""
    now = timezone.now()
    year.withdrawn_at = now
    year.withdrawal_reason = reason.strip()
    year.withdrawn_title = year.title
    year.state = YearState.DRAFT
    year._history_user = user
    year.save()  # its pages' last good copies are voided too (stats/signals.py)
    add_change_note(year, f"Withdrawn: {reason.strip()}", user)
    revoke_preview_links(year)


def mark_ready(year, user):
    if year.state != YearState.DRAFT:
        raise PublishingError(["Only a draft can be marked ready for review."])
    year.state = YearState.READY
    year._history_user = user
    year.save()


def _a_year_later(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def start_from(previous, user):
    """A new draft year after `previous`: its label, title, period and speakers.

    Its figures are entered on the year's page, where every measure `previous` reported is
    offered with the same headline choice and the comparison moved on a year
    (stats/rules/figure_grid.py)."""
    label = previous.next_label()
    if not label:
        raise PublishingError([f"Cannot work out the year after “{previous.label}”."])
    if Year.objects.filter(Q(label=label) | Q(slug=Year.slug_for(label))).exists():
        raise PublishingError([f"A year labelled {label} already exists."])
    year = Year(
        label=label,
        slug=Year.slug_for(label),
        title=previous.title.replace(previous.label, label),
        period_start=_a_year_later(previous.period_start),
        period_end=_a_year_later(previous.period_end),
        state=YearState.DRAFT,
    )
    year._history_user = user
    year.save()
    for quote in previous.quotes.all():
        new = Quote(
            year=year,
            speaker_name=quote.speaker_name,
            speaker_role=quote.speaker_role,
            order=quote.order,
        )
        new._history_user = user
        new.save()
    return year
