"""SQLite settings that make it a dependable embedded database for several workers.

Foreign keys on, WAL, a busy timeout, and BEGIN IMMEDIATE for requests that write: SQLite's
deferred BEGIN takes the write lock only at the first write, and a read-then-write race between
two workers then fails at once with "database is locked" instead of waiting for the lock.
"""

from __future__ import annotations

import contextlib
import os

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from govtrack.db import sqlite_functions

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wants_immediate() -> bool:
    if has_request_context():
        return request.method not in SAFE_METHODS
    # CLI commands, migrations and tests outside a request: they write, take the lock up front.
    return True


def create_private(path: str | os.PathLike) -> None:
    """Create an empty file readable by its owner only, if none is there (an empty file is an
    empty SQLite database). SQLite would create it with the umask's 0644, and gives its WAL and
    shared-memory files the database file's mode, so all three stay 0600 like the keys."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def configure_sqlite(engine: Engine) -> None:
    """Install the connect and begin hooks on an SQLite engine (no-op for other dialects)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "do_connect")
    def _private_file(dialect, conn_rec, cargs, cparams):
        database = engine.url.database
        if database not in (None, "", ":memory:") and not database.startswith("file:"):
            create_private(database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN so that we choose its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Read the file through a shared memory map (the OS page cache, one copy for every
            # worker) and keep a larger page cache per connection: at 280,000 members the default
            # 2 MB cache is evicted by one page's queries and the next page re-reads through syscalls.
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()
        sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")
