"""`flask backup` on SQLite finishes while other connections keep writing (before: it copied 1,024
pages a step, every write between two steps restarted it, and a database larger than one step under
steady writes was never copied), and the copy is one consistent snapshot."""

from __future__ import annotations

import os
import sqlite3

import pytest

from benchmarks.load import dispose, make_app
from govtrack import cli

pytestmark = pytest.mark.skipif(bool(os.environ.get("GOVTRACK_TEST_DATABASE_URL")),
                                reason="the SQLite path of flask backup")

real_connect = sqlite3.connect


def test_backup_completes_while_another_connection_writes_after_every_step(tmp_path, monkeypatch):
    path = tmp_path / "live.sqlite3"
    with real_connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)")
        conn.executemany("INSERT INTO t (x) VALUES (?)", [("x" * 1000,) for _ in range(6000)])  # > 1,024 pages
    writer = real_connect(path, timeout=30)
    steps = []

    class Source(sqlite3.Connection):
        def backup(self, target, *, pages=-1, progress=None, **kw):
            def after_step(status, remaining, total):
                steps.append(remaining)
                assert len(steps) < 50, "the backup keeps restarting under writes"
                writer.execute("INSERT INTO t (x) VALUES ('written meanwhile')")
                writer.commit()

            return super().backup(target, pages=pages, progress=after_step, **kw)

    monkeypatch.setattr(cli, "sqlite3", type("S", (), {"connect": staticmethod(
        lambda *a, **kw: real_connect(*a, factory=Source, **kw) if kw.get("timeout") else real_connect(*a, **kw))}))
    app = make_app(f"sqlite:///{path}", tmp_path)
    try:
        # No app context pushed here: the command pushes its own, as under `flask backup`.
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    finally:
        dispose(app)
        writer.close()
    assert result.exit_code == 0, result.output
    with real_connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The snapshot of the moment the copy began: the rows written during it are not in it.
        assert copy.execute("SELECT count(*) FROM t").fetchone() == (6000,)
