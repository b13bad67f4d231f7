"""A motion decides only what its meeting announced, about the object it names.

A motion about an agreement needs an agenda item for that agreement in the same meeting (members
know in advance what will be decided); a `waive_obligation` motion waives only an obligation of its
own agreement. Both are checked when the motion is tabled and again when it closes, on the pages and
in the API. And the agreement's own transition does not take the decision ids it is handed on trust.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select, update

from govtrack.agreements.models import Agreement
from govtrack.errors import Conflict
from govtrack.extensions import db
from govtrack.forums import services
from govtrack.forums.models import AgendaItem, Decision, Motion
from govtrack.obligations.models import Obligation, Occurrence
from tests.conftest import csrf_token

NOT_ON_AGENDA_EN = "The agreement is not on the agenda of this meeting"
NOT_ON_AGENDA_ID = "Perjanjian ini tidak ada dalam agenda rapat ini"
NOT_ITS_OBLIGATION_EN = "does not belong to the agreement of this motion"
NOT_ITS_OBLIGATION_ID = "bukan milik perjanjian usul ini"


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def _status(agreement_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Agreement, agreement_id).status


def _untouched(obligation_id: int) -> bool:
    """Nothing of the obligation is waived."""
    db.session.expire_all()
    ob = db.session.get(Obligation, obligation_id)
    waived = _count(Occurrence, obligation_id=obligation_id, waived=True)
    return ob.waived_decision_id is None and waived == 0


@pytest.fixture
def scene(app, make_forum, make_members, make_meeting, make_agreement):
    """An open meeting of the central forum with three members present; agreement `listed` on its
    agenda, agreement `unlisted` on no agenda of it (but on another meeting's); one obligation each."""
    from govtrack.obligations.services import ObligationData, create_obligation

    forum = make_forum("rembug_pusat", code="RP")
    members = make_members(3)
    listed = make_agreement("Hibah sumur", kind="grant", clauses=["Dana 100 juta"])
    unlisted = make_agreement("Hibah jamban", kind="grant", clauses=["Dana 50 juta"])
    meeting = make_meeting(forum, present=members)
    services.add_agenda_item(actor="test", meeting=meeting, title="Hibah sumur", agreement_id=listed.id)
    services.add_agenda_item(actor="test", meeting=meeting, title="Lain-lain")  # names no agreement
    elsewhere = make_meeting(forum, open=False, title="Rapat lain")
    services.add_agenda_item(actor="test", meeting=elsewhere, title="Hibah jamban", agreement_id=unlisted.id)
    due = dt.date.today() + dt.timedelta(days=30)
    obligations = {}
    for agreement in (listed, unlisted):
        obligations[agreement.id] = create_obligation(actor="test", data=ObligationData(
            agreement_id=agreement.id, owed_by="cooperative", kind="report", title=f"Laporan {agreement.title}",
            due_date=due)).id
    db.session.commit()
    return {"forum": forum, "members": members, "meeting": meeting, "listed": listed, "unlisted": unlisted,
            "obligation_of": obligations}


def _motion(effect: str, agreement_id: int | None, obligation_id: int | None = None) -> dict:
    body = {"title": "Usul", "text": "Forum memutuskan.", "effect": effect}
    if agreement_id is not None:
        body["agreement_id"] = agreement_id
    if obligation_id is not None:
        body["obligation_id"] = obligation_id
    return body


# --- the API ----------------------------------------------------------------------------------

def test_api_refuses_a_motion_about_an_agreement_not_on_the_meetings_agenda(api_as, scene):
    api = api_as("board")
    meeting, unlisted = scene["meeting"], scene["unlisted"]
    before = _status(unlisted.id)
    for effect in ("approve", "reject", "none"):
        resp = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion(effect, unlisted.id))
        assert resp.status_code == 409, resp.get_json()
        error = resp.get_json()["error"]
        assert error["code"] == "agenda_item_required"
        assert NOT_ON_AGENDA_EN in error["message"]
        assert NOT_ON_AGENDA_EN in error["fields"]["agreement_id"][0]
    assert _count(Motion) == 0 and _count(Decision) == 0
    assert _status(unlisted.id) == before == "draft"  # not even put under deliberation


