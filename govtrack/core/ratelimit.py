"""Rate-limit counters in the application's database, for Flask-Limiter when Redis is not configured.

Flask-Limiter keeps its counters in `memory://` by default: each worker process then counts for
itself and four gunicorn workers let four times the limit through. The database is the one store
every worker and host of a deployment shares, so without `GOVTRACK_REDIS_URL` the limits are kept
in the `rate_limits` table instead (storage URI `govtrack+db://`). Each hit is one atomic
INSERT ... ON CONFLICT DO UPDATE on its own connection and transaction: it counts even when the
request's own transaction is rolled back, and it takes no lock the request holds (the limiter runs
before the view opens its transaction). Fixed windows only, Flask-Limiter's default strategy. A
negative amount gives hits back (a successful sign-in, govtrack.auth.views) and never takes a
counter, or a new window, below zero.
"""

from __future__ import annotations

import datetime as dt

from flask import has_app_context
from limits.storage import Storage
from sqlalchemy import String, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from govtrack.core.clock import utcnow
from govtrack.extensions import db

SCHEME = "govtrack+db"


class RateLimitCounter(db.Model):
    """One fixed-window counter of Flask-Limiter."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class DatabaseStorage(Storage):
    """A `limits` storage on the app's SQLAlchemy engine (SQLite or PostgreSQL)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str = f"{SCHEME}://", wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = utcnow()
        table = RateLimitCounter.__table__
        with db.engine.begin() as conn:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            start = max(amount, 0)  # a give-back into a window that has run out starts it empty
            stmt = insert(table).values(key=key, hits=start, expires_at=now + dt.timedelta(seconds=expiry))
            expired = table.c.expires_at <= now
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    # A window that has run out starts again with this hit.
                    "hits": _case(expired, stmt.excluded.hits,
                                  _case(table.c.hits + amount < 0, 0, table.c.hits + amount)),
                    "expires_at": _case(expired, stmt.excluded.expires_at, table.c.expires_at),
                },
            ).returning(table.c.hits)
            hits = conn.execute(stmt).scalar_one()
            if hits == amount:
                # A new window: forget the counters whose windows ran out, so the table stays small.
                conn.execute(delete(table).where(table.c.expires_at <= now))
        return hits

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.hits if row is not None else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return (row.expires_at if row is not None else utcnow()).timestamp()

    def check(self) -> bool:
        if not has_app_context():
            return False
        with db.engine.connect() as conn:
            conn.execute(select(1))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(RateLimitCounter.__table__).where(RateLimitCounter.__table__.c.key == key))

    def _row(self, key: str):
        table = RateLimitCounter.__table__
        with db.engine.connect() as conn:
            row = conn.execute(select(table.c.hits, table.c.expires_at).where(table.c.key == key)).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return row


def _case(condition, then, otherwise):
    return case((condition, then), else_=otherwise)
