"""Recurrences: RFC 5545 RRULE text through python-dateutil, checked, and always cut to a limit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from flask_babel import lazy_gettext as _l

from govtrack.core import dates
from govtrack.errors import ValidationFailed

ALLOWED_FREQS = {DAILY, WEEKLY, MONTHLY, YEARLY}
# No series yields more rows than this per generation, whatever its rule says.
MAX_OCCURRENCES = 2000
HORIZON_MONTHS = 24
# Caps on what a rule may ask for (README, Security): with them, checking and generating any rule
# walks a bounded number of dates.
MAX_COUNT = 1000
MAX_INTERVAL = 1000
MAX_RULE_LENGTH = 500
MAX_SETPOS = 4  # BYSETPOS values: dateutil scans the whole month or year once for each

_FREQ_NAMES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
_COMMON_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY"}
# Daily and weekly rules filter by weekday only: month and year filters belong to monthly and
# yearly rules, where dateutil looks at a whole month or year at a time instead of day by day.
_PARTS = {
    DAILY: _COMMON_PARTS,
    WEEKLY: _COMMON_PARTS,
    MONTHLY: _COMMON_PARTS | {"BYMONTH", "BYMONTHDAY", "BYSETPOS"},
    YEARLY: _COMMON_PARTS | {"BYMONTH", "BYMONTHDAY", "BYSETPOS", "BYYEARDAY", "BYWEEKNO"},
}
_TIME_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
_NUMBER = re.compile(r"^[0-9]{1,9}$")
_ORDINAL = re.compile(r"^([+-]?[0-9]{1,9})?[A-Z]{2}$")
# The Gregorian calendar repeats every 400 years, weekdays and leap years included. A rule moved
# 19 such cycles later meets the same dates 7600 years later, and dateutil gives up at year 9999:
# so the moved rule's search for a first date ends within a few hundred years, never thousands.
_SHIFT_YEARS = 7600


def _invalid(message) -> ValidationFailed:
    return ValidationFailed(str(message), fields={"rrule": [str(message)]})


def clean_rule(text: str) -> str:
    """The rule's text without an `RRULE:` prefix or surrounding blanks."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.upper()


def _check_parts(text: str) -> None:
    """Refuse, before dateutil sees them, the parts that make a rule sub-daily, endless to check or
    too long to walk: times of day, BYEASTER, filters a daily or weekly rule cannot check quickly,
    COUNT and INTERVAL past their caps."""
    parts = [p.partition("=") for p in text.split(";") if p]
    freqs = {value for key, _eq, value in parts if key == "FREQ"}
    if len(freqs) != 1 or next(iter(freqs)) not in _FREQ_NAMES:
        raise _invalid(_l("Only daily, weekly, monthly or yearly recurrences are allowed."))
    freq = _FREQ_NAMES[freqs.pop()]
    for key, _eq, value in parts:
        if key in _TIME_PARTS:
            raise _invalid(_l("%(part)s is not allowed: a schedule falls on dates, not on times of day.", part=key))
        if key == "BYEASTER":
            raise _invalid(_l("BYEASTER is not part of RFC 5545 and is not allowed."))
        if key in _PARTS[YEARLY] and key not in _PARTS[freq]:
            raise _invalid(_l("%(part)s needs FREQ=MONTHLY or FREQ=YEARLY; daily and weekly rules take only "
                              "BYDAY, INTERVAL, COUNT, UNTIL and WKST.", part=key))
        if key == "COUNT" and not (_NUMBER.match(value) and 1 <= int(value) <= MAX_COUNT):
            raise _invalid(_l("COUNT must be a whole number from 1 to %(max)d.", max=MAX_COUNT))
        if key == "INTERVAL" and not (_NUMBER.match(value) and 1 <= int(value) <= MAX_INTERVAL):
            raise _invalid(_l("INTERVAL must be a whole number from 1 to %(max)d.", max=MAX_INTERVAL))
        if key == "BYSETPOS" and len(value.split(",")) > MAX_SETPOS:
            raise _invalid(_l("BYSETPOS takes at most %(n)d positions.", n=MAX_SETPOS))
        if key == "BYSETPOS" and freq == MONTHLY and any(
                not re.fullmatch(r"[+-]?([1-9]|[12][0-9]|3[01])", v) for v in value.split(",")):
            raise _invalid(_l("In a monthly rule BYSETPOS must be 1 to 31 (or -1 to -31)."))
    keys = [key for key, _eq, _value in parts]
    # An ordinal weekday (2MO, -1FR) counts within the month, or the year of a yearly rule without
    # BYMONTH; dateutil fails on ordinals past that.
    widest = {MONTHLY: 5, YEARLY: 5 if "BYMONTH" in keys else 53}.get(freq, 0)
    for key, _eq, value in parts:
        if key == "BYDAY" and any(abs(int(m.group(1) or 0)) > widest
                                  for m in (_ORDINAL.match(day) for day in value.split(",")) if m):
            raise _invalid(_l("BYDAY ordinals (as in 2MO or -1FR) go from -%(n)d to %(n)d here.", n=widest)
                           if widest else _l("Daily and weekly rules take plain weekdays in BYDAY (MO, not 2MO)."))
    if "COUNT" in keys and "UNTIL" in keys:
        raise _invalid(_l("Give COUNT or UNTIL, not both."))


