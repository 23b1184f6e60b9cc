from decimal import Decimal

import pytest

from stats.public.charts import bar_rows


def test_a_missing_year_keeps_its_row_and_is_never_drawn_as_zero():
    chart = bar_rows(
        [
            ("2020", Decimal("1000000"), "£1m"),
            ("2021", None, ""),
            ("2022", Decimal("4000000"), "nearly £4m"),
        ]
    )
    rows = chart["rows"]
    assert [row["label"] for row in rows] == ["2020", "2021", "2022"]
    assert rows[1]["missing"] and "width" not in rows[1] and rows[1]["text"] == "no figure"
    assert rows[2]["text"] == "nearly £4m"  # the qualifier stays with the number
    assert rows[2]["width"] == pytest.approx(4 * rows[0]["width"])
    assert rows[2]["width"] == 100 and chart["zero"] == 0


def test_a_fall_runs_left_from_zero():
    chart = bar_rows([("2021", Decimal("-20"), "down 20%"), ("2022", Decimal("40"), "up 40%")])
    fall, rise = chart["rows"]
    assert chart["has_negative"] and chart["zero"] == pytest.approx(33.33)
    assert fall["negative"] and fall["start"] == 0 and fall["width"] == pytest.approx(33.33)
    assert rise["start"] == pytest.approx(33.33) and rise["width"] == pytest.approx(66.67)


@pytest.mark.parametrize(
    ("values", "widths"),
    [
        (["0", "0"], [0.5, 0.5]),  # nothing still shows, unlike no figure
        (["38", "108"], [35.19, 100]),
        (["1", "1000000"], [0.5, 100]),  # tiny beside huge: still visible
    ],
)
def test_bars_share_one_scale(values, widths):
    chart = bar_rows([(str(i), Decimal(v), v) for i, v in enumerate(values)])
    assert [row["width"] for row in chart["rows"]] == widths
