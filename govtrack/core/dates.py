"""The range of dates govtrack takes through any door (forms, API, CSV imports, query strings).

Nothing the cooperative records happens before 1900 or after 2200; a date outside is a typing
slip or an attack, and far dates break arithmetic (a day after 9999-12-31 does not exist). One
range, one message, so every door refuses the same values in the same words."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)


def in_range(value: dt.date | dt.datetime) -> bool:
    """Whether a date (or the date of a date-time) lies within MIN_DATE .. MAX_DATE."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def range_message() -> str:
    """The one message for a date out of range, naming the range."""
    return str(_l("Give a date from %(first)s to %(last)s.", first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat()))


def parse_arg(raw: str | None) -> dt.date | None:
    """A date from a query string: None when empty; ValueError when malformed or out of range."""
    raw = (raw or "").strip()
    if not raw:
        return None
    value = dt.date.fromisoformat(raw)
    if not in_range(value):
        raise ValueError(range_message())
    return value


class DateInRange:
    """WTForms validator for DateField and DateTimeLocalField: the value lies in the range."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not in_range(field.data):
            raise ValidationError(range_message())