def _walk(rule: rrule) -> Iterator[dt.datetime]:
    """The rule's dates; the walk ends quietly where dateutil runs off the calendar (year 9999)."""
    dates = iter(rule)
    while True:
        try:
            yield next(dates)
        except StopIteration:
            return
        except (ValueError, OverflowError):
            return


def _shifted(when: dt.datetime, years: int) -> dt.datetime:
    return when.replace(year=when.year + years)


def first_date(rule: rrule) -> dt.date | None:
    """The rule's first date on or after its start, or None if it has none up to MAX_DATE. Takes
    milliseconds even for a rule that never meets a date (see _SHIFT_YEARS)."""
    start = rule._dtstart
    if rule._freq in (DAILY, WEEKLY):
        # Weekday filters only (_PARTS): a weekly rule meets one of its weekdays in its second week
        # at the latest; a daily one only if its step reaches one of them, which is known at once.
        wanted = set(rule._byweekday or ()) or {start.weekday()}
        reached = {(start.weekday() + k * rule._interval) % 7 for k in range(7)}
        if rule._freq == DAILY and not wanted & reached:
            return None
        first = next(_walk(rule), None)
        return first.date() if first is not None and first.date() <= dates.MAX_DATE else None
    until = rule._until
    probe = rule.replace(dtstart=_shifted(start, _SHIFT_YEARS),
                         until=_shifted(until, _SHIFT_YEARS) if until is not None else None)
    first = next(_walk(probe), None)
    if first is None:
        return None
    found = _shifted(first, -_SHIFT_YEARS).date()
    return found if found <= dates.MAX_DATE else None


def parse_rule(text: str, starts_on: dt.date) -> rrule:
    """Parse and check an RRULE: one rule, daily to yearly, no times of day, COUNT, INTERVAL and
    UNTIL within their caps, meeting at least one date and ending by MAX_DATE."""
    text = clean_rule(text)
    if not text or "\n" in text or "DTSTART" in text or "FREQ=" not in text:
        raise _invalid(_l("Give one RRULE such as FREQ=MONTHLY;BYMONTHDAY=15."))
    if len(text) > MAX_RULE_LENGTH:
        raise _invalid(_l("At most %(n)d characters.", n=MAX_RULE_LENGTH))
    if not dates.in_range(starts_on):
        raise ValidationFailed(dates.range_message(), fields={"starts_on": [dates.range_message()]})
    _check_parts(text)
    start = dt.datetime.combine(starts_on, dt.time())
    try:
        rule = rrulestr(text, dtstart=start, ignoretz=True)
    except (ValueError, TypeError, OverflowError) as err:
        raise _invalid(_l("Not a valid RRULE: %(err)s", err=str(err))) from None
    if not isinstance(rule, rrule) or rule._freq not in ALLOWED_FREQS:
        raise _invalid(_l("Only daily, weekly, monthly or yearly recurrences are allowed."))
    days = (rule._bymonthday or ()) + (rule._bynmonthday or ())
    if any(not 1 <= abs(d) <= 31 for d in days):
        raise _invalid(_l("BYMONTHDAY must be 1 to 31 (or -1 to -31)."))
    last = dates.MAX_DATE.isoformat()
    if rule._until is not None and rule._until.date() > dates.MAX_DATE:
        raise _invalid(_l("UNTIL must be on or before %(last)s.", last=last))
    try:
        # A rule that never meets a date (30 February) is a mistake, not an empty schedule.
        if first_date(rule) is None:
            raise _invalid(_l("This rule never falls on any date from its start to %(last)s.", last=last))
        if rule._count is not None and rule_end(rule) is None:
            raise _invalid(_l("This series runs past %(last)s; give a smaller COUNT.", last=last))
    except (ValueError, IndexError, TypeError) as err:  # dateutil on a combination it cannot walk
        raise _invalid(_l("Not a valid RRULE: %(err)s", err=str(err))) from None
    return rule


