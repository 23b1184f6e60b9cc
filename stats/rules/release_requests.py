"""Acts on a release that wait for a second person: announcing a release in the calendar,
confirming its date and time, moving it, cancelling it, and withdrawing a public year.

One person asks (`ask`), with a public reason where the act needs one; another publisher
approves (`approve`), and only then does anything public change: the calendar keeps the
change with the date before it and the reason (AnnouncementChange), a scheduled year follows
its release's new time (or goes back to draft), a withdrawn year's reason becomes a public
change note. Where the force allows one-person publishing, the record says so.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from stats.models import AnnouncementChange, ReleaseAnnouncement, ReleaseRequest, Year
from stats.models.enums import AnnouncementStatus, ReleaseAct, YearState
from stats.models.release_calendar import when_text
from stats.rules import signals
from stats.rules.approval import proposer_problem, second_person_required
from stats.rules.publishing import PublishingError, unschedule, withdraw

# The Code of Practice for Statistics: a fixed release date is announced at least four weeks
# ahead.
NOTICE = datetime.timedelta(weeks=4)
ALREADY_WAITING = (
    "A change to this release is already waiting for approval: approve or discard it first."
)
NOT_THE_ONE_SEEN = (
    "The request you reviewed was discarded and another one made since: read this one before "
    "approving it."
)
NEEDS_REASON = {ReleaseAct.MOVE, ReleaseAct.CANCEL, ReleaseAct.WITHDRAW}


def _problems(kind, now, *, announcement, year, label, release_at, release_month, reason):
    """Why this act cannot be asked for (or approved) as things stand."""
    problems = []
    if kind in NEEDS_REASON and not reason.strip():
        problems.append("Give the reason: the public will read it.")
    if kind in (ReleaseAct.ANNOUNCE, ReleaseAct.MOVE):
        if (release_at is None) == (release_month is None):
            problems.append("Give either a month (provisional) or a date and time (confirmed).")
    if kind == ReleaseAct.CONFIRM and release_at is None:
        problems.append("Give the date and time of the release.")
    if release_at is not None and release_at <= now:
        problems.append("Choose a time in the future.")
    if release_month is not None and release_month < timezone.localdate(now).replace(day=1):
        problems.append("Choose this month or a later one.")
    if kind == ReleaseAct.ANNOUNCE:
        if not label.strip():
            problems.append("Say what will be published, e.g. 2023 results.")
    elif kind == ReleaseAct.WITHDRAW:
        if year is None or not year.is_public:
            problems.append("Only a public year can be withdrawn.")
    else:
        if announcement is None:
            problems.append("There is no such release in the calendar.")
        elif announcement.status == AnnouncementStatus.CANCELLED:
            problems.append("This release is cancelled: announce a new one instead.")
        elif announcement.is_published:
            problems.append("This release is published: its date cannot change.")
        elif kind == ReleaseAct.CONFIRM and announcement.status != AnnouncementStatus.PROVISIONAL:
            problems.append("This release is confirmed already: move it instead.")
        elif kind == ReleaseAct.MOVE and (release_at, release_month) == _date_of(announcement):
            problems.append("That is the date it has already.")
    if year is not None and kind in (ReleaseAct.ANNOUNCE, ReleaseAct.CONFIRM, ReleaseAct.MOVE):
        linked = getattr(year, "announcement", None)
        if linked is not None and linked != announcement:
            problems.append(f"{year} is in the calendar already, as “{linked.label}”.")
        if year.has_been_public and kind == ReleaseAct.ANNOUNCE:
            problems.append(f"{year} has been published already.")
    return problems


def _date_of(announcement):
    """(time, month) as the release has them now: one of the two is None."""
    if announcement.status == AnnouncementStatus.CONFIRMED:
        return announcement.release_at, None
    return None, announcement.release_month


def notice_warning(release_at, now=None):
    """A word for the publisher when a confirmed date gives the public less than four weeks'
    notice (allowed, but the Code of Practice asks for four)."""
    now = now or timezone.now()
    if release_at is not None and release_at - now < NOTICE:
        return (
            f"{when_text(release_at)} is less than four weeks away: the Code of Practice for "
            "Statistics asks for at least four weeks' notice of a release date."
        )
    return None


def ask(kind, user, *, announcement=None, year=None, label="", release_at=None,
        release_month=None, reason=""):  # fmt: skip
    """Ask for an act on a release; nothing public changes until another publisher approves."""
    fields = {
        "announcement": announcement,
        "year": year,
        "label": label.strip(),
        "release_at": release_at,
        "release_month": release_month,
        "reason": reason.strip(),
    }
    if problems := _problems(kind, timezone.now(), **fields):
        raise PublishingError(problems)
    try:
        with transaction.atomic():
            return ReleaseRequest.objects.create(kind=kind, requested_by=user, **fields)
    except IntegrityError as error:  # the database allows one waiting request per release
        raise PublishingError([ALREADY_WAITING]) from error


@transaction.atomic
def approve(request, user, *, seen=None):
    """Carry out a request another person made. `seen`: the request the publisher reviewed."""
    request = ReleaseRequest.objects.select_for_update().filter(pk=request.pk).first()
    if request is None or (seen is not None and request.pk != seen):
        raise PublishingError([NOT_THE_ONE_SEEN])
    announcement = request.announcement
    year = request.year or (announcement.year if announcement else None)
    problems = []
    if (problem := proposer_problem(request.requested_by_id, user)) is not None:
        problems.append(problem)
    problems += _problems(
        request.kind,
        timezone.now(),
        announcement=announcement,
        year=request.year,
        label=request.label,
        release_at=request.release_at,
        release_month=request.release_month,
        reason=request.reason,
    )
    if problems:
        raise PublishingError(problems)
    if request.kind == ReleaseAct.WITHDRAW:
        withdraw(year, user, request.reason)
    else:
        announcement = _change_calendar(request, announcement, user)
        _follow_calendar(announcement, user)
    request.delete()
    return announcement or year


def _change_calendar(request, announcement, user):
    kind = {
        ReleaseAct.ANNOUNCE: AnnouncementChange.Kind.ANNOUNCED,
        ReleaseAct.CONFIRM: AnnouncementChange.Kind.CONFIRMED,
        ReleaseAct.MOVE: AnnouncementChange.Kind.MOVED,
        ReleaseAct.CANCEL: AnnouncementChange.Kind.CANCELLED,
    }[request.kind]
    if announcement is None:
        announcement = ReleaseAnnouncement(label=request.label)
    previous_at, previous_month = _date_of(announcement) if announcement.pk else (None, None)
    if request.kind == ReleaseAct.CANCEL:
        announcement.status = AnnouncementStatus.CANCELLED
    else:
        confirmed = request.release_at is not None
        announcement.status = (
            AnnouncementStatus.CONFIRMED if confirmed else AnnouncementStatus.PROVISIONAL
        )
        announcement.release_at = request.release_at
        announcement.release_month = (
            timezone.localdate(request.release_at).replace(day=1)
            if confirmed
            else request.release_month
        )
    if request.year is not None:
        announcement.year = request.year
    announcement.sequence += 1
    announcement.save()
    release_at, release_month = _date_of(announcement)
    change = AnnouncementChange.objects.create(
        announcement=announcement,
        kind=kind,
        release_at=release_at,
        release_month=release_month,
        previous_at=previous_at,
        previous_month=previous_month,
        reason=request.reason,
        requested_by=request.requested_by,
        approved_by=user,
        second_person=second_person_required(),
    )
    signals.calendar_changed.send(AnnouncementChange, change=change)
    return announcement


def _follow_calendar(announcement, user):
    """A scheduled year goes out when its release says: at the new time, or not at all (back to
    draft) when the release is cancelled or only a month is known again."""
    year = announcement.year
    if year is None or year.state != YearState.PUBLISHED or year.has_been_public:
        return
    year = Year.objects.select_for_update().get(pk=year.pk)
    if announcement.status == AnnouncementStatus.CONFIRMED:
        year.published_at = announcement.release_at
        year._history_user = user
        year.save()
        signals.year_published.send(Year, year=year)  # its alerts go at the new time
    else:
        unschedule(year, user)


def describe(request):
    """What approving the request would do, in one sentence for the reviewer."""
    when = when_text(request.release_at, request.release_month)
    reason = f" Reason: {request.reason}" if request.reason else ""
    subject = request.subject
    if request.kind == ReleaseAct.ANNOUNCE:
        text = f"Announce “{subject}” in the release calendar for {when}."
    elif request.kind == ReleaseAct.CONFIRM:
        text = f"Confirm “{subject}” for {when}."
    elif request.kind == ReleaseAct.MOVE:
        text = f"Move “{subject}” from {request.announcement.when} to {when}."
    elif request.kind == ReleaseAct.CANCEL:
        text = f"Cancel “{subject}”, announced for {request.announcement.when}."
    else:
        text = f"Withdraw {subject} from the public: its address will say so, with the reason."
    return text + reason


def waiting_for(year):
    """The request waiting for a second person about this year's release, or None."""
    announcement = getattr(year, "announcement", None)
    waiting = ReleaseRequest.objects.filter(year=year)
    if announcement is not None:
        waiting = waiting | ReleaseRequest.objects.filter(announcement=announcement)
    return waiting.first()


def discard(request, user, *, may_publish):
    """Its author, or a publisher, forgets a request: nothing public changed."""
    if request.requested_by_id != user.pk and not may_publish:
        raise PublishingError(["Only the person who asked, or a publisher, can discard this."])
    request.delete()
