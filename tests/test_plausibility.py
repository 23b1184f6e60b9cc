import datetime
from decimal import Decimal

import pytest

from stats.demo import load_demo
from stats.models import Year
from stats.models.enums import Unit, YearState
from stats.rules.parsing import parse_amount
from stats.rules.plausibility import (
    Evidence,
    evidence_for,
    flags,
    flags_for_year,
    is_implausible,
    previous_published_figure,
)

from .factories import make_figure, make_measure, make_year, release

D = Decimal

PART_OF_12M = Evidence(name="Cannabis", unit=Unit.MONEY, total=D("12000000"), total_name="drugs")


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
    for label in ("2020", "2021"):
        release(Year.objects.get(label=label))
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    assert previous_published_figure(year, measure).value == Decimal("2000")


@pytest.mark.django_db
def test_a_scheduled_year_is_not_yet_a_comparison():
    measure = make_measure(unit=Unit.MONEY)
    make_figure(make_year("2021"), measure, "2000")
    future = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    make_figure(make_year("2022", published_at=future), measure, "3000")
    for year in Year.objects.all():
        release(year)
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    assert previous_published_figure(year, measure).value == Decimal("2000")


def _questions(typed, evidence):
    value = parse_amount(typed)[0]
    return [(flag.message(evidence.unit), flag.suggestion) for flag in flags(value, evidence)]


@pytest.mark.parametrize(
    ("typed", "evidence", "reason", "meant"),
    [
        # A new part with no history, typed in pounds for millions, however it is typed.
        ("10.4", PART_OF_12M, "£10.40 is less than 0.01% of drugs (£12m)", D("10400000")),
        ("£10.4", PART_OF_12M, "£10.40 is less than 0.01% of drugs (£12m)", D("10400000")),
        ("10.4m", PART_OF_12M, None, None),
        ("£5,000", PART_OF_12M, "£5,000 is 0.04% of drugs (£12m)", D("5000000")),
        ("£120,000", PART_OF_12M, None, None),  # 1% of the total: plausible
        # Its siblings say the same when the total is small or missing.
        (
            "7",
            Evidence(name="Heroin", unit=Unit.MONEY, siblings=(D("2500000"), D("900000"))),
            "£7 is less than a thousandth of the other parts of the same total",
            D("7000000"),
        ),
        # The scale of the year's other money figures.
        (
            "550",
            Evidence(name="Returned", unit=Unit.MONEY, other_money=(D("4000000"), D("1500000"))),
            "£550 is under £1,000, where the year's other money figures are in millions",
            D("550000000"),
        ),
        (
            "£550,000",
            Evidence(name="Returned", unit=Unit.MONEY, other_money=(D("4000000"),)),
            None,
            None,
        ),
        # The form of the number: pence, where a release speaks in round amounts.
        ("£12.50", Evidence(name="Cash", unit=Unit.MONEY), "£12.50 has pence", None),
        # The same measure last year.
        (
            "10.4",
            Evidence(name="Drugs", unit=Unit.MONEY, previous=D("10400000"), previous_label="2022"),
            "£10.40 is more than 10 times smaller than the last published figure (£10.4m for 2022)",
            D("10400000"),
        ),
        # Counts and percentages are not money: no pence or scale rules for them.
        ("38", Evidence(name="Arrests", unit=Unit.COUNT, other_money=(D("4000000"),)), None, None),
        ("2%", Evidence(name="Change", unit=Unit.PERCENT_CHANGE, previous=D("40")), None, None),
    ],
)
def test_slips_are_caught_from_every_angle(typed, evidence, reason, meant):
    questions = _questions(typed, evidence)
    if reason is None:
        assert questions == []
    else:
        message, suggestion = questions[0]
        assert message.startswith(reason)
        assert suggestion == meant
        if meant is not None:
            assert message.endswith("?")  # "did you mean £10.4m?"


def test_a_flag_says_what_was_probably_meant():
    (message, _), *_ = _questions("£10.4", PART_OF_12M)
    assert message == "£10.40 is less than 0.01% of drugs (£12m): did you mean £10.4m?"


@pytest.mark.django_db
def test_no_false_alarm_on_the_2022_release():
    load_demo()
    assert flags_for_year(Year.objects.get(slug="2022")) == []


@pytest.mark.django_db
def test_the_year_before_is_read_once_for_a_whole_grid(django_assert_num_queries):
    measures = [make_measure(unit=Unit.MONEY) for _ in range(5)]
    for measure in measures:
        earlier = make_year(f"20{10 + measures.index(measure)}")
        make_figure(earlier, measure, "1000000")
        release(earlier)
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    rows = [(measure, Decimal("10.4")) for measure in measures]
    with django_assert_num_queries(1):
        evidence = evidence_for(rows, year)
    assert all(evidence[m.pk].previous == Decimal("1000000") for m in measures)