def test_api_approve_with_the_agenda_item_passes_and_one_meeting_cannot_approve_anything_else(api_as, scene, vote):
    """The finding: an approve motion for an agreement on no agenda item carried draft -> approved."""
    api = api_as("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    refused = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion("approve", unlisted.id))
    assert refused.status_code == 409
    resp = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion("approve", listed.id))
    assert resp.status_code == 201, resp.get_json()
    motion = db.session.get(Motion, resp.get_json()["id"])
    vote(motion, {m: "yes" for m in scene["members"]})
    closed = api.post(f"/api/v1/motions/{motion.id}/close")
    assert closed.status_code == 200 and closed.get_json()["outcome"] == "carried"
    assert _status(listed.id) == "approved"
    assert _status(unlisted.id) == "draft"
    assert _count(Decision) == 1


def test_api_agenda_item_of_the_same_meeting_is_what_counts(api_as, scene):
    """Edges: an item in another meeting, or an item in this meeting naming no agreement, do not
    count; the item added to this meeting does."""
    api = api_as("board")
    meeting, unlisted = scene["meeting"], scene["unlisted"]
    url = f"/api/v1/meetings/{meeting.id}/motions"
    assert api.post(url, json=_motion("approve", unlisted.id)).status_code == 409
    added = api.post(f"/api/v1/meetings/{meeting.id}/agenda", json={"title": "Hibah jamban",
                                                                    "agreement_id": unlisted.id})
    assert added.status_code == 201, added.get_json()
    resp = api.post(url, json=_motion("approve", unlisted.id))
    assert resp.status_code == 201, resp.get_json()


def test_api_refuses_a_waiver_of_another_agreements_obligation(api_as, scene):
    """The finding: a waive motion naming one agreement waived an obligation of another."""
    api = api_as("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    foreign = scene["obligation_of"][unlisted.id]
    resp = api.post(f"/api/v1/meetings/{meeting.id}/motions",
                    json=_motion("waive_obligation", listed.id, foreign))
    assert resp.status_code == 409, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "obligation_not_of_agreement"
    assert NOT_ITS_OBLIGATION_EN in error["message"] and str(foreign) in error["message"]
    assert NOT_ITS_OBLIGATION_EN in error["fields"]["obligation_id"][0]
    assert _count(Motion) == 0 and _count(Decision) == 0
    assert _untouched(foreign)


def test_api_waiver_needs_its_agreement_and_an_obligation_that_exists(api_as, scene):
    api = api_as("board")
    meeting, listed = scene["meeting"], scene["listed"]
    own = scene["obligation_of"][listed.id]
    url = f"/api/v1/meetings/{meeting.id}/motions"
    resp = api.post(url, json=_motion("waive_obligation", None, own))
    assert resp.status_code == 422 and "agreement_id" in resp.get_json()["error"]["fields"]
    resp = api.post(url, json=_motion("waive_obligation", listed.id, own + 1000))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["obligation_id"] == [f"No obligation with id {own + 1000}."]
    assert _count(Motion) == 0


def test_api_waiver_of_its_own_agreements_obligation_is_carried_and_waives_only_that(api_as, scene, vote):
    api = api_as("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    own, foreign = scene["obligation_of"][listed.id], scene["obligation_of"][unlisted.id]
    resp = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion("waive_obligation", listed.id, own))
    assert resp.status_code == 201, resp.get_json()
    motion = db.session.get(Motion, resp.get_json()["id"])
    vote(motion, {m: "yes" for m in scene["members"]})
    assert api.post(f"/api/v1/motions/{motion.id}/close").get_json()["outcome"] == "carried"
    decision = db.session.scalar(select(Decision))
    assert decision.agreement_id == listed.id
    assert not _untouched(own) and _untouched(foreign)


def test_api_close_checks_again_when_the_agenda_item_is_gone(api_as, scene, vote):
    api = api_as("board")
    meeting, listed = scene["meeting"], scene["listed"]
    resp = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion("approve", listed.id))
    motion_id = resp.get_json()["id"]
    vote(db.session.get(Motion, motion_id), {m: "yes" for m in scene["members"]})
    before = _status(listed.id)
    db.session.execute(delete(AgendaItem).where(AgendaItem.agreement_id == listed.id))
    db.session.commit()
    for action in ("close", "consensus"):
        resp = api.post(f"/api/v1/motions/{motion_id}/{action}")
        assert resp.status_code == 409, resp.get_json()
        assert resp.get_json()["error"]["code"] == "agenda_item_required"
        assert NOT_ON_AGENDA_EN in resp.get_json()["error"]["message"]
    db.session.expire_all()
    motion = db.session.get(Motion, motion_id)
    assert (motion.status, motion.outcome) == ("open", None)
    assert _count(Decision) == 0 and _status(listed.id) == before == "under_deliberation"


