"""The surveys API: list and create, read and change (only some fields once answered), redraw,
the responses (only with surveys.answers) and their correction; errors 422 naming the field in the
reader's language; the same permission rules as the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.members.models import Member
from govtrack.surveys import queries, services
from govtrack.surveys.models import SurveyMember
from tests.surveys.conftest import TODAY

ANSWERS = {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000}
BODY = {
    "title": "Survei sanitasi", "purpose": "Kebutuhan jamban.", "opens_on": "2026-11-01", "closes_on": "2026-12-31",
    "visibility": "members", "population": {"regions": ["Cibinong"]}, "sample": {"size": 4, "seed": 42},
    "questions": [{"key": "jamban", "kind": "yes_no", "text": "Punya jamban?"},
                  {"key": "sumber", "kind": "single", "text": "Sumber air?", "choices": ["Sumur", "PDAM"],
                   "required": False}],
}


def answer(survey, member):
    services.record_responses(actor="test", survey=survey, items=[services.ResponseInput(member.id, ANSWERS)],
                              channel="api", today=TODAY)
    db.session.commit()


def test_create_read_and_list(roster, api_as, today):
    api = api_as("manager")
    resp = api.post("/api/v1/surveys", json=BODY)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["population"] == {"regions": ["Cibinong"]} and body["sample"] == {"size": 4, "seed": 42}
    assert (body["population_size"], body["sample_drawn"], body["responses"], body["state"]) == (9, 4, 0, "open")
    assert body["response_rate"] == 0.0
    assert body["questions"][1] == {"key": "sumber", "kind": "single", "text": "Sumber air?",
                                    "choices": ["Sumur", "PDAM"], "required": False}
    assert api.get(f"/api/v1/surveys/{body['id']}").get_json() == body
    listed = api.get("/api/v1/surveys?limit=1").get_json()
    assert [s["id"] for s in listed["items"]] == [body["id"]] and listed["next"] is None
    everyone = api.post("/api/v1/surveys", json={**BODY, "population": "all", "sample": None}).get_json()
    assert everyone["sample"] is None and everyone["sample_drawn"] == 12
    page = api.get("/api/v1/surveys?limit=1").get_json()
    assert [s["id"] for s in page["items"]] == [everyone["id"]] and page["next"]
    assert [s["id"] for s in api.get(f"/api/v1/surveys?limit=1&cursor={page['next']}").get_json()["items"]] == [
        body["id"]]


def test_errors_name_the_field_in_indonesian(roster, api_as, client, today):
    headers = {**api_as("manager").headers, "Accept-Language": "id"}
    bad = {**BODY, "population": {"centre_ids": [99999]},
           "questions": [{"key": "Jamban!", "kind": "yes_no", "text": "Punya?"},
                         {"key": "sumber", "kind": "single", "text": "Sumber?", "choices": ["Sumur"]}]}
    resp = client.post("/api/v1/surveys", json=bad, headers=headers)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields["questions.0.key"][0].startswith("Pertanyaan 1:")
    assert fields["questions.1.choices"] == ["Pertanyaan 2: berikan paling sedikit dua pilihan."]
    assert "99999" in fields["population"][0]
    resp = client.post("/api/v1/surveys", json={**BODY, "population": "some"}, headers=headers)
    assert resp.status_code == 422 and "population" in resp.get_json()["error"]["fields"]
    assert queries.listing() == []


def test_patch_changes_only_some_fields_once_answered(roster, api_as, make_survey, today):
    survey = make_survey()
    api = api_as("manager")
    resp = api.patch(f"/api/v1/surveys/{survey.id}", json={"sample": {"size": 5, "seed": 9}})
    assert resp.status_code == 200 and resp.get_json()["sample_drawn"] == 5
    answer(survey, db.session.get(Member, db.session.scalar(
        select(SurveyMember.member_id).where(SurveyMember.survey_id == survey.id).limit(1))))
    assert api.patch(f"/api/v1/surveys/{survey.id}", json={"title": "Baru", "visibility": "public"}).status_code == 200
    refused = api.patch(f"/api/v1/surveys/{survey.id}", json={"population": "all", "sample": None})
    assert refused.status_code == 422 and "population" in refused.get_json()["error"]["fields"]
    refused = api.patch(f"/api/v1/surveys/{survey.id}", json={"questions": BODY["questions"]})
    assert refused.status_code == 422 and "questions" in refused.get_json()["error"]["fields"]
    assert api.post(f"/api/v1/surveys/{survey.id}/draw", json={}).status_code == 409
    db.session.refresh(survey)
    assert (survey.title, survey.visibility, survey.sample_size) == ("Baru", "public", 5)


def test_redraw_with_a_new_seed(roster, api_as, make_survey, today):
    survey = make_survey(size=6, seed=1)
    resp = api_as("manager").post(f"/api/v1/surveys/{survey.id}/draw", json={"seed": 2})
    assert resp.status_code == 200 and resp.get_json() == {"sample_drawn": 6, "population_size": 12, "seed": 2}
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "survey.draw"))


def test_responses_are_read_with_surveys_answers_and_corrected(roster, api_as, make_survey, client, today):
    survey = make_survey()
    m = roster["members"]["melati"][0]
    answer(survey, m)
    manager = api_as("manager")
    listed = manager.get(f"/api/v1/surveys/{survey.id}/responses").get_json()
    assert [(r["member_id"], r["member_number"], r["answers"]) for r in listed["items"]] == [(m.id, m.number, ANSWERS)]
    assert api_as(roster["officer"]).get(f"/api/v1/surveys/{survey.id}/responses").status_code == 403
    url = f"/api/v1/surveys/{survey.id}/responses/{m.id}"
    bad = client.put(url, json={"answers": {**ANSWERS, "sumber": "Laut"}},
                     headers={**manager.headers, "Accept-Language": "id"})
    assert bad.status_code == 422, bad.get_json()
    assert "pilih salah satu" in bad.get_json()["error"]["fields"]["answers.sumber"][0]
    good = manager.put(url, json={"answers": {**ANSWERS, "air_bersih": False}})
    assert good.status_code == 200 and good.get_json()["answers"]["air_bersih"] is False
    assert good.get_json()["corrected_at"]
    # an officer corrects only for their centres; another centre's member is as missing as an unknown one
    other = roster["members"]["mawar"][0]
    answer(survey, other)
    officer = api_as(roster["officer"])
    assert officer.put(url, json={"answers": ANSWERS}).status_code == 200
    assert officer.put(f"/api/v1/surveys/{survey.id}/responses/{other.id}", json={"answers": ANSWERS}).status_code == 404
    assert manager.put(f"/api/v1/surveys/{survey.id}/responses/{roster['members']['mawar'][1].id}",
                       json={"answers": ANSWERS}).status_code == 404


def test_an_officer_reads_only_surveys_of_their_centres(roster, api_as, make_survey, today):
    mine = make_survey(population_kind="regions", regions=["Cibinong"])
    other = make_survey(population_kind="regions", regions=["Bojong"])
    officer = api_as(roster["officer"])
    assert [s["id"] for s in officer.get("/api/v1/surveys").get_json()["items"]] == [mine.id]
    assert officer.get(f"/api/v1/surveys/{other.id}").status_code == 404
    assert officer.get(f"/api/v1/surveys/{mine.id}").status_code == 200
    assert officer.post("/api/v1/surveys", json=BODY).status_code == 403


@pytest.mark.parametrize("who", [None, "member"])
def test_anonymous_and_members_reach_no_survey_api(roster, api_as, make_survey, who, today):
    survey = make_survey()
    m = roster["members"]["melati"][0]
    answer(survey, m)
    api = api_as(who)
    expected = 401 if who is None else 403
    for method, url, body in [("get", "/api/v1/surveys", None), ("post", "/api/v1/surveys", BODY),
                              ("get", f"/api/v1/surveys/{survey.id}", None),
                              ("patch", f"/api/v1/surveys/{survey.id}", {"title": "x"}),
                              ("post", f"/api/v1/surveys/{survey.id}/draw", {}),
                              ("get", f"/api/v1/surveys/{survey.id}/responses", None),
                              ("put", f"/api/v1/surveys/{survey.id}/responses/{m.id}", {"answers": ANSWERS})]:
        resp = getattr(api, method)(url, **({"json": body} if body is not None else {}))
        assert resp.status_code == expected, (method, url, resp.status_code)
        assert "Sumur" not in resp.get_data(as_text=True)


def test_the_openapi_document_has_the_survey_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/surveys"])
    assert {"get", "patch"} <= set(paths["/api/v1/surveys/{survey_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/surveys/{survey_id}/responses"])
    assert "put" in paths["/api/v1/surveys/{survey_id}/responses/{member_id}"]
    assert "post" in paths["/api/v1/surveys/{survey_id}/responses/import"]
    assert "post" in paths["/api/v1/surveys/{survey_id}/draw"]


def test_the_list_reads_in_a_fixed_number_of_queries(roster, api_as, make_survey, count_queries, today):
    api = api_as("manager")
    make_survey()
    api.get("/api/v1/surveys")  # the token's first use records its address
    with count_queries() as one:
        assert len(api.get("/api/v1/surveys").get_json()["items"]) == 1
    for i in range(4):
        make_survey(title=f"Survei {i}")
    with count_queries() as five:
        assert len(api.get("/api/v1/surveys").get_json()["items"]) == 5
    assert five.count == one.count
