"""The field officer's capture page: the bundle a phone keeps (its content and who may read it), the
sync that stores a batch once by its keys and sends back the refused responses with their reasons,
the plain form without JavaScript, the manifest and the service worker."""

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from govtrack.core import clock
from govtrack.extensions import db
from govtrack.surveys.models import SurveyResponse
from tests.conftest import csrf_token
from tests.surveys.conftest import TODAY

ANSWERS = {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def stored(survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id))


def sync(client, survey, responses, *, token=None, centre=None):
    if token is None:
        token = client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={centre.id}").get_json()["csrf_token"]
    return client.post(f"/surveys/{survey.id}/capture/sync", json={"responses": responses},
                       headers={"X-CSRFToken": token})


def item(member, key, answers=ANSWERS, day="2026-11-28"):
    return {"key": key, "member_id": member.id, "answered_on": day, "answers": answers}


def test_the_bundle_has_the_survey_the_centres_members_and_fresh_words(client, sign_in, roster, make_survey):
    survey = make_survey()
    melati = roster["centres"]["melati"]
    sign_in(roster["officer"])
    client.post("/language", data={"lang": "id", "csrf_token": csrf_token(client, "/")})
    resp = client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={melati.id}")
    assert resp.status_code == 200
    bundle = resp.get_json()
    assert bundle["survey"]["title"] == "Survei kebutuhan air"
    assert bundle["survey"]["open"] is True
    assert [q["key"] for q in bundle["survey"]["questions"]] == ["air_bersih", "sumber", "kebutuhan", "biaya", "catatan"]
    assert bundle["survey"]["questions"][1]["choices"] == ["Sumur", "PDAM", "Sungai"]
    assert bundle["survey"]["questions"][3]["required"] is False
    assert bundle["centre"] == {"id": melati.id, "code": "RP-1", "name": "Rembug Melati"}
    names = [m["name"] for m in bundle["members"]]
    assert names == sorted(m.name for m in roster["members"]["melati"])  # the five drawn here, no one else
    assert all(m["answered"] is False for m in bundle["members"])
    assert bundle["csrf_token"]
    assert bundle["today"] == "2026-11-30" and bundle["timezone"] == "Asia/Jakarta"
    # The words of the page are the server's, in the reader's language.
    assert bundle["strings"]["unsent_other"] == "{n} jawaban belum terkirim"
    assert bundle["strings"]["yes"] == "Ya" and bundle["strings"]["no"] == "Tidak"
    assert bundle["strings"]["send_now"] == "Kirim sekarang"


def test_an_officer_reads_only_their_own_centres_and_a_member_nothing(app, client, sign_in, roster, make_survey):
    survey = make_survey()
    melati, mawar = roster["centres"]["melati"], roster["centres"]["mawar"]
    sign_in(roster["officer"])
    assert client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={mawar.id}").status_code == 404
    assert client.get(f"/surveys/{survey.id}/capture?centre_id={mawar.id}").status_code == 404
    assert client.get(f"/surveys/{survey.id}/capture?centre=RP-2").status_code == 404
    assert client.get(f"/surveys/{survey.id}/capture/bundle?centre_id=999999").status_code == 404
    assert client.get(f"/surveys/999999/capture/bundle?centre_id={melati.id}").status_code == 404
    page = client.get(f"/surveys/{survey.id}/capture")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" not in html  # the picker offers their own only
    # A manager captures at any centre of the sample.
    manager = app.test_client()
    sign_in("manager", client=manager)
    assert manager.get(f"/surveys/{survey.id}/capture/bundle?centre_id={mawar.id}").status_code == 200
    html = manager.get(f"/surveys/{survey.id}/capture?centre=RP-2").get_data(as_text=True)
    assert "Rembug Mawar 0" in html
    # A member may not capture at all.
    member = app.test_client()
    sign_in("member", client=member)
    assert member.get(f"/surveys/{survey.id}/capture/bundle?centre_id={melati.id}").status_code == 403
    assert member.get(f"/surveys/{survey.id}/capture").status_code == 403


def test_a_centre_outside_the_sample_is_missing(client, sign_in, roster, make_survey):
    kenanga = roster["centres"]["kenanga"]
    survey = make_survey(population_kind="regions", regions=["Cibinong"])
    sign_in("manager")
    assert client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={kenanga.id}").status_code == 404


