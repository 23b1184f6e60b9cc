"""The next announced release as an iCalendar file (RFC 5545)."""

import datetime

from django.conf import settings
from icalendar import Calendar, Event


def next_release_calendar(release, site_url):
    """A calendar with the release as an event, or an empty calendar when none is announced."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.FORCE_NAME}//{settings.OPERATION_NAME} results//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.OPERATION_NAME} results")
    if release is not None:
        event = Event()
        event.add(
            "uid", f"next-release-{release.pk}@{settings.OPERATION_NAME.lower().replace(' ', '-')}"
        )
        event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
        event.add("dtstart", release.expected_at)
        event.add("dtend", release.expected_at + datetime.timedelta(hours=1))
        event.add("summary", f"{settings.OPERATION_NAME}: {release.label} published")
        event.add(
            "description", release.note or f"{settings.FORCE_NAME} publishes {release.label}."
        )
        event.add("url", site_url)
        calendar.add_component(event)
    return calendar.to_ical()
