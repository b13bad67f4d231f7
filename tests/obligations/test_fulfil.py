"""Fulfilment: partial payments against the amount, evidence files under the upload rules, and
nothing written when a request is refused."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.obligations.models import EvidenceFile, Payment
from tests.conftest import PASSWORD, csrf_token
from tests.obligations.conftest import occurrences_of

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _uploads(app) -> list:
    path = Path(app.config["UPLOAD_DIR"])
    return list(path.iterdir()) if path.exists() else []


def test_partial_payments_then_fulfilled_when_paid_in_full(app, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1), amount="1000000.00")
    api = api_as(setting["manager"])
    resp = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-02", "amount": "400000", "note": "first"})
    assert resp.status_code == 200, resp.get_json()
    occ = resp.get_json()["occurrences"][0]
    assert occ["status"] == "overdue" and occ["remaining"] == {"amount": "600000.00", "currency": "IDR"}
    assert occ["fulfilled_on"] is None

    too_much = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-03", "amount": "600000.01"})
    assert too_much.status_code == 422 and "amount" in too_much.get_json()["error"]["fields"]

    resp = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-10", "amount": "600000"})
    occ = resp.get_json()["occurrences"][0]
    assert occ["status"] == "fulfilled" and occ["fulfilled_on"] == "2027-03-10"
    assert occ["paid"]["amount"] == "1000000.00" and len(occ["payments"]) == 2
    # Nothing is open any more.
    again = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-11"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "nothing_open"


def test_fulfil_without_occurrence_id_takes_the_earliest_open_one(app, api_as, setting, make_obligation, today):
    ob = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=20;COUNT=3", starts_on=D(2027, 1, 1), kind="report")
    api = api_as(setting["manager"])
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-01-04", "note": "sent"}).get_json()
    assert [o["status"] for o in body["occurrences"]] == ["fulfilled", "overdue", "due_soon"]
    third = body["occurrences"][2]["id"]
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-15", "occurrence_id": third}).get_json()
    assert [o["status"] for o in body["occurrences"]] == ["fulfilled", "overdue", "fulfilled"]


def test_fulfil_with_evidence_file_stores_it_and_downloads_only_for_staff(
    app, client, api_as, sign_in, make_user, setting, make_obligation, today
):
    ob = make_obligation(due_date=D(2027, 3, 1), kind="report")
    api = api_as(setting["manager"])
    resp = api.post(f"/api/v1/obligations/{ob.id}/fulfil", data={
        "date": "2027-03-01", "note": "report delivered",
        "evidence": (io.BytesIO(PDF), "laporan Q1.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    evidence = resp.get_json()["occurrences"][0]["evidence"]
    assert evidence[0]["original_name"] == "laporan Q1.pdf" and evidence[0]["content_type"] == "application/pdf"

    sign_in(setting["manager"])
    dl = client.get(f"/obligations/evidence/{evidence[0]['id']}")
    assert dl.status_code == 200 and dl.data == PDF
    member_client = app.test_client()
    member = make_user("member")
    r = member_client.post("/login", data={"email": member.email, "password": PASSWORD,
                                       "csrf_token": csrf_token(member_client, "/login")})
    assert r.status_code == 302
    assert member_client.get(f"/obligations/evidence/{evidence[0]['id']}").status_code == 403
    assert app.test_client().get(f"/obligations/evidence/{evidence[0]['id']}").status_code == 302


def test_a_refused_file_type_is_a_clear_422_and_nothing_is_written(app, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1), amount="500")
    api = api_as(setting["manager"])
    resp = api.post(f"/api/v1/obligations/{ob.id}/fulfil", data={
        "date": "2027-03-01", "evidence": (io.BytesIO(b"#!/bin/sh\necho hi\n"), "receipt.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert "evidence" in err["fields"] and "not accepted" in err["message"]
    occ = occurrences_of(ob.id)[0]
    assert occ.paid_amount == Decimal("0") and occ.fulfilled_on is None
    assert _count(Payment) == 0 and _count(EvidenceFile) == 0 and _uploads(app) == []


def test_an_oversized_file_is_413_and_nothing_is_written(app, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    big = PDF + b"0" * (app.config["MAX_UPLOAD_BYTES"] + 10)
    resp = api_as(setting["manager"]).post(f"/api/v1/obligations/{ob.id}/fulfil", data={
        "date": "2027-03-01", "evidence": (io.BytesIO(big), "big.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_large"
    assert occurrences_of(ob.id)[0].fulfilled_on is None
    assert _count(Payment) == 0 and _count(EvidenceFile) == 0 and _uploads(app) == []


def test_the_web_form_shows_the_refusal_beside_the_file_field(app, client, sign_in, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    url = f"/obligations/occurrences/{occ.id}/fulfil"
    resp = client.post(url, data={
        "csrf_token": csrf_token(client, url), "date": "2027-03-01",
        "evidence": (io.BytesIO(b"plain text, not a document"), "note.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "File type not accepted." in html and "evidence-errors" in html
    assert _count(Payment) == 0 and _uploads(app) == []

    ok = client.post(url, data={"csrf_token": csrf_token(client, url), "date": "2027-03-01", "note": "ok",
                                "evidence": (io.BytesIO(PDF), "bukti.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    db.session.expire_all()
    assert occurrences_of(ob.id)[0].fulfilled_on == D(2027, 3, 1) and len(_uploads(app)) == 1


def test_an_obligation_without_amount_is_marked_done_and_refuses_an_amount(app, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 20), kind="report")
    api = api_as(setting["manager"])
    refused = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-20", "amount": "5"})
    assert refused.status_code == 422
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-19"}).get_json()
    assert body["status"] == "fulfilled" and body["occurrences"][0]["paid"] is None
