"""The one clock: what time and what day it is for the cooperative.

Stored timestamps are UTC (`utcnow`); "today" and "now" are in the cooperative's time zone
(`GOVTRACK_TIMEZONE`, WIB by default), never the server's, so an obligation is due on the same day on
every page, in the API, the CLI, the e-mail digest and the network. Queries and services take the
date as an argument; views, API handlers and CLI commands ask this module. Tests pin the date by
replacing `today` (and `utcnow` for timestamps) on this module.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Jakarta"


@lru_cache(maxsize=8)
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The cooperative's time zone (the app's `BABEL_DEFAULT_TIMEZONE`, from GOVTRACK_TIMEZONE)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return _zone_named(name or DEFAULT_TIMEZONE)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC (what timestamps store)."""
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The current time in the cooperative's time zone."""
    return utcnow().astimezone(zone())


def today() -> dt.date:
    """Today's date in the cooperative's time zone."""
    return now().date()


# ---- wall-clock times typed and read by people ----
# A person types and reads times in the cooperative's zone; the database keeps aware UTC. These are
# the only conversions between the two (core.i18n.format_when formats with them).


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips (the hour lost when clocks move forward)."""


def local(when: dt.datetime) -> dt.datetime:
    """An aware time as the cooperative's wall clock (aware, in the zone)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: say which zone it is in")
    return when.astimezone(zone())


def from_local(wall: dt.datetime) -> dt.datetime:
    """The aware UTC time of a wall-clock time typed in the cooperative's zone; an aware value is
    only converted. A time the zone skips is refused; one it repeats (clocks moving back) is read as
    its first occurrence."""
    if wall.tzinfo is not None:
        return wall.astimezone(dt.UTC)
    tz = zone()
    placed = wall.replace(tzinfo=tz, fold=0)
    back = placed.astimezone(dt.UTC).astimezone(tz)
    if back.replace(tzinfo=None) != wall:
        raise NonexistentTime(wall.isoformat())
    return placed.astimezone(dt.UTC)


def day_start(day: dt.date) -> dt.datetime:
    """The aware UTC time the cooperative's day begins (its first wall-clock moment, also where a
    zone's clocks skip midnight)."""
    wall = dt.datetime.combine(day, dt.time())
    try:
        return from_local(wall)
    except NonexistentTime:
        return wall.replace(tzinfo=zone()).astimezone(dt.UTC)


def zone_abbreviation(when: dt.datetime | None = None) -> str:
    """The zone's short name at that moment (WIB, WITA, WIT, CET/CEST…); where the time-zone
    database has only an offset ("+07"), UTC with the offset."""
    return abbreviation((when or utcnow()).astimezone(zone()))


def abbreviation(wall: dt.datetime) -> str:
    """The short name of an aware time's own zone (see zone_abbreviation)."""
    name = wall.tzname() or ""
    return name if name[:1].isalpha() else f"UTC{name}"


def zone_label() -> str:
    """The zone's short name for a form label: one name, or both where the zone keeps summer time
    (CET/CEST), since the label does not know the date that will be typed."""
    year = now().year
    names = [zone_abbreviation(dt.datetime(year, month, 1, 12, tzinfo=dt.UTC)) for month in (1, 7)]
    return names[0] if names[0] == names[1] else "/".join(names)
