"""The press office's workflow: draft, ready for review, published (now or at a set time).

Each step is a plain function taking the year and the person acting, so the admin, tests and
any future command share one set of rules. Permissions are checked by the caller (the admin);
the rules about the year itself are checked here.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stats.models import ChangeNote, Figure, Measure, PendingCorrection, Quote, Year
from stats.models.enums import YearState
from stats.rules import signals
from stats.rules.plausibility import flags_for_year

# Changing only these is publishing, not editing: it does not make someone an editor.
WORKFLOW_FIELDS = {
    "state",
    "published_at",
    "approved_at",
    "approved_by",
    "withdrawn_at",
    "withdrawal_reason",
    "withdrawn_title",
}


class PublishingError(Exception):
    """A step that cannot be taken; `problems` lists why, in words for the press office."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def checklist(year):
    """(problems, notices): what must be put right before the public may see this year, and
    what a publisher should know (measures left out, figures not comparable)."""
    problems, notices = [], []
    if not year.introduction.strip():
        problems.append("Write the introduction.")
    figures = list(year.figures.select_related("measure"))
    with_values = {f.measure_id: f for f in figures if f.value is not None}
    problems += [
        f"Enter a value for “{f.measure.name}”, or tick “not reported this year”."
        for f in figures
        if f.value is None and not f.not_reported
    ]
    if not any(f.is_headline for f in with_values.values() if not f.measure.parent_id):
        problems.append("Choose at least one headline figure.")
    previous = Year.objects.previous_published(year)
    if previous is not None:
        rows = {f.measure_id for f in figures}
        dropped = (
            previous.figures.public().filter(measure__is_active=True).exclude(measure_id__in=rows)
        )
        problems += [
            f"“{f.measure.name}” was reported in {previous.label}: enter this year's figure or "
            f"tick “not reported this year”."
            for f in dropped.select_related("measure")
        ]
    notices += [f"Not reported this year: “{f.measure.name}”." for f in figures if f.not_reported]
    notices += [
        f"Not comparable with earlier years: “{f.measure.name}” ({f.comparability_note})."
        for f in figures
        if f.not_comparable
    ]
    for total in with_values.values():
        parts = [f.value for f in with_values.values() if f.measure.parent_id == total.measure_id]
        if parts and sum(parts) > total.value:
            problems.append(f"The parts of “{total.measure.name}” add up to more than its total.")
    for figure, flags in flags_for_year(year):
        for flag in flags:
            question = flag.message(figure.unit)
            stop = "" if question.endswith("?") else "."
            problems.append(
                f"“{figure.measure.name}”: {question}{stop} Correct it, or confirm it on the "
                f"year's page."
            )
    quotes = list(year.quotes.all())
    if not any(q.is_public for q in quotes):
        problems.append("Add at least one quote.")
    problems += [
        f"Add the words of the quote by {q.speaker_name}, or remove it."
        for q in quotes
        if not q.is_public
    ]
    return problems, notices


def problems_before_publishing(year):
    """What is missing before the public may see this year (an empty list: nothing)."""
    return checklist(year)[0]


def editors_since_approval(year):
    """Everyone who changed the year's content (its text, figures or quotes) since a publisher
    last approved it, or ever if it was never approved."""
    since = year.approved_at
    editors = set()
    records = list(year.history.order_by("-history_date"))
    for record, older in zip(records, records[1:] + [None], strict=True):
        if since is not None and record.history_date <= since:
            break
        if older is None or set(record.diff_against(older).changed_fields) - WORKFLOW_FIELDS:
            editors.add(record.history_user_id)
    for model in (Figure, Quote):
        changes = model.history.filter(year_id=year.pk)
        if since is not None:
            changes = changes.filter(history_date__gt=since)
        editors.update(changes.values_list("history_user_id", flat=True))
    pending = PendingCorrection.objects.filter(year=year).first()
    if pending is not None:
        editors.add(pending.made_by_id)
    editors.discard(None)
    return editors


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


def second_person_required():
    """A second pair of eyes: on, unless turned off or there is only one publisher."""
    return settings.PUBLISH_NEEDS_SECOND_PERSON and publishers().count() >= 2


