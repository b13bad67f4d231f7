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