def test_a_batch_sent_twice_is_stored_once(client, sign_in, roster, make_survey):
    survey = make_survey()
    melati = roster["centres"]["melati"]
    sign_in(roster["officer"])
    batch = [item(m, f"key-melati-{i:04d}") for i, m in enumerate(roster["members"]["melati"])]
    first = sync(client, survey, batch, centre=melati)
    assert first.status_code == 200
    assert first.get_json() == {"created": 5, "duplicates": 0, "rejected": []}
    again = sync(client, survey, batch, centre=melati)
    assert again.get_json() == {"created": 0, "duplicates": 5, "rejected": []}
    assert stored(survey) == 5
    row = db.session.scalar(select(SurveyResponse).where(SurveyResponse.key == "key-melati-0000"))
    assert row.channel == "officer" and row.recorded_by_id == roster["officer"].id
    assert row.answered_on.isoformat() == "2026-11-28"
    assert all(m["answered"] for m in client.get(
        f"/surveys/{survey.id}/capture/bundle?centre_id={melati.id}").get_json()["members"])


def test_refused_responses_come_back_with_reasons_and_the_rest_is_stored(client, sign_in, roster, make_survey):
    survey = make_survey()
    melati, mawar = roster["members"]["melati"], roster["members"]["mawar"]
    sign_in(roster["officer"])
    client.post("/language", data={"lang": "id", "csrf_token": csrf_token(client, "/")})
    batch = [
        item(melati[0], "good-0001"),
        item(melati[1], "bad-answer", answers={"air_bersih": "mungkin", "sumber": "Sumur", "kebutuhan": ["Jamban"]}),
        item(mawar[0], "not-mine-01"),  # another officer's centre
        item(melati[2], "good-0002"),
        item(melati[3], "future-day", day="2026-12-05"),
        {"key": "x", "member_id": "satu", "answers": []},  # malformed
        item(melati[2], "same-member"),  # melati[2] is in this batch already
    ]
    resp = sync(client, survey, batch, centre=roster["centres"]["melati"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["created"], body["duplicates"]) == (2, 0)
    refused = {r["key"]: r for r in body["rejected"]}
    assert set(refused) == {"bad-answer", "not-mine-01", "future-day", "x", "same-member"}
    assert refused["bad-answer"]["member_id"] == melati[1].id
    assert refused["bad-answer"]["errors"] == {"answers.air_bersih": [
        "“Apakah rumah tangga Anda punya akses air bersih?”: jawab ya atau tidak."]}
    assert refused["not-mine-01"]["errors"] == {"member_id": ["Anggota ini bukan dari rembug pusat Anda."]}
    assert list(refused["future-day"]["errors"]) == ["answered_on"]
    assert set(refused["x"]["errors"]) == {"key", "member_id", "answers"}
    assert list(refused["same-member"]["errors"]) == ["member_id"]
    assert stored(survey) == 2
    # Fixed and sent again, the refused one is stored; the good ones count as duplicates.
    fixed = [batch[0], item(melati[1], "bad-answer"), batch[3]]
    again = sync(client, survey, fixed, centre=roster["centres"]["melati"]).get_json()
    assert again == {"created": 1, "duplicates": 2, "rejected": []}
    assert stored(survey) == 3


def test_sync_needs_the_csrf_token_and_a_json_batch(client, sign_in, roster, make_survey):
    survey = make_survey()
    melati = roster["members"]["melati"]
    sign_in(roster["officer"])
    url = f"/surveys/{survey.id}/capture/sync"
    assert client.post(url, json={"responses": [item(melati[0], "no-token-01")]}).status_code == 400
    assert client.post(url, json={"responses": [item(melati[0], "bad-token-1")]},
                       headers={"X-CSRFToken": "forged"}).status_code == 400
    assert stored(survey) == 0
    token = client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={roster['centres']['melati'].id}"
                       ).get_json()["csrf_token"]
    empty = client.post(url, json={"responses": []}, headers={"X-CSRFToken": token})
    assert empty.status_code == 422 and empty.get_json()["error"]["fields"]["responses"]
    text = client.post(url, data="responses", content_type="text/plain", headers={"X-CSRFToken": token})
    assert text.status_code == 400
    deep = client.post(url, data="[" * 5000, content_type="application/json", headers={"X-CSRFToken": token})
    assert deep.status_code == 400
    assert stored(survey) == 0
    # Signed out, the sync is refused (the page keeps its responses and asks to sign in again).
    client.post("/logout", data={"csrf_token": token})
    assert client.post(url, json={"responses": [item(melati[0], "signed-out")]},
                       headers={"X-CSRFToken": token}).status_code in (302, 400)
    assert stored(survey) == 0


