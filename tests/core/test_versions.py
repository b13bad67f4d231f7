"""Data versions: a tracked table's token changes with its rows, in the same transaction, and only then."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from govtrack.core import versions
from govtrack.core.versions import DataVersion
from govtrack.extensions import db
from govtrack.partners.models import Partner


def _token(*tables):
    return versions.tokens(db.session, *tables)


def test_a_flushed_change_to_a_tracked_table_changes_its_token(app, make_partner):
    versions.track("partners")
    partner = make_partner("Bank Air")
    before = _token("partners")
    partner.name = "Bank Air Bersih"
    db.session.commit()
    after = _token("partners")
    assert after != before
    # Reading, or changing nothing, keeps the token.
    db.session.scalar(select(Partner).where(Partner.id == partner.id))
    partner.name = "Bank Air Bersih"
    db.session.commit()
    assert _token("partners") == after


def test_a_statement_through_the_session_changes_the_token(app, make_partner):
    versions.track("partners")
    partner = make_partner("Koperasi Tirta")
    before = _token("partners")
    db.session.execute(update(Partner).where(Partner.id == partner.id).values(region="Jawa Barat"))
    db.session.commit()
    assert _token("partners") != before


def test_a_rolled_back_change_keeps_the_token(app, make_partner):
    versions.track("partners")
    partner = make_partner("Dana Sanitasi")
    before = _token("partners")
    partner.name = "Something else"
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # nothing pending: nothing written
    assert _token("partners") == before


def test_only_the_changed_table_gets_a_new_token(app, make_partner, make_user):
    versions.track("partners", "users")
    make_partner("Mitra Satu")
    make_user("manager")
    partners, users = _token("partners"), _token("users")
    make_partner("Mitra Dua")
    assert _token("partners") != partners
    assert _token("users") == users


def test_the_key_includes_the_database_token(app_context, app):
    db.session.execute(DataVersion.__table__.delete())
    db.session.add(DataVersion(name=versions.DATABASE, token="a" * 32, changed_at=versions.utcnow()))
    db.session.commit()
    first = _token("partners")
    db.session.get(DataVersion, versions.DATABASE).token = "b" * 32
    db.session.commit()
    assert _token("partners") != first and first.startswith("a" * 32)


def test_the_migration_gives_each_database_its_own_token(tmp_path):
    from flask_migrate import upgrade

    from govtrack import create_app
    from tests.conftest import _config

    found = []
    for name in ("one", "two"):
        app = create_app(_config(f"sqlite:///{tmp_path / name}.sqlite3", tmp_path / name))
        with app.app_context():
            upgrade(directory=str(Path(__file__).parent.parent.parent / "migrations"), revision="heads")
            found.append(db.session.get(DataVersion, versions.DATABASE).token)
            db.session.remove()
            db.engine.dispose()
    assert len(found[0]) == 32 and found[0] != found[1]


def test_bookkeeping_columns_leave_the_token_alone(app, make_user):
    from govtrack.auth.services import authenticate
    from tests.conftest import PASSWORD

    versions.track("users")
    user = make_user("manager")
    before = _token("users")
    assert authenticate(user.email, PASSWORD) is not None  # a sign-in writes last_login_at
    db.session.commit()
    assert user.last_login_at is not None
    assert _token("users") == before
    user.name = "Ibu Manajer"
    db.session.commit()
    assert _token("users") != before
