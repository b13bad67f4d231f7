"""The roster import may be larger than a document upload, up to its own limit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.members.models import Member
from tests.conftest import csrf_token
from tests.members.conftest import csv_bytes


@pytest.fixture
def app_config():
    # The test default for documents is 200 KB (MAX_CONTENT_LENGTH 1.2 MB); the roster gets 3 MB.
    return {"MEMBER_IMPORT_MAX_BYTES": 3 * 1024 * 1024}


def big_file() -> bytes:
    data = csv_bytes(*(f"BIG-{i:06d},Anggota Koperasi Nomor {i:06d},Rembug Pusat {i // 25:04d},2020-01-01,1,0" for i in range(25000)))
    assert 1.3 * 1024 * 1024 < len(data) < 3 * 1024 * 1024
    return data


def test_the_import_page_takes_a_file_past_the_document_limit(client, make_user, sign_in):
    sign_in("board")
    token = csrf_token(client, "/members/import")
    resp = client.post(
        "/members/import",
        data={"csrf_token": token, "file": (io.BytesIO(big_file()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Member)) == 25000


def test_the_api_takes_a_body_past_the_document_limit_but_not_past_its_own(api_as):
    api = api_as("board")
    resp = api.post("/api/v1/members/import", data=big_file(), content_type="text/csv")
    assert resp.status_code == 200 and resp.get_json()["created"] == 25000
    resp = api.post("/api/v1/members/import", data=big_file() * 3, content_type="text/csv")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"


def test_other_pages_keep_the_document_limit(client, make_user, sign_in):
    sign_in("board")
    token = csrf_token(client, "/members/new")
    resp = client.post("/members/new", data={"csrf_token": token, "number": "X-1", "name": "x" * (2 * 1024 * 1024)})
    assert resp.status_code == 413
