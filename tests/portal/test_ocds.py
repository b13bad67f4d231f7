"""The OCDS 1.1 release package of published construction agreements (/api/v1/public/ocds.json).

Validated with jsonschema (Draft 4) against the release-package schema vendored from the standard
(tests/standards/ocds-1.1, Apache-2.0), on the demo and on random agreements; only what the public
may read is in it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import select

from govtrack.agreements.models import Agreement, Clause, ClauseVersion
from govtrack.demo import load_demo
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, Payment

STANDARD = Path(__file__).resolve().parent.parent / "standards" / "ocds-1.1"
URL = "/api/v1/public/ocds.json"


def _validator() -> Draft4Validator:
    package = json.loads((STANDARD / "release-package-schema.json").read_text())
    release = json.loads((STANDARD / "release-schema.json").read_text())
    ref = package["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(ref, Resource(contents=release, specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


VALIDATOR = _validator()


@pytest.fixture
def app_config() -> dict:
    """The cooperative's own default language: the package's texts are written in it."""
    return {"BABEL_DEFAULT_LOCALE": "id"}


def _errors(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(package)]


def _codes(name: str) -> set[str]:
    lines = (STANDARD / "codelists" / f"{name}.csv").read_text().splitlines()[1:]
    return {line.split(",", 1)[0] for line in lines if line}


def test_the_demo_package_validates_with_its_construction_contract(client, app_context):
    load_demo()
    db.session.commit()
    resp = client.get(URL)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    package = resp.get_json()
    assert _errors(package) == []
    assert package["version"] == "1.1" and package["publisher"]["name"] == "Koperasi"
    works = db.session.scalar(select(Agreement).where(Agreement.reference == "PKS/2026/002"))
    internal = db.session.scalar(select(Agreement).where(Agreement.reference == "PKS/2025/011"))
    ocids = {r["ocid"] for r in package["releases"]}
    assert ocids == {f"ocds-213czf-{works.id}"}  # the internal construction contract is not there
    assert internal.kind == "construction" and f"ocds-213czf-{internal.id}" not in ocids
    (release,) = package["releases"]
    assert release["language"] == "id" and "contract" in release["tag"] and "implementation" in release["tag"]
    parties = {p["name"]: p["roles"] for p in release["parties"]}
    assert parties["CV Tirta Karya Mandiri"] == ["supplier"]
    assert parties["Koperasi"] == ["buyer"]
    (contract,) = release["contracts"]
    assert contract["awardID"] == release["awards"][0]["id"]
    assert contract["value"] == {"amount": 980000000, "currency": "IDR"}
    assert contract["status"] == "active"
    assert contract["period"] == {"startDate": "2026-03-01T00:00:00+07:00", "endDate": "2026-12-31T00:00:00+07:00"}
    milestones = contract["implementation"]["milestones"]
    assert [m["title"] for m in milestones] == ["Survei lokasi selesai", "Fondasi reservoir",
                                                 "Pipa terpasang ke 120 rumah tangga", "Serah terima"]
    assert milestones[0]["status"] == "met" and milestones[0]["dateMet"].startswith("2026-03-31")
    assert {m["status"] for m in milestones} <= _codes("milestoneStatus")


def _random_world(rng: random.Random, make_partner, make_agreement, make_decision) -> dict[int, bool]:
    """Agreements of every status and visibility, some with a construction partner, with amended
    and removed clauses, milestones in every state and payments (some reversed); returns
    {agreement id: whether the public may read it and it has a construction partner}."""
    builders = [make_partner(f"Builder {i}", category="construction_partner", region=rng.choice([None, "Bogor"]))
                for i in range(3)]
    funder = make_partner("Funder")
    bank = make_partner("Bank", category="financial_institution")
    today = dt.date(2026, 11, 30)
    expected = {}
    for i in range(14):
        status = rng.choice(["draft", "under_deliberation", "approved", "rejected", "active", "suspended",
                             "completed", "terminated"])
        visibility = rng.choice(["internal", "members", "public"])
        construction = rng.random() < 0.7
        parties = [(rng.choice(builders), rng.choice(["contractor", "supplier"]))] if construction else []
        parties += rng.sample([(funder, "funder"), (bank, "lender"), (bank, "guarantor")], k=rng.randint(0 if parties else 1, 2))
        if parties and parties[0][1] == "supplier" and rng.random() < 0.5:
            parties.append((rng.choice(builders), "contractor"))
        value = rng.choice([None, Decimal("0"), Decimal("980000000"), Decimal("1500000.50"), Decimal("999999999999999.99")])
        start = rng.choice([None, dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))])
        agreement = make_agreement(
            f"Works {i}", kind=rng.choice(["construction", "supply", "grant"]), parties=parties,
            clauses=[f"Point {n} of works {i}." for n in range(1, 4)], value_amount=value, start_date=start,
            end_date=start + dt.timedelta(days=365) if start else None, visibility=visibility, status=status,
            summary=rng.choice([None, "Pipes to 120 households."]),
        )
        clauses = list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id)))
        for clause in rng.sample(clauses, k=rng.randint(0, 2)):
            decision = make_decision(agreement)
            new_status = rng.choice(["amended", "rejected", "accepted"])
            clause.status = new_status
            db.session.add(ClauseVersion(clause_id=clause.id, version=2, text=f"{clause.text} (changed)",
                                         status=new_status, decision_id=decision.id))
        builder = next((p for p, role in parties if role in ("contractor", "supplier")), funder)
        for k in range(rng.randint(0, 3)):
            kind = rng.choice(["construction_milestone", "payment"])
            obligation = Obligation(agreement_id=agreement.id, owed_by="partner" if kind != "payment" else "cooperative",
                                    partner_id=builder.id, kind=kind, title=f"Step {k}", currency="IDR",
                                    amount=rng.choice([None, Decimal("5000000")]), due_date=today + dt.timedelta(days=30 * k - 40))
            db.session.add(obligation)
            db.session.flush()
            met = rng.random() < 0.5
            occurrence = Occurrence(obligation_id=obligation.id, due_on=obligation.due_date, amount=obligation.amount,
                                    fulfilled_on=obligation.due_date if met else None,
                                    paid_amount=Decimal("5000000") if met and obligation.amount else Decimal("0"))
            db.session.add(occurrence)
            db.session.flush()
            if met and obligation.amount:
                reversed_ = rng.random() < 0.3
                db.session.add(Payment(occurrence_id=occurrence.id, paid_on=obligation.due_date, amount=Decimal("5000000"),
                                       reversed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) if reversed_ else None,
                                       reversal_reason="Bounced" if reversed_ else None))
        db.session.commit()
        has_builder = any(role == "contractor" or p.category == "construction_partner" for p, role in parties)
        expected[agreement.id] = (visibility == "public" and status in ("approved", "active", "completed")
                                  and has_builder)
    return expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_agreements_validate_and_only_public_construction_ones_are_in(
    client, app_context, make_partner, make_agreement, make_decision, seed
):
    rng = random.Random(seed)
    expected = _random_world(rng, make_partner, make_agreement, make_decision)
    package = client.get(URL).get_json()
    got = {int(r["ocid"].rsplit("-", 1)[1]) for r in package["releases"]}
    assert got == {i for i, shown in expected.items() if shown}
    if got:
        assert _errors(package) == []
    for release in package["releases"]:
        (contract,) = release["contracts"]
        assert contract["status"] in _codes("contractStatus")
        for party in release["parties"]:
            assert set(party["roles"]) <= _codes("partyRole")
        # Every amendment is a clause a forum changed or removed, with its decision's number.
        versions = db.session.execute(
            select(ClauseVersion.id, ClauseVersion.status).join(Clause, Clause.id == ClauseVersion.clause_id)
            .where(Clause.agreement_id == int(release["ocid"].rsplit("-", 1)[1]), ClauseVersion.decision_id.is_not(None))
        ).all()
        assert {a["id"] for a in contract.get("amendments", [])} == {
            f"amendment-{vid}" for vid, status in versions if status in ("amended", "rejected")}
        for amendment in contract.get("amendments", []):
            assert amendment["rationale"].startswith("Keputusan ")
        # Reversed payments are not transactions; every other payment is, with payer and payee.
        for tx in contract["implementation"]["transactions"]:
            payment = db.session.get(Payment, int(tx["id"].split("-")[1]))
            assert payment.reversed_at is None and tx["payer"]["id"] != tx["payee"]["id"]


def test_an_amendment_names_its_decision_and_a_change_gives_a_new_release_id(
    client, app_context, make_partner, make_agreement, make_decision
):
    builder = make_partner("CV Builder", category="construction_partner")
    agreement = make_agreement("Reservoir", kind="construction", parties=[(builder, "contractor")],
                               clauses=["Build the reservoir.", "Six months of maintenance."],
                               status="active", visibility="public", value_amount=Decimal("250000000"))
    before = client.get(URL).get_json()["releases"][0]
    assert "amendments" not in before["contracts"][0] and before["tag"] == ["contract"]
    decision = make_decision(agreement)
    clause = db.session.scalar(select(Clause).where(Clause.agreement_id == agreement.id, Clause.number == 2))
    clause.status, clause.text = "amended", "Twelve months of maintenance."
    db.session.add(ClauseVersion(clause_id=clause.id, version=2, text=clause.text, status="amended",
                                 decision_id=decision.id))
    db.session.commit()
    after = client.get(URL).get_json()["releases"][0]
    (amendment,) = after["contracts"][0]["amendments"]
    assert amendment["description"] == "Twelve months of maintenance."
    assert amendment["rationale"] == f"Keputusan {decision.number} dari Test forum 1: poin 2 diubah."
    assert after["tag"] == ["contract", "contractAmendment"]
    assert after["id"] != before["id"] and after["ocid"] == before["ocid"]


def test_an_empty_package_and_a_warm_answer_reads_no_rows(client, app_context, count_queries):
    resp = client.get(URL)
    assert resp.status_code == 200 and resp.get_json()["releases"] == []
    with count_queries() as q:
        assert client.get(URL).status_code == 200
    # The data versions only: no agreement, party or payment is read for a cached package.
    assert not any("agreements" in s and "data_versions" not in s for s in q.statements), q.statements


def test_the_package_is_in_the_openapi_document_and_needs_no_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/public/ocds.json" in spec["paths"]
    assert spec["paths"]["/api/v1/public/ocds.json"]["get"]["security"] == []
