"""Issue 11, finding 8: a password change revokes the user's API tokens; tokens may expire
(`users token --days N`); the user's page shows each token's expiry, last use and address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from govtrack.auth.models import ApiToken
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token


def _api(client, token, address="127.0.0.1"):
    return client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"},
                      environ_base={"REMOTE_ADDR": address})


def test_a_password_change_revokes_the_users_tokens(client, make_user, sign_in, token_for):
    user = make_user("manager")
    token = token_for(user)
    assert _api(client, token).status_code == 200
    sign_in(user)
    page = client.get("/account/password").get_data(as_text=True)
    assert "revokes your API tokens" in page
    resp = client.post("/account/password", follow_redirects=True, data={
        "current_password": PASSWORD, "new_password": "a different passphrase", "confirm": "a different passphrase",
        "csrf_token": csrf_token(client, "/account/password")})
    assert resp.status_code == 200 and "API tokens are revoked" in resp.get_data(as_text=True)
    assert _api(client, token).status_code == 401


def test_an_admin_setting_a_password_revokes_the_tokens(client, make_user, sign_in, token_for):
    user = make_user("manager")
    token = token_for(user)
    sign_in("admin")
    resp = client.post(f"/admin/users/{user.id}/edit", data={
        "name": user.name, "role": user.role, "active": "y", "password": "a brand new passphrase",
        "csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    assert resp.status_code == 302
    assert _api(client, token).status_code == 401


def test_cli_token_days_sets_an_expiry_and_an_expired_token_is_refused(runner, make_user, client):
    user = make_user("manager")
    result = runner.invoke(args=["users", "token", user.email, "--days", "30"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    row = db.session.scalar(select(ApiToken))
    assert abs(row.expires_at - (utcnow() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    assert _api(client, token).status_code == 200
    db.session.execute(update(ApiToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    expired = _api(client, token)
    bad = _api(client, "gt_not-a-token")
    assert expired.status_code == bad.status_code == 401
    assert expired.get_json()["error"]["code"] == bad.get_json()["error"]["code"] == "unauthorized"


def test_cli_token_days_edges(runner, make_user):
    user = make_user("manager")
    assert runner.invoke(args=["users", "token", user.email, "--days", "3650"]).exit_code == 0
    for bad in ("0", "3651", "-1", "x"):
        result = runner.invoke(args=["users", "token", user.email, "--days", bad])
        assert result.exit_code != 0 and "--days" in result.output
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_the_users_page_shows_expiry_last_use_and_address(client, make_user, sign_in, runner):
    user = make_user("manager")
    token = runner.invoke(args=["users", "token", user.email, "--days", "7"]).output.strip()
    assert _api(client, token, "192.0.2.77").status_code == 200
    sign_in("admin")
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    expires = (utcnow() + dt.timedelta(days=7)).date().isoformat()
    assert "Expires" in page and expires in page
    assert "Last used" in page and utcnow().date().isoformat() in page and "192.0.2.77" in page


def test_the_admin_issues_a_token_with_an_expiry(client, make_user, sign_in):
    user = make_user("manager")
    sign_in("admin")
    resp = client.post(f"/admin/users/{user.id}/token",
                       data={"days": "90", "csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")},
                       follow_redirects=True)
    assert resp.status_code == 200
    expires = (utcnow() + dt.timedelta(days=90)).date().isoformat()
    assert expires in resp.get_data(as_text=True)
    bad = client.post(f"/admin/users/{user.id}/token",
                      data={"days": "3651", "csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    assert bad.status_code == 422 and "days" in bad.get_data(as_text=True).lower()
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_reloading_the_token_page_issues_no_second_token(client, make_user, sign_in):
    """Issue 17: the token page answered the POST, so a reload posted again and issued another.
    Now the POST redirects to a page that shows the token once; a reload shows a note instead."""
    user = make_user("manager")
    admin = sign_in("admin")
    resp = client.post(f"/admin/users/{user.id}/token",
                       data={"days": "30", "csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/admin/users/{user.id}/token")
    shown = client.get(resp.headers["Location"])
    html = shown.get_data(as_text=True)
    token = html.split("<code>")[1].split("</code>")[0]
    assert shown.status_code == 200 and token.startswith("gt_") and "no-store" in shown.headers["Cache-Control"]
    assert (utcnow() + dt.timedelta(days=30)).date().isoformat() in html
    assert client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.get(f"/admin/users/{user.id}/token", follow_redirects=True)
    assert again.status_code == 200 and token not in again.get_data(as_text=True)
    assert "shown only once" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(ApiToken)).all()) == 1
    # Another user's page never shows a token waiting for someone else.
    client.post(f"/admin/users/{user.id}/token", data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    other = client.get(f"/admin/users/{admin.id}/token", follow_redirects=True)
    assert "<code>gt_" not in other.get_data(as_text=True)
    assert client.get(f"/admin/users/{user.id}/token").status_code == 302  # taken by the look above
    anonymous = client.application.test_client()
    assert anonymous.get(f"/admin/users/{user.id}/token").status_code == 302


def test_the_token_page_is_for_admins_only(client, make_user, sign_in):
    user = make_user("manager")
    sign_in("board")
    assert client.get(f"/admin/users/{user.id}/token").status_code == 403
