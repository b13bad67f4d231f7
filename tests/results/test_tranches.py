"""Milestones that release tranches: a disbursement owed by a partner waits for verified results.
Claimable exactly when a verified actual reaches the value by the date (at the edge and one
below); an unverified actual does not count; receiving it before is refused unless a carried
decision waived its conditions; the obligation page, the dashboard and the API say its state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.obligations import queries as ob_queries
from govtrack.obligations import services as ob_services
from tests.conftest import csrf_token
from tests.results.conftest import Q1, Q2

ID = {"Accept-Language": "id"}
BY = dt.date(2026, 6, 30)


@pytest.fixture
def tranche(framework, app_context):
    """tranche(at_least=100, by=BY) -> (agreement, indicator, obligation): the second tranche of the
    grant, owed by its funder on 2026-07-15, waiting for the toilets indicator."""

    def make(at_least="100", by=BY, due=dt.date(2026, 7, 15), **framework_kw):
        agreement, indicator = framework(**framework_kw)
        partner_id = db.session.scalar(select(db.text("partner_id")).select_from(db.text("agreement_parties"))
                                       .where(db.text(f"agreement_id = {agreement.id}")))
        ob = ob_services.create_obligation(actor="test", today=dt.date(2026, 1, 1), data=ob_services.ObligationData(
            agreement_id=agreement.id, owed_by="partner", partner_id=partner_id, kind="disbursement",
            title="Tahap hibah 2", amount=Decimal("400000000"), due_date=due))
        ob_services.set_conditions(actor="test", obligation=ob, conditions=[
            ob_services.ConditionData(indicator.id, Decimal(at_least), by)])
        db.session.commit()
        return agreement, indicator, ob

    return make


def _claimable(ob) -> bool:
    return ob_queries.tranches([ob.id])[ob.id].claimable


def test_claimable_exactly_when_a_verified_actual_reaches_the_value(tranche, actual_of):
    _agreement, indicator, ob = tranche(at_least="100")
    actual_of(indicator, "99.99", period=Q1)  # one below
    assert not _claimable(ob)
    actual_of(indicator, 100, period=Q2)  # the edge: equal
    assert _claimable(ob)
    assert ob_queries.tranches([ob.id])[ob.id].state(today=dt.date(2027, 1, 1)) == "claimable"


def test_an_unverified_actual_does_not_count_nor_a_split_nor_one_after_the_date(tranche, actual_of):
    _agreement, indicator, ob = tranche(at_least="100")
    actual_of(indicator, 150, period=Q1, status="submitted")
    actual_of(indicator, 150, period=Q2, dims={"sex": "female"})  # a split is not the total
    actual_of(indicator, 150, period=(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))  # ends after the date
    state = ob_queries.tranches([ob.id])[ob.id]
    assert not state.claimable and state.conditions[0].reached is None
    assert state.state(today=BY) == "waiting"  # the condition's last day
    assert state.state(today=BY + dt.timedelta(days=1)) == "late"  # its date passed unmet


def test_a_verified_correction_counts_instead_of_what_it_corrected(tranche, actual_of):
    _agreement, indicator, ob = tranche(at_least="100")
    first = actual_of(indicator, 120, period=Q2)
    assert _claimable(ob)
    actual_of(indicator, 90, period=Q2, corrects_id=first.id, status="submitted")
    assert _claimable(ob)  # the correction waits: the verified figure still counts
    correction = db.session.scalar(select(db.text("max(id)")).select_from(db.text("indicator_actuals")))
    from govtrack.results import queries, services

    services.verify_actual(actor="verifier", actual=queries.get_actual(correction))
    db.session.commit()
    assert not _claimable(ob)


def test_a_tranche_is_not_received_before_it_is_claimable(tranche, actual_of):
    _agreement, indicator, ob = tranche(at_least="100")
    ob = ob_services.load_for_update(ob.id)
    with pytest.raises(Conflict) as err:
        ob_services.fulfil(actor="test", obligation=ob, on=dt.date(2026, 7, 16))
    assert err.value.code == "not_claimable"
    assert "Toilet terbangun at least 100.00 by 2026-06-30 (reached: —)" in err.value.message
    db.session.rollback()
    actual_of(indicator, 100, period=Q2)
    ob = ob_services.load_for_update(ob.id)
    occ = ob_services.fulfil(actor="test", obligation=ob, on=dt.date(2026, 7, 16))
    assert occ.fulfilled_on == dt.date(2026, 7, 16)


def test_a_carried_decision_waives_the_conditions_and_the_tranche_may_be_received(tranche, make_decision):
    agreement, _indicator, ob = tranche(at_least="100")
    decision = make_decision(agreement, effect="waive_obligation", obligation_id=ob.id,
                             text="Tahap 2 dicairkan walau jamban belum 100 unit.")
    ob = ob_services.load_for_update(ob.id)
    assert ob.conditions_waived_decision_id == decision.id
    state = ob_queries.tranches([ob.id])[ob.id]
    assert state.claimable and state.waived_by == decision.id
    # The money is still owed: the occurrence is open, not waived.
    occ = ob_services.fulfil(actor="test", obligation=ob, on=dt.date(2026, 7, 16))
    assert occ.fulfilled_on and not occ.waived
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "obligation.conditions_waive")) == "obligation.conditions_waive"


def test_conditions_are_for_a_partner_s_disbursement_and_its_own_agreement(tranche, framework, make_agreement):
    agreement, indicator, ob = tranche()
    _other_agreement, foreign = framework(code="X")
    with pytest.raises(ValidationFailed) as err:
        ob_services.set_conditions(actor="test", obligation=ob, conditions=[
            ob_services.ConditionData(foreign.id, Decimal(1), BY), ob_services.ConditionData(indicator.id, None, None)])
    assert err.value.fields == {
        "conditions.0.indicator_id": ["Choose an indicator of this obligation's agreement."],
        "conditions.1.at_least": ["Required."], "conditions.1.by_date": ["Required."]}
    report = ob_services.create_obligation(actor="test", today=dt.date(2026, 1, 1), data=ob_services.ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="report", title="Laporan",
        due_date=dt.date(2026, 7, 1)))
    with pytest.raises(ValidationFailed) as err:
        ob_services.set_conditions(actor="test", obligation=report, conditions=[
            ob_services.ConditionData(indicator.id, Decimal(1), BY)])
    assert err.value.fields == {"conditions": ["Only a disbursement owed by a partner waits for conditions."]}


def test_the_obligation_page_and_the_dashboard_say_the_tranche_s_state(client, sign_in, tranche, actual_of,
                                                                       monkeypatch):
    from govtrack.core import clock

    _agreement, indicator, ob = tranche(at_least="100", by=BY, due=dt.date(2026, 12, 15))
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 8, 1))
    sign_in("manager")
    page = client.get(f"/obligations/{ob.id}", headers=ID).get_data(as_text=True)
    # 1 August 2026: the condition's date (30 June) passed with no verified actual: late.
    assert "Syarat pencairan" in page and "Terlambat" in page and "belum terpenuhi" in page
    actual_of(indicator, 100, period=Q2)
    page = client.get(f"/obligations/{ob.id}", headers=ID).get_data(as_text=True)
    assert "Dapat ditagih" in page and "terpenuhi" in page
    dashboard = client.get("/obligations/", headers=ID).get_data(as_text=True)
    assert "Tahap pencairan yang menunggu hasil" in dashboard and "Dapat ditagih" in dashboard


def test_the_conditions_form_sets_and_refuses_beside_the_row(client, sign_in, tranche):
    _agreement, indicator, ob = tranche()
    sign_in("manager")
    url = f"/obligations/{ob.id}/conditions"
    token = csrf_token(client, url)
    form = {"csrf_token": token, "rows-0-indicator_id": str(indicator.id), "rows-0-at_least": "1.500",
            "rows-0-by_date": "", "rows-1-indicator_id": "0", "rows-1-at_least": "", "rows-1-by_date": "",
            "rows-2-indicator_id": "0", "rows-2-at_least": "", "rows-2-by_date": ""}
    resp = client.post(url, data=form, headers=ID)
    assert resp.status_code == 422
    assert "Wajib diisi." in resp.get_data(as_text=True)
    resp = client.post(url, data={**form, "rows-0-by_date": "2026-09-30"}, headers=ID)
    assert resp.status_code == 302
    [c] = ob_queries.tranches([ob.id])[ob.id].conditions
    assert (c.condition.at_least, c.condition.by_date) == (Decimal("1500.00"), dt.date(2026, 9, 30))


def test_the_api_sets_conditions_and_shows_claimable(api_as, tranche, actual_of):
    _agreement, indicator, ob = tranche()
    manager = api_as("manager")
    body = manager.get(f"/api/v1/obligations/{ob.id}").get_json()
    assert body["claimable"] is False
    assert body["conditions"] == [{"indicator_id": indicator.id, "at_least": "100.00", "by": "2026-06-30",
                                   "reached": None, "met": False, "projected": None, "on_track": None}]
    resp = manager.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2026-07-16"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_claimable"
    resp = manager.put(f"/api/v1/obligations/{ob.id}/conditions",
                       json={"conditions": [{"indicator_id": indicator.id, "at_least": "50", "by": "2026-03-31"}]})
    assert resp.status_code == 200 and resp.get_json()["conditions"][0]["at_least"] == "50.00"
    actual_of(indicator, 50, period=Q1)
    assert manager.get(f"/api/v1/obligations/{ob.id}").get_json()["claimable"] is True
    assert api_as("board").put(f"/api/v1/obligations/{ob.id}/conditions", json={"conditions": []}).status_code == 403


def test_the_trend_of_the_verified_totals_projects_whether_a_condition_will_be_met(tranche, actual_of):
    """A straight line through the verified totals (least squares) to the condition's date, checked
    against the line computed here by hand; none from a single figure, none once met."""
    from govtrack.obligations.queries.tranches import projection

    _agreement, indicator, ob = tranche(at_least="100", by=dt.date(2026, 12, 31))
    actual_of(indicator, 20, period=Q1)
    assert ob_queries.tranches([ob.id])[ob.id].conditions[0].projected is None  # one point draws no line
    q2 = actual_of(indicator, 50, period=Q2)
    actual_of(indicator, 10, period=Q1, dims={"sex": "female"})  # a split is no total: not a point
    (c,) = ob_queries.tranches([ob.id])[ob.id].conditions
    x1, x2, x = Q1[1].toordinal(), Q2[1].toordinal(), dt.date(2026, 12, 31).toordinal()
    expected = Decimal(20) + Decimal(30) * Decimal(x - x1) / Decimal(x2 - x1)  # two points: the line through them
    assert c.projected == expected.quantize(Decimal("0.01"))
    assert c.projected < 120 and c.on_track == (c.projected >= 100)
    assert projection([(Q1[1], Decimal(1)), (Q1[1], Decimal(3))], dt.date(2027, 1, 1)) is None  # one date
    # Three points: the least-squares line, computed here as the textbook formulas give it.
    points = [(dt.date(2026, 3, 31), Decimal(10)), (dt.date(2026, 6, 30), Decimal(40)), (dt.date(2026, 9, 30), Decimal(50))]
    xs = [Decimal(d.toordinal()) for d, _ in points]
    ys = [v for _, v in points]
    mx, my = sum(xs) / 3, sum(ys) / 3
    b = sum((a - mx) * (y - my) for a, y in zip(xs, ys, strict=True)) / sum((a - mx) ** 2 for a in xs)
    day = dt.date(2026, 12, 31)
    assert projection(points, day) == (my + b * (Decimal(day.toordinal()) - mx)).quantize(Decimal("0.01"))
    actual_of(indicator, 100, period=Q2, corrects_id=q2.id)  # Q2 corrected to 100: met, no projection needed
    (c,) = ob_queries.tranches([ob.id])[ob.id].conditions
    assert c.met and c.projected is None and c.on_track is None


def test_the_projection_is_on_the_page_and_in_the_api(client, sign_in, api_as, tranche, actual_of):
    # 20 by March, 50 by June: the line reaches 110.66 by December, short of 120.
    _agreement, indicator, ob = tranche(at_least="120", by=dt.date(2026, 12, 31))
    actual_of(indicator, 20, period=Q1)
    actual_of(indicator, 50, period=Q2)
    sign_in("manager")
    page = client.get(f"/obligations/{ob.id}", headers=ID).get_data(as_text=True)
    assert "tren angka terverifikasi mengarah ke 110,66 pada tanggal itu" in page and "tidak sesuai jalur" in page
    body = api_as("manager").get(f"/api/v1/obligations/{ob.id}").get_json()
    (cond,) = body["conditions"]
    assert cond["on_track"] is False and cond["projected"] == "110.66"
