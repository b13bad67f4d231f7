"""`flask demo load`: a believable cooperative on an empty database, and never over existing data."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.agreements.models import Agreement, AgreementDependency, Clause
from govtrack.audit.models import AuditEvent
from govtrack.audit.services import verify_chain
from govtrack.auth.models import User
from govtrack.extensions import db
from govtrack.partners.models import Partner, PartnerCategory, PartnerContact


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_on_an_empty_database(app, app_context, runner, tmp_path, client):
    app.instance_path = str(tmp_path)  # the logins file goes to this test's instance folder
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    roles = dict(db.session.execute(select(User.role, User.email)).all())
    assert roles == {role: f"{role}@demo.koperasi.test" for role in ("admin", "board", "manager", "member", "officer")}
    logins = (tmp_path / "demo-logins.txt").read_text()
    assert all(email in logins for email in roles.values())

    categories = set(db.session.scalars(select(Partner.category)))
    assert categories == {c.value for c in PartnerCategory}
    assert count(Partner) >= 12 and count(PartnerContact) >= 12
    assert count(Agreement) >= 15 and count(Clause) >= 25
    assert count(AgreementDependency) >= 5
    kinds = set(db.session.scalars(select(Agreement.kind)))
    assert {"grant", "construction", "loan", "permit", "mou"} <= kinds
    assert set(db.session.scalars(select(Agreement.visibility))) == {"internal", "members", "public"}
    assert {"draft", "under_deliberation"} <= set(db.session.scalars(select(Agreement.status)))
    # everything went through the services, so the audit chain records it and is intact
    assert count(AuditEvent) > count(Partner) + count(Agreement)
    assert verify_chain().ok

    # the printed passwords sign in (they are generated at load time, never fixed)
    line = next(ln for ln in logins.splitlines() if ln.startswith("manager"))
    _role, email, password = line.split()
    from tests.conftest import csrf_token

    resp = client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})
    assert resp.status_code == 302
    assert client.get("/agreements/").status_code == 200


def test_demo_refuses_a_database_that_has_data(app, runner, tmp_path, make_user):
    app.instance_path = str(tmp_path)
    make_user("admin")
    before = (count(User), count(Partner), count(Agreement), count(AuditEvent))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "not empty" in result.output and "--force" in result.output
    assert (count(User), count(Partner), count(Agreement), count(AuditEvent)) == before
    assert not (tmp_path / "demo-logins.txt").exists()


def test_demo_force_loads_beside_other_data_but_not_twice(app, runner, tmp_path, make_user):
    app.instance_path = str(tmp_path)
    make_user("admin")
    result = runner.invoke(args=["demo", "load", "--force"])
    assert result.exit_code == 0, result.output
    before = (count(User), count(Partner), count(Agreement), count(AuditEvent))
    again = runner.invoke(args=["demo", "load", "--force"])
    assert again.exit_code != 0 and "already loaded" in again.output
    assert (count(User), count(Partner), count(Agreement), count(AuditEvent)) == before


def test_demo_passwords_differ_between_loads(app, app_context, runner, tmp_path):
    from govtrack.demo import core

    app.instance_path = str(tmp_path)
    first: dict = {"logins": []}
    core._load_users(first)
    db.session.rollback()
    second: dict = {"logins": []}
    core._load_users(second)
    db.session.rollback()
    assert [p for *_, p in first["logins"]] != [p for *_, p in second["logins"]]
    assert all(len(p) >= 12 for *_, p in first["logins"])
