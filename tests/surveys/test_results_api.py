"""The results API (GET /api/v1/surveys/{id}/results) and the evidence API: POST/GET
/api/v1/motions/{id}/evidence (and agenda items, clauses), DELETE /api/v1/evidence/{id}."""

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.surveys.models import SurveyEvidence
from tests.surveys.test_results_pages import reference_margin


def test_staff_read_the_whole_result(api_as, answered):
    survey = answered()
    resp = api_as("manager").get(f"/api/v1/surveys/{survey.id}/results")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["responses"], body["sample"], body["population"]) == (18, 19, 19)
    assert body["response_rate"] == pytest.approx(18 / 19)
    assert [q["key"] for q in body["questions"]] == ["air_bersih", "sumber", "kebutuhan", "biaya", "catatan"]
    sumber = body["questions"][1]
    assert sumber["counts"] == {"Sumur": 9, "PDAM": 9, "Sungai": 0}
    assert sumber["shares"]["Sumur"] == pytest.approx(0.5)
    assert sumber["margin"]["Sumur"] == pytest.approx(reference_margin(0.5, 18, 19))
    by_region = {g["region"]: g for g in sumber["by_region"]}
    assert by_region["Cibinong"]["counts"] == {"Sumur": 0, "PDAM": 9, "Sungai": 0}
    assert by_region["Cibinong"]["sample"] == 10 and by_region["Cibinong"]["respondents"] == 9
    biaya = body["questions"][3]
    assert (biaya["mean"], biaya["median"], biaya["min"], biaya["max"]) == (pytest.approx(27777.78, abs=0.01), 30000,
                                                                           10000, 50000)
    assert body["questions"][4]["respondents"] == 1 and "Air keruh" not in resp.get_data(as_text=True)
    # The per-centre tables only when asked for (megabytes at thousands of centres).
    assert all("by_centre" not in q for q in body["questions"])
    with_centres = api_as("manager").get(f"/api/v1/surveys/{survey.id}/results?centres=true").get_json()
    assert sum(g["respondents"] for g in with_centres["questions"][1]["by_centre"]) == 18
    assert api_as("member").get(f"/api/v1/surveys/{survey.id}/results?centres=true").status_code == 404  # internal
    assert api_as("manager").get("/api/v1/surveys/9999/results").status_code == 404


def test_an_internal_survey_is_404_to_members_and_visitors(api_as, answered):
    survey = answered("internal")
    for who in ("member", None):
        resp = api_as(who).get(f"/api/v1/surveys/{survey.id}/results")
        assert resp.status_code == 404 and "error" in resp.get_json()


def test_attach_read_and_delete_evidence_on_a_motion(api_as, answered, decided):
    survey = answered("members")
    api = api_as("manager")
    motion = decided["motion"]
    resp = api.post(f"/api/v1/motions/{motion.id}/evidence",
                    json={"survey_id": survey.id, "question_key": "sumber", "region": "Parung", "note": "Dasar"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {k: body[k] for k in ("survey_id", "survey_title", "question_key", "region", "note", "motion_id",
                                 "clause_id", "agenda_item_id")} == {
        "survey_id": survey.id, "survey_title": "Survei kebutuhan air 2026", "question_key": "sumber", "region": "Parung",
        "note": "Dasar", "motion_id": motion.id, "clause_id": None, "agenda_item_id": None}
    again = api.post(f"/api/v1/motions/{motion.id}/evidence",
                     json={"survey_id": survey.id, "question_key": "sumber", "region": "Parung"})
    assert again.status_code == 409
    listed = api.get(f"/api/v1/motions/{motion.id}/evidence")
    assert listed.status_code == 200 and [e["id"] for e in listed.get_json()] == [body["id"]]
    assert api_as("member").delete(f"/api/v1/evidence/{body['id']}").status_code == 403
    assert api.delete(f"/api/v1/evidence/{body['id']}").status_code == 204
    assert api.delete(f"/api/v1/evidence/{body['id']}").status_code == 404
    assert api.get(f"/api/v1/motions/{motion.id}/evidence").get_json() == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.evidence.remove")) is not None


def test_errors_name_the_field_and_change_nothing(api_as, answered, decided):
    survey = answered("members")
    api = api_as("manager")
    url = f"/api/v1/motions/{decided['motion'].id}/evidence"
    bad = api.post(url, json={"survey_id": survey.id, "question_key": "nope", "region": "Mars"})
    assert bad.status_code == 422 and {"question_key", "region"} <= set(bad.get_json()["error"]["fields"])
    missing = api.post(url, json={"survey_id": 9999})
    assert missing.status_code == 422 and "survey_id" in missing.get_json()["error"]["fields"]
    assert api.post(url, json={}).status_code == 422
    assert api.post(url, json={"survey_id": survey.id, "colour": "red"}).status_code == 422
    assert api.post("/api/v1/motions/9999/evidence", json={"survey_id": survey.id}).status_code == 404
    assert api_as("officer").post(url, json={"survey_id": survey.id}).status_code == 403
    assert api_as(None).post(url, json={"survey_id": survey.id}).status_code == 401
    assert db.session.scalar(select(db.func.count()).select_from(SurveyEvidence)) == 0


def test_agenda_items_and_clauses_take_evidence_too(api_as, answered, decided):
    survey = answered("members")
    api = api_as("board")
    item, clause = decided["item"], decided["clauses"][2]
    a = api.post(f"/api/v1/agenda-items/{item.id}/evidence", json={"survey_id": survey.id})
    c = api.post(f"/api/v1/clauses/{clause.id}/evidence", json={"survey_id": survey.id, "question_key": "biaya"})
    assert (a.status_code, c.status_code) == (201, 201)
    assert a.get_json()["agenda_item_id"] == item.id and c.get_json()["clause_id"] == clause.id
    assert [e["question_key"] for e in api.get(f"/api/v1/clauses/{clause.id}/evidence").get_json()] == ["biaya"]
    assert [e["question_key"] for e in api.get(f"/api/v1/agenda-items/{item.id}/evidence").get_json()] == [None]
    assert api_as("member").get(f"/api/v1/clauses/{clause.id}/evidence").status_code == 403
    assert api.get("/api/v1/clauses/9999/evidence").status_code == 404


def test_the_openapi_document_lists_the_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/surveys/{survey_id}/results", "/api/v1/motions/{motion_id}/evidence",
                 "/api/v1/agenda-items/{item_id}/evidence", "/api/v1/clauses/{clause_id}/evidence",
                 "/api/v1/evidence/{evidence_id}"):
        assert path in spec["paths"], path
