"""Schemas shared by every API area."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate

from govtrack.core import clock, dates
from govtrack.core.money import AMOUNT_PATTERN, AmountError, parse_amount
from govtrack.core.paging import MAX_LIMIT
from govtrack.db import MAX_AMOUNT, MAX_ID


class _JsonId(fields.Integer):
    """A JSON integer only: 1.5 is not taken as 1, nor 1.0, "1" or true (marshmallow would)."""

    default_error_messages = {"invalid": "An id is a whole number: a JSON integer such as 12, not 12.5, "
                                         "12.0, \"12\" or true."}

    def __init__(self, **kwargs):
        kwargs.pop("strict", None)
        super().__init__(strict=True, **kwargs)


class WholeNumber(fields.Integer):
    """A count or number in a JSON body (a clause number, a quorum fraction, a tally): a JSON integer,
    or its digits as a string (scripts have long sent clause numbers as "1"); never a fraction, so 1.5
    is not taken as 1, nor 1.0, "2.5" or true."""

    default_error_messages = {"invalid": _l("A whole number, such as 3 (not 3.5 or 3.0).")}

    def _validated(self, value):
        if isinstance(value, str) and _DIGITS.fullmatch(value):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self.make_error("invalid", input=value)


class _DigitsId(WholeNumber):
    """An id in a query string or form field: ASCII digits only (int() would also read "1_0", " 1"
    and "１")."""

    default_error_messages = {"invalid": "An id is a whole number written in digits, such as 12."}


_DIGITS = re.compile(r"[0-9]{1,10}")


def IdField(**kwargs) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An object id in a JSON body: a JSON integer from 1 to MAX_ID (larger numbers cannot name a row)."""
    kwargs.setdefault("validate", validate.Range(1, MAX_ID))
    return _JsonId(**kwargs)


def IdArg(**kwargs) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An object id in a query string (or a multipart form field): digits, from 1 to MAX_ID."""
    kwargs.setdefault("validate", validate.Range(1, MAX_ID))
    return _DigitsId(**kwargs)


class BoundedDate(fields.Date):
    """An ISO date within the range govtrack takes anywhere (core.dates)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not dates.in_range(day):
            raise ValidationError(dates.range_message())
        return day


LOCAL_TIME_DESCRIPTION = (
    "An ISO 8601 date and time. With an offset (`2026-12-05T09:00:00+07:00`, or `Z` for UTC) it is that "
    "instant; without one (`2026-12-05T09:00`) it is read on the cooperative's clock, the time zone "
    "GOVTRACK_TIMEZONE (Asia/Jakarta, WIB, by default). A time that zone skips when its clocks move "
    "forward is refused. Answers give the time in that zone with its offset."
)

SHOWN_TIME_DESCRIPTION = "An ISO 8601 date and time in the cooperative's time zone (GOVTRACK_TIMEZONE), with its offset."


class BoundedAwareDateTime(fields.AwareDateTime):
    """An ISO date-time: with an offset that instant, without one the cooperative's wall clock
    (core.clock); its date within the range govtrack takes anywhere (core.dates), far from year
    9999, so turning it to UTC cannot run off the calendar. Loaded as aware UTC; dumped in the
    cooperative's zone with its offset. `default_timezone` is ignored: the zone is the app's."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("default_timezone", None)
        metadata = dict(kwargs.pop("metadata", None) or {})
        metadata.setdefault("description", SHOWN_TIME_DESCRIPTION if kwargs.get("dump_only") else LOCAL_TIME_DESCRIPTION)
        super().__init__(*args, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # fields.DateTime's parsing, naive or aware (AwareDateTime's own would refuse naive values).
        when = fields.DateTime._deserialize(self, value, attr, data, **kwargs)
        if not dates.in_range(when):
            raise ValidationError(dates.range_message())
        try:
            return clock.from_local(when)
        except clock.NonexistentTime:
            raise ValidationError(str(_l("This time does not exist in %(zone)s: the clocks skip that hour.",
                                         zone=clock.zone_label()))) from None

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:  # what the database stores is UTC
            value = value.replace(tzinfo=dt.UTC)
        return clock.local(value).isoformat()


def _nul_paths(value, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nul_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nul_paths(v, f"{path}.{i}" if path else str(i))]
    return []


class StrictSchema(Schema):
    """Unknown fields are an error: a misspelt field must not be silently ignored. No text may
    carry a NUL character (PostgreSQL cannot store one)."""

    class Meta:
        ordered = True

    @pre_load(pass_collection=True)
    def _no_nul(self, data, **kwargs):
        bad = _nul_paths(data)
        if bad:
            raise ValidationError({p: ["Text may not contain a NUL character."] for p in bad})
        return data


class StoredFileSchema(StrictSchema):
    """An uploaded file as the API shows it (agreement documents, obligation evidence)."""

    id = fields.Integer(dump_only=True)
    original_name = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    sha256 = fields.String(dump_only=True)
    uploaded_at = BoundedAwareDateTime(dump_only=True)


class AmountField(fields.String):
    """A money amount as a decimal string, loaded as a Decimal by govtrack.core.money, the rules and
    messages of the forms: ASCII digits, at most 15 before the point and 2 after, no sign or exponent.
    `positive` refuses zero too (a payment)."""

    def __init__(self, *, positive: bool = False, **kwargs) -> None:
        metadata = {"example": "1500000.00", "pattern": AMOUNT_PATTERN, "maxLength": 18,
                    "description": f"A decimal string: at most 15 digits before the point and 2 after "
                                   f"(at most {MAX_AMOUNT}){', more than zero' if positive else ''}."}
        kwargs["metadata"] = {**metadata, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.positive = positive

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_amount(text, positive=self.positive)
        except AmountError as err:
            raise ValidationError(str(err.message)) from None


class MoneySchema(StrictSchema):
    amount = AmountField(required=True)
    currency = fields.String(
        load_default="IDR", validate=validate.Regexp(r"^[A-Z]{3}$", error="Three capital letters, e.g. IDR.")
    )


def money_out(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    return {"amount": f"{Decimal(amount):.2f}", "currency": currency}


class ListArgs(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None)


def list_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A paginated list `{"items": [...], "next": cursor-or-null}` of `item_schema`."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next": fields.String(allow_none=True, required=True),
        },
    )


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.String()), required=False
    )
    request_id = fields.String(allow_none=True)


class ErrorSchema(Schema):
    """Every error: {"error": {"code", "message", "fields"}}."""

    error = fields.Nested(ErrorBodySchema, required=True)
