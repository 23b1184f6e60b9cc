"""The release calendar in public: /releases/ lists every announced release with its status and
every change to it (with the date before and the reason), and /next-release.ics gives them to
calendar apps: one event per release, its UID fixed on the site's domain and its SEQUENCE
raised at each change, so an app updates the event it imported instead of adding another."""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

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


def calendar_file(announcements, url):
    """Every confirmed release (and every cancelled one that had a time) as an event."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.FORCE_NAME}//{settings.OPERATION_NAME} results//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.OPERATION_NAME} results")
    for announcement in announcements:
        if announcement.release_at is None:
            continue  # a provisional month is not an event a calendar can hold
        event = Event()
        event.add("uid", uid(announcement))
        event.add("sequence", announcement.sequence)
        event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
        event.add("dtstart", announcement.release_at)
        event.add("dtend", announcement.release_at + datetime.timedelta(hours=1))
        event.add("summary", f"{settings.OPERATION_NAME}: {announcement.label} published")
        cancelled = announcement.status == AnnouncementStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        changes = list(announcement.changes.all())
        event.add("description", f"{changes[-1].sentence}." if changes else announcement.label)
        event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()


def next_release_ics(request):
    """Every announced release with a date and time, for journalists' calendars."""
    url = absolute_url(request, reverse("stats:releases"))
    body = calendar_file(_announcements(), url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="next-release.ics"'
    return response