def test_api_close_checks_again_that_the_obligation_is_still_of_the_agreement(api_as, scene, vote):
    api = api_as("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    own = scene["obligation_of"][listed.id]
    resp = api.post(f"/api/v1/meetings/{meeting.id}/motions", json=_motion("waive_obligation", listed.id, own))
    motion_id = resp.get_json()["id"]
    vote(db.session.get(Motion, motion_id), {m: "yes" for m in scene["members"]})
    db.session.execute(update(Obligation).where(Obligation.id == own).values(agreement_id=unlisted.id))
    db.session.commit()
    resp = api.post(f"/api/v1/motions/{motion_id}/close")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "obligation_not_of_agreement"
    assert _count(Decision) == 0 and _untouched(own)


# --- the pages --------------------------------------------------------------------------------

def _post_motion(client, meeting_id: int, data: dict, lang: str):
    url = f"/forums/meetings/{meeting_id}/motions/new"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Usul",
                                  "text": "Forum memutuskan.", **data},
                       headers={"Accept-Language": lang})


@pytest.mark.parametrize(("lang", "message"), [("en", NOT_ON_AGENDA_EN), ("id", NOT_ON_AGENDA_ID)])
def test_page_refuses_a_motion_about_an_agreement_not_on_the_agenda(client, sign_in, make_user, scene, lang,
                                                                    message):
    sign_in("board")
    meeting, unlisted = scene["meeting"], scene["unlisted"]
    resp = _post_motion(client, meeting.id, {"effect": "approve", "agreement_id": str(unlisted.id)}, lang)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    # Beside the agreement field (and the form stays filled in).
    assert message in html and 'id="agreement_id-errors"' in html
    assert _count(Motion) == 0 and _count(Decision) == 0 and _status(unlisted.id) == "draft"


def test_page_suggests_only_the_agreements_on_the_agenda_and_accepts_one(client, sign_in, make_user, scene):
    sign_in("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    html = client.get(f"/forums/meetings/{meeting.id}/motions/new").get_data(as_text=True)
    assert "Hibah sumur" in html and "Hibah jamban" not in html
    resp = _post_motion(client, meeting.id, {"effect": "approve", "agreement_id": str(listed.id)}, "en")
    assert resp.status_code == 302
    assert db.session.scalar(select(Motion.agreement_id)) == listed.id
    assert _status(unlisted.id) == "draft"


@pytest.mark.parametrize(("lang", "message"), [("en", NOT_ITS_OBLIGATION_EN), ("id", NOT_ITS_OBLIGATION_ID)])
def test_page_refuses_a_waiver_of_another_agreements_obligation(client, sign_in, make_user, scene, lang, message):
    sign_in("board")
    meeting, listed, unlisted = scene["meeting"], scene["listed"], scene["unlisted"]
    foreign = scene["obligation_of"][unlisted.id]
    resp = _post_motion(client, meeting.id, {"effect": "waive_obligation", "agreement_id": str(listed.id),
                                             "obligation_id": str(foreign)}, lang)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert message in html and 'id="obligation_id-errors"' in html
    assert _count(Motion) == 0 and _count(Decision) == 0 and _untouched(foreign)


def test_page_close_is_refused_when_the_agenda_item_is_gone(client, sign_in, make_user, scene, make_motion, vote):
    sign_in("board")
    meeting, listed = scene["meeting"], scene["listed"]
    motion = make_motion(meeting, effect="approve", agreement=listed)
    vote(motion, {m: "yes" for m in scene["members"]})
    db.session.execute(delete(AgendaItem).where(AgendaItem.agreement_id == listed.id))
    db.session.commit()
    url = f"/forums/motions/{motion.id}"
    resp = client.post(url + "/close", data={"csrf_token": csrf_token(client, url)})
    assert resp.status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert NOT_ON_AGENDA_EN in html
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).status == "open"
    assert _count(Decision) == 0 and _status(listed.id) == "under_deliberation"


