from decimal import Decimal

import pytest

from stats.models.enums import Qualifier, Unit
from stats.models.formatting import format_figure, format_value, plain_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4000000", "£4m"),
        ("1500000", "£1.5m"),
        ("10450000", "£10.45m"),
        ("1000000.00", "£1m"),
        ("550000", "£550,000"),
        ("200000", "£200,000"),
        ("999999", "£999,999"),
        # Not exact in millions to two places: shown whole rather than rounded.
        ("1534210", "£1,534,210"),
        ("1505000", "£1,505,000"),
        ("12.5", "£12.50"),
        ("1234.05", "£1,234.05"),
        ("0", "£0"),
    ],
)
def test_money_is_written_the_way_the_force_writes_it(value, expected):
    assert format_value(Decimal(value), Unit.MONEY) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("38", "38"), ("108", "108"), ("1234", "1,234"), ("1234567", "1,234,567"), ("0", "0")],
)
def test_counts_have_thousands_separators(value, expected):
    assert format_value(Decimal(value), Unit.COUNT) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40", "up 40%"),
        ("12.5", "up 12.5%"),
        ("-20", "down 20%"),
        ("0", "no change"),
        ("40.00", "up 40%"),
    ],
)
def test_percentage_changes_say_which_way(value, expected):
    assert format_value(Decimal(value), Unit.PERCENT_CHANGE) == expected


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        ("4000000", Unit.MONEY, Qualifier.NEARLY, "nearly £4m"),
        ("1500000", Unit.MONEY, Qualifier.OVER, "over £1.5m"),
        ("1500000", Unit.MONEY, Qualifier.EXACT, "£1.5m"),
        ("550000", Unit.MONEY, Qualifier.ABOUT, "about £550,000"),
        ("100", Unit.COUNT, Qualifier.MORE_THAN, "more than 100"),
        ("40", Unit.PERCENT_CHANGE, Qualifier.ALMOST, "up almost 40%"),
        ("-5", Unit.PERCENT_CHANGE, Qualifier.OVER, "down over 5%"),
        # Not "no change": more than 0% is some change, direction unknown.
        ("0", Unit.PERCENT_CHANGE, Qualifier.MORE_THAN, "a change of more than 0%"),
        ("0", Unit.PERCENT_CHANGE, Qualifier.NEARLY, "a change of nearly 0%"),
        ("0", Unit.PERCENT_CHANGE, Qualifier.EXACT, "no change"),
    ],
)
def test_the_qualifier_always_travels_with_the_number(value, unit, qualifier, expected):
    assert format_figure(Decimal(value), unit, qualifier) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4E+6", "4000000"),
        ("1500000.00", "1500000"),
        ("12.50", "12.5"),
        ("0.00", "0"),
        ("40", "40"),
    ],
)
def test_plain_decimal_has_no_exponent_or_trailing_zeros(value, expected):
    assert plain_decimal(Decimal(value)) == expected
