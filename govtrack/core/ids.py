"""Ids typed by people: in a query string, a form field or a hidden input."""

from __future__ import annotations

from govtrack.db import MAX_ID

_MAX_DIGITS = len(str(MAX_ID))


def parse_id(text: str | None) -> int | None:
    """The id `text` names: ASCII digits (leading zeros allowed) from 1 to MAX_ID; None for
    anything else. int() alone would also read " 1", "1_0", "-1" and "１" (full-width), and a
    number past MAX_ID names no row (PostgreSQL's integer stops there, SQLite raises past 2**63)."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if not digits or len(digits) > _MAX_DIGITS:
        return None
    number = int(digits)
    return number if number <= MAX_ID else None
