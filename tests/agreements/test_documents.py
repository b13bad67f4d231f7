"""Documents on the agreement page: upload checked by size and content, downloads only for those
who may see the agreement (no IDOR through page or API ids)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from govtrack.agreements.models import Document
from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from tests.agreements.conftest import MINIMAL_PDF, field_errors, upload_files
from tests.conftest import session_token


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_stores_the_file_and_it_downloads_intact(client, app, sign_in, make_agreement):
    agreement = make_agreement("Hibah")
    sign_in("manager")
    resp = client.post(f"/agreements/{agreement.id}/documents", data={
        "file": (io.BytesIO(MINIMAL_PDF), "Perjanjian Hibah.pdf"), "csrf_token": session_token(client),
    })
    assert resp.status_code == 302
    doc = db.session.scalar(select(Document))
    assert doc.original_name == "Perjanjian Hibah.pdf" and doc.content_type == "application/pdf"
    assert upload_files(app) == [doc.stored_name] and "Hibah" not in doc.stored_name  # generated name
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    link = f"/agreements/{agreement.id}/documents/{doc.id}"
    assert link in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == MINIMAL_PDF
    assert download.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name,data,status,message", [
    ("laporan.pdf", b"This is plain text pretending to be a PDF.\n" * 20, 422, "File type not accepted"),
    ("besar.pdf", MINIMAL_PDF + b"\0" * (200 * 1024), 413, "Too large"),
    ("kosong.pdf", b"", 422, ""),
])
def test_a_refused_upload_shows_the_error_and_stores_nothing(client, app, sign_in, make_agreement, name, data,
                                                            status, message):
    agreement = make_agreement("Hibah")
    sign_in("manager")
    events = count(AuditEvent)
    resp = client.post(f"/agreements/{agreement.id}/documents", data={
        "file": (io.BytesIO(data), name), "csrf_token": session_token(client),
    })
    assert resp.status_code == status
    errors = field_errors(resp.get_data(as_text=True), "file")
    assert errors and message in errors
    assert count(Document) == 0 and count(AuditEvent) == events
    assert upload_files(app) == []


def test_upload_without_a_file_asks_for_one(client, app, sign_in, make_agreement):
    agreement = make_agreement("Hibah")
    sign_in("manager")
    resp = client.post(f"/agreements/{agreement.id}/documents", data={"csrf_token": session_token(client)})
    assert resp.status_code == 422
    assert "Choose a file" in field_errors(resp.get_data(as_text=True), "file")
    assert count(Document) == 0


def test_a_member_cannot_open_an_internal_agreement_or_its_document_by_id(client, sign_in, make_agreement,
                                                                           document_of, token_for):
    agreement = make_agreement("Internal", visibility="internal", status="active")
    doc = document_of(agreement)
    member = sign_in("member")
    assert client.get(f"/agreements/{agreement.id}").status_code == 403
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id}").status_code == 404
    # the API download route, with the browser session and with a bearer token
    api_url = f"/api/v1/agreements/{agreement.id}/documents/{doc.id}"
    assert client.get(api_url).status_code == 404
    resp = client.get(api_url, headers={"Authorization": f"Bearer {token_for(member)}"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/agreements/{agreement.id}",
                      headers={"Authorization": f"Bearer {token_for(member)}"}).status_code == 403


def test_a_document_is_served_only_under_its_own_agreement(client, sign_in, make_agreement, document_of):
    public = make_agreement("Publik", visibility="public", status="active")
    internal = make_agreement("Internal", visibility="internal", status="active")
    secret = document_of(internal)
    sign_in("member")
    # a visible agreement's URL with another agreement's document id reveals nothing
    assert client.get(f"/agreements/{public.id}/documents/{secret.id}").status_code == 404
    assert client.get(f"/api/v1/agreements/{public.id}/documents/{secret.id}").status_code == 404


@pytest.mark.parametrize("visibility,status,role,expected", [
    ("members", "active", "member", 200),
    ("members", "active", None, 404),
    ("public", "active", None, 200),
    ("public", "draft", None, 404),
    ("public", "draft", "member", 404),
    ("members", "under_deliberation", "member", 404),
])
def test_downloads_follow_who_may_see_the_agreement(client, sign_in, make_agreement, document_of, visibility,
                                                    status, role, expected):
    agreement = make_agreement("Perjanjian", visibility=visibility, status=status)
    doc = document_of(agreement)
    sign_in(role)
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id}").status_code == expected
