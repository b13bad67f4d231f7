"""Waiving needs a carried waive_obligation decision naming the obligation, which the forums read."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.extensions import db
from govtrack.obligations import api as obligations_api
from govtrack.obligations.services import WaiverDecision
from tests.obligations.conftest import occurrences_of

D = dt.date


class Allowed(set):
    decision_id: int


@pytest.fixture
def decision_7_waives(monkeypatch, make_decision):
    """Stand in for the forums' records: this (real) decision waives the obligations in `allowed`
    (one decision names one obligation in real life; a set lets a test move it)."""
    allowed = Allowed()
    allowed.decision_id = make_decision().id

    def waiver_decision(decision_id):
        if decision_id != allowed.decision_id or not allowed:
            return None
        return WaiverDecision(id=decision_id, obligation_id=next(iter(allowed)))

    monkeypatch.setattr(obligations_api, "waiver_decision", waiver_decision)
    return allowed


def test_waive_without_a_decision_is_409_and_changes_nothing(app, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    api = api_as(setting["manager"])
    resp = api.post(f"/api/v1/obligations/{ob.id}/waive", json={"decision_id": 7, "reason": "drought"})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "decision_required"
    db.session.expire_all()
    occ = occurrences_of(ob.id)[0]
    assert not occ.waived and occ.waived_decision_id is None


def test_waive_with_a_decision_for_another_obligation_is_409(
    app, api_as, setting, make_obligation, today, decision_7_waives
):
    ob = make_obligation(due_date=D(2027, 3, 1))
    other = make_obligation(due_date=D(2027, 3, 1), title="Other")
    decision_7_waives.add(other.id)
    resp = api_as(setting["manager"]).post(f"/api/v1/obligations/{ob.id}/waive",
                                           json={"decision_id": decision_7_waives.decision_id, "reason": "drought"})
    assert resp.status_code == 409


def test_waive_with_the_carried_decision_waives_open_occurrences_and_stops_the_series(
    app, api_as, setting, make_obligation, today, decision_7_waives
):
    from govtrack.obligations.services import extend_occurrences, fulfil, load_for_update

    ob = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=10;UNTIL=20270610", starts_on=D(2027, 1, 1), amount="100")
    with app.test_request_context():
        fulfil(actor="test", obligation=load_for_update(ob.id), on=D(2027, 1, 10))
    db.session.commit()
    decision_7_waives.add(ob.id)
    d = decision_7_waives.decision_id
    resp = api_as(setting["manager"]).post(f"/api/v1/obligations/{ob.id}/waive",
                                           json={"decision_id": d, "reason": "Flood relief"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "fulfilled"  # nothing open; what was not waived was fulfilled
    statuses = [o["status"] for o in body["occurrences"]]
    assert statuses == ["fulfilled"] + ["waived"] * 5
    assert {o["waived_decision_id"] for o in body["occurrences"][1:]} == {d}
    assert body["waived_decision_id"] == d
    assert extend_occurrences(actor="test", today=D(2030, 1, 1)) == 0


def test_the_forums_apply_a_waiver_inside_their_transaction(app, make_obligation, today, make_decision):
    from govtrack.obligations.services import load_for_update, waive_obligation

    ob = make_obligation(due_date=D(2027, 3, 1))
    decision_id = make_decision().id
    decision = WaiverDecision(id=decision_id, obligation_id=ob.id)
    assert waive_obligation(actor="test", obligation=load_for_update(ob.id), decision=decision,
                            reason="Motion 3") == 1
    db.session.commit()
    occ = occurrences_of(ob.id)[0]
    assert occ.waived and occ.waived_decision_id == decision_id and occ.waive_reason == "Motion 3"


def test_a_carried_waive_motion_waives_the_obligation_it_names(app, api_as, setting, make_obligation, today,
                                                             make_decision):
    """End to end: the forum decides, the obligation is waived in the same transaction, and the
    same decision then satisfies the API's check for that obligation only."""
    ob = make_obligation(due_date=D(2027, 3, 1))
    other = make_obligation(due_date=D(2027, 3, 1), title="Other")
    decision = make_decision(ob.agreement_id, effect="waive_obligation", obligation_id=ob.id)
    db.session.expire_all()
    occ = occurrences_of(ob.id)[0]
    assert occ.waived and occ.waived_decision_id == decision.id
    assert not occurrences_of(other.id)[0].waived
    api = api_as(setting["manager"])
    resp = api.post(f"/api/v1/obligations/{other.id}/waive", json={"decision_id": decision.id, "reason": "x"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
