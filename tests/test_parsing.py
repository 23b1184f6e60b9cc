from decimal import Decimal

import pytest

from stats.rules.parsing import AmountError, parse_amount


@pytest.mark.parametrize(
    ("typed", "value", "symbol"),
    [
        ("£1.5m", "1500000", "£"),
        ("1,500,000", "1500000", ""),
        ("550000", "550000", ""),
        ("40%", "40", "%"),
        ("£550,000", "550000", "£"),
        ("£ 4 m", "4000000", "£"),
        ("10.4m", "10400000", ""),
        ("£10.45 million", "10450000", "£"),
        ("200k", "200000", ""),
        ("1.2bn", "1200000000", ""),
        ("-20%", "-20", "%"),
        ("\u221220%", "-20", "%"),
        ("+12.5%", "12.5", "%"),
        ("  38 ", "38", ""),
        ("1234.56", "1234.56", ""),
        ("£12.50", "12.50", "£"),
    ],
)
def test_what_people_type_is_read_exactly(typed, value, symbol):
    assert parse_amount(typed) == (Decimal(value), symbol)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a number."),
        ("four million", "Enter a number"),
        ("1,50,000", "Check the commas"),
        ("1.5.2", "Check the commas"),
        ("£40%", "both money"),
        ("5m%", "cannot be in thousands"),
        ("12.345", "two decimal places"),
        ("£1.234567891m", "two decimal places"),
        # Beyond Decimal's 28 significant digits: once quietly rounded to exactly 1.
        ("1." + "0" * 30 + "1", "two decimal places"),
        ("123456789012345." + "0" * 20 + "1", "two decimal places"),
        ("nearly £4m", "choose “nearly” in the qualifier column"),
        ("1e6", "Enter a number"),
        ("NaN", "Enter a number"),
        ("12xyz", "Enter a number"),
    ],
)
def test_what_cannot_be_read_says_what_to_type(typed, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(typed)