# --- the agreement's lifecycle takes a decision-only move from nobody but a carried decision --------

def test_decision_only_moves_take_nothing_but_carried_decisions_about_the_agreement(
        app, scene, make_motion, vote, close, make_meeting, make_agreement):
    from govtrack.agreements.services import AgreementDecision, apply_decision, transition_agreement
    from govtrack.forums.queries import agreement_decisions

    members, listed, unlisted = scene["members"], scene["listed"], scene["unlisted"]
    approved_listed = close(_voted(make_motion(scene["meeting"], effect="approve", agreement=listed),
                                   vote, members)).decision.id
    general = close(_voted(make_motion(scene["meeting"], effect="none", agreement=listed, title="Umum"),
                           vote, members)).decision.id
    assert _status(listed.id) == "approved"
    meeting = make_meeting(scene["forum"], present=members)
    loan = make_agreement("Pembiayaan", kind="loan")
    services.add_agenda_item(actor="test", meeting=meeting, title="Pembiayaan", agreement_id=loan.id)
    # A decision row whose motion was defeated: not a carried decision, whatever its row says.
    defeated = close(make_motion(meeting, effect="approve", agreement=loan, title="Kalah"))
    assert defeated.outcome == "defeated"
    forged = Decision(number="RP-2026-900", forum_id=scene["forum"].id, year=2026, seq=900,
                      motion_id=defeated.id, meeting_id=meeting.id, agreement_id=unlisted.id, effect="approve",
                      decided_on=dt.date(2026, 3, 14), text="forged", effects="[]")
    db.session.add(forged)
    db.session.commit()
    unlisted.status = "under_deliberation"
    db.session.commit()
    assert agreement_decisions([forged.id, 999999]) == []  # not carried, not there: nothing to cite

    cases = [
        (unlisted, "approved", agreement_decisions([approved_listed])),  # another agreement's approval
        (unlisted, "approved", agreement_decisions([forged.id])),  # its motion was not carried
        (unlisted, "rejected", agreement_decisions([approved_listed])),  # wrong effect and agreement
        (listed, "terminated", agreement_decisions([general])),  # this agreement, a general resolution
        (unlisted, "approved", [AgreementDecision(id=1, agreement_id=listed.id, effect="approve")]),
    ]
    with app.test_request_context():
        for agreement, to, decisions in cases:
            before = _status(agreement.id)
            agreement = db.session.get(Agreement, agreement.id)
            with pytest.raises(Conflict) as err:
                apply_decision(actor="test", agreement=agreement, to=to, decisions=decisions)
            assert err.value.code == "decision_required", (to, decisions)
            db.session.rollback()
            assert _status(agreement.id) == before, (to, decisions)
        for to in ("approved", "rejected", "terminated"):
            with pytest.raises(Conflict) as err:
                transition_agreement(actor="test", agreement=db.session.get(Agreement, unlisted.id), to=to)
            assert err.value.code == "decision_required"
            db.session.rollback()
        # The moves that need no decision still work.
        active = transition_agreement(actor="test", agreement=db.session.get(Agreement, listed.id), to="active")
        assert active.status == "active"
        db.session.rollback()


def _voted(motion, vote, members):
    vote(motion, {m: "yes" for m in members})
    return motion
