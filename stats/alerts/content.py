"""What an alert says, as plain data kept with the event, so every subscriber gets the same
words and figures however long the sending takes.

`year_content` is the one place that reads a year for an email: from its current version, the
same page objects as every public page (stats/rules/releases.py).
"""

from django.urls import reverse
from django.utils import timezone

from stats.rules.releases import Release


def _when(moment):
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y}, {local:%H:%M}"


def year_content(year):
    """The year as the public reads it: title, link, when published, headline figures."""
    release = Release.of(year)
    return {
        "label": release.label,
        "title": release.title,
        "introduction": release.introduction,
        "version": release.version,
        # A path: the worker makes it absolute (SITE_URL) when it sends, so publishing never
        # depends on that setting.
        "path": year.get_absolute_url(),
        "published": _when(year.published_at),
        "figures": [
            {
                "name": card.figure.measure.name,
                "value": card.figure.display,
                "comparison": card.figure.period_compared,
                "change": card.figure.comparability_note
                if card.figure.not_comparable
                else card.change,
            }
            for card in release.headline_cards
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
        **({"link": link} if link else {"path": reverse("stats:releases")}),
    }
