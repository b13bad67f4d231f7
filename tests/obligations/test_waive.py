"""Waiving needs a carried waive_obligation decision, which the forums confirm through a check."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.extensions import db
from govtrack.obligations import rules
from tests.obligations.conftest import occurrences_of

D = dt.date


@pytest.fixture
def decision_7_waives(monkeypatch):
    """Stand in for the forums: decision 7 carried a waive_obligation motion for `allowed`."""
    allowed: set[int] = set()
    monkeypatch.setattr(rules, "waiver_checks", [lambda decision_id, ob_id: decision_id == 7 and ob_id in allowed])
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
                                           json={"decision_id": 7, "reason": "drought"})
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
    resp = api_as(setting["manager"]).post(f"/api/v1/obligations/{ob.id}/waive",
                                           json={"decision_id": 7, "reason": "Flood relief"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "fulfilled"  # nothing open; what was not waived was fulfilled
    statuses = [o["status"] for o in body["occurrences"]]
    assert statuses == ["fulfilled"] + ["waived"] * 5
    assert {o["waived_decision_id"] for o in body["occurrences"][1:]} == {7}
    assert body["waived_decision_id"] == 7
    assert extend_occurrences(actor="test", today=D(2030, 1, 1)) == 0


def test_the_forums_apply_a_waiver_inside_their_transaction(app, make_obligation, today):
    from govtrack.obligations.services import apply_waiver_from_decision

    ob = make_obligation(due_date=D(2027, 3, 1))
    assert apply_waiver_from_decision(actor="test", obligation_id=ob.id, decision_id=12, reason="Motion 3") == 1
    db.session.commit()
    occ = occurrences_of(ob.id)[0]
    assert occ.waived and occ.waived_decision_id == 12 and occ.waive_reason == "Motion 3"
