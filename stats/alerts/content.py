"""What an alert says, as plain data kept with the event, so every subscriber gets the same
words and figures however long the sending takes.

`year_content` is the one place that reads a year for an email: today the year's page
objects (stats/public/pages.year_page), later the release's frozen version (issue #20).
"""

from django.urls import reverse
from django.utils import timezone

from stats.public import pages


def _when(moment):
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y}, {local:%H:%M}"


def year_content(year):
    """The year as the public reads it: title, link, when published, headline figures."""
    page = pages.year_page(year)
    return {
        "label": year.label,
        "title": year.title,
        "introduction": year.introduction,
        # A path: the worker makes it absolute (SITE_URL) when it sends, so publishing never
        # depends on that setting.
        "path": year.get_absolute_url(),
        "published": _when(year.published_at),
        "figures": [
            {
                "name": card.measure.name,
                "value": card.display,
                "comparison": card.comparison,
                "change": card.comparability_note if card.not_comparable else card.change,
            }
            for card in page["headline_figures"]
        ],
    }


def release(year):
    content = year_content(year)
    return {**content, "subject": f"Published: {content['title']}"}


def correction(year, note):
    content = year_content(year)
    return {
        **content,
        "subject": f"Corrected: {content['title']}",
        "change_note": note.text,
        "corrected": _when(note.made_at),
    }


CALENDAR_SUBJECTS = {
    "confirmed": "Release date confirmed",
    "moved": "Release date moved",
    "cancelled": "Release cancelled",
}


def calendar(what, label, new_date, previous_date, reason, link):
    return {
        "subject": f"{CALENDAR_SUBJECTS[what]}: {label}",
        "what": what,
        "label": label,
        "new_date": new_date,
        "previous_date": previous_date,
        "reason": reason,
        **({"link": link} if link else {"path": reverse("stats:home")}),
    }
