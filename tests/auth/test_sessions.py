"""Sign-in, sessions that end when they should, rate limits and CSRF."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, csrf_token


def _post_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_sign_in_and_out(client, make_user, sign_in):
    user = make_user("manager")
    assert client.get("/").status_code == 302
    sign_in(user)
    assert client.get("/").status_code == 200
    resp = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 302
    assert client.get("/").status_code == 302


def test_unknown_user_and_wrong_password_look_the_same(client, make_user):
    user = make_user("manager")
    wrong = _post_login(client, user.email, "not the password at all")
    unknown = _post_login(client, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mail or password is wrong." in wrong.get_data(as_text=True)
    assert "E-mail or password is wrong." in unknown.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    from govtrack.auth.services import update_user
    from govtrack.extensions import db

    user = make_user("board")
    update_user(actor="test", user=user, name=user.name, role=user.role, active=False)
    db.session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 401


def test_a_copied_cookie_stops_working_after_logout(app, client, make_user, sign_in):
    sign_in("manager")
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302
    assert thief.get("/api/v1/partners").status_code == 401


def test_password_change_ends_the_other_sessions(app, client, make_user, sign_in):
    user = make_user("manager")
    other = app.test_client()
    sign_in(user)
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/").status_code == 200
    resp = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new passphrase", "confirm": "a brand new passphrase",
              "csrf_token": csrf_token(client, "/account/password")},
    )
    assert resp.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the copy does not


def test_password_change_with_wrong_current_password_changes_nothing(client, make_user, sign_in):
    user = make_user("manager")
    sign_in(user)
    resp = client.post(
        "/account/password",
        data={"current_password": "wrong wrong wrong", "new_password": "a brand new passphrase",
              "confirm": "a brand new passphrase", "csrf_token": csrf_token(client, "/account/password")},
    )
    assert resp.status_code == 422
    assert "Current password is wrong." in resp.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _post_login(client, user.email, PASSWORD).status_code == 302


def test_deactivation_ends_sessions_and_tokens(app, client, make_user, sign_in, token_for):
    admin = make_user("admin")
    victim = make_user("manager")
    token = token_for(victim)
    victim_client = app.test_client()
    sign_in(admin)
    victim_client.post("/login", data={"email": victim.email, "password": PASSWORD,
                                       "csrf_token": csrf_token(victim_client)})
    assert victim_client.get("/").status_code == 200
    resp = client.post(
        f"/admin/users/{victim.id}/edit",
        data={"name": victim.name, "role": "manager", "csrf_token": csrf_token(client, f"/admin/users/{victim.id}/edit")},
    )  # `active` unchecked
    assert resp.status_code == 302
    assert victim_client.get("/").status_code == 302
    assert client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_fresh_session_at_login(client, make_user):
    user = make_user("manager")
    token = csrf_token(client)
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user("manager")
    resp = client.post(
        "/login?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_logout_without_csrf_token_is_refused(client, make_user, sign_in):
    sign_in("manager")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("manager")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute"}

    def test_login_is_rate_limited(self, client, make_user):
        user = make_user("manager")
        statuses = [_post_login(client, user.email, "wrong password here").status_code for _ in range(3)]
        assert statuses == [401, 401, 401]
        assert _post_login(client, user.email, PASSWORD).status_code == 429

    def test_guesses_from_several_addresses_do_not_lock_the_owner_out(self, app, make_user):
        user = make_user("manager")
        for i in range(3):
            c = app.test_client()
            c.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
            _post_login(c, user.email, "wrong password here")
        fresh = app.test_client()
        fresh.environ_base["REMOTE_ADDR"] = "10.0.0.99"
        assert _post_login(fresh, user.email, PASSWORD).status_code == 302
