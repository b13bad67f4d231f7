"""The results API: the contract's shapes (results with indicators, baseline and targets; actuals
with dimensions and documents; verification), its refusals naming fields, and its permissions."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.results.models import Actual, Result
from tests.agreements.conftest import MINIMAL_PDF

RESULT = {
    "title": "Rumah tangga dengan sambungan air baru", "kind": "outcome",
    "indicators": [{
        "title": "Sambungan rumah", "unit": "rumah tangga", "measure": "number", "ascending": True, "code": "SR",
        "baseline": {"year": 2025, "value": 0},
        "targets": [{"period_start": "2026-01-01", "period_end": "2026-03-31", "value": 500},
                    {"period_start": "2026-04-01", "period_end": "2026-06-30", "value": "1000.50"}],
    }],
}


def test_a_result_is_created_and_read_back_as_the_contract_says(api_as, make_agreement):
    agreement = make_agreement("Hibah Air", status="active")
    manager = api_as("manager")
    resp = manager.post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["kind"] == "outcome" and body["agreement_id"] == agreement.id
    [indicator] = body["indicators"]
    assert indicator["baseline"] == {"year": 2025, "value": "0.00"}
    assert [(t["period_start"], t["value"]) for t in indicator["targets"]] == [
        ("2026-01-01", "500.00"), ("2026-04-01", "1000.50")]
    listed = manager.get(f"/api/v1/agreements/{agreement.id}/results").get_json()
    assert listed["next"] is None and listed["items"][0]["indicators"][0]["code"] == "SR"


def test_refusals_name_each_field_and_write_nothing(api_as, make_agreement):
    from datetime import date

    agreement = make_agreement("Hibah Air", status="active", start_date=date(2026, 1, 1))
    manager = api_as("manager")
    bad = {**RESULT, "indicators": [{**RESULT["indicators"][0], "measure": "percentage", "targets": [
        {"period_start": "2025-10-01", "period_end": "2025-12-31", "value": 50},
        {"period_start": "2026-04-01", "period_end": "2026-06-30", "value": 100.5}]}]}
    resp = manager.post(f"/api/v1/agreements/{agreement.id}/results", json=bad)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields == {
        "indicators.0.targets.0.period_start": ["The period starts before the agreement does (2026-01-01)."],
        "indicators.0.targets.1.value": ["A percentage is from 0 to 100."]}
    resp = manager.post(f"/api/v1/agreements/{agreement.id}/results", json={
        **RESULT, "indicators": [{**RESULT["indicators"][0], "targets": [
            {"period_start": "2026-02-01", "period_end": "2026-01-01", "value": True}]}]})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"indicators.0.targets.0.value": [
        "A number of zero or more with at most two decimals, e.g. 1250 or \"87.5\"."]}
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0


def test_an_actual_with_dimensions_and_evidence_is_submitted_and_verified(api_as, make_agreement, make_user,
                                                                          document_of):
    agreement = make_agreement("Hibah Air", status="active")
    manager = api_as("manager")
    indicator = manager.post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT).get_json()["indicators"][0]
    doc = document_of(agreement, name="daftar-penerima.pdf")
    resp = manager.post(f"/api/v1/indicators/{indicator['id']}/actuals", json={
        "period_start": "2026-01-01", "period_end": "2026-03-31", "value": 212,
        "dimensions": {"sex": "female", "region": "Kab. Bogor"}, "document_ids": [doc.id]})
    assert resp.status_code == 201, resp.get_json()
    actual = resp.get_json()
    assert actual["status"] == "draft" and actual["dimensions"] == {"region": "Kab. Bogor", "sex": "female"}
    assert actual["document_ids"] == [doc.id] and actual["value"] == "212.00"
    board = api_as("board")
    assert board.post(f"/api/v1/actuals/{actual['id']}/verify").status_code == 409  # not submitted yet
    assert manager.post(f"/api/v1/actuals/{actual['id']}/verify").status_code == 403  # managers do not verify
    assert manager.post(f"/api/v1/actuals/{actual['id']}/submit").get_json()["status"] == "submitted"
    verified = board.post(f"/api/v1/actuals/{actual['id']}/verify")
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    assert verified.get_json()["verified_at"].endswith("+07:00")
    # A verified actual is not changed; a correction names it.
    again = {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": 215,
             "dimensions": {"sex": "female", "region": "Kab. Bogor"}}
    resp = manager.put(f"/api/v1/actuals/{actual['id']}", json=again)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "actual_verified"
    resp = manager.post(f"/api/v1/indicators/{indicator['id']}/actuals", json=again)
    assert resp.status_code == 422 and "corrects_id" in resp.get_json()["error"]["fields"]
    resp = manager.post(f"/api/v1/indicators/{indicator['id']}/actuals", json={**again, "corrects_id": actual["id"]})
    assert resp.status_code == 201 and resp.get_json()["corrects_id"] == actual["id"]
    shown = board.get(f"/api/v1/indicators/{indicator['id']}").get_json()["actuals"]
    assert [(a["value"], a["status"], a["counts"]) for a in shown] == [
        ("212.00", "verified", True), ("215.00", "draft", False)]


def test_the_one_who_entered_an_actual_does_not_verify_it(api_as, make_user, make_agreement):
    agreement = make_agreement("Hibah Air", status="active")
    admin = api_as(make_user("admin"))
    indicator = admin.post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT).get_json()["indicators"][0]
    actual = admin.post(f"/api/v1/indicators/{indicator['id']}/actuals", json={
        "period_start": "2026-01-01", "period_end": "2026-03-31", "value": 10}).get_json()
    admin.post(f"/api/v1/actuals/{actual['id']}/submit")
    resp = admin.post(f"/api/v1/actuals/{actual['id']}/verify")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "own_actual"
    assert db.session.get(Actual, actual["id"]).status == "submitted"


def test_permissions_and_missing_objects(api_as, make_agreement):
    agreement = make_agreement("Hibah Air", status="active", visibility="public")
    assert api_as(None).get(f"/api/v1/agreements/{agreement.id}/results").status_code == 401
    member = api_as("member")
    assert member.get(f"/api/v1/agreements/{agreement.id}/results").status_code == 403
    assert member.post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT).status_code == 403
    assert api_as("board").post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT).status_code == 403
    manager = api_as("manager")
    assert manager.get("/api/v1/agreements/987654/results").status_code == 404
    assert manager.get("/api/v1/indicators/987654").status_code == 404
    assert manager.post("/api/v1/actuals/987654/submit").status_code == 404


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/agreements/{agreement_id}/results", "/api/v1/indicators/{indicator_id}/actuals",
                 "/api/v1/actuals/{actual_id}/verify", "/api/v1/actuals/{actual_id}",
                 "/api/v1/agreements/{agreement_id}/results/import"):
        assert path in paths, path


def test_an_uploaded_file_is_not_an_actual_s_evidence_through_another_agreement(api_as, make_agreement,
                                                                                 document_of):
    agreement, other = make_agreement("A", status="active"), make_agreement("B", status="active")
    manager = api_as("manager")
    indicator = manager.post(f"/api/v1/agreements/{agreement.id}/results", json=RESULT).get_json()["indicators"][0]
    foreign = document_of(other)
    resp = manager.post(f"/api/v1/indicators/{indicator['id']}/actuals", json={
        "period_start": "2026-01-01", "period_end": "2026-03-31", "value": 1, "document_ids": [foreign.id]})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {
        "document_ids.0": [f"No document {foreign.id} among this agreement's documents."]}
    assert MINIMAL_PDF and io  # the helper's PDF is what document_of attaches
