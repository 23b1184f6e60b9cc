"""Reading numbers the way press officers type them: `£1.5m`, `1,500,000`, `550000`, `40%`."""

import re
from decimal import Decimal, Inexact, InvalidOperation, localcontext

from stats.models.enums import Qualifier

MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")
EXAMPLES = "such as 1500000, 1,500,000, £1.5m or 40%"
# Whole-number digits beyond any real figure (the database keeps 13).
MAX_DIGITS = 15


class AmountError(ValueError):
    """The text is not a number we can read; the message says what to type instead."""


def parse_amount(text: str) -> tuple[Decimal, str]:
    """The exact value typed and its symbol: '£' for money, '%' for a percentage, or ''.

    Raises AmountError with a message fit to show beside the field.
    """
    cleaned = text.strip().lower().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise AmountError("Enter a number.")
    for qualifier in Qualifier.values:
        if qualifier and text.strip().lower().startswith(qualifier + " "):
            raise AmountError(
                f"Type the number only and choose “{qualifier}” in the qualifier column."
            )
    symbol = ""
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    if cleaned.startswith("£"):
        symbol, cleaned = "£", cleaned[1:]
    if cleaned.endswith("%"):
        if symbol:
            raise AmountError("A value cannot be both money (£) and a percentage (%).")
        symbol, cleaned = "%", cleaned[:-1]
    match = re.fullmatch(r"([\d.,]+)([a-z]*)", cleaned)
    if not match or match.group(2) not in MULTIPLIERS:
        raise AmountError(f"Enter a number, {EXAMPLES}.")
    digits, suffix = match.groups()
    if not NUMBER.fullmatch(digits):
        raise AmountError(f"Check the commas and the decimal point: enter a number, {EXAMPLES}.")
    if suffix and symbol == "%":
        raise AmountError("A percentage cannot be in thousands or millions.")
    whole, _, fraction = digits.replace(",", "").partition(".")
    if len(whole) > MAX_DIGITS:
        raise AmountError("That number is far too large: check it.")
    # Decimal arithmetic rounds to 28 significant digits by default: trap that, so a value is
    # taken exactly as typed or refused, never quietly rounded.
    with localcontext() as context:
        context.traps[Inexact] = True
        try:
            value = Decimal(sign + digits.replace(",", "")) * MULTIPLIERS[suffix]
            value.quantize(Decimal("0.01"))  # Inexact unless whole pence
        except Inexact as error:
            raise AmountError("Use no more than two decimal places (pence).") from error
        except InvalidOperation as error:  # more digits than any figure can have
            raise AmountError("That number is far too large: check it.") from error
    return value, symbol
