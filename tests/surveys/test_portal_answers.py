"""A member answers a survey they were drawn for, themselves, in the portal: the home page offers it,
the phone form records it (channel portal), they see and may change their answers while it is open
(audited); a member never reaches another member's answers by any route."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.surveys import queries, services
from govtrack.surveys.models import SurveyMember
from tests.conftest import csrf_token
from tests.surveys.conftest import TODAY

pytestmark = pytest.mark.usefixtures("indonesian")
ANSWERS = {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban"], "biaya": 25000}
FORM = {"a-air_bersih": "yes", "a-sumber": "PDAM", "a-kebutuhan": ["Jamban", "Filter"], "a-biaya": "15.000",
        "a-catatan": "Sumur kering di musim kemarau"}


def text_of(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def test_a_drawn_member_answers_sees_and_changes_their_answers(client, sign_in, roster, make_survey, member_login,
                                                               today):
    survey = make_survey(visibility="members")
    me = roster["members"]["melati"][0]
    sign_in(member_login(me))
    home = text_of(client.get("/"))
    assert "Survei untuk Anda" in home and "Survei kebutuhan air" in home and "Belum dijawab" in home
    url = f"/surveys/{survey.id}/answer"
    form = client.get(url)
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "Ya" in page and "Tidak" in page and "Setuju" not in page and "yes_no" not in page
    bad = client.post(url, data={**FORM, "a-sumber": "", "csrf_token": csrf_token(client, url)})
    assert bad.status_code == 422 and "jawaban wajib diisi" in text_of(bad)
    assert queries.response_of(survey, me.id) is None
    done = client.post(url, data={**FORM, "csrf_token": csrf_token(client, url)})
    assert done.status_code == 302
    mine = queries.response_of(survey, me.id)
    assert (mine.channel, mine.answers) == ("portal", {"air_bersih": True, "sumber": "PDAM",
                                                       "kebutuhan": ["Jamban", "Filter"], "biaya": 15000,
                                                       "catatan": "Sumur kering di musim kemarau"})
    shown = text_of(client.get(url))
    assert "Jawaban Anda" in shown and "Jamban; Filter" in shown and "15.000" in shown and "Ubah jawaban saya" in shown
    assert "Sudah dijawab" in text_of(client.get("/"))
    change = client.post(url, data={**FORM, "a-air_bersih": "no", "csrf_token": csrf_token(client, url)})
    assert change.status_code == 302
    assert queries.response_of(survey, me.id).answers["air_bersih"] is False
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.response.correct"))
    assert '"air_bersih":true' in event.before
    assert "Diubah pada" in text_of(client.get(url))


def test_a_closed_survey_takes_no_answers_and_says_so(client, sign_in, roster, make_survey, member_login, monkeypatch):
    from govtrack.core import clock

    survey = make_survey()
    me = roster["members"]["melati"][0]
    services.record_responses(actor="test", survey=survey, items=[services.ResponseInput(me.id, ANSWERS)],
                              channel="officer", today=TODAY)
    db.session.commit()
    later = survey.closes_on.replace(year=2027)
    monkeypatch.setattr(clock, "today", lambda: later)
    sign_in(member_login(me))
    url = f"/surveys/{survey.id}/answer"
    page = text_of(client.get(url))
    assert "sudah ditutup" in page and "Jawaban Anda" in page and "Ubah jawaban saya" not in page
    assert "Survei untuk Anda" not in text_of(client.get("/"))
    resp = client.post(url, data={**FORM, "csrf_token": csrf_token(client, url)})
    assert resp.status_code == 303
    assert queries.response_of(survey, me.id).answers == ANSWERS


def test_a_member_never_reaches_another_members_answers(client, sign_in, roster, make_survey, member_login,
                                                        token_for, today):
    survey = make_survey(size=6, seed=4)
    drawn = db.session.scalars(select(SurveyMember.member_id).where(SurveyMember.survey_id == survey.id)).all()
    everyone = [m for ms in roster["members"].values() for m in ms]
    other = next(m for m in everyone if m.id in drawn)
    outside = next(m for m in everyone if m.id not in drawn)
    services.record_responses(actor="test", survey=survey, items=[services.ResponseInput(
        other.id, {**ANSWERS, "catatan": "Rahasia tetangga"})], channel="officer", today=TODAY)
    db.session.commit()
    user = member_login(outside)
    sign_in(user)
    # not drawn: 404, whatever the survey
    assert client.get(f"/surveys/{survey.id}/answer").status_code == 404
    assert client.post(f"/surveys/{survey.id}/answer", data={**FORM, "csrf_token": csrf_token(client, "/")}
                       ).status_code == 404
    assert client.get("/surveys/99999/answer").status_code == 404
    for url in [f"/surveys/{survey.id}/responses/{other.id}", f"/surveys/{survey.id}",
                f"/surveys/{survey.id}/centres/{other.centre_id}"]:
        resp = client.get(url)
        assert resp.status_code == 403 and "Rahasia tetangga" not in resp.get_data(as_text=True), url
    api = {"Authorization": f"Bearer {token_for(user)}"}
    for url in [f"/api/v1/surveys/{survey.id}/responses", f"/api/v1/surveys/{survey.id}"]:
        resp = client.get(url, headers=api)
        assert resp.status_code == 403 and "Rahasia tetangga" not in resp.get_data(as_text=True), url
    resp = client.put(f"/api/v1/surveys/{survey.id}/responses/{other.id}", json={"answers": ANSWERS}, headers=api)
    assert resp.status_code == 403
    # a drawn member answering sees only their own answers, and posts only for themselves
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(member_login(next(m for m in everyone if m.id in drawn and m.id != other.id)))
    page = client.get(f"/surveys/{survey.id}/answer").get_data(as_text=True)
    assert "Rahasia tetangga" not in page
    resp = client.post(f"/surveys/{survey.id}/answer", data={**FORM, "member_id": str(other.id),
                                                            "csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 302
    assert queries.response_of(survey, other.id).answers["catatan"] == "Rahasia tetangga"


def test_a_login_without_a_member_and_staff_get_404_on_the_answer_page(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    for role in ("member", "manager"):
        user = sign_in(role)
        assert client.get(f"/surveys/{survey.id}/answer").status_code == 404, user.role
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
