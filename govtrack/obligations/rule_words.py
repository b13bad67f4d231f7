"""A recurrence rule in words, in the reader's language: "FREQ=MONTHLY;BYMONTHDAY=10" reads
"Setiap bulan, tanggal 10" (English: "Every month, on day 10").

Covers every rule `recurrence.parse_rule` accepts: daily to yearly with INTERVAL, COUNT or UNTIL,
BYDAY (plain or with an ordinal), BYMONTHDAY, BYMONTH, BYYEARDAY, BYWEEKNO and BYSETPOS (WKST changes
no date a person would name). Month and weekday names and the lists ("A, B dan C") come from Babel's
locale data; the sentences from the catalog. A text that is not a rule comes back as it is."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_skeleton, get_day_names, get_month_names
from babel.lists import format_list
from flask_babel import format_date, get_locale, gettext, ngettext

from govtrack.obligations.recurrence import clean_rule

_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_ORDINAL_DAY = re.compile(r"^([+-]?[0-9]{1,2})?([A-Z]{2})$")


def _ordinal(n: int) -> str:
    """"first", "second"..., "last", "second to last"; past those, "number 7" / "ke-7"."""
    words = {
        1: gettext("first"), 2: gettext("second"), 3: gettext("third"), 4: gettext("fourth"),
        5: gettext("fifth"), -1: gettext("last"), -2: gettext("second to last"),
        -3: gettext("third to last"),
    }
    if n in words:
        return words[n]
    if n < 0:
        return gettext("number %(n)d from the end", n=-n)
    return gettext("number %(n)d", n=n)


def _list(items: list[str]) -> str:
    return format_list(items, locale=get_locale()) if items else ""


def _weekday(code: str) -> str:
    return get_day_names("wide", locale=get_locale())[_WEEKDAYS[code]]


def _month(n: int) -> str:
    return get_month_names("wide", locale=get_locale())[n]


def _every(freq: str, n: int) -> str:
    # Not ngettext: Indonesian has one plural form, yet says "Setiap bulan" but "Setiap 3 bulan".
    if freq == "DAILY":
        return gettext("Every day") if n == 1 else gettext("Every %(n)d days", n=n)
    if freq == "WEEKLY":
        return gettext("Every week") if n == 1 else gettext("Every %(n)d weeks", n=n)
    if freq == "MONTHLY":
        return gettext("Every month") if n == 1 else gettext("Every %(n)d months", n=n)
    return gettext("Every year") if n == 1 else gettext("Every %(n)d years", n=n)


def _month_days(values: list[int], setpos: list[int]) -> str:
    # The builder's "day 29, 30 or 31, or the month's last day when it is shorter": days 28..N with
    # BYSETPOS=-1.
    if setpos == [-1] and len(values) > 1 and values == list(range(28, values[-1] + 1)):
        return gettext("on day %(n)d, or the last day of a shorter month", n=values[-1])
    positive = [str(d) for d in values if d > 0]
    parts = []
    if positive:
        parts.append(ngettext("on day %(days)s", "on days %(days)s", len(positive), days=_list(positive)))
    for d in (d for d in values if d < 0):
        parts.append(gettext("on the last day of the month") if d == -1
                     else gettext("on the %(nth)s day of the month", nth=_ordinal(d)))
    return ", ".join(parts)


def _days(values: list[str], *, in_year: bool) -> str:
    plain, ordinal = [], []
    for value in values:
        m = _ORDINAL_DAY.match(value)
        if not m or m.group(2) not in _WEEKDAYS:
            continue
        if m.group(1):
            nth = _ordinal(int(m.group(1)))
            ordinal.append(gettext("the %(nth)s %(day)s of the year", nth=nth, day=_weekday(m.group(2))) if in_year
                           else gettext("the %(nth)s %(day)s", nth=nth, day=_weekday(m.group(2))))
        else:
            plain.append(_weekday(m.group(2)))
    parts = []
    if plain:
        parts.append(gettext("on %(days)s", days=_list(plain)))
    if ordinal:
        parts.append(gettext("on %(days)s", days=_list(ordinal)))
    return ", ".join(parts)


def _ints(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if re.fullmatch(r"[+-]?[0-9]{1,9}", v)]


def describe_rule(text: str | None, starts_on: dt.date | None = None) -> str:
    """The rule in words in the current language; `starts_on` names the day a rule leaves to its
    start ("FREQ=MONTHLY" from 10 March: every month on day 10)."""
    if not text:
        return ""
    parts: dict[str, str] = {}
    for part in clean_rule(text).split(";"):
        key, eq, value = part.partition("=")
        if not eq:
            return text
        parts[key] = value
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return text
    try:
        interval = int(parts.get("INTERVAL", "1"))
        month_days = sorted(_ints(parts["BYMONTHDAY"]), key=lambda d: (d < 0, d)) if "BYMONTHDAY" in parts else []
        months = sorted(_ints(parts["BYMONTH"])) if "BYMONTH" in parts else []
        setpos = _ints(parts.get("BYSETPOS", ""))
    except ValueError:
        return text
    words = [_every(freq, interval)]
    if freq == "YEARLY" and len(months) == 1 and len(month_days) == 1 and 1 <= months[0] <= 12 \
            and month_days[0] > 0 and not setpos and not ({"BYDAY", "BYYEARDAY", "BYWEEKNO"} & parts.keys()):
        # One day of one month: "Setiap tahun, tanggal 1 Agustus" (2000 is a leap year: 29 February).
        try:
            day = dt.date(2000, months[0], month_days[0])
        except ValueError:
            day = None
        if day is not None:
            words.append(gettext("on %(date)s", date=format_skeleton("MMMMd", day, locale=get_locale())))
            months, month_days = [], []
    if months and all(1 <= m <= 12 for m in months):
        words.append(gettext("in %(months)s", months=_list([_month(m) for m in months])))
    if month_days:
        words.append(_month_days(month_days, setpos))
        if setpos == [-1] and len(month_days) > 1 and month_days == list(range(28, month_days[-1] + 1)):
            setpos = []
    if "BYDAY" in parts:
        words.append(_days(parts["BYDAY"].split(","), in_year=freq == "YEARLY" and not months))
    if "BYYEARDAY" in parts:
        days = [str(d) for d in _ints(parts["BYYEARDAY"])]
        words.append(ngettext("on day %(days)s of the year", "on days %(days)s of the year", len(days),
                              days=_list(days)))
    if "BYWEEKNO" in parts:
        weeks = [str(w) for w in _ints(parts["BYWEEKNO"])]
        words.append(ngettext("in week %(weeks)s of the year", "in weeks %(weeks)s of the year", len(weeks),
                              weeks=_list(weeks)))
    if setpos:
        words.append(gettext("only the %(nth)s of those dates", nth=_list([_ordinal(p) for p in setpos])))
    unstated = not ({"BYMONTHDAY", "BYDAY", "BYYEARDAY", "BYWEEKNO"} & parts.keys())  # the start's day
    if unstated and starts_on is not None:
        if freq == "WEEKLY":
            words.append(gettext("on %(days)s", days=_weekday(list(_WEEKDAYS)[starts_on.weekday()])))
        elif freq == "MONTHLY":
            words.append(gettext("on day %(days)s", days=str(starts_on.day)))
        elif freq == "YEARLY":
            words.append(gettext("on %(date)s", date=format_skeleton("MMMMd", starts_on, locale=get_locale())) if not months
                         else gettext("on day %(days)s", days=str(starts_on.day)))
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        words.append(gettext("once") if count == 1 else gettext("%(n)d times", n=count))
    if "UNTIL" in parts:
        m = re.match(r"^(\d{4})(\d{2})(\d{2})", parts["UNTIL"])
        if m:
            try:
                words.append(gettext("until %(date)s", date=format_date(dt.date(*map(int, m.groups())), "long")))
            except ValueError:
                return text
    return ", ".join(w for w in words if w)
