"""The range of dates govtrack takes through any door (forms, API, CSV imports, query strings).

Nothing the cooperative records happens before 1900 or after 2200; a date outside is a typing
slip or an attack, and far dates break arithmetic (a day after 9999-12-31 does not exist). One
range, one message, so every door refuses the same values in the same words."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import DateTimeLocalField
from wtforms.validators import ValidationError

from govtrack.core import clock

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


def _with_zone(label) -> str:
    return f"{label} ({clock.zone_label()})"


class LocalDateTimeField(DateTimeLocalField):
    """A date and time a person types on the cooperative's wall clock (GOVTRACK_TIMEZONE). The
    label names the zone ("Mulai pukul (WIB)"); once the form validates, `data` is the aware UTC
    time the services store. An aware value put into the form (to edit it) shows on the wall clock.
    A time the zone skips (clocks moving forward) is a field error."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
        # Lazy: the zone and the language are those of the request that renders the label.
        super().__init__(LazyString(_with_zone, label), validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        wall = clock.local(self.data).replace(tzinfo=None) if self.data.tzinfo else self.data
        return wall.strftime(self.format[0])

    def post_validate(self, form, validation_stopped) -> None:
        if self.errors or self.data is None or self.data.tzinfo is not None:
            return
        try:
            self.data = clock.from_local(self.data)
        except clock.NonexistentTime:
            raise ValidationError(_("%(time)s does not exist in %(zone)s: the clocks skip that hour. "
                                    "Give another time.", time=self.data.strftime("%H:%M"),
                                    zone=clock.zone_label())) from None
