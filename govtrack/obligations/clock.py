"""Today's date for the web views, the API and the CLI (queries and services take it as a
parameter; tests replace this function to pin the date)."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
