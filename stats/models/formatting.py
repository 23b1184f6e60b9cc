"""How figures are written on the page: the force's own style, and never a different claim.

Money: `£4m`, `£1.5m`, `£10.45m` from a million up when that is exact, otherwise in full
(`£550,000`, `£1,534,210`, `£12.50`). Counts: `1,234`. Percentage changes: `up 40%`,
`down 12.5%`, `no change` (but `a change of nearly 0%`). A qualifier always travels with its
number: `nearly £4m`, `up more than 40%`. Nothing is rounded: a value that cannot be shortened
exactly is shown whole.
"""

from decimal import Decimal

from stats.models.enums import Qualifier, Unit

MILLION = Decimal(1_000_000)
# £10,000 steps are the finest a two-decimal "£1.23m" can show exactly.
MILLIONS_STEP = Decimal(10_000)


def plain_decimal(value: Decimal) -> str:
    """The value with no exponent and no trailing zeros after the point: 4E+6 -> '4000000'."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _grouped(value: Decimal) -> str:
    """Thousands separators, keeping pence only when there are any."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value.quantize(Decimal("0.01")), ",")


def format_money(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= MILLION and value % MILLIONS_STEP == 0:
        return f"{sign}£{plain_decimal(value / MILLION)}m"
    return f"{sign}£{_grouped(value)}"


def format_count(value: Decimal) -> str:
    return _grouped(value)


def format_percent_change(value: Decimal, qualifier: str = "") -> str:
    if value == 0:
        # "more than 0%" or "nearly 0%" is a change of unknown direction, not none at all.
        return f"a change of {qualifier} 0%" if qualifier else "no change"
    direction = "up" if value > 0 else "down"
    amount = f"{plain_decimal(abs(value))}%"
    return f"{direction} {qualifier} {amount}" if qualifier else f"{direction} {amount}"


def format_value(value: Decimal, unit: str) -> str:
    """The number alone, in the unit's style, with no qualifier."""
    if unit == Unit.MONEY:
        return format_money(value)
    if unit == Unit.PERCENT_CHANGE:
        return format_percent_change(value)
    return format_count(value)


def format_figure(value: Decimal, unit: str, qualifier: str = Qualifier.EXACT) -> str:
    """The number as the page states it, qualifier included: 'nearly £4m', 'up over 40%'."""
    if unit == Unit.PERCENT_CHANGE:
        return format_percent_change(value, qualifier)
    amount = format_value(value, unit)
    return f"{qualifier} {amount}" if qualifier else amount


def figure_text(value: Decimal | None, unit: str, qualifier: str, not_reported: bool) -> str:
    """A figure in words wherever it is shown (page, card, download, admin): its number as the
    page states it, or why it has none."""
    if not_reported:
        return "not reported this year"
    if value is None:
        return "(no value yet)"
    return format_figure(value, unit, qualifier)
