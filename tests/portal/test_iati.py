"""IATI 2.03 activities of published funder and lender agreements (/api/v1/public/iati.xml).

Validated with lxml against the IATI 2.03 activities schema vendored from the standard
(tests/standards/iati-2.03), on the demo and on random agreements; only what the public may read is
in it. The agreement's water and sanitation sector is chosen on its form and in the API.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from govtrack.agreements.models import Agreement
from govtrack.demo import load_demo
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, Payment
from tests.conftest import csrf_token

STANDARD = Path(__file__).resolve().parent.parent / "standards" / "iati-2.03"
URL = "/api/v1/public/iati.xml"
SCHEMA = etree.XMLSchema(etree.parse(str(STANDARD / "iati-activities-schema.xsd")))


def _codes(name: str) -> set[str]:
    return {c.text for c in etree.parse(str(STANDARD / "codelists" / f"{name}.xml")).iter("code")}


def _doc(client) -> etree._Element:
    resp = client.get(URL)
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    assert "Content-Length" not in resp.headers  # streamed: written as it is read
    doc = etree.fromstring(resp.get_data())
    # The schema asks for at least one activity: an export with none is only well-formed.
    assert len(doc) == 0 or SCHEMA.validate(doc), SCHEMA.error_log
    return doc


def _activities(doc) -> dict[str, etree._Element]:
    return {a.findtext("iati-identifier"): a for a in doc.iter("iati-activity")}


def test_the_demo_activities_validate_with_the_public_grant(client, app_context):
    load_demo()
    db.session.commit()
    doc = _doc(client)
    activities = _activities(doc)
    # The public grant; the loans and credit line are internal, the members-only grant is not public.
    assert set(activities) == {"XX-GOVTRACK-PKS-2026-001"}
    grant = activities["XX-GOVTRACK-PKS-2026-001"]
    orgs = {(o.get("role"), o.findtext("narrative")) for o in grant.iter("participating-org")}
    assert orgs == {("1", "Yayasan Air Bersih Nusantara"), ("4", "Koperasi")}
    assert {o.get("role") for o in grant.iter("participating-org")} <= _codes("OrganisationRole")
    assert grant.find("activity-status").get("code") == "2"
    assert grant.find("sector").get("code") == "14030" and grant.find("recipient-country").get("code") == "ID"
    dates = {d.get("type"): d.get("iso-date") for d in grant.iter("activity-date")}
    assert dates == {"2": "2026-01-15", "3": "2027-01-14"}
    txs = [(t.find("transaction-type").get("code"), t.findtext("value")) for t in grant.iter("transaction")]
    assert txs[0] == ("11", "1250000000.00")
    assert [code for code, _ in txs[1:]] == ["1"] * (len(txs) - 1) and len(txs) >= 2  # tranches received
    links = {link.find("category").get("code") for link in grant.iter("document-link")}
    assert "A12" in links
    # The demo grant's results framework: an output and an outcome, with verified actuals split by sex.
    assert [r.get("type") for r in grant.iter("result")] == ["1", "2"]
    assert any(d.get("name") == "sex" for d in grant.iter("dimension"))


def _random_world(rng, make_partner, make_agreement) -> dict[int, bool]:
    funder = make_partner("Yayasan", category="nonprofit_funder", region="Jakarta")
    bank = make_partner("Bank", category="financial_institution")
    town = make_partner("Pemkab", category="local_government", region=rng.choice([None, "Kabupaten Bogor"]))
    expected = {}
    for i in range(12):
        status = rng.choice(["draft", "under_deliberation", "approved", "rejected", "active", "suspended",
                             "completed", "terminated"])
        visibility = rng.choice(["internal", "members", "public"])
        parties = rng.sample([(funder, "funder"), (bank, "lender"), (bank, "guarantor"), (town, "regulator")],
                             k=rng.randint(1, 3))
        start = rng.choice([None, dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))])
        agreement = make_agreement(
            f"Hibah {i} & <air>", kind=rng.choice(["grant", "loan", "credit_line"]), parties=parties,
            reference=rng.choice([None, f"PKS/2026/{i:03d}"]), status=status, visibility=visibility,
            value_amount=rng.choice([None, Decimal("0"), Decimal("1250000000"), Decimal("999999999999999.99")]),
            start_date=start, end_date=start + dt.timedelta(days=364) if start and rng.random() < 0.8 else None,
            summary=rng.choice([None, "Sanitasi 120 rumah tangga."]), sector=rng.choice([None, "14030", "14031", "14032"]),
        )
        giver = next((p for p, role in parties if role in ("funder", "lender")), funder)
        for k in range(rng.randint(0, 2)):
            obligation = Obligation(agreement_id=agreement.id, owed_by="partner", partner_id=giver.id,
                                    kind="disbursement", title=f"Tahap {k}", amount=Decimal("100000000"),
                                    currency="IDR", due_date=dt.date(2026, 3, 1) + dt.timedelta(days=90 * k))
            db.session.add(obligation)
            db.session.flush()
            occurrence = Occurrence(obligation_id=obligation.id, due_on=obligation.due_date, amount=obligation.amount,
                                    paid_amount=obligation.amount, fulfilled_on=obligation.due_date)
            db.session.add(occurrence)
            db.session.flush()
            reversed_ = rng.random() < 0.3
            db.session.add(Payment(occurrence_id=occurrence.id, paid_on=obligation.due_date, amount=obligation.amount,
                                   reversed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) if reversed_ else None,
                                   reversal_reason="Bounced" if reversed_ else None))
        db.session.commit()
        expected[agreement.id] = (visibility == "public" and status in ("approved", "active", "completed")
                                  and any(role in ("funder", "lender") for _, role in parties))
    return expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_agreements_validate_and_only_public_funder_ones_are_in(client, app_context, make_partner,
                                                                        make_agreement, seed):
    expected = _random_world(random.Random(seed), make_partner, make_agreement)
    doc = _doc(client)
    agreements = {a.id: a for a in db.session.scalars(select(Agreement))}
    want = {f"XX-GOVTRACK-{(agreements[i].reference or str(i)).replace('/', '-')}" for i, shown in expected.items() if shown}
    activities = _activities(doc)
    assert set(activities) == want
    for ident, act in activities.items():
        agreement = next(a for a in agreements.values()
                         if f"XX-GOVTRACK-{(a.reference or str(a.id)).replace('/', '-')}" == ident)
        assert act.find("sector").get("code") == (agreement.sector or "14030")
        assert act.find("activity-status").get("code") in _codes("ActivityStatus")
        for date in act.iter("activity-date"):
            assert date.get("type") in _codes("ActivityDateType")
        received = [t for t in act.iter("transaction") if t.find("transaction-type").get("code") == "1"]
        live = db.session.scalars(
            select(Payment.id).join(Occurrence).join(Obligation)
            .where(Obligation.agreement_id == agreement.id, Payment.reversed_at.is_(None))
        ).all()
        assert sorted(t.get("ref") for t in received) == sorted(f"payment-{i}" for i in live)
        # Where the work is: the regulator's region, never the funder's.
        assert "Jakarta" not in [n.text for n in act.iter("narrative") if n.getparent().tag == "name"]


def test_an_export_with_nothing_published_is_empty(client, app_context, make_partner, make_agreement):
    make_agreement("Internal grant", parties=[(make_partner("Funder"), "funder")], status="active")
    doc = _doc(client)
    assert doc.tag == "iati-activities" and doc.get("version") == "2.03" and len(doc) == 0


def test_the_export_reads_in_batches(client, app_context, make_partner, make_agreement, count_queries, monkeypatch):
    from govtrack.portal import iati

    monkeypatch.setattr(iati, "BATCH", 2)
    funder = make_partner("Funder")
    for i in range(5):
        make_agreement(f"Grant {i}", parties=[(funder, "funder")], status="active", visibility="public")
    with count_queries() as q:
        doc = _doc(client)
    assert len(_activities(doc)) == 5
    # Three batches of agreements (2, 2, 1) and an empty fourth, each with its three loads.
    assert sum("FROM agreements" in s and "agreement_parties.role IN" in s for s in q.statements) == 4, q.statements


def test_the_sector_is_chosen_on_the_form_and_in_the_api(app, client, sign_in, make_partner, make_agreement,
                                                         api_as):
    funder = make_partner("Funder")
    agreement = make_agreement("Grant", parties=[(funder, "funder")], status="active", visibility="public")
    sign_in("manager")
    page = client.get(f"/agreements/{agreement.id}/edit", headers={"Accept-Language": "id"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "14032 — Sanitasi (dasar)" in html and "Sektor air dan sanitasi" in html
    resp = client.post(f"/agreements/{agreement.id}/edit", headers={"Accept-Language": "id"}, data={
        "csrf_token": csrf_token(client, f"/agreements/{agreement.id}/edit"), "visibility": "public",
        "summary": "", "sector": "14032"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).sector == "14032"
    detail = client.get(f"/agreements/{agreement.id}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "14032 — Sanitasi (dasar)" in detail
    api = api_as("manager")
    bad = api.patch(f"/api/v1/agreements/{agreement.id}", json={"sector": "14040"})
    assert bad.status_code == 422 and "sector" in bad.get_json()["error"]["fields"]
    ok = api.patch(f"/api/v1/agreements/{agreement.id}", json={"sector": "14031"})
    assert ok.status_code == 200 and ok.get_json()["sector"] == "14031"
    act = _activities(_doc(client))["XX-GOVTRACK-" + str(agreement.id)]
    assert act.find("sector").get("code") == "14031"
    # A sector is no term of the agreement: it changes without a decision, and the change is audited.
    from govtrack.audit.models import AuditEvent

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.update")
                               .order_by(AuditEvent.id.desc())).first()
    assert json.loads(event.after)["sector"] == "14031" and json.loads(event.before)["sector"] == "14032"
    auditor = app.test_client()
    sign_in("admin", client=auditor)
    audit = auditor.get(f"/admin/audit/?object_type=agreement&object_id={agreement.id}", headers={"Accept-Language": "id"})
    assert audit.status_code == 200
    assert "Sektor air dan sanitasi" in audit.get_data(as_text=True)
    assert "Sanitasi (dasar)" in audit.get_data(as_text=True) and "Penyediaan air minum (dasar)" in audit.get_data(as_text=True)


def test_results_carry_only_verified_actuals_and_corrections_stand_for_what_they_correct(
    client, app_context, make_partner, make_agreement, make_user
):
    from govtrack.results import services as results

    agreement = make_agreement("Grant", parties=[(make_partner("Funder"), "funder")], status="active",
                               visibility="public", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    q1, q2 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    result = results.create_result(actor="test", agreement=agreement, kind="outcome", title="Toilets", indicators=[
        results.IndicatorData(title="Toilets built", unit="toilets", baseline_year=2025, baseline_value="0",
                              targets=[results.TargetData(*q1, "20"), results.TargetData(*q2, "50")])])
    from govtrack.results.models import Indicator

    indicator = db.session.scalar(select(Indicator).where(Indicator.result_id == result.id))
    clerk, checker = make_user("manager"), make_user("board")
    today = dt.date(2026, 11, 30)

    def actual(period, value, dims=None, corrects=None, verify=True):
        a = results.record_actual(actor=clerk, indicator=indicator, agreement=agreement, today=today,
                                  data=results.ActualData(*period, value, dimensions=dims or {}, corrects_id=corrects))
        results.submit_actual(actor=clerk, actual=a)
        if verify:
            results.verify_actual(actor=checker, actual=a)
        db.session.commit()
        return a

    wrong = actual(q1, "18")
    actual(q1, "22", corrects=wrong.id)                     # the verified correction stands for 18
    actual(q1, "9", {"sex": "female"})
    actual(q2, "47", verify=False)                           # submitted, not verified: not the funder's yet
    act = _activities(_doc(client))[f"XX-GOVTRACK-{agreement.id}"]
    (res,) = act.iter("result")
    assert res.get("type") == "2"
    (ind,) = res.iter("indicator")
    assert ind.find("baseline").attrib == {"year": "2025", "value": "0"}
    periods = [(p.find("period-start").get("iso-date"), p.find("target").get("value"),
                [(a.get("value"), [(d.get("name"), d.get("value")) for d in a.iter("dimension")]) for a in p.iter("actual")])
               for p in ind.iter("period")]
    assert periods == [("2026-01-01", "20", [("22", []), ("9", [("sex", "female")])]),
                       ("2026-04-01", "50", [])]