def rule_end(rule: rrule, *, not_after: dt.date = dates.MAX_DATE) -> dt.date | None:
    """The last date the rule itself allows (UNTIL, or its COUNT-th date), or None for an endless
    rule and for a COUNT that runs past `not_after`. Walks only the dates up to `not_after`, so the
    time it takes does not grow with COUNT."""
    if rule._until is not None:
        return rule._until.date()
    if rule._count is None:
        return None
    end = dt.datetime.combine(not_after, dt.time())
    last = None
    for when in _walk(rule):
        if when > end:
            return None
        last = when
    return last.date() if last else None


def dates_between(rule: rrule, until: dt.date) -> list[dt.date]:
    """The rule's dates up to `until` inclusive (at most MAX_OCCURRENCES)."""
    out: list[dt.date] = []
    end = dt.datetime.combine(until, dt.time())
    for when in _walk(rule):
        if when > end or len(out) >= MAX_OCCURRENCES:
            break
        out.append(when.date())
    return out


def horizon(today: dt.date, months: int = HORIZON_MONTHS) -> dt.date:
    return today + relativedelta(months=months)


def generation_limit(
    rule: rrule, *, agreement_end: dt.date | None, today: dt.date, months: int = HORIZON_MONTHS
) -> dt.date:
    """How far a series is generated: its own end, the agreement's end, and a rolling horizon."""
    limits = [horizon(today, months)]
    if agreement_end is not None:
        limits.append(agreement_end)
    own = rule_end(rule, not_after=min(limits))
    if own is not None:
        limits.append(own)
    return min(limits)


# ---- the recurrence builder: common series without typing RRULE text ----

PATTERNS = ("monthly", "quarterly", "yearly", "weekly")


def _builder_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(str(message), fields={field: [str(message)]})


def build_rule(pattern: str, starts_on: dt.date | None, *, day: int | None = None,
               until: dt.date | None = None, count: int | None = None) -> str:
    """RRULE text for a common pattern. Monthly/quarterly on day N fall back to the month's last day
    when it is shorter (day 31 in April is 30 April); yearly on 29 February falls on 28 February in
    common years. RFC 5545 would skip those months, which no loan schedule means.

    Every pattern reads its weekday, day or month from the start date (a day of the month may be
    given instead for monthly and quarterly), so a missing start date, a day outside 1..31, an end
    before the start, or both an end and a count are field errors naming the field, never a crash."""
    if pattern not in PATTERNS:
        raise _builder_error("schedule", _l("Choose one of the schedules offered."))
    if starts_on is None:
        raise _builder_error("starts_on", _l("A series needs a start date: its first due date, from which the "
                                             "weekday, the day of the month or the date of the year is taken."))
    if not dates.in_range(starts_on):
        raise _builder_error("starts_on", dates.range_message())
    if day is not None and (isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31):
        raise _builder_error("day", _l("A day of the month from 1 to 31."))
    if until is not None and count is not None:
        raise _builder_error("until", _l("Give an end date or a number of occurrences, not both."))
    if until is not None:
        if not dates.in_range(until):
            raise _builder_error("until", dates.range_message())
        if until < starts_on:
            raise _builder_error("until", _l("The series cannot end before it starts (%(d)s).",
                                             d=starts_on.isoformat()))
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 1 <= count <= MAX_COUNT):
        raise _builder_error("count", _l("A number of occurrences from 1 to %(max)d.", max=MAX_COUNT))
    if pattern == "weekly":
        parts = ["FREQ=WEEKLY"]
    elif pattern in ("monthly", "quarterly"):
        n = day or starts_on.day
        parts = ["FREQ=MONTHLY"]
        if pattern == "quarterly":
            parts.append("INTERVAL=3")
        if n <= 28:
            parts.append(f"BYMONTHDAY={n}")
        else:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(28, n + 1)) + ";BYSETPOS=-1")
    else:  # yearly
        parts = ["FREQ=YEARLY", f"BYMONTH={starts_on.month}"]
        if starts_on.month == 2 and starts_on.day == 29:
            parts.append("BYMONTHDAY=28,29;BYSETPOS=-1")
        else:
            parts.append(f"BYMONTHDAY={starts_on.day}")
    if until is not None:
        parts.append("UNTIL=" + until.strftime("%Y%m%d"))
    elif count is not None:
        parts.append(f"COUNT={count}")
    return ";".join(parts)
