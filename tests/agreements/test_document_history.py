"""Issue 17: a document can be replaced (the earlier file kept in its history, listed and
downloadable by staff) and removed by a manager with a reason (kept, audited, shown as removed; its
file no longer served to members or the public). Pages and API, the upload rules of an upload."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from govtrack.agreements.models import Document, DocumentVersion
from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from tests.agreements.conftest import MINIMAL_PDF, field_errors, upload_files
from tests.conftest import csrf_token

NEW_PDF = MINIMAL_PDF.replace(b"/Count 0", b"/Count 0 /Version 2")
REASON = "Salah unggah: draf lama, bukan yang ditandatangani."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def published(make_agreement, document_of):
    agreement = make_agreement("Hibah Air", visibility="public", status="active")
    return agreement, document_of(agreement, "perjanjian-v1.pdf")


def _replace(client, agreement, doc, data=NEW_PDF, name="perjanjian-v2.pdf"):
    url = f"/agreements/{agreement.id}/documents/{doc.id}/replace"
    return client.post(url, data={"file": (io.BytesIO(data), name), "csrf_token": csrf_token(client, url)})


def _remove(client, agreement, doc, reason=REASON):
    url = f"/agreements/{agreement.id}/documents/{doc.id}/remove"
    return client.post(url, data={"reason": reason, "csrf_token": csrf_token(client, url)})


# ---- pages ----

def test_a_manager_replaces_a_document_and_the_earlier_file_stays_in_its_history(client, app, sign_in, published):
    agreement, doc = published
    sign_in("manager")
    page = client.get(f"/agreements/{agreement.id}/documents/{doc.id}/replace")
    assert page.status_code == 200 and "perjanjian-v1.pdf" in page.get_data(as_text=True)
    resp = _replace(client, agreement, doc)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/agreements/{agreement.id}#documents")
    db.session.expire_all()
    current = db.session.get(Document, doc.id)
    version = db.session.scalar(select(DocumentVersion))
    assert current.original_name == "perjanjian-v2.pdf" and version.original_name == "perjanjian-v1.pdf"
    assert sorted(upload_files(app)) == sorted([current.stored_name, version.stored_name])  # both kept
    # The same link serves the new file to everyone who may see the agreement.
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id}").data == NEW_PDF
    assert app.test_client().get(f"/agreements/{agreement.id}/documents/{doc.id}").data == NEW_PDF
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    old_link = f"/agreements/{agreement.id}/documents/{doc.id}/versions/{version.id}"
    assert "1 earlier file" in html and old_link in html and "perjanjian-v1.pdf" in html
    old = client.get(old_link)
    assert old.status_code == 200 and old.data == MINIMAL_PDF and "perjanjian-v1.pdf" in old.headers[
        "Content-Disposition"]
    (event,) = events("document.replace")
    assert event.object_id == agreement.id and "perjanjian-v1.pdf" in event.before and "perjanjian-v2.pdf" in event.after


def test_a_replacement_follows_the_upload_rules_and_writes_nothing_when_refused(client, app, sign_in, published):
    agreement, doc = published
    sign_in("manager")
    before, files = count(AuditEvent), upload_files(app)
    for data, name, status, message in [(b"plain text, not a PDF\n" * 20, "v2.pdf", 422, "File type not accepted"),
                                        (MINIMAL_PDF + b"\0" * (200 * 1024), "v2.pdf", 413, "Too large"),
                                        (MINIMAL_PDF, "v2.html", 422, "")]:
        resp = _replace(client, agreement, doc, data, name)
        assert resp.status_code == status, name
        assert field_errors(resp.get_data(as_text=True), "file") and message in field_errors(
            resp.get_data(as_text=True), "file")
    url = f"/agreements/{agreement.id}/documents/{doc.id}/replace"
    assert client.post(url, data={"csrf_token": csrf_token(client, url)}).status_code == 422
    assert count(DocumentVersion) == 0 and count(AuditEvent) == before and upload_files(app) == files


def test_earlier_files_are_for_staff_only(client, app, sign_in, published, make_user):
    agreement, doc = published
    sign_in("manager")
    _replace(client, agreement, doc)
    version = db.session.scalar(select(DocumentVersion))
    url = f"/agreements/{agreement.id}/documents/{doc.id}/versions/{version.id}"
    api_url = f"/api/v1/agreements/{agreement.id}/documents/{doc.id}/versions/{version.id}"
    board = app.test_client()
    sign_in("board", client=board)
    assert board.get(url).status_code == 200 and board.get(api_url).status_code == 200
    member = app.test_client()
    sign_in("member", client=member)
    assert member.get(url).status_code == 403 and member.get(api_url).status_code == 403
    assert app.test_client().get(url).status_code == 302  # to the sign-in page
    portal = member.get(f"/published/{agreement.id}").get_data(as_text=True)
    assert "perjanjian-v2.pdf" in portal and "perjanjian-v1.pdf" not in portal and "/versions/" not in portal
    # A version is served only under its own document and agreement.
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id + 1}/versions/{version.id}").status_code == 404
    assert client.get(f"/agreements/{agreement.id + 1}/documents/{doc.id}/versions/{version.id}").status_code == 404


def test_a_manager_removes_a_document_with_a_reason(client, app, sign_in, published):
    agreement, doc = published
    manager = sign_in("manager")
    page = client.get(f"/agreements/{agreement.id}/documents/{doc.id}/remove")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    resp = _remove(client, agreement, doc, reason="   ")
    assert resp.status_code == 422 and field_errors(resp.get_data(as_text=True), "reason")
    assert db.session.get(Document, doc.id).removed_at is None and events("document.remove") == []
    resp = _remove(client, agreement, doc)
    assert resp.status_code == 302
    db.session.expire_all()
    removed = db.session.get(Document, doc.id)
    assert removed.removal_reason == REASON and removed.removed_by_id == manager.id and removed.removed_at
    (event,) = events("document.remove")
    assert REASON in event.after and "perjanjian-v1.pdf" in event.before
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "removed" in html and REASON in html and manager.name in html and "<del>" in html
    assert f"/documents/{doc.id}/replace" not in html  # a removed document is not replaced
    # Staff still download it (the record is kept); members and the public no longer do.
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id}").data == MINIMAL_PDF
    assert upload_files(app) == [removed.stored_name]
    anonymous, member = app.test_client(), app.test_client()
    sign_in("member", client=member)
    for who in (anonymous, member):
        assert who.get(f"/agreements/{agreement.id}/documents/{doc.id}").status_code == 404
        assert who.get(f"/api/v1/agreements/{agreement.id}/documents/{doc.id}").status_code == 404
        portal = who.get(f"/published/{agreement.id}").get_data(as_text=True)
        assert "perjanjian-v1.pdf" not in portal and REASON not in portal
    public = anonymous.get("/api/v1/public/agreements").get_json()["items"]
    assert [a["documents"] for a in public] == [[]]
    # Again: refused, nothing written.
    before = count(AuditEvent)
    assert _remove(client, agreement, doc).status_code == 409
    assert _replace(client, agreement, doc).status_code == 409 and count(DocumentVersion) == 0
    assert count(AuditEvent) == before


def test_removal_and_replacement_are_for_managers(client, app, sign_in, published):
    agreement, doc = published
    for role in ("board", "member"):
        other = app.test_client()
        sign_in(role, client=other)
        for action in ("replace", "remove"):
            url = f"/agreements/{agreement.id}/documents/{doc.id}/{action}"
            assert other.get(url).status_code == 403
            assert other.post(url, data={"reason": "x", "csrf_token": csrf_token(other, "/")}).status_code == 403
    sign_in("manager")
    url = f"/agreements/{agreement.id}/documents/{doc.id}/remove"
    assert client.post(url, data={"reason": REASON}).status_code == 400  # no CSRF token
    assert client.get(f"/agreements/{agreement.id}/documents/{doc.id + 99}/remove").status_code == 404
    assert db.session.get(Document, doc.id).removed_at is None


def test_the_pages_speak_indonesian(client, sign_in, published):
    agreement, doc = published
    user = sign_in("manager")
    user.locale = "id"
    db.session.commit()
    page = client.get(f"/agreements/{agreement.id}/documents/{doc.id}/remove").get_data(as_text=True)
    assert "Hapus perjanjian-v1.pdf?" in page and "Mengapa dihapus?" in page
    _remove(client, agreement, doc)
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Dihapus pada" in html and REASON in html


# ---- API ----

def test_the_api_replaces_and_removes_documents(api_as, app, published):
    agreement, doc = published
    api = api_as("manager")
    base = f"/api/v1/agreements/{agreement.id}/documents/{doc.id}"
    resp = api.post(f"{base}/replace", data={"file": (io.BytesIO(NEW_PDF), "v2.pdf")},
                    content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["id"] == doc.id and body["original_name"] == "v2.pdf" and body["removed"] is False
    assert [v["original_name"] for v in body["versions"]] == ["perjanjian-v1.pdf"]
    assert body["versions"][0]["replaced_at"] and body["versions"][0]["sha256"]
    version_id = body["versions"][0]["id"]
    assert api.get(f"{base}/versions/{version_id}").data == MINIMAL_PDF
    refused = api.post(f"{base}/replace", data={"file": (io.BytesIO(b"MZ no"), "x.pdf")},
                       content_type="multipart/form-data")
    assert refused.status_code == 422 and "file" in refused.get_json()["error"]["fields"]
    assert api.post(f"{base}/replace").status_code == 422
    assert api.post(f"{base}/remove", json={}).status_code == 422
    blank = api.post(f"{base}/remove", json={"reason": "  "})
    assert blank.status_code == 422 and blank.get_json()["error"]["fields"]["reason"]
    resp = api.post(f"{base}/remove", json={"reason": REASON})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["removed"] is True and body["removal_reason"] == REASON and body["removed_at"]
    shown = api.get(f"/api/v1/agreements/{agreement.id}").get_json()["documents"]
    assert shown[0]["removed"] is True and len(shown[0]["versions"]) == 1
    again = api.post(f"{base}/remove", json={"reason": REASON})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_removed"
    late = api.post(f"{base}/replace", data={"file": (io.BytesIO(NEW_PDF), "v3.pdf")},
                    content_type="multipart/form-data")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "document_removed"
    assert api_as(None).get(base).status_code == 404
    assert api.get(base).status_code == 200  # staff keep the record
    for role in ("board", "member", None):
        other = api_as(role)
        assert other.post(f"{base}/remove", json={"reason": "x"}).status_code in (401, 403)
        assert other.post(f"{base}/replace").status_code in (401, 403)


def test_the_api_documents_the_new_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ["/api/v1/agreements/{agreement_id}/documents/{document_id}/replace",
                 "/api/v1/agreements/{agreement_id}/documents/{document_id}/remove",
                 "/api/v1/agreements/{agreement_id}/documents/{document_id}/versions/{version_id}"]:
        assert path in paths, path
