"""The database file and `flask backup` files hold every member's name and every vote: created
0600 like the keys beside them, whatever the umask (the usual 022 gave 0644, readable by every
local account)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from govtrack import create_app
from govtrack.extensions import db
from tests.conftest import TEST_DB_URL, _config


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(bool(TEST_DB_URL), reason="the SQLite database file")
def test_a_new_sqlite_database_file_is_private(tmp_path, umask_022):
    path = tmp_path / "fresh.sqlite3"
    app = create_app(_config(f"sqlite:///{path}", tmp_path / "instance"))
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        assert _mode(path) == 0o600
        # WAL and shared-memory files take the database file's mode.
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            if extra.exists():
                assert _mode(extra) == 0o600, extra
        db.session.remove()
        db.engine.dispose()


def test_backup_files_are_private(app, runner, make_partner, tmp_path, umask_022):
    """On SQLite the online copy, on PostgreSQL the pg_dump file: both 0600."""
    make_partner("Mitra cadangan")
    target = tmp_path / "govtrack-backup.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    assert _mode(target) == 0o600


def test_a_backup_over_an_old_readable_file_makes_it_private(app, runner, tmp_path, umask_022):
    target = tmp_path / "old.dump"
    target.write_bytes(b"")
    target.chmod(0o644)
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o600
