"""Keyset (cursor) pagination shared by list pages and the API."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from sqlalchemy import Select

from govtrack.errors import ValidationFailed
from govtrack.extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        pad = "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(cursor + pad))
    except (ValueError, json.JSONDecodeError):
        raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]}) from None
    if not isinstance(values, list):
        raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]})
    return values


def parse_limit(raw, default: int = DEFAULT_LIMIT) -> int:
    if raw in (None, ""):
        return default
    try:
        n = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed("Bad limit.", fields={"limit": ["Must be a whole number."]}) from None
    if not 1 <= n <= MAX_LIMIT:
        raise ValidationFailed("Bad limit.", fields={"limit": [f"Must be between 1 and {MAX_LIMIT}."]})
    return n


@dataclass
class Page:
    items: list
    next: str | None


def keyset_page(stmt: Select, *, id_column, cursor: str | None, limit: int, descending: bool = False) -> Page:
    """Page `stmt` by its id column (ascending by default), fetching one extra row to see if more exist."""
    after = decode_cursor(cursor)
    if after is not None:
        try:
            last_id = int(after[0])
        except (IndexError, TypeError, ValueError):
            raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]}) from None
        stmt = stmt.where(id_column < last_id if descending else id_column > last_id)
    stmt = stmt.order_by(id_column.desc() if descending else id_column).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor([rows[-1].id]) if more and rows else None)
