"""Uploads: the bytes decide the type (not the name), oversize bodies are refused with a clear 413,
path-traversal names stay names, nothing is written when a file is refused, and every download is
an attachment the browser may not sniff. Agreement documents, obligation evidence, roster import."""

from __future__ import annotations

import io
import os

import lxml.html
import pytest

from tests.hostile.conftest import PDF, PNG, audit_head, table_counts

TEXT = b"Just a letter, not a PDF at all.\n" * 10
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
# HTML first, a PDF header further on: a reader or a sniffing browser may take it for either.
POLYGLOT = b"<html><script>alert(1)</script><!--\n%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n-->"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
LIMIT = 200 * 1024  # MAX_UPLOAD_BYTES in the test configuration


def _token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return lxml.html.fromstring(html).xpath('//input[@name="csrf_token"]/@value')[0]


def _files(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


class Unchanged:
    """with Unchanged(app): ... asserts no row, audit event or stored file was added."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self.counts, self.head, self.files = table_counts(), audit_head(), _files(self.app)
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert table_counts() == self.counts
            assert audit_head() == self.head
            assert _files(self.app) == self.files


@pytest.fixture
def staff(sign_in, client, world, token_for):
    """The admin signed in on `client`, with an API token too."""
    sign_in(world.admin)
    return {"Authorization": f"Bearer {token_for(world.admin)}"}


def post_document(client, world, data: bytes, name: str):
    agreement = world.ids["agreement_id"]
    token = _token(client, f"/agreements/{agreement}")
    return client.post(f"/agreements/{agreement}/documents", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def post_document_api(client, world, headers, data: bytes, name: str):
    return client.post(f"/api/v1/agreements/{world.ids['agreement_id']}/documents", headers=headers,
                       content_type="multipart/form-data", data={"file": (io.BytesIO(data), name)})


def post_evidence(client, world, data: bytes, name: str):
    url = f"/obligations/occurrences/{world.ids['occurrence_id']}/fulfil"
    return client.post(url, content_type="multipart/form-data",
                       data={"csrf_token": _token(client, url), "date": "2027-03-15", "note": "paid",
                             "evidence": (io.BytesIO(data), name)})


def post_evidence_api(client, world, headers, data: bytes, name: str):
    return client.post(f"/api/v1/obligations/{world.ids['obligation_id']}/fulfil", headers=headers,
                       content_type="multipart/form-data",
                       data={"date": "2027-03-15", "occurrence_id": str(world.ids["occurrence_id"]),
                             "evidence": (io.BytesIO(data), name)})


LYING = [(TEXT, "contract.pdf"), (HTML, "contract.pdf"), (POLYGLOT, "contract.pdf"), (SVG, "chart.png"),
         (HTML, "page.html"), (b"MZ\x90\x00" + b"\x00" * 60, "setup.docx")]


def test_a_file_that_is_not_what_its_name_says_is_refused(app, client, world, staff):
    for data, name in LYING:
        for post in (post_document, post_evidence):
            with Unchanged(app):
                resp = post(client, world, data, name)
                assert resp.status_code == 422, (name, data[:20], resp.get_data(as_text=True)[:300])
        for post in (post_document_api, post_evidence_api):
            with Unchanged(app):
                resp = post(client, world, staff, data, name)
                assert resp.status_code == 422, (name, data[:20], resp.get_data(as_text=True)[:300])


def test_the_content_wins_a_png_is_kept_as_a_png(app, client, world, staff):
    # (A PNG named scan.pdf is refused: tests/hostile/test_upload_names.py.)
    resp = post_document_api(client, world, staff, PNG, "scan")
    assert resp.status_code == 201
    doc = resp.get_json()
    assert doc["content_type"] == "image/png" and doc["original_name"] == "scan.png"
    stored = _files(app)
    assert any(n.endswith(".png") for n in stored) and not any("scan" in n for n in stored)
    download = client.get(f"/agreements/{world.ids['agreement_id']}/documents/{doc['id']}")
    assert download.mimetype == "image/png"


def test_traversal_names_stay_names_in_documents_and_evidence(app, client, world, staff):
    folder = os.path.realpath(app.config["UPLOAD_DIR"])
    before = _files(app)
    assert post_document(client, world, PDF, "../../../../etc/cron.d/evil.pdf").status_code == 302
    assert post_evidence(client, world, PNG, "..\\..\\windows\\evil.png").status_code == 302
    new = _files(app) - before
    assert len(new) == 2 and not {"evil.pdf", "evil.png"} & new
    assert all(os.path.realpath(os.path.join(folder, n)).startswith(folder + os.sep) for n in new)
    from sqlalchemy import select

    from govtrack.agreements.models import Document
    from govtrack.extensions import db
    from govtrack.obligations.models import EvidenceFile

    names = set(db.session.scalars(select(Document.original_name))) | set(
        db.session.scalars(select(EvidenceFile.original_name)))
    # (The multipart parser reads backslashes as quoting, so that name arrives as "..\.\windows..." first.)
    assert "evil.pdf" in names and any(n.endswith("evil.png") for n in names)
    assert not any("/" in n or "\\" in n or n.startswith(".") for n in names)


def test_a_file_past_the_upload_limit_is_refused_with_413(app, client, world, staff):
    big = PDF + b"0" * (LIMIT + 10)  # under MAX_CONTENT_LENGTH: the upload check refuses it
    for post in (lambda: post_document(client, world, big, "big.pdf"),
                 lambda: post_evidence(client, world, big, "big.pdf")):
        with Unchanged(app):
            resp = post()
            assert resp.status_code == 413 and resp.mimetype == "text/html"
            assert "larger than" in resp.get_data(as_text=True)
    for post in (lambda: post_document_api(client, world, staff, big, "big.pdf"),
                 lambda: post_evidence_api(client, world, staff, big, "big.pdf")):
        with Unchanged(app):
            resp = post()
            assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_large"


def test_a_body_past_max_content_length_is_refused_with_413(app, client, world, staff):
    huge = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    for post in (lambda: post_document(client, world, huge, "huge.pdf"),
                 lambda: post_evidence(client, world, huge, "huge.pdf")):
        with Unchanged(app):
            resp = post()
            assert resp.status_code == 413 and resp.mimetype == "text/html"
            html = resp.get_data(as_text=True)
            assert "The upload is too large." in html and "<nav" in html  # a whole page, with the way back
    for post in (lambda: post_document_api(client, world, staff, huge, "huge.pdf"),
                 lambda: post_evidence_api(client, world, staff, huge, "huge.pdf"),
                 lambda: client.post("/api/v1/partners", headers=staff, json={"name": "x" * len(huge),
                                                                              "category": "other"})):
        with Unchanged(app):
            resp = post()
            assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_large"


def test_downloads_are_attachments_the_browser_may_not_sniff(client, world, staff):
    doc = world.objects["doc"]
    active = world.objects["active"]
    urls = [f"/agreements/{active.id}/documents/{doc.id}", f"/api/v1/agreements/{active.id}/documents/{doc.id}",
            f"/obligations/evidence/{world.ids['evidence_id']}", "/obligations/export.csv", "/obligations/maturity.csv",
            "/obligations/export.xlsx", "/obligations/maturity.xlsx"]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert resp.headers["Content-Disposition"].startswith("attachment"), url
        assert resp.headers["X-Content-Type-Options"] == "nosniff", url
        assert resp.mimetype not in {"text/html", "image/svg+xml", "application/xhtml+xml"}, url
        resp.close()  # a streamed CSV left open would end its request context later, out of order


class TestRosterImport:
    @pytest.fixture
    def app_config(self):
        return {"MEMBER_IMPORT_MAX_BYTES": 300 * 1024}

    def _post(self, client, data: bytes, name: str):
        token = _token(client, "/members/import")
        return client.post("/members/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(data), name)})

    @pytest.mark.parametrize(("data", "name"), [(PNG, "roster.csv"), (PDF, "roster.csv"), (HTML, "roster.csv"),
                                                 (b"\xff\xfe\x00n\x00u\x00m", "roster.csv")])
    def test_a_file_that_is_not_a_roster_is_refused(self, app, client, world, staff, data, name):
        with Unchanged(app):
            assert self._post(client, data, name).status_code == 422
        with Unchanged(app):
            resp = client.post("/api/v1/members/import", headers=staff, data=data, content_type="text/csv")
            assert resp.status_code == 422

    def test_the_name_does_not_matter_and_is_never_a_path(self, app, client, world, staff):
        before = _files(app)
        roster = b"number,name,group,joined_on,active,investor\nN-1,Siti,Melati,2020-01-01,1,0\n"
        assert self._post(client, roster, "../../../etc/passwd").status_code == 302
        assert _files(app) == before  # the roster is read, never stored

    def test_a_roster_past_its_limit_is_refused_with_413(self, app, client, world, staff):
        big = b"number,name,group,joined_on,active,investor\n" + b"N-1,Siti,Melati,2020-01-01,1,0\n" * 11000
        assert len(big) > 300 * 1024
        with Unchanged(app):
            resp = self._post(client, big, "roster.csv")
            assert resp.status_code == 413 and "The upload is too large." in resp.get_data(as_text=True)
        with Unchanged(app):
            resp = client.post("/api/v1/members/import", headers=staff, data=big, content_type="text/csv")
            assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_large"
