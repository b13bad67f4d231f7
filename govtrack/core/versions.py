"""Data versions: a token per table that changes in the same transaction as the table's rows, so
that a cache can be keyed by what it was computed from and never serve a stale answer.

A reader declares the tables it reads (`track`) and builds its cache key from `tokens(...)`: one
query however large the tables are. Every ORM write to a tracked table (a flushed object, or an
insert / update / delete statement run through the session) gives that table a new random token at
commit, in the same transaction as the change. The token is random rather than a counter so that a
database restored from a backup, or another database sharing the same cache, never meets a key that
was computed from different rows. The row named "*" is the database's own token (written by the
migration), part of every key for the same reason.

Writes that bypass the ORM session (raw connections, the benchmark generator's bulk inserts) do not
change tokens; they must call `bump(session, *tables)` themselves.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from sqlalchemy import String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from govtrack.core.clock import utcnow
from govtrack.db import Base

DATABASE = "*"
_PENDING = "govtrack_versions_pending"
_TRACKED: set[str] = set()
_IGNORED: dict[str, set[str]] = {}


class DataVersion(Base):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[dt.datetime]


def track(*tables: str) -> None:
    """Readers call this (at import) for the tables their caches depend on."""
    _TRACKED.update(tables)


def ignore(table: str, *columns: str) -> None:
    """Changes to only these columns of `table` leave its token alone (bookkeeping no cache reads,
    such as a user's last login, which would otherwise empty every cache that names users)."""
    _IGNORED.setdefault(table, set()).update(columns)


def tokens(session: Session, *tables: str) -> str:
    """One string that changes whenever any of `tables` (or the database) changes."""
    names = (DATABASE, *sorted(set(tables)))
    found = dict(session.execute(select(DataVersion.name, DataVersion.token).where(DataVersion.name.in_(names))).all())
    return "-".join(found.get(n, "0") for n in names)


def bump(session: Session, *tables: str) -> None:
    """Give `tables` new tokens now (in the session's transaction)."""
    names = sorted(set(tables))
    if not names:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    rows = [{"name": n, "token": uuid.uuid4().hex, "changed_at": now} for n in names]
    stmt = insert(DataVersion).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DataVersion.name],
        set_={"token": stmt.excluded.token, "changed_at": stmt.excluded.changed_at},
    )
    session.execute(stmt)


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(_PENDING, set())


def _table_of(obj) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _ctx) -> None:
    if not _TRACKED:
        return
    pending = _pending(session)
    for obj in itertools.chain(session.new, session.deleted):
        name = _table_of(obj)
        if name in _TRACKED:
            pending.add(name)
    for obj in session.dirty:
        name = _table_of(obj)
        if name not in _TRACKED or name in pending or not session.is_modified(obj, include_collections=False):
            continue
        ignored = _IGNORED.get(name)
        if ignored:
            changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
            if changed <= ignored:
                continue
        pending.add(name)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not (_TRACKED and (state.is_insert or state.is_update or state.is_delete)):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _TRACKED and name != DataVersion.__tablename__:
        _pending(state.session).add(name)


@event.listens_for(Session, "before_commit")
def _bump_pending(session: Session) -> None:
    # SQLAlchemy runs before_commit before its own final flush: flush here so that nothing is missed,
    # then write the tokens last, so a row lock on PostgreSQL is held only until the commit.
    session.flush()
    names = session.info.pop(_PENDING, None)
    if names:
        bump(session, *names)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
