"""What must be put right before the public may see a year, and what a publisher should know:
one checklist, asked by the publish page, by publishing itself and by approving a correction."""

from stats.models import Year
from stats.models.formatting import format_value
from stats.rules.plausibility import flags_for_year


def parts_over_total(rows):
    """The totals whose parts add up to more than them, as sentences: one rule for the figure
    grid and the checklist. `rows`: (measure, value or None) pairs."""
    values = {measure.pk: (measure, value) for measure, value in rows if value is not None}
    problems = []
    for measure, total in values.values():
        parts = [v for m, v in values.values() if m.parent_id == measure.pk]
        if parts and sum(parts) > total:
            problems.append(
                f"The parts of “{measure.name}” add up to {format_value(sum(parts), measure.unit)},"
                f" more than its total of {format_value(total, measure.unit)}."
            )
    return problems


def checklist(year):
    """(problems, notices): what must be put right before the public may see this year, and
    what a publisher should know (measures left out, figures not comparable)."""
    problems, notices = [], []
    if not year.introduction.strip():
        problems.append("Write the introduction.")
    figures = list(year.figures.select_related("measure"))
    with_values = [f for f in figures if f.value is not None]
    problems += [
        f"Enter a value for “{f.measure.name}”, or tick “not reported this year”."
        for f in figures
        if f.value is None and not f.not_reported
    ]
    if not any(f.is_headline for f in with_values if not f.measure.parent_id):
        problems.append("Choose at least one headline figure.")
    previous = Year.objects.previous_published(year)
    if previous is not None:
        rows = {f.measure_id for f in figures}
        dropped = (
            previous.figures.with_value()
            .filter(measure__is_active=True)
            .exclude(measure_id__in=rows)
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
    problems += parts_over_total([(f.measure, f.value) for f in with_values])
    for figure, flags in flags_for_year(year):
        for flag in flags:
            question = flag.message(figure.unit)
            stop = "" if question.endswith("?") else "."
            problems.append(
                f"“{figure.measure.name}”: {question}{stop} Correct it, or confirm it on the "
                f"year's page."
            )
    quotes = list(year.quotes.all())
    if not any(q.has_words for q in quotes):
        problems.append("Add at least one quote.")
    problems += [
        f"Add the words of the quote by {q.speaker_name}, or remove it."
        for q in quotes
        if not q.has_words
    ]
    return problems, notices


def problems_before_publishing(year):
    """What is missing before the public may see this year (an empty list: nothing)."""
    return checklist(year)[0]
