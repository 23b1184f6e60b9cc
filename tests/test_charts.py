from decimal import Decimal

import pytest

from stats.charts import bar_chart, nice_step
from stats.enums import Unit


@pytest.mark.parametrize(
    ("span", "step"),
    [("4000000", "1000000"), ("38", "10"), ("108", "25"), ("1", "0.2"), ("0", "1"), ("60", "20")],
)
def test_gridlines_fall_on_round_numbers(span, step):
    assert nice_step(Decimal(span)) == Decimal(step)


def test_a_missing_year_keeps_its_place_and_is_never_drawn_as_zero():
    chart = bar_chart(
        [
            ("2020", Decimal("1000000"), "£1m"),
            ("2021", None, ""),
            ("2022", Decimal("4000000"), "nearly £4m"),
        ],
        Unit.MONEY,
    )
    labels = [bar["label"] for bar in chart["bars"]]
    assert labels == ["2020", "2021", "2022"]
    missing = chart["bars"][1]
    assert missing["missing"] and "height" not in missing
    assert chart["bars"][2]["text"] == "nearly £4m"  # the qualifier stays with the number
    assert chart["bars"][2]["height"] == pytest.approx(4 * chart["bars"][0]["height"], rel=0.01)
    assert [tick["text"] for tick in chart["ticks"]] == ["£0", "£1m", "£2m", "£3m", "£4m"]


def test_a_fall_is_drawn_below_the_axis():
    chart = bar_chart(
        [("2021", Decimal("-20"), "down 20%"), ("2022", Decimal("40"), "up 40%")],
        Unit.PERCENT_CHANGE,
    )
    fall, rise = chart["bars"]
    assert fall["y"] == chart["baseline"]  # hangs down from the axis
    assert rise["y"] + rise["height"] == pytest.approx(chart["baseline"])
    assert "-20%" in [tick["text"] for tick in chart["ticks"]]
