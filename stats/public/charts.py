"""Bar charts as plain geometry: one horizontal bar per year, measured out in percentages of
the bar's track, so the template can draw each bar as a tiny SVG beside real HTML text.

Text stays text (the page's own font size, at any screen width, with the page's contrast):
only the bars are drawn. A year without a figure keeps its row, marked "no figure", so a gap
is never mistaken for a zero; a fall (a negative percentage change) runs left from zero.
"""

from decimal import Decimal


def bar_rows(points):
    """For each (label, value or None, text as the page states it): the bar's start and width
    as percentages of the track, and where zero is. Values share one scale."""
    values = [value for _, value, _ in points if value is not None]
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    span = (high - low) or Decimal(1)

    def position(value):
        return float((value - low) * 100 / span)

    zero = position(Decimal(0))
    rows = []
    for label, value, text in points:
        if value is None:
            rows.append({"label": label, "missing": True, "text": "no figure"})
            continue
        start, end = sorted([zero, position(value)])
        rows.append(
            {
                "label": label,
                "missing": False,
                "text": text,  # the qualifier stays with the number: "nearly £4m"
                "start": round(start, 2),
                # A zero still shows as a sliver, so "nothing" and "no figure" look different.
                "width": round(max(end - start, 0.5), 2),
                "negative": value < 0,
            }
        )
    return {"rows": rows, "zero": round(zero, 2), "has_negative": low < 0}
