"""The year's admin page as a browser posts it, built from what is in the database."""

from concurrency.forms import get_signer
from django.utils import timezone

from stats.formatting import plain_decimal


def rows(prefix, items, initial):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update(
            {f"{prefix}-{i}-{key}": value for key, value in item.items() if value is not None}
        )
    return data


def new_year(figures=(), quotes=(), **fields):
    """The add form: the year's fields, figure rows and quote rows."""
    return {
        "label": "2023",
        "slug": "2023",
        "title": "Operation Alliance results 2023",
        "introduction": "What the operation achieved.",
        "other_results": "",
        "period_start": "01/01/2023",
        "period_end": "31/12/2023",
        "opened_at": timezone.now().isoformat(),
        **fields,
        **rows("figures", list(figures), 0),
        **rows("quotes", list(quotes), 0),
        **rows("change_notes", [], 0),
    }


def existing_year(year, *, figures=None, quotes=None, new_figures=(), **fields):
    """The change form of a saved year; `figures` maps a measure slug to changed row values."""
    figure_rows = []
    for figure in year.figures.select_related("measure").order_by("pk"):
        row = {
            "id": str(figure.pk),
            "year": str(year.pk),
            "measure": str(figure.measure_id),
            "value": "" if figure.value is None else plain_decimal(figure.value),
            "qualifier": figure.qualifier,
            "comparison": figure.comparison,
            "note": figure.note,
        }
        row.update((figures or {}).get(figure.measure.slug, {}))
        figure_rows.append(row)
    quote_rows = []
    for quote in year.quotes.order_by("pk"):
        row = {
            "id": str(quote.pk),
            "year": str(year.pk),
            "speaker_name": quote.speaker_name,
            "speaker_role": quote.speaker_role,
            "text": quote.text,
            "order": str(quote.order),
        }
        row.update((quotes or {}).get(quote.pk, {}))
        quote_rows.append(row)
    notes = [
        {
            "id": str(n.pk),
            "year": str(year.pk),
            "made_at_0": timezone.localtime(n.made_at).strftime("%d/%m/%Y"),
            "made_at_1": timezone.localtime(n.made_at).strftime("%H:%M:%S"),
            "text": n.text,
        }
        for n in year.change_notes.order_by("pk")
    ]
    data = {
        "label": year.label,
        "slug": year.slug,
        "title": year.title,
        "introduction": year.introduction,
        "other_results": year.other_results,
        "period_start": year.period_start.strftime("%d/%m/%Y"),
        "period_end": year.period_end.strftime("%d/%m/%Y"),
        "version": get_signer().sign(year.version),
        "opened_at": timezone.now().isoformat(),
        "change_note": "",
        **rows("figures", figure_rows + list(new_figures), len(figure_rows)),
        **rows("quotes", quote_rows, len(quote_rows)),
        **rows("change_notes", notes, len(notes)),
    }
    data.update(fields)
    return data
