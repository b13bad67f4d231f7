"""A stored file's name says what it is: the bytes decide the type, and a name whose extension says
another type is refused (an HTML page that begins with `%PDF`, named poly.html, was kept as a PDF
and downloaded as poly.html). Downloads to signed-in users are never stored by a cache."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import PDF, PNG
from tests.hostile.test_uploads import (
    Unchanged,
    post_document,
    post_document_api,
    post_evidence,
    post_evidence_api,
)

# A PDF to a type sniffer and to a PDF reader, a page to a browser that renders it as poly.html.
POLY = PDF + b"<html><script>alert(document.cookie)</script></html>\n"


@pytest.fixture
def staff(sign_in, client, world, token_for):

    sign_in(world.admin)
    return {"Authorization": f"Bearer {token_for(world.admin)}"}


@pytest.mark.parametrize(("data", "name", "field"), [(POLY, "poly.html", "file"), (PNG, "scan.pdf", "file"),
                                                      (PDF, "laporan.pdf.exe", "file"), (PDF, "surat.PNG", "file")])
def test_a_name_that_says_another_type_is_refused_through_every_door(app, client, world, staff, data, name, field):
    for post, key in ((post_document_api, "file"), (post_evidence_api, "evidence")):
        with Unchanged(app):
            resp = post(client, world, staff, data, name)
            assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
            error = resp.get_json()["error"]
            assert key in error["fields"]
            assert "." + name.rsplit(".", 1)[1] in error["fields"][key][0]
    for post in (post_document, post_evidence):
        with Unchanged(app):
            resp = post(client, world, data, name)
            assert resp.status_code == 422
            assert "does not match" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("data", "name", "kept"), [(PDF, "Laporan Q1.PDF", "Laporan Q1.PDF"),
                                                     (PNG, "foto.png", "foto.png"), (PNG, "scan", "scan.png"),
                                                     (PDF, "surat.v2", None)])
def test_a_matching_name_is_kept_and_a_bare_one_gets_its_extension(client, world, staff, data, name, kept):
    resp = post_document_api(client, world, staff, data, name)
    if kept is None:
        assert resp.status_code == 422 and ".v2" in resp.get_json()["error"]["fields"]["file"][0]
        return
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["original_name"] == kept


def test_jpeg_names_may_say_jpg_or_jpeg(client, world, staff):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
    for name in ("foto.jpg", "foto.jpeg", "FOTO.JPG"):
        assert post_document_api(client, world, staff, jpeg, name).status_code == 201, name


def test_signed_in_downloads_are_not_stored(client, world, staff):
    doc = world.objects["doc"]
    active = world.objects["active"]
    for url, headers in ((f"/agreements/{active.id}/documents/{doc.id}", {}),
                         (f"/api/v1/agreements/{active.id}/documents/{doc.id}", staff),
                         (f"/obligations/evidence/{world.ids['evidence_id']}", {})):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, url
        assert resp.headers["Cache-Control"] == "no-store", (url, resp.headers["Cache-Control"])
        assert "ETag" not in resp.headers and "Last-Modified" not in resp.headers, url
        resp.close()
