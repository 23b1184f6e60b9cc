from decimal import Decimal

import pytest

from stats.models import Figure
from stats.models.enums import Qualifier, Unit
from stats.rules.changes import describe_change, direction

Q = Qualifier


def figure(value, unit=Unit.MONEY, qualifier=Q.EXACT):
    return Figure(value=None if value is None else Decimal(value), unit=unit, qualifier=qualifier)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (figure("4200000"), figure("4000000", qualifier=Q.NEARLY), "up from nearly £4m in 2022"),
        (figure("3000000"), figure("4000000", qualifier=Q.NEARLY), "down from nearly £4m in 2022"),
        (figure("1500000"), figure("1500000"), "the same as in 2022"),
        (figure("38", Unit.COUNT), figure("20", Unit.COUNT), "up from 20 in 2022"),
        (figure("0", Unit.COUNT), figure("20", Unit.COUNT), "down from 20 in 2022"),
        (figure("20", Unit.COUNT), figure("0", Unit.COUNT), "up from 0 in 2022"),
        # A qualifier on either side can make the direction uncertain: say so plainly.
        (
            figure("3900000"),
            figure("4000000", qualifier=Q.NEARLY),
            "compared with nearly £4m in 2022",
        ),
        (figure("4000000", qualifier=Q.ABOUT), figure("3900000"), "compared with £3.9m in 2022"),
        (figure("1500000", qualifier=Q.OVER), figure("1500000"), "up from £1.5m in 2022"),
        (figure("1500000", qualifier=Q.NEARLY), figure("1500000"), "down from £1.5m in 2022"),
        (figure("1500000"), figure("1500000", qualifier=Q.OVER), "down from over £1.5m in 2022"),
        (
            figure("4000000", qualifier=Q.NEARLY),
            figure("4000000", qualifier=Q.NEARLY),
            "compared with nearly £4m in 2022",
        ),
    ],
)
def test_what_changed(current, previous, expected):
    assert describe_change(current, previous, "2022") == expected


@pytest.mark.parametrize(
    ("current", "previous"),
    [
        (figure("4000000"), None),  # no previous year
        (
            figure("40", Unit.PERCENT_CHANGE),
            figure("10", Unit.PERCENT_CHANGE),
        ),  # has its own comparison
        (figure(None), figure("10")),
        (figure("10", Unit.COUNT), figure("10", Unit.MONEY)),  # a measure whose unit changed
    ],
)
def test_nothing_is_said_without_an_honest_comparison(current, previous):
    assert describe_change(current, previous, "2022") == ""


def test_direction_is_symmetric():
    a, b = (Decimal(5), Q.OVER), (Decimal(5), Q.EXACT)
    assert direction(a, b) == "up" and direction(b, a) == "down"