def test_the_plain_form_stores_one_response_once(client, sign_in, roster, make_survey):
    survey = make_survey()
    centre = roster["centres"]["melati"]
    member = roster["members"]["melati"][0]
    sign_in(roster["officer"])
    page = client.get(f"/surveys/{survey.id}/capture?centre_id={centre.id}&member_id={member.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    assert 'inputmode="decimal"' in html and 'name="answer-air_bersih"' in html
    form = {"csrf_token": csrf_token(client, f"/surveys/{survey.id}/capture"), "centre_id": centre.id,
            "member_id": member.id, "key": key, "answer-air_bersih": "yes", "answer-sumber": "PDAM",
            "answer-kebutuhan": ["Jamban", "Filter"], "answer-biaya": "12500,5"}
    missing = client.post(f"/surveys/{survey.id}/capture", data={**form, "answer-sumber": "", "answer-biaya": "1.500.000"})
    assert missing.status_code == 422
    assert "Write a number, without thousands separators" in missing.get_data(as_text=True)
    assert stored(survey) == 0
    done = client.post(f"/surveys/{survey.id}/capture", data=form)
    assert done.status_code == 302
    row = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    assert row.answers == {"air_bersih": True, "sumber": "PDAM", "kebutuhan": ["Jamban", "Filter"], "biaya": 12500.5}
    assert row.key == key
    # The same form posted twice (a double tap) is stored once.
    assert client.post(f"/surveys/{survey.id}/capture", data=form).status_code == 302
    assert stored(survey) == 1
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"The answers of {member.name} are stored." in listing
    assert "1 of 5 drawn members have answered." in listing


def test_the_plain_form_refuses_another_officers_member(client, sign_in, roster, make_survey):
    survey = make_survey()
    sign_in(roster["officer"])
    mawar, member = roster["centres"]["mawar"], roster["members"]["mawar"][0]
    token = csrf_token(client, f"/surveys/{survey.id}/capture")
    resp = client.post(f"/surveys/{survey.id}/capture", data={"csrf_token": token, "centre_id": mawar.id,
                                                               "member_id": member.id, "answer-air_bersih": "yes"})
    assert resp.status_code == 404
    assert stored(survey) == 0


def test_the_page_carries_the_manifest_the_worker_and_its_words(client, sign_in, roster, make_survey):
    survey = make_survey()
    centre = roster["centres"]["melati"]
    sign_in(roster["officer"])
    client.post("/language", data={"lang": "id", "csrf_token": csrf_token(client, "/")})
    resp = client.get(f"/surveys/{survey.id}/capture?centre_id={centre.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'href="/surveys/{survey.id}/capture/manifest.webmanifest"' in html
    assert 'src="/static/js/survey-capture.js"' in html
    strings = json.loads(re.search(r"data-strings='([^']+)'", html).group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert strings["unsent_other"] == "{n} jawaban belum terkirim"
    assert "<script>" not in html and " style=" not in html  # the CSP allows neither
    manifest = client.get(f"/surveys/{survey.id}/capture/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.get_data(as_text=True))
    assert data["name"] == "Survei lapangan: Survei kebutuhan air"
    assert data["start_url"] == f"/surveys/{survey.id}/capture" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"any", "192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/surveys/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "caches.open" in worker.get_data(as_text=True)
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]  # unchanged: workers are 'self'


def test_the_api_mirrors_the_bundle_and_the_sync_for_bearer_tokens(api_as, roster, make_survey):
    survey = make_survey()
    melati, mawar = roster["centres"]["melati"], roster["centres"]["mawar"]
    members = roster["members"]["melati"]
    api = api_as(roster["officer"])
    bundle = api.get(f"/api/v1/surveys/{survey.id}/capture?centre_id={melati.id}")
    assert bundle.status_code == 200, bundle.get_data(as_text=True)
    data = bundle.get_json()
    assert len(data["members"]) == 5 and "csrf_token" not in data
    assert data["survey"]["questions"][0]["kind_label"] == "Yes or no"
    assert api.get(f"/api/v1/surveys/{survey.id}/capture?centre_id={mawar.id}").status_code == 404
    assert api.get(f"/api/v1/surveys/{survey.id}/capture").status_code == 422
    body = {"responses": [item(members[0], "api-key-0001"),
                          item(members[1], "api-key-0002", answers={"air_bersih": True})]}
    resp = api.post(f"/api/v1/surveys/{survey.id}/capture/sync", json=body)
    assert resp.status_code == 200
    result = resp.get_json()
    assert (result["created"], result["duplicates"]) == (1, 0)
    assert [(r["key"], sorted(r["errors"])) for r in result["rejected"]] == [
        ("api-key-0002", ["answers.kebutuhan", "answers.sumber"])]
    again = api.post(f"/api/v1/surveys/{survey.id}/capture/sync", json=body).get_json()
    assert (again["created"], again["duplicates"]) == (0, 1)
    assert stored(survey) == 1
    assert db.session.scalar(select(SurveyResponse.channel)) == "api"
    member = api_as("member")
    assert member.get(f"/api/v1/surveys/{survey.id}/capture?centre_id={melati.id}").status_code == 403
    assert member.post(f"/api/v1/surveys/{survey.id}/capture/sync", json=body).status_code == 403


def test_a_manager_picks_a_centre_by_its_code_and_a_slip_says_so(client, sign_in, roster, make_survey, make_centre,
                                                                 make_member):
    survey = make_survey()
    sign_in("manager")
    resp = client.get(f"/surveys/{survey.id}/capture?centre=RP-9")
    assert resp.status_code == 404
    assert "No centre with the code RP-9 has members drawn for this survey." in resp.get_data(as_text=True)
    assert 'name="centre" class="form-control is-invalid" value="RP-9"' in resp.get_data(as_text=True)
    html = client.get(f"/surveys/{survey.id}/capture?centre=RP-3").get_data(as_text=True)
    assert "Rembug Kenanga 0" in html and "0 of 3 drawn members have answered." in html


def test_a_sync_costs_the_same_queries_for_2_or_12_responses(client, sign_in, roster, make_survey, make_user,
                                                           count_queries):
    survey = make_survey()
    sign_in("manager")
    everyone = [m for key in ("melati", "mawar", "kenanga") for m in roster["members"][key]]
    token = client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={roster['centres']['melati'].id}"
                       ).get_json()["csrf_token"]
    two = [item(m, f"few-{i:05d}") for i, m in enumerate(everyone[:2])]
    ten = [item(m, f"many-{i:05d}") for i, m in enumerate(everyone[2:])]
    survey_id = survey.id
    db.session.commit()
    with count_queries() as few:
        assert client.post(f"/surveys/{survey_id}/capture/sync", json={"responses": two},
                           headers={"X-CSRFToken": token}).get_json()["created"] == 2
    with count_queries() as many:
        assert client.post(f"/surveys/{survey_id}/capture/sync", json={"responses": ten},
                           headers={"X-CSRFToken": token}).get_json()["created"] == 10
    assert many.count == few.count, "\n".join(s[:120].replace("\n", " ") for s in many.statements)
    assert few.count <= 16, few.statements


def test_after_the_survey_closes_answers_saved_while_it_was_open_are_still_taken(client, sign_in, roster,
                                                                                   make_survey):
    survey = make_survey(opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 11, 28))
    centre, members = roster["centres"]["melati"], roster["members"]["melati"]
    sign_in(roster["officer"])
    html = client.get(f"/surveys/{survey.id}/capture?centre_id={centre.id}").get_data(as_text=True)
    assert "This survey takes no new answers today; answers saved earlier can still be sent." in html
    assert f"member_id={members[0].id}" not in html  # no member to tap in the plain list
    assert client.get(f"/surveys/{survey.id}/capture/bundle?centre_id={centre.id}").get_json()["survey"]["open"] is False
    result = sync(client, survey, [item(members[0], "saved-on-28", day="2026-11-28"),
                                   item(members[1], "saved-on-29", day="2026-11-29")], centre=centre).get_json()
    assert result["created"] == 1
    assert [r["key"] for r in result["rejected"]] == ["saved-on-29"]
    assert list(result["rejected"][0]["errors"]) == ["answered_on"]
