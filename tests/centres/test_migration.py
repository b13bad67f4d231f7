"""Migration 0017_centres on a roster written before it: each free-text group becomes a centre,
spellings the same after trimming and folding case merged, codes given in name order, members
pointed at their centre, the search triggers still working; `flask centres merged` reports the
merges; the downgrade gives the old schema back. SQLite always; PostgreSQL too when the suite runs
there (a database of its own, made and dropped by the fixture)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from govtrack import create_app
from govtrack.extensions import db
from govtrack.members.queries import member_page
from govtrack.search.queries import search_groups
from tests.conftest import _config
from tests.forums.test_lifecycle_migration import MIGRATIONS, old_database  # noqa: F401 (a fixture)

ROSTER = [
    (1, "Siti Aminah", "Rembug Melati"),
    (2, "Budi Santoso", "rembug melati"),
    (3, "Citra Dewi", " Rembug  Melati "),
    (4, "Dewi Lestari", "Rembug Melati"),
    (5, "Eka Putri", "Rembug Mawar"),
    (6, "Fajar Nugroho", None),
    (7, "Gita Sari", "   "),
    (8, "Hadi Wibowo", "REMBUG ANGGREK"),
]


def test_groups_become_centres_and_merges_are_reported(old_database, tmp_path):  # noqa: F811
    app = create_app(_config(old_database, tmp_path))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0016_smaller")
        for i, name, group in ROSTER:
            db.session.execute(text(
                "INSERT INTO members (id, number, name, group_name, active, investor, created_at, updated_at) "
                "VALUES (:id, :number, :name, :group, true, false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                {"id": i, "number": f"A{i:04d}", "name": name, "group": group})
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="0017_centres")
        centres = db.session.execute(text("SELECT id, code, name, name_key, active FROM centres ORDER BY code")).all()
        # in the order of the folded names; Melati takes the spelling most members wrote
        assert [(c.code, c.name, c.name_key) for c in centres] == [
            ("RP-00001", "REMBUG ANGGREK", "rembug anggrek"),
            ("RP-00002", "Rembug Mawar", "rembug mawar"),
            ("RP-00003", "Rembug Melati", "rembug melati"),
        ]
        ids = {c.name: c.id for c in centres}
        members = dict(db.session.execute(text("SELECT id, centre_id FROM members")).all())
        groups = dict(db.session.execute(text("SELECT id, group_name FROM members")).all())
        assert members == {1: ids["Rembug Melati"], 2: ids["Rembug Melati"], 3: ids["Rembug Melati"],
                           4: ids["Rembug Melati"], 5: ids["Rembug Mawar"], 6: None, 7: None,
                           8: ids["REMBUG ANGGREK"]}
        assert groups[2] == groups[3] == "Rembug Melati" and groups[6] is None
        # the report: the one centre made of several spellings, each with its count
        result = app.test_cli_runner().invoke(args=["centres", "merged"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [
            "RP-00003 Rembug Melati: ' Rembug  Melati ' (1), 'Rembug Melati' (2), 'rembug melati' (1)",
            "1 centre(s) merged from several spellings.",
        ]
        # the roster's search triggers survived: a new member and a renamed one are found
        db.session.execute(text(
            "INSERT INTO members (id, number, name, group_name, centre_id, active, investor, created_at, updated_at) "
            "VALUES (9, 'A0009', 'Indah Permata', 'Rembug Mawar', :c, true, false, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"), {"c": ids["Rembug Mawar"]})
        db.session.execute(text("UPDATE members SET name = 'Budi Harjono' WHERE id = 2"))
        db.session.commit()
        assert [m.id for m in member_page(q="permata").items] == [9]
        assert [m.id for m in member_page(q="harjono").items] == [2]
        assert [m.id for m in member_page(centre_id=ids["Rembug Mawar"]).items] == [5, 9]
        with app.test_request_context():
            class Admin:
                role, active, is_authenticated, id = "admin", True, True, 0
            hits = [g for g in search_groups(user=Admin(), q="Permata") if g.kind == "member"][0].hits
            assert [h.id for h in hits] == [9]
        # the next centre made continues the series (PostgreSQL: the sequence after the given ids)
        db.session.execute(text(
            "INSERT INTO centres (code, name, name_key, active, created_at, updated_at) "
            "VALUES ('X-1', 'Baru', 'baru', true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        assert db.session.scalar(text("SELECT max(id) FROM centres")) == 4
        db.session.commit()
        downgrade(directory=MIGRATIONS, revision="0016_smaller")
        assert db.session.scalar(text("SELECT count(*) FROM members")) == 9
        columns = [r[1] for r in db.session.execute(text("PRAGMA table_info(members)"))] if \
            db.engine.dialect.name == "sqlite" else None
        assert columns is None or "centre_id" not in columns
        # after the downgrade's rebuild (SQLite) the triggers are there again
        db.session.execute(text("UPDATE members SET name = 'Budi Prakoso' WHERE id = 2"))
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            found = [db.session.scalar(text(f"SELECT rowid FROM {index} WHERE {index} MATCH 'prakoso'"))
                     for index in ("search_index_member_name", "search_index_member")]
        else:
            found = [db.session.scalar(text(f"SELECT id FROM {index} WHERE document @@ to_tsquery('simple', 'prakoso')"))
                     for index in ("search_index_member_name", "search_index_member")]
        assert found == [2, 2]
        db.session.remove()
        db.engine.dispose()
