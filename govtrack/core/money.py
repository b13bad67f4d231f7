"""Money amounts: the one validator every door uses (forms, the API, services), and the cap.

An amount is typed with the ASCII digits 0-9, at most 15 before the point and at most 2 after it:
"1500000" or "1500000.50"; the largest is MAX_AMOUNT, 999999999999999.99, what the money columns
hold exactly (govtrack.db.MAX_AMOUNT, beside MoneyType). No sign, exponent, thousands separator, NaN or Infinity,
and no digits of other scripts: Python's Decimal() reads "١٢٣" and "１２３" as 123, "1e309" as a
number no column holds, and "sNaN" as a value that raises when compared.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from govtrack.db import CENT, MAX_AMOUNT

# What the API documents (OpenAPI `pattern`) and the forms accept, surrounding spaces aside.
AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)
_NEGATIVE = re.compile(r"^-[0-9]+(\.[0-9]+)?$", re.ASCII)
_TOO_MANY_DECIMALS = re.compile(r"^[0-9]+\.[0-9]{3,}$", re.ASCII)
_TOO_MANY_DIGITS = re.compile(r"^[0-9]{16,}(\.[0-9]*)?$", re.ASCII)

NOT_AN_AMOUNT = _l("Not an amount: type the digits 0-9 only, no thousands separators, and at most two "
                   "decimals after a point, e.g. 1500000.50.")
TOO_LARGE = _l("Too large: at most %(max)s (15 digits before the point).", max=str(MAX_AMOUNT))
TOO_MANY_DECIMALS = _l("At most two decimal places.")
NEGATIVE = _l("Must be zero or more.")
NOT_POSITIVE = _l("Must be more than zero.")


class AmountError(ValueError):
    """Not an amount; `message` says why in the user's language (a lazy string: str() it late)."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def parse_amount(text: str, *, positive: bool = False) -> Decimal:
    """Read a typed amount (surrounding spaces ignored) with two decimal places, or raise
    AmountError. `positive` refuses zero too (a payment); otherwise zero is an amount."""
    if not isinstance(text, str):
        raise AmountError(NOT_AN_AMOUNT)
    s = text.strip()
    if not _AMOUNT.match(s):
        if _TOO_MANY_DIGITS.match(s):
            raise AmountError(TOO_LARGE)
        if _TOO_MANY_DECIMALS.match(s):
            raise AmountError(TOO_MANY_DECIMALS)
        if _NEGATIVE.match(s):
            raise AmountError(NOT_POSITIVE if positive else NEGATIVE)
        raise AmountError(NOT_AN_AMOUNT)
    value = Decimal(s).quantize(CENT)
    if positive and not value:
        raise AmountError(NOT_POSITIVE)
    return value


def check_amount(value: Decimal | int | str, *, positive: bool = False) -> Decimal:
    """An amount handed to a service: text goes through parse_amount; a Decimal (or an int) must be
    finite, within the cap, not negative (not zero when `positive`), with at most two decimals.
    Returns it with exactly two decimal places; raises AmountError."""
    if isinstance(value, str):
        return parse_amount(value, positive=positive)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AmountError(NOT_AN_AMOUNT)  # a float holds no exact amount of money
    value = Decimal(value)
    if not value.is_finite():
        raise AmountError(NOT_AN_AMOUNT)
    if value > MAX_AMOUNT:
        raise AmountError(TOO_LARGE)
    if value < 0 or (positive and not value):
        raise AmountError(NOT_POSITIVE if positive else NEGATIVE)
    cents = value.quantize(CENT)  # below the cap: 17 digits, within the default 28-digit context
    if cents != value:
        raise AmountError(TOO_MANY_DECIMALS)
    return cents


class MoneyField(StringField):
    """A form field for an amount: empty is no amount (None), anything else goes through
    parse_amount, so a form refuses exactly what the API refuses, with the same message."""

    def __init__(self, label=None, validators=None, *, positive: bool = False, **kwargs) -> None:
        # A text input, not type=number: browsers read a number input in the page's locale and as a
        # double (999999999999999.99 becomes 1e15); inputmode still offers the numeric keypad.
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.positive = positive

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        raw = valuelist[0]
        self.data = None
        if not raw.strip():
            return
        try:
            self.data = parse_amount(raw, positive=self.positive)
        except AmountError as err:
            raise ValueError(err.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:f}"
