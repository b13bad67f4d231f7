"""Hostile input that is not about the API schema: forged log lines, path traversal in uploads,
session timeouts."""

from __future__ import annotations

import io
import logging
import os

import pytest

from govtrack.core.logs import RequestIdFilter
from govtrack.core.uploads import clean_name
from tests.conftest import PASSWORD, csrf_token

PDF = b"%PDF-1.4\n%%EOF\n"


def test_user_input_cannot_forge_a_log_line():
    record = logging.LogRecord("govtrack.x", logging.INFO, __file__, 1, "failed sign-in for %s",
                               ("bob\n2026-01-01 INFO [-] govtrack: admin signed in",), None)
    RequestIdFilter().filter(record)
    assert "\n" not in record.getMessage()
    assert "\\n2026-01-01" in record.getMessage()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), (".hidden.pdf", "hidden.pdf"),
     ("a\x00b.pdf", "ab.pdf"), ("", "document"), ("/", "document")],
)
def test_upload_names_lose_their_paths(raw, expected):
    assert clean_name(raw) == expected


def test_a_traversal_name_is_stored_inside_the_upload_folder(api_as, make_agreement, app):
    agreement = make_agreement("Docs")
    resp = api_as("manager").post(
        f"/api/v1/agreements/{agreement.id}/documents",
        data={"file": (io.BytesIO(PDF), "../../../../tmp/evil.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201
    assert resp.get_json()["original_name"] == "evil.pdf"
    stored = os.listdir(app.config["UPLOAD_DIR"])
    assert len(stored) == 1 and stored[0] != "evil.pdf" and stored[0].endswith(".pdf")


class TestAbsoluteTimeout:
    @pytest.fixture
    def app_config(self):
        return {"SESSION_ABSOLUTE_SECONDS": 60}

    def test_a_session_older_than_the_absolute_limit_ends(self, client, make_user, sign_in):
        sign_in("manager")
        assert client.get("/").status_code == 200
        with client.session_transaction() as sess:
            sess["login_at"] -= 61
        assert client.get("/").status_code == 302


def test_session_cookie_flags(client, make_user):
    user = make_user("manager")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_a_nul_character_is_refused_everywhere(api_as, client, make_user, sign_in):
    from sqlalchemy import func, select

    from govtrack.extensions import db
    from govtrack.partners.models import Partner

    resp = api_as("manager").post("/api/v1/partners", json={"name": "Bad\x00name", "category": "other"})
    assert resp.status_code == 422 and "name" in resp.get_json()["error"]["fields"]
    sign_in("manager")
    resp = client.post("/partners/new", data={"name": "Bad\x00name", "category": "other",
                                              "csrf_token": csrf_token(client, "/partners/new")})
    assert resp.status_code == 400
    assert client.get("/partners/?q=a\x00b").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_a_nul_character_in_the_roster_csv_is_reported_by_line(api_as):
    body = "number,name,group,joined_on,active,investor\nA-1,Siti,Melati,2020-01-01,yes,no\nA-2,Bad\x00,Melati,2020-01-01,yes,no\n"
    resp = api_as("board").post("/api/v1/members/import", data=body.encode(), content_type="text/csv")
    assert resp.status_code == 422
    assert [e["line"] for e in resp.get_json()["errors"]] == [3]
