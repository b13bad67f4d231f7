"""The users CLI, API tokens, and the admin's user pages."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.auth.models import ApiToken, User
from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token


def test_cli_creates_a_user_with_a_password_from_stdin(app_context, runner, client):
    result = runner.invoke(
        args=["users", "create", "Ketua@Koperasi.test", "--name", "Ibu Ketua", "--role", "board", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ketua@koperasi.test"))
    assert user.role == "board" and user.password_hash.startswith("$argon2id$")
    resp = client.post("/login", data={"email": "ketua@koperasi.test", "password": "a long enough passphrase",
                                       "csrf_token": csrf_token(client)})
    assert resp.status_code == 302


def test_cli_refuses_bad_role_short_password_and_duplicates(app_context, runner):
    assert runner.invoke(args=["users", "create", "a@x.test", "--name", "A", "--role", "king"]).exit_code != 0
    short = runner.invoke(args=["users", "create", "a@x.test", "--name", "A", "--role", "member", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "password" in short.output.lower()
    assert runner.invoke(args=["users", "create", "a@x.test", "--name", "A", "--role", "member"]).exit_code == 0
    dup = runner.invoke(args=["users", "create", "A@x.test", "--name", "A", "--role", "member"])
    assert dup.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_cli_token_prints_one_working_token(runner, make_user, client):
    user = make_user("manager")
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    token = lines[0]
    resp = client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1  # only a digest is kept


def test_cli_token_for_unknown_user_fails(runner):
    assert runner.invoke(args=["users", "token", "nobody@x.test"]).exit_code != 0


def test_no_account_has_a_default_password(runner, client):
    runner.invoke(args=["users", "create", "nopass@x.test", "--name", "N", "--role", "admin"])
    for guess in ("", "admin", "password", "changeme"):
        resp = client.post("/login", data={"email": "nopass@x.test", "password": guess, "csrf_token": csrf_token(client)})
        assert resp.status_code in (401, 422)


def test_admin_creates_edits_and_issues_a_token(client, make_user, sign_in):
    sign_in("admin")
    resp = client.post(
        "/admin/users/new",
        data={"email": "bendahara@koperasi.test", "name": "Pak Bendahara", "role": "manager",
              "password": "another long passphrase", "csrf_token": csrf_token(client, "/admin/users/new")},
    )
    assert resp.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "bendahara@koperasi.test"))
    resp = client.post(f"/admin/users/{user.id}/token", data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")},
                       follow_redirects=True)
    token = resp.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    assert client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.post(f"/admin/users/{user.id}/revoke-tokens", data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    assert client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_admin_form_errors_name_the_field_and_write_nothing(client, make_user, sign_in):
    sign_in("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    resp = client.post(
        "/admin/users/new",
        data={"email": "not-an-email", "name": "", "role": "manager", "password": "short",
              "csrf_token": csrf_token(client, "/admin/users/new")},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="email-errors"' in html and 'id="name-errors"' in html and 'id="password-errors"' in html
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_admin_cannot_demote_themself(client, make_user, sign_in):
    admin = make_user("admin")
    sign_in(admin)
    resp = client.post(
        f"/admin/users/{admin.id}/edit",
        data={"name": admin.name, "role": "member", "active": "y", "csrf_token": csrf_token(client, f"/admin/users/{admin.id}/edit")},
    )
    assert resp.status_code == 409
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_user_pages_are_for_admins_only(client, make_user, sign_in):
    target = make_user("member")
    for role in ("board", "manager", "member"):
        c = client.application.test_client()
        user = make_user(role)
        c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(c)})
        assert c.get("/admin/users").status_code == 403
        assert c.get(f"/admin/users/{target.id}/edit").status_code == 403
        assert c.post(f"/admin/users/{target.id}/token", data={"csrf_token": csrf_token(c, "/")}).status_code == 403
    assert client.get("/admin/users").status_code == 302
