"""Recurrences: RFC 5545 RRULE text through python-dateutil, checked, and always cut to a limit."""

from __future__ import annotations

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from flask_babel import lazy_gettext as _l

from govtrack.errors import ValidationFailed

ALLOWED_FREQS = {DAILY, WEEKLY, MONTHLY, YEARLY}
# No series yields more rows than this per generation, whatever its rule says.
MAX_OCCURRENCES = 2000
HORIZON_MONTHS = 24


def _invalid(message) -> ValidationFailed:
    return ValidationFailed(str(message), fields={"rrule": [str(message)]})


def clean_rule(text: str) -> str:
    """The rule's text without an `RRULE:` prefix or surrounding blanks."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.upper()


def parse_rule(text: str, starts_on: dt.date) -> rrule:
    """Parse and check an RRULE; refuses DTSTART inside, several rules, and sub-daily series."""
    text = clean_rule(text)
    if not text or "\n" in text or "DTSTART" in text or "FREQ=" not in text:
        raise _invalid(_l("Give one RRULE such as FREQ=MONTHLY;BYMONTHDAY=15."))
    try:
        rule = rrulestr(text, dtstart=dt.datetime.combine(starts_on, dt.time()), ignoretz=True)
    except (ValueError, TypeError) as err:
        raise _invalid(_l("Not a valid RRULE: %(err)s", err=str(err))) from None
    if not isinstance(rule, rrule) or rule._freq not in ALLOWED_FREQS:
        raise _invalid(_l("Only daily, weekly, monthly or yearly recurrences are allowed."))
    days = (rule._bymonthday or ()) + (rule._bynmonthday or ())
    if any(not 1 <= abs(d) <= 31 for d in days):
        raise _invalid(_l("BYMONTHDAY must be 1 to 31 (or -1 to -31)."))
    # A rule that never meets a date (30 February) is a mistake, not an empty schedule. Staff-only
    # input, and dateutil gives up within about a second, at year 9999.
    start = dt.datetime.combine(starts_on, dt.time())
    if rule.after(start, inc=True) is None:
        raise _invalid(_l("This rule never falls on any date."))
    return rule


def rule_end(rule: rrule) -> dt.date | None:
    """The last date the rule itself allows (UNTIL or COUNT), or None for an endless rule."""
    if rule._until is not None:
        return rule._until.date()
    if rule._count is not None:
        last = None
        for last in rule:  # noqa: B007 - COUNT is bounded
            pass
        return last.date() if last else None
    return None


def dates_between(rule: rrule, until: dt.date) -> list[dt.date]:
    """The rule's dates up to `until` inclusive (at most MAX_OCCURRENCES)."""
    out: list[dt.date] = []
    end = dt.datetime.combine(until, dt.time())
    for when in rule:
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
    own = rule_end(rule)
    if own is not None:
        limits.append(own)
    return min(limits)


# ---- the recurrence builder: common series without typing RRULE text ----

PATTERNS = ("monthly", "quarterly", "yearly", "weekly")


def build_rule(pattern: str, starts_on: dt.date, *, day: int | None = None,
               until: dt.date | None = None, count: int | None = None) -> str:
    """RRULE text for a common pattern. Monthly/quarterly on day N fall back to the month's last day
    when it is shorter (day 31 in April is 30 April); yearly on 29 February falls on 28 February in
    common years. RFC 5545 would skip those months, which no loan schedule means."""
    if pattern == "weekly":
        parts = ["FREQ=WEEKLY"]
    elif pattern in ("monthly", "quarterly"):
        n = day or starts_on.day
        if not 1 <= n <= 31:
            raise ValidationFailed(str(_l("Day of month 1 to 31.")), fields={"day": [str(_l("1 to 31."))]})
        parts = ["FREQ=MONTHLY"]
        if pattern == "quarterly":
            parts.append("INTERVAL=3")
        if n <= 28:
            parts.append(f"BYMONTHDAY={n}")
        else:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(28, n + 1)) + ";BYSETPOS=-1")
    elif pattern == "yearly":
        parts = ["FREQ=YEARLY", f"BYMONTH={starts_on.month}"]
        if starts_on.month == 2 and starts_on.day == 29:
            parts.append("BYMONTHDAY=28,29;BYSETPOS=-1")
        else:
            parts.append(f"BYMONTHDAY={starts_on.day}")
    else:
        raise ValidationFailed(str(_l("Unknown pattern.")), fields={"pattern": [str(_l("Unknown pattern."))]})
    if until is not None:
        parts.append("UNTIL=" + until.strftime("%Y%m%d"))
    elif count is not None:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
