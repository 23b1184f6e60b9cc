import datetime
from decimal import Decimal

import pytest

from stats.enums import Unit, YearState
from stats.plausibility import is_implausible, previous_published_figure

from .factories import make_figure, make_measure, make_year


@pytest.mark.parametrize(
    ("value", "previous", "flagged"),
    [
        ("10.4", "10400000", True),  # the slip the check exists for
        ("104000000", "10400000", False),  # exactly ten times: a big year, not a slip
        ("104000001", "10400000", True),
        ("1040000", "10400000", False),
        ("1039999", "10400000", True),
        ("4200000", "4000000", False),
        ("0", "38", True),  # a stray zero
        ("5", "0", False),  # nothing to compare with
        ("5", None, False),
        (None, "5", False),
    ],
)
def test_values_far_from_last_year_are_flagged(value, previous, flagged):
    as_decimal = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert is_implausible(as_decimal(value), as_decimal(previous)) is flagged


@pytest.mark.django_db
def test_the_comparison_is_with_the_latest_published_earlier_year():
    measure = make_measure(unit=Unit.MONEY)
    make_figure(make_year("2020"), measure, "1000")
    make_figure(make_year("2021"), measure, "2000")
    make_figure(make_year("2022", state=YearState.DRAFT, published_at=None), measure, "3000")
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    assert previous_published_figure(year, measure).value == Decimal("2000")


@pytest.mark.django_db
def test_a_scheduled_year_is_not_yet_a_comparison():
    measure = make_measure(unit=Unit.MONEY)
    make_figure(make_year("2021"), measure, "2000")
    future = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    make_figure(make_year("2022", published_at=future), measure, "3000")
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    assert previous_published_figure(year, measure).value == Decimal("2000")
