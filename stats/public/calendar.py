"""The release calendar in public: /releases/ lists every announced release with its status and
every change to it (with the date before and the reason), and /next-release.ics gives them to
calendar apps: one event per release, its UID fixed on the site's domain and its SEQUENCE
raised at each change, so an app updates the event it imported instead of adding another."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from stats.models import AnnouncementChange, ReleaseAnnouncement
from stats.models.enums import AnnouncementStatus
from stats.public.permalinks import absolute_url, site_authority


def _announcements():
    return list(
        ReleaseAnnouncement.objects.select_related("year").prefetch_related(
            Prefetch("changes", queryset=AnnouncementChange.objects.order_by("made_at", "pk"))
        )
    )


def _order(announcement):
    moment = announcement.release_at or datetime.datetime.combine(
        announcement.release_month or datetime.date.max, datetime.time(), datetime.UTC
    )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def releases(request):
    """Upcoming releases soonest first, then published and cancelled ones, latest first."""
    everything = _announcements()
    upcoming = sorted(
        (a for a in everything if a.public_status in ("provisional", "confirmed")), key=_order
    )
    past = sorted(
        (a for a in everything if a.public_status in ("published", "cancelled")),
        key=_order,
        reverse=True,
    )
    return render(request, "stats/releases.html", {"upcoming": upcoming, "past": past})


def uid(announcement):
    return f"release-{announcement.pk}@{site_authority()}"


def _month_after(month):
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _summary(announcement):
    if announcement.release_at is None:  # provisional, or cancelled while provisional
        month = f"{announcement.release_month:%B %Y}"
        return f"{settings.OPERATION_NAME}: {announcement.label} (provisional, {month})"
    return f"{settings.OPERATION_NAME}: {announcement.label} published"


def _event(announcement, url):
    """One release as one event, whatever its state: its UID never changes and its SEQUENCE
    rises at each change, so an app moves, confirms or cancels the event it already has."""
    from icalendar import Event  # see calendar_file()

    changes = list(announcement.changes.all())
    event = Event()
    event.add("uid", uid(announcement))
    event.add("sequence", announcement.sequence)
    # When the release last changed (RFC 5545 for a published calendar), so the file is the
    # same on every request until something changes.
    event.add("dtstamp", changes[-1].made_at if changes else announcement.created_at)
    event.add("summary", _summary(announcement))
    if announcement.release_at is not None:
        start = announcement.release_at.astimezone(ZoneInfo(settings.TIME_ZONE))
        event.add("dtstart", start)  # with its TZID: "09:30 UK time" as announced
        event.add("dtend", start + datetime.timedelta(hours=1))
        event.add("transp", "OPAQUE")
    else:
        # Only the month is known: an all-day span over the month, tentative, that keeps no
        # one from booking anything; confirming it turns it into the timed event.
        event.add("dtstart", announcement.release_month)
        event.add("dtend", _month_after(announcement.release_month))
        event.add("transp", "TRANSPARENT")
    if announcement.status == AnnouncementStatus.CANCELLED:
        event.add("status", "CANCELLED")
    elif announcement.status == AnnouncementStatus.PROVISIONAL:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("description", f"{changes[-1].sentence}." if changes else announcement.label)
    event.add("url", url)
    return event


def calendar_file(announcements, url):
    """Every announced release as an event, and the UK's time zone, which the events' times
    are given in: never a calendar with no component (RFC 5545 asks for one), so with nothing
    announced an app subscribes to an empty calendar that says so and fills as dates come."""
    # Loaded by the first calendar file asked for (then cached), not by every worker: icalendar
    # is some eighty modules.
    from icalendar import Calendar, Timezone

    calendar = Calendar()
    name = f"{settings.OPERATION_NAME} results"
    calendar.add("prodid", f"-//{settings.FORCE_NAME}//{name}//EN")
    calendar.add("version", "2.0")
    calendar.add("name", name)  # RFC 7986; X-WR-CALNAME is what Apple's and Google's read
    calendar.add("x-wr-calname", name)
    described = f"When {settings.FORCE_NAME} publishes {name}, UK time."
    if not announcements:
        described += " No release is announced yet: each appears here as soon as it is."
    calendar.add("x-wr-caldesc", described)
    calendar.add("description", described)
    calendar.add("refresh-interval", datetime.timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    years = [timezone.localdate().year] + [
        (a.release_at.date() if a.release_at else a.release_month).year for a in announcements
    ]
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=datetime.date(min(years) - 1, 1, 1),
            last_date=datetime.date(max(years) + 2, 1, 1),
        )
    )
    for announcement in sorted(announcements, key=lambda a: a.pk):
        calendar.add_component(_event(announcement, url))
    return calendar.to_ical()


def next_release_ics(request):
    """Every announced release, for journalists' calendars."""
    url = absolute_url(request, reverse("stats:releases"))
    body = calendar_file(_announcements(), url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="next-release.ics"'
    return response
