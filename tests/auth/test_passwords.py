"""Issue 11, finding 7: common passwords, one repeated character, a run like 123456789012, and
passwords that contain the user's e-mail or name are refused, with the reason, in the admin's form
(English and Indonesian), the service the API would call, the password change and the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govtrack.auth.models import User
from govtrack.auth.services import create_user
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token

REFUSED = {
    "password1234": "too common",
    "123456789012": "too easy to guess",
    "aaaaaaaaaaaa": "too easy to guess",
    "qwertyuiop12": "too common",
    "iloveyou1234": "too common",
    "siti.rahayu-2024": "must not contain your e-mail address or name",  # the e-mail's local part
    "Rahmawati 2024!x": "must not contain your e-mail address or name",  # a part of the name
}


def _create(client, password: str, **headers):
    return client.post("/admin/users/new", headers=headers, data={
        "email": "siti.rahayu@koperasi.test", "name": "Siti Rahmawati", "role": "member",
        "password": password, "csrf_token": csrf_token(client, "/admin/users/new")})


@pytest.mark.parametrize("password,reason", REFUSED.items())
def test_the_admin_form_names_the_reason_and_creates_nobody(client, make_user, sign_in, password, reason):
    sign_in("admin")
    resp = _create(client, password)
    assert resp.status_code == 422
    assert reason in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_reason_is_given_in_indonesian(client, make_user, sign_in):
    sign_in("admin")
    resp = _create(client, "password1234", **{"Accept-Language": "id"})
    assert resp.status_code == 422
    assert "terlalu umum" in resp.get_data(as_text=True)


def test_a_good_password_at_the_edges_passes(client, make_user, sign_in):
    sign_in("admin")
    # 12 characters, no name in it, not common, two characters: the smallest that passes.
    assert _create(client, "ababababab7b").status_code == 302


def test_the_service_names_the_field(app_context, app):
    with pytest.raises(ValidationFailed) as err:
        create_user(actor="test", email="budi@koperasi.test", name="Budi Santoso", role="member",
                    password="santoso-koperasi")
    assert "password" in err.value.fields and "name" in err.value.fields["password"][0]


def test_the_password_change_refuses_a_common_one(client, make_user, sign_in):
    user = make_user("manager")
    sign_in(user)
    resp = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "password1234", "confirm": "password1234",
        "csrf_token": csrf_token(client, "/account/password")})
    assert resp.status_code == 422 and "too common" in resp.get_data(as_text=True)


def test_the_cli_says_why(app_context, runner):
    result = runner.invoke(
        args=["users", "create", "ketua@koperasi.test", "--name", "Ibu Ketua", "--role", "board", "--password-stdin"],
        input="123456789012\n",
    )
    assert result.exit_code != 0 and "password" in result.output and "too easy to guess" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