def second_person_problem(year, user):
    """Where the office has two or more publishers, nobody approves their own changes."""
    if not second_person_required():
        return None
    if user.pk in editors_since_approval(year):
        return (
            "You changed this year since it was last approved: another publisher must check "
            "and approve it."
        )
    return None


def _approved(year, user):
    year.approved_at = timezone.now()
    year.approved_by = user
    year.withdrawn_at = None
    year.withdrawal_reason = ""


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
    if PendingCorrection.objects.filter(year=year).exists():
        problems.append("A correction is waiting for approval: approve or discard it first.")
    if (problem := second_person_problem(year, user)) is not None:
        problems.append(problem)
    if problems:
        raise PublishingError(problems)
    year.state = YearState.PUBLISHED
    if not correction:
        year.published_at = at or timezone.now()
    _approved(year, user)
    year._history_user = user
    year.save()
    if correction:
        note = ChangeNote(year=year, text=change_note.strip())
        note._history_user = user
        note.save()
        signals.correction_published.send(Year, year=year, note=note)
    else:
        signals.year_published.send(Year, year=year)
    return year


@transaction.atomic
def reschedule(year, user, at):
    """Move a scheduled year's publication time; what was approved stays approved."""
    year = Year.objects.select_for_update().get(pk=year.pk)
    if not year.is_scheduled:
        raise PublishingError(["Only a scheduled year can be given another publication time."])
    if at is None or at <= timezone.now():
        raise PublishingError(["Choose a publication time in the future."])
    year.published_at = at
    year._history_user = user
    year.save()
    signals.year_published.send(Year, year=year)
    return year


@transaction.atomic
def unpublish(year, user, reason=""):
    """Back to draft: hidden from the public at once. It keeps its first publication time.

    A year the public has seen needs a public reason: its address then says it was withdrawn,
    when and why, instead of a bare "not found" for the journalists who linked to it.
    """
    year = Year.objects.select_for_update().get(pk=year.pk)
    if year.state != YearState.PUBLISHED:
        raise PublishingError(["This year is not published."])
    if year.is_public:
        if not reason.strip():
            raise PublishingError(["Say why the year is withdrawn: the public will read it."])
        year.withdrawn_at = timezone.now()
        year.withdrawal_reason = reason.strip()
        year.withdrawn_title = year.title
    else:  # unscheduled before its time: nobody saw it, so it is not a correction later
        year.published_at = None
    year.state = YearState.DRAFT
    year._history_user = user
    year.save()  # its pages' last good copies are voided too (stats/signals.py)
    return year


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
    (`figure_rows_for`)."""
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


def next_comparison(comparison):
    """ "compared with 2020" a year on: "compared with 2021"."""
    return re.sub(r"\b(\d{4})\b", lambda m: str(int(m.group(1)) + 1), comparison)


def figure_rows_for(year):
    """The rows of a year's figure grid: every measure in use, every measure the year before
    reported, and every measure the year has a figure for, totals followed by their parts.

    Returns [(measure, initial values for a row the year has no figure for yet)].
    """
    previous = (
        Year.objects.previous_published(year) if year is not None and year.period_start else None
    )
    before = {}
    if previous is not None:
        before = {f.measure_id: f for f in previous.figures.public()}
    own = set(year.figures.values_list("measure_id", flat=True)) if year and year.pk else set()
    measures = Measure.objects.filter(
        Q(is_active=True) | Q(pk__in=own) | Q(pk__in=list(before))
    ).select_related("parent")
    totals = sorted(
        (m for m in measures if not m.parent_id), key=lambda m: (m.display_order, m.name)
    )
    parts = sorted((m for m in measures if m.parent_id), key=lambda m: (m.display_order, m.name))
    ordered = []
    for total in totals:
        ordered.append(total)
        ordered += [part for part in parts if part.parent_id == total.pk]
    ordered += [part for part in parts if part not in ordered]  # a part whose total is retired
    rows = []
    for measure in ordered:
        last = before.get(measure.pk)
        initial = {
            "measure": measure.pk,
            "is_headline": last.is_headline if last else measure.is_headline,
            "comparison": next_comparison(last.comparison) if last else "",
        }
        rows.append((measure, None if measure.pk in own else initial))
    return rows
