"""What changed since last year, said only as far as the figures allow.

"up from nearly £4m in 2022" needs the direction to be certain. A qualifier widens a figure
into a range, by a convention stated here: "nearly"/"almost" up to 10% below the number,
"over"/"more than" up to 10% above, "about" 10% either side; an exact figure is itself. When
the two ranges overlap the direction is uncertain, and the page says "compared with ..."
instead. A percentage change carries its own comparison ("compared with 2020") and gets none,
and so does a figure marked not comparable with earlier years (its definition changed).
"""

from decimal import Decimal

from stats.models.enums import Qualifier, Unit
from stats.models.formatting import format_figure

TOLERANCE = Decimal("0.1")


def value_range(value, qualifier):
    """The lowest and highest value a figure can mean, by the convention above."""
    if qualifier in (Qualifier.NEARLY, Qualifier.ALMOST):
        return value * (1 - TOLERANCE), value
    if qualifier in (Qualifier.OVER, Qualifier.MORE_THAN):
        return value, value * (1 + TOLERANCE)
    if qualifier == Qualifier.ABOUT:
        return value * (1 - TOLERANCE), value * (1 + TOLERANCE)
    return value, value


def direction(current, previous):
    """'up', 'down', 'same' or None (cannot tell) between two (value, qualifier) pairs."""
    low, high = value_range(*current)
    previous_low, previous_high = value_range(*previous)
    exact = current[1] == previous[1] == Qualifier.EXACT
    if exact and current[0] == previous[0]:
        return "same"
    # Strictly beyond: "over £1m" against an exact £1m is up, "nearly £1m" against it down.
    over = current[1] in (Qualifier.OVER, Qualifier.MORE_THAN)
    under = previous[1] in (Qualifier.NEARLY, Qualifier.ALMOST)
    if low > previous_high or (low == previous_high and (over or under or exact)):
        return "up"
    below = current[1] in (Qualifier.NEARLY, Qualifier.ALMOST)
    above = previous[1] in (Qualifier.OVER, Qualifier.MORE_THAN)
    if high < previous_low or (high == previous_low and (below or above or exact)):
        return "down"
    return None


def describe_change(figure, previous, previous_label):
    """A short phrase for a figure's card, or "" when there is nothing honest to say."""
    if previous is None or previous.value is None or figure.value is None:
        return ""
    if figure.unit == Unit.PERCENT_CHANGE or previous.unit != figure.unit:
        return ""
    if getattr(figure, "not_comparable", False):
        return ""  # counted differently from before: the page says so instead
    before = format_figure(previous.value, previous.unit, previous.qualifier)
    way = direction((figure.value, figure.qualifier), (previous.value, previous.qualifier))
    if way == "same":
        return f"the same as in {previous_label}"
    if way in ("up", "down"):
        return f"{way} from {before} in {previous_label}"
    return f"compared with {before} in {previous_label}"
