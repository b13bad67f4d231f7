"""Agreements through the JSON API: terms, clauses, dependencies, lifecycle, documents, visibility."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from govtrack.agreements.models import Agreement, Document
from govtrack.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _body(partner_id: int, **kw) -> dict:
    body = {
        "title": "Hibah air bersih Desa Sukamaju",
        "reference": "PKS/001/2026",
        "kind": "grant",
        "parties": [{"partner_id": partner_id, "role": "funder"}],
        "value": {"amount": "1500000.00", "currency": "IDR"},
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "clauses": [{"text": "Dana disalurkan per termin."}, {"text": "Laporan triwulan.", "proposed_by": "partner"}],
    }
    body.update(kw)
    return body


def _count(model=Agreement) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_an_agreement_with_parties_clauses_and_money(api_as, make_partner):
    funder = make_partner("Yayasan Tirta")
    resp = api_as("manager").post("/api/v1/agreements", json=_body(funder.id))
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "draft"
    assert body["value"] == {"amount": "1500000.00", "currency": "IDR"}
    assert [c["number"] for c in body["clauses"]] == [1, 2]
    assert body["clauses"][1]["proposed_by"] == "partner"
    assert body["parties"] == [{"partner_id": funder.id, "role": "funder", "partner_name": "Yayasan Tirta"}]
    assert body["decisions"] == []


def test_end_before_start_is_refused(api_as, make_partner):
    resp = api_as("manager").post(
        "/api/v1/agreements", json=_body(make_partner().id, start_date="2026-05-01", end_date="2026-04-30")
    )
    assert resp.status_code == 422
    assert "end_date" in resp.get_json()["error"]["fields"]
    assert _count() == 0


def test_bad_money_and_unknown_partner(api_as):
    api = api_as("manager")
    resp = api.post("/api/v1/agreements", json=_body(1, value={"amount": "12.345", "currency": "IDR"}))
    assert resp.status_code == 422 and "value.amount" in resp.get_json()["error"]["fields"]
    resp = api.post("/api/v1/agreements", json=_body(424242))
    assert resp.status_code == 422 and "parties" in resp.get_json()["error"]["fields"]
    assert _count() == 0


def test_duplicate_reference_is_409(api_as, make_partner):
    api = api_as("manager")
    partner = make_partner()
    assert api.post("/api/v1/agreements", json=_body(partner.id)).status_code == 201
    resp = api.post("/api/v1/agreements", json=_body(partner.id))
    assert resp.status_code == 409
    assert _count() == 1


def test_dependency_cycle_is_409(api_as, make_agreement):
    a = make_agreement("Grant")
    b = make_agreement("Construction", depends_on=[a.id])
    c = make_agreement("Supply", depends_on=[b.id])
    api = api_as("manager")
    resp = api.patch(f"/api/v1/agreements/{a.id}", json={"depends_on": [c.id]})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "dependency_cycle"
    loop = "Grant → Supply → Construction → Grant"
    assert resp.get_json()["error"]["message"] == f"This dependency would make a cycle: {loop}."
    assert resp.get_json()["error"]["fields"]["depends_on"] == [f"Cycle: {loop}."]
    assert api.get(f"/api/v1/agreements/{a.id}").get_json()["depends_on"] == []
    resp = api.patch(f"/api/v1/agreements/{a.id}", json={"depends_on": [a.id]})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["fields"]["depends_on"] == ["Cycle: Grant → Grant."]
    assert api.get(f"/api/v1/agreements/{c.id}").get_json()["depends_on"] == [b.id]


def test_terms_change_only_while_draft(api_as, make_agreement):
    agreement = make_agreement("Loan", kind="loan", status="active")
    api = api_as("manager")
    resp = api.patch(f"/api/v1/agreements/{agreement.id}", json={"title": "Changed"})
    assert resp.status_code == 409
    resp = api.patch(f"/api/v1/agreements/{agreement.id}", json={"visibility": "members"})
    assert resp.status_code == 200 and resp.get_json()["visibility"] == "members"


def test_edit_clauses_of_a_draft_keeps_numbers_unique(api_as, make_agreement):
    agreement = make_agreement("Draft", clauses=["one", "two"])
    api = api_as("manager")
    current = api.get(f"/api/v1/agreements/{agreement.id}").get_json()["clauses"]
    new = [
        {"id": current[1]["id"], "number": 1, "text": "two, now first"},
        {"id": current[0]["id"], "number": 2, "text": "one"},
        {"text": "three"},
    ]
    resp = api.patch(f"/api/v1/agreements/{agreement.id}", json={"clauses": new})
    assert resp.status_code == 200, resp.get_json()
    assert [(c["number"], c["text"]) for c in resp.get_json()["clauses"]] == [
        (1, "two, now first"), (2, "one"), (3, "three"),
    ]


def test_transitions_need_decisions_and_follow_the_lifecycle(api_as, make_agreement):
    api = api_as("manager")
    draft = make_agreement("Draft")
    for target in ("approved", "rejected", "terminated"):
        resp = api.post(f"/api/v1/agreements/{draft.id}/transition", json={"to": target})
        assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
    resp = api.post(f"/api/v1/agreements/{draft.id}/transition", json={"to": "active"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "invalid_transition"
    approved = make_agreement("Approved", status="approved")
    resp = api.post(f"/api/v1/agreements/{approved.id}/transition", json={"to": "active"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "active"
    resp = api.post(f"/api/v1/agreements/{approved.id}/transition", json={"to": "suspended"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "suspended"
    resp = api.post(f"/api/v1/agreements/{approved.id}/transition", json={"to": "draft"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "invalid_transition"
    resp = api.post(f"/api/v1/agreements/{approved.id}/transition", json={"to": "flying"})
    assert resp.status_code == 422


def test_filters(api_as, make_partner, make_agreement):
    bank = make_partner("Bank", category="financial_institution")
    make_agreement("Loan A", kind="loan", parties=[(bank, "lender")], status="active")
    make_agreement("Grant B", kind="grant")
    api = api_as("board")
    items = api.get(f"/api/v1/agreements?partner_id={bank.id}").get_json()["items"]
    assert [a["title"] for a in items] == ["Loan A"]
    items = api.get("/api/v1/agreements?status=draft").get_json()["items"]
    assert [a["title"] for a in items] == ["Grant B"]
    items = api.get("/api/v1/agreements?q=loan").get_json()["items"]
    assert [a["title"] for a in items] == ["Loan A"]


def test_members_and_anonymous_cannot_use_the_staff_api(api_as, make_agreement):
    agreement = make_agreement("Internal")
    assert api_as("member").get(f"/api/v1/agreements/{agreement.id}").status_code == 403
    assert api_as(None).get(f"/api/v1/agreements/{agreement.id}").status_code == 401
    assert api_as("board").post("/api/v1/agreements", json={}).status_code == 403


def test_document_upload_checks_size_and_content(api_as, make_agreement, app):
    import os

    agreement = make_agreement("With documents")
    api = api_as("manager")
    url = f"/api/v1/agreements/{agreement.id}/documents"
    ok = api.post(url, data={"file": (io.BytesIO(PDF), "perjanjian.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 201 and ok.get_json()["content_type"] == "application/pdf"
    lying = api.post(url, data={"file": (io.BytesIO(b"MZ not a pdf at all"), "x.pdf")},
                     content_type="multipart/form-data")
    assert lying.status_code == 422 and "file" in lying.get_json()["error"]["fields"]
    big = PDF + b"0" * (app.config["MAX_UPLOAD_BYTES"] + 1)
    too_big = api.post(url, data={"file": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data")
    assert too_big.status_code == 413
    assert _count(Document) == 1
    assert len(os.listdir(app.config["UPLOAD_DIR"])) == 1

    doc_id = ok.get_json()["id"]
    download = api.get(f"/api/v1/agreements/{agreement.id}/documents/{doc_id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    # a member asking by id for an internal agreement's document: as if it did not exist
    assert api_as("member").get(f"/api/v1/agreements/{agreement.id}/documents/{doc_id}").status_code == 404
    assert api_as(None).get(f"/api/v1/agreements/{agreement.id}/documents/{doc_id}").status_code == 404


def test_public_agreement_document_is_downloadable_anonymously(api_as, make_agreement):
    agreement = make_agreement("Public", visibility="public", status="active")
    doc = api_as("manager").post(
        f"/api/v1/agreements/{agreement.id}/documents",
        data={"file": (io.BytesIO(PDF), "public.pdf")}, content_type="multipart/form-data",
    ).get_json()
    assert api_as(None).get(f"/api/v1/agreements/{agreement.id}/documents/{doc['id']}").status_code == 200


def test_list_items_carry_the_same_clauses_and_history_as_the_agreement(api_as, make_agreement):
    # The list reads clauses as rows (no ORM objects); what it shows must be what GET one shows.
    edited = make_agreement("Draft", clauses=["one", "two"])
    make_agreement("Other", clauses=["alpha"])
    make_agreement("No clauses", clauses=[])
    api = api_as("manager")
    current = api.get(f"/api/v1/agreements/{edited.id}").get_json()["clauses"]
    api.patch(f"/api/v1/agreements/{edited.id}", json={"clauses": [
        {"id": current[1]["id"], "number": 1, "text": "two, now first"},
        {"id": current[0]["id"], "number": 2, "text": "one"},
        {"text": "three"},
    ]})
    items = api.get("/api/v1/agreements").get_json()["items"]
    assert len(items) == 3
    for item in items:
        one = api.get(f"/api/v1/agreements/{item['id']}").get_json()
        assert item["clauses"] == one["clauses"]
        assert item["parties"] == one["parties"] and item["decisions"] == one["decisions"]
    by_title = {i["title"]: i for i in items}
    assert [c["text"] for c in by_title["Draft"]["clauses"]] == ["two, now first", "one", "three"]
    assert by_title["No clauses"]["clauses"] == []
