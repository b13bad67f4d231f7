"""Money amounts: the one validator every door uses (forms, the API, services), and the cap.

The API (and a service given text) reads an amount typed with the ASCII digits 0-9, at most 15
before the point and at most 2 after it: "1500000" or "1500000.50"; the largest is MAX_AMOUNT,
999999999999999.99, what the money columns hold exactly (govtrack.db.MAX_AMOUNT, beside MoneyType).
No sign, exponent, thousands separator, NaN or Infinity, and no digits of other scripts: Python's
Decimal() reads "١٢٣" and "１２３" as 123, "1e309" as a number no column holds, and "sNaN" as a value
that raises when compared.

A form reads an amount as people of its language type it (parse_typed_amount): in Indonesian "."
between thousands and "," before the decimals ("250.000.000", "1.500,50", "250.000,-"), in English
the reverse ("250,000,000", "1,500.50"); plain digits in either. Thousands are grouped by three or
not at all, one decimal separator at most: "25.00.000" or "1.5.0,0,0" could be read several ways,
so it is refused with an example rather than guessed. format_typed_amount writes a stored amount
back the same way, and the two round-trip. Past the text, the same cap and rules as the API.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import get_locale
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


# What a form says, each with examples written in the user's language (see _examples).
_TYPED = {
    "not_an_amount": lambda ex: _l(
        "Not an amount: type the digits 0-9, with commas between thousands if you like and a point before at "
        "most two decimals, e.g. %(whole)s or %(cents)s.", **ex),
    "grouping": lambda ex: _l(
        "Thousands grouped wrongly: a comma separates thousands, so exactly three digits follow each comma, "
        "and decimals come after a point, e.g. %(whole)s or %(cents)s.", **ex),
    "two_decimal_marks": lambda ex: _l(
        "More than one decimal point: a point comes once, before the decimals, and commas separate "
        "thousands, e.g. %(cents)s.", **ex),
    "too_large": lambda ex: _l("Too large: at most %(max)s (15 digits before the decimals).", **ex),
    "too_many_decimals": lambda ex: _l("At most two decimal places, e.g. %(cents)s.", **ex),
    "example": lambda ex: _l("For example %(whole)s or %(cents)s.", **ex),
    "placeholder": lambda ex: _l("e.g. %(whole)s", **ex),
}
EXAMPLE_WHOLE = Decimal("250000000")
EXAMPLE_CENTS = Decimal("1500000.50")
_TYPED_CHARS = frozenset("0123456789.,")


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


def amount_separators(locale: str) -> tuple[str, str]:
    """(between thousands, before the decimals) as people of `locale` type an amount: (".", ",")
    in Indonesian, (",", ".") in English. A language whose symbols are not these two (a space
    between thousands, say) types as English does: a form must never guess."""
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return (group, decimal) if {group, decimal} == {".", ","} else (",", ".")


def current_locale() -> str:
    """The language of the request (the user's, the browser's, the default)."""
    return str(get_locale() or "id")


def format_typed_amount(value: Decimal, locale: str) -> str:
    """A stored amount as a person of `locale` would type it, what parse_typed_amount reads back:
    250.000.000 and 1.500.000,50 in Indonesian, 250,000,000 and 1,500,000.50 in English; no
    decimals when there are none."""
    text = f"{value.quantize(CENT):,.2f}"  # "," between thousands, "." before the cents
    if text.endswith(".00"):
        text = text[:-3]
    group, decimal = amount_separators(locale)
    return text.translate(str.maketrans({",": group, ".": decimal}))


def _examples(locale: str) -> dict[str, str]:
    return {"whole": format_typed_amount(EXAMPLE_WHOLE, locale),
            "cents": format_typed_amount(EXAMPLE_CENTS, locale),
            "max": format_typed_amount(MAX_AMOUNT, locale)}


def typed_message(key: str, locale: str):
    """A form's message (a key of _TYPED) in the user's language, its examples in `locale`."""
    return _TYPED[key](_examples(locale))


def parse_typed_amount(text: str, *, locale: str, positive: bool = False) -> Decimal:
    """Read an amount as a person of `locale` types it (see the module's docstring), or raise
    AmountError saying why, with an example in that language. Plain digits work in every language;
    the result obeys exactly what parse_amount's does (the cap, two decimals, `positive`)."""
    if not isinstance(text, str):
        raise AmountError(typed_message("not_an_amount", locale))
    group, decimal = amount_separators(locale)
    s = text.strip()
    if decimal == "," and s.endswith(",-"):
        s = s[:-2]  # "Rp 250.000,-": no cents, as Indonesian price tags and invoices write it
    negative = s.startswith("-")
    if negative:
        s = s[1:]
    if not s or not set(s) <= _TYPED_CHARS:
        raise AmountError(typed_message("not_an_amount", locale))
    if s.count(decimal) > 1:
        raise AmountError(typed_message("two_decimal_marks", locale))
    whole, _, cents = s.partition(decimal)
    if group in cents:
        raise AmountError(typed_message("grouping", locale))
    if not whole or (decimal in s and not cents):
        raise AmountError(typed_message("not_an_amount", locale))
    if group in whole:
        first, *rest = whole.split(group)
        if not (1 <= len(first) <= 3 and first[0] != "0" and all(len(g) == 3 for g in rest)):
            raise AmountError(typed_message("grouping", locale))
        whole = whole.replace(group, "")
    if negative:
        raise AmountError(NOT_POSITIVE if positive else NEGATIVE)
    if len(whole) > 15:
        raise AmountError(typed_message("too_large", locale))
    if len(cents) > 2:
        raise AmountError(typed_message("too_many_decimals", locale))
    return parse_amount(f"{whole}.{cents}" if cents else whole, positive=positive)


class MoneyField(StringField):
    """A form field for an amount, read and shown as people of the user's language type it
    (parse_typed_amount, format_typed_amount): empty is no amount (None). Past the separators it
    refuses exactly what the API refuses; its help text gives an example in that language."""

    def __init__(self, label=None, validators=None, *, positive: bool = False, **kwargs) -> None:
        # Bound (this runs) per form, in the request: the examples are in the user's language.
        self.locale = current_locale()
        # A text input, not type=number: browsers read a number input in the page's locale and as a
        # double (999999999999999.99 becomes 1e15); inputmode still offers the numeric keypad.
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off",
                                        "placeholder": typed_message("placeholder", self.locale)})
        kwargs.setdefault("description", typed_message("example", self.locale))
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
            self.data = parse_typed_amount(raw, locale=self.locale, positive=self.positive)
        except AmountError as err:
            raise ValueError(err.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_typed_amount(Decimal(self.data), self.locale)
