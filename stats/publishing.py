"""The press office's workflow: draft, ready for review, published (now or at a set time).

Each step is a plain function taking the year and the person acting, so the admin, tests and
any future command share one set of rules. Permissions are checked by the caller (the admin);
the rules about the year itself are checked here.
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .enums import Unit, YearState
from .models import ChangeNote, Figure, Measure, Quote, Year

# Changing only these is publishing, not editing: it does not make someone "the last editor".
WORKFLOW_FIELDS = {"state", "published_at"}


class PublishingError(Exception):
    """A step that cannot be taken; `problems` lists why, in words for the press office."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def problems_before_publishing(year):
    """What is missing before the public may see this year (an empty list: nothing)."""
    problems = []
    if not year.introduction.strip():
        problems.append("Write the introduction.")
    figures = list(year.figures.select_related("measure"))
    with_values = {f.measure_id: f for f in figures if f.value is not None}
    headline = Measure.objects.active().filter(is_headline=True, parent__isnull=True)
    problems += [
        f"Enter the headline figure “{m.name}”." for m in headline if m.pk not in with_values
    ]
    problems += [
        f"Enter a value for “{f.measure.name}”, or remove the row."
        for f in figures
        if f.value is None
    ]
    for total in with_values.values():
        parts = [f.value for f in with_values.values() if f.measure.parent_id == total.measure_id]
        if parts and sum(parts) > total.value:
            problems.append(f"The parts of “{total.measure.name}” add up to more than its total.")
    quotes = list(year.quotes.all())
    if not any(q.text.strip() for q in quotes):
        problems.append("Add at least one quote.")
    problems += [
        f"Add the words of the quote by {q.speaker_name}, or remove it."
        for q in quotes
        if not q.text.strip()
    ]
    return problems


def last_editor(year):
    """Who last changed the year's content (its text, figures, quotes or change notes)."""
    candidates = []
    records = list(year.history.order_by("-history_date")[:50])
    for record, older in zip(records, records[1:] + [None], strict=True):
        if older is None or set(record.diff_against(older).changed_fields) - WORKFLOW_FIELDS:
            candidates.append(record)
            break
    for model in (Figure, Quote, ChangeNote):
        record = model.history.filter(year_id=year.pk).order_by("-history_date").first()
        if record:
            candidates.append(record)
    if not candidates:
        return None
    return max(candidates, key=lambda r: r.history_date).history_user


def publishers():
    permission = Permission.objects.get(content_type__app_label="stats", codename="publish_year")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .distinct()
    )


def second_person_problem(year, user):
    """Where the office has two or more publishers, nobody publishes their own last edit."""
    if not settings.PUBLISH_NEEDS_SECOND_PERSON or publishers().count() < 2:
        return None
    editor = last_editor(year)
    if editor is not None and editor.pk == user.pk:
        return "You made the last change to this year: another publisher must check and publish it."
    return None


@transaction.atomic
def publish(year, user, *, at=None, change_note=""):
    """Publish now, or at `at` (a moment in the future). Refuses with every reason at once."""
    year = Year.objects.select_for_update().get(pk=year.pk)
    problems = problems_before_publishing(year)
    correction = year.has_been_public
    if correction and not change_note.strip():
        problems.append(
            "Say what changed in a public change note: this year has been published before."
        )
    if at is not None and at <= timezone.now():
        problems.append(
            "Choose a publication time in the future, or leave it empty to publish now."
        )
    if (problem := second_person_problem(year, user)) is not None:
        problems.append(problem)
    if problems:
        raise PublishingError(problems)
    year.state = YearState.PUBLISHED
    if not correction:
        year.published_at = at or timezone.now()
    year._history_user = user
    year.save()
    if correction:
        note = ChangeNote(year=year, text=change_note.strip())
        note._history_user = user
        note.save()
    return year


def unpublish(year, user):
    """Back to draft: hidden from the public at once. It keeps its first publication time."""
    year.state = YearState.DRAFT
    year._history_user = user
    year.save()  # its pages' last good copies are voided too (stats/signals.py)


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
    """A new draft year shaped like `previous`: same measures, speakers and order, no values."""
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
    for figure in previous.figures.select_related("measure"):
        comparison = ""
        if figure.unit == Unit.PERCENT_CHANGE:
            comparison = re.sub(
                r"\b(\d{4})\b", lambda m: str(int(m.group(1)) + 1), figure.comparison
            )
        new = Figure(year=year, measure=figure.measure, comparison=comparison)
        new._history_user = user
        new.save()
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


def a_day_ahead():
    """A suggested publication time: tomorrow at 7am UK time, when the morning news is made."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 0)))
