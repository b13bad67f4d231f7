"""Migration 0011_lifecycle on data written before it: every existing meeting gets the rule of its
forum (the rule it was decided under, since forums could not be edited before), and the new
statuses and their constraints hold afterwards. SQLite always; PostgreSQL too when the suite runs
there (on a database of its own, made and dropped here)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from govtrack import create_app
from govtrack.extensions import db
from tests.conftest import _config

MIGRATIONS = str(Path(__file__).parent.parent.parent / "migrations")


@pytest.fixture
def old_database(tmp_path):
    """An empty database of this suite's kind, at no revision yet."""
    url = os.environ.get("GOVTRACK_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"govtrack_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_existing_meetings_get_their_forums_rule(old_database, tmp_path):
    app = create_app(_config(old_database, tmp_path))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0010_audit_anchors")
        db.session.execute(text(
            "INSERT INTO forums (id, name, code, kind, all_members, quorum_numerator, quorum_denominator, "
            "quorum_strict, threshold, proxy_limit, created_at) VALUES "
            "(1, 'Forum Rembug Pusat', 'RP', 'rembug_pusat', true, 1, 2, false, 'simple_majority', 1, "
            "'2026-01-01 00:00:00'), "
            "(2, 'Dewan Pengawas Syariah', 'DPS', 'sharia_supervisory', true, 2, 3, true, 'two_thirds', 0, "
            "'2026-01-01 00:00:00')"))
        for i, (forum, status) in enumerate([(1, "closed"), (1, "open"), (2, "closed"), (2, "scheduled")], 1):
            db.session.execute(text(
                "INSERT INTO meetings (id, forum_id, title, starts_at, status, minutes_status, created_at) "
                f"VALUES ({i}, {forum}, 'Rapat {i}', '2026-02-0{i} 02:00:00', '{status}', 'draft', "
                "'2026-01-01 00:00:00')"))
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="heads")
        rows = db.session.execute(text(
            "SELECT id, rule_quorum_numerator, rule_quorum_denominator, rule_quorum_strict, rule_threshold, "
            "rule_proxy_limit FROM meetings ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            (1, 1, 2, False, "simple_majority", 1), (2, 1, 2, False, "simple_majority", 1),
            (3, 2, 3, True, "two_thirds", 0), (4, 2, 3, True, "two_thirds", 0)]
        # The new status exists, with the reason it requires.
        db.session.execute(text("UPDATE meetings SET status = 'cancelled', cancel_reason = 'Banjir' WHERE id = 4"))
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE meetings SET status = 'cancelled' WHERE id = 3"))
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE meetings SET status = 'postponed' WHERE id = 3"))
        db.session.rollback()
        db.session.execute(text("UPDATE meetings SET status = 'scheduled', cancel_reason = NULL WHERE id = 4"))
        db.session.commit()
        downgrade(directory=MIGRATIONS, revision="0010_audit_anchors")
        assert db.session.execute(text("SELECT count(*) FROM meetings")).scalar() == 4
        db.session.remove()
        db.engine.dispose()
