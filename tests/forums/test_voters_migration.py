"""Migration 0015_voters on data written before it: meetings already open or closed get a roll of
voters that keeps every number they showed (the forum's voters on the roster at the upgrade, the
set those numbers were computed over); scheduled and cancelled meetings get none. SQLite always;
PostgreSQL too when the suite runs there (a database of its own, made and dropped by the fixture)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from govtrack import create_app
from govtrack.extensions import db
from govtrack.forums import queries
from govtrack.forums.models import Meeting
from tests.conftest import _config
from tests.forums.test_lifecycle_migration import MIGRATIONS, old_database  # noqa: F401 (a fixture)


def _numbers(meeting_id: int) -> tuple[int, int]:
    meeting = db.session.get(Meeting, meeting_id)
    forum = queries.get_forum(meeting.forum_id)
    return queries.meeting_eligible_count(meeting, forum), queries.present_count(meeting, forum)


def test_open_and_closed_meetings_keep_their_numbers(old_database, tmp_path):  # noqa: F811
    app = create_app(_config(old_database, tmp_path))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0013_search")
        db.session.execute(text(
            "INSERT INTO forums (id, name, code, kind, all_members, quorum_numerator, quorum_denominator, "
            "quorum_strict, threshold, proxy_limit, created_at) VALUES "
            "(1, 'Forum Rembug Pusat', 'RP', 'rembug_pusat', true, 1, 2, false, 'simple_majority', 1, "
            "'2026-01-01 00:00:00'), "
            "(2, 'Pengurus', 'PG', 'board', false, 1, 2, false, 'simple_majority', 1, '2026-01-01 00:00:00')"))
        # ten members: 8 and 9 inactive, 10 an investor (the last three attended before they changed)
        for i in range(1, 11):
            db.session.execute(text(
                "INSERT INTO members (id, number, name, group_name, active, investor, created_at, updated_at) "
                f"VALUES ({i}, 'A{i:04d}', 'Anggota {i}', 'Rembug', {'false' if i in (8, 9) else 'true'}, "
                f"{'true' if i == 10 else 'false'}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        db.session.execute(text("INSERT INTO forum_voters (forum_id, member_id) VALUES (2, 1), (2, 2), (2, 8)"))
        statuses = [(1, "closed"), (1, "open"), (2, "closed"), (1, "scheduled"), (2, "open")]
        for i, (forum, status) in enumerate(statuses, 1):
            rule = ("1, 2, false, 'simple_majority', 1" if status in ("open", "closed")
                    else "NULL, NULL, NULL, NULL, NULL")
            db.session.execute(text(
                "INSERT INTO meetings (id, forum_id, title, starts_at, status, minutes_status, created_at, "
                "rule_quorum_numerator, rule_quorum_denominator, rule_quorum_strict, rule_threshold, "
                f"rule_proxy_limit) VALUES ({i}, {forum}, 'Rapat {i}', '2026-02-0{i} 02:00:00', '{status}', "
                f"'draft', '2026-01-01 00:00:00', {rule})"))
        for meeting, member, status in [(1, 1, "present"), (1, 2, "present"), (1, 8, "present"), (1, 3, "absent"),
                                        (2, 10, "present"), (2, 4, "present"), (3, 1, "present"),
                                        (3, 8, "present"), (5, 2, "present")]:
            db.session.execute(text(
                "INSERT INTO attendances (meeting_id, member_id, status) "
                f"VALUES ({meeting}, {member}, '{status}')"))
        db.session.commit()
        # what the pages counted just before the upgrade (the live roster, the forum's rule)
        before = {
            1: (7, 2), 2: (7, 1), 3: (2, 1), 5: (2, 1),
        }
        upgrade(directory=MIGRATIONS, revision="heads")
        rolls = {}
        for meeting_id, member_id in db.session.execute(text(
                "SELECT meeting_id, member_id FROM meeting_voters ORDER BY meeting_id, member_id")):
            rolls.setdefault(meeting_id, []).append(member_id)
        assert rolls == {1: [1, 2, 3, 4, 5, 6, 7], 2: [1, 2, 3, 4, 5, 6, 7], 3: [1, 2], 5: [1, 2]}
        assert {m: _numbers(m) for m in before} == before
        # the scheduled meeting still follows the roster
        assert _numbers(4) == (7, 0)
        # from now on the roster no longer moves the open and closed ones
        db.session.execute(text("UPDATE members SET active = false WHERE id IN (1, 2, 3)"))
        db.session.commit()
        assert {m: _numbers(m) for m in before} == before
        assert _numbers(4) == (4, 0)
        db.session.rollback()
        downgrade(directory=MIGRATIONS, revision="0013_search")
        assert db.session.scalar(select(text("count(*)")).select_from(text("meetings"))) == 5
        db.session.remove()
        db.engine.dispose()
