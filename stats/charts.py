"""Bar charts drawn on the server as SVG geometry: no JavaScript, readable by anyone.

The template draws what `bar_chart` measures out. A year without a figure keeps its place on
the axis, marked "no figure", so a gap is never mistaken for a zero.
"""

import math
from decimal import Decimal

from .enums import Unit
from .formatting import format_value, plain_decimal

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 20, 50


def nice_step(span):
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about five gridlines."""
    if span <= 0:
        return Decimal(1)
    raw = span / 5
    power = Decimal(10) ** math.floor(math.log10(raw))
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= multiple * power:
            return Decimal(multiple) * power
    return 10 * power  # pragma: no cover - the loop always returns


def axis_label(value, unit):
    if unit == Unit.PERCENT_CHANGE:
        return f"{plain_decimal(value)}%"
    return format_value(value, unit)


def bar_chart(points, unit):
    """Geometry for one bar per (label, value or None, text as the page states it).

    Values may be negative (a fall in a percentage change). The text above a bar is the
    figure as stated, qualifier included: a chart never rounds away "nearly".
    """
    values = [value for _, value, _ in points if value is not None]
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    step = nice_step(high - low)
    low = step * math.floor(low / step)
    high = step * math.ceil(high / step) if high > 0 else Decimal(0)
    if high == low:
        high = low + step
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value):
        return TOP + float((high - value) / (high - low)) * plot_height

    slot = plot_width / max(len(points), 1)
    bar_width = min(slot * 0.6, 80)
    bars = []
    for index, (label, value, text) in enumerate(points):
        x = LEFT + slot * index + (slot - bar_width) / 2
        bar = {
            "label": label,
            "x": round(x, 1),
            "width": round(bar_width, 1),
            "centre": round(x + bar_width / 2, 1),
        }
        if value is None:
            bar.update(missing=True, y=round(y(Decimal(0)) - 24, 1))
        else:
            top, bottom = sorted([y(value), y(Decimal(0))])
            bar.update(
                missing=False,
                y=round(top, 1),
                height=round(max(bottom - top, 1), 1),
                text=text,
                text_y=round(top - 6 if value >= 0 else bottom + 16, 1),
            )
        bars.append(bar)
    ticks = []
    tick = low
    while tick <= high:
        ticks.append({"y": round(y(tick), 1), "text": axis_label(tick, unit)})
        tick += step
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": round(y(Decimal(0)), 1),
        "label_y": HEIGHT - BOTTOM + 24,
        "bars": bars,
        "ticks": ticks,
    }
