"""OCDS 1.1: the published construction agreements as one release package (/api/v1/public/ocds.json).

What is exported is exactly what the public may read (`portal_clause(None)`: visibility public and
approved, active or completed), restricted to agreements with a construction partner (a partner of
category `construction_partner`, or a party in the role `contractor`). Each agreement is one release:

- `parties`: the cooperative (buyer; payer or payee where money moved) and every partner of the
  agreement with its roles (contractor and supplier -> supplier, funder and lender -> funder, the
  others interestedParty);
- `awards` and `contracts`: one of each per agreement (OCDS 1.1 requires every contract to name its
  award): value, period, status, the public documents, and each clause change decided by a forum
  (a clause version made by a decision that amended or removed the clause) as an `amendment` naming
  that decision;
- `contracts[].implementation`: `milestones` from the agreement's construction-milestone obligations
  (one per due date: due and met dates, status) and `transactions` from the payments recorded on
  its obligations (reversed ones left out), each with payer and payee.

The texts written here (rationales, descriptions) are in the cooperative's default language, named
in each release's `language`: the package is public and cached, so it never varies with the reader.
A release's `id` is its ocid and a digest of its content, so any change gives a new release id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from govtrack.agreements.models import (
    Agreement,
    AgreementParty,
    Clause,
    ClauseVersion,
)
from govtrack.core import clock, versions
from govtrack.core.web import external_url
from govtrack.extensions import db
from govtrack.forums.models import Decision, Forum
from govtrack.obligations.models import Obligation, Occurrence, Payment
from govtrack.partners.models import Partner
from govtrack.portal.queries import parties_and_documents, portal_clause

# The tables a package is read from: its cache key carries their data versions.
TABLES = ("agreements", "agreement_parties", "partners", "clauses", "clause_versions", "documents",
          "decisions", "forums", "obligations", "obligation_occurrences", "obligation_payments")
versions.track(*TABLES)

COOPERATIVE_ID = "cooperative"

# govtrack's party roles -> OCDS partyRole codes (closed codelist).
PARTY_ROLES = {
    "contractor": "supplier", "supplier": "supplier",
    "funder": "funder", "lender": "funder",
}
# Published statuses -> OCDS contractStatus (pending, active, cancelled, terminated).
CONTRACT_STATUS = {"approved": "pending", "active": "active", "completed": "terminated"}
AWARD_STATUS = {"approved": "active", "active": "active", "completed": "active"}
# Only a decision that changed a clause is an amendment; accepting it as proposed changes nothing.
AMENDING = ("amended", "rejected")


def prefix() -> str:
    """GOVTRACK_OCDS_PREFIX: the ocid prefix registered for the cooperative."""
    return current_app.config["OCDS_PREFIX"]


def ocid(agreement_id: int) -> str:
    return f"{prefix()}-{agreement_id}"


def construction_clause():
    """SQL condition: the agreement has a construction partner (by category, or as contractor)."""
    construction = (
        select(AgreementParty.agreement_id)
        .join(Partner, Partner.id == AgreementParty.partner_id)
        .where(or_(Partner.category == "construction_partner", AgreementParty.role == "contractor"))
    )
    return Agreement.id.in_(construction)


def _datetime(value: dt.date | dt.datetime | None) -> str | None:
    """An OCDS date-time: a stored (UTC) time as it is, a date as midnight in the cooperative's zone."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(0), tzinfo=clock.zone()).isoformat(timespec="seconds")


def _amount(value: Decimal) -> int | float:
    """A JSON number (OCDS `amount` is a number): whole rupiah stay integers, exactly."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _value(amount: Decimal | None, currency: str) -> dict | None:
    return None if amount is None else {"amount": _amount(amount), "currency": currency}


def _milestone_status(occ: Occurrence, today: dt.date) -> str:
    if occ.fulfilled_on is not None:
        return "met"
    if occ.waived or occ.due_on < today:
        return "notMet"
    if occ.paid_amount:
        return "partiallyMet"
    return "scheduled"


def _load(agreement_ids: list[int]):
    """Everything the releases of these agreements need, in one query per table."""
    parties, documents = parties_and_documents(agreement_ids)
    amendments = defaultdict(list)
    for version, number, agreement_id, decision, forum_name in db.session.execute(
        select(ClauseVersion, Clause.number, Clause.agreement_id, Decision, Forum.name)
        .join(Clause, Clause.id == ClauseVersion.clause_id)
        .join(Decision, Decision.id == ClauseVersion.decision_id)
        .join(Forum, Forum.id == Decision.forum_id)
        .where(Clause.agreement_id.in_(agreement_ids), ClauseVersion.status.in_(AMENDING))
        .order_by(Decision.decided_on, ClauseVersion.id)
    ):
        amendments[agreement_id].append((version, number, decision, forum_name))
    milestones = defaultdict(list)
    for occ, obligation in db.session.execute(
        select(Occurrence, Obligation)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Obligation.agreement_id.in_(agreement_ids), Obligation.kind == "construction_milestone")
        .order_by(Occurrence.due_on, Occurrence.id)
    ):
        milestones[obligation.agreement_id].append((occ, obligation))
    payments = defaultdict(list)
    for payment, obligation in db.session.execute(
        select(Payment, Obligation)
        .join(Occurrence, Occurrence.id == Payment.occurrence_id)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Obligation.agreement_id.in_(agreement_ids), Payment.reversed_at.is_(None),
               Payment.amount.is_not(None))
        .order_by(Payment.paid_on, Payment.id)
    ):
        payments[obligation.agreement_id].append((payment, obligation))
    return parties, documents, amendments, milestones, payments


def _party_ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def release(agreement: Agreement, loaded, *, today: dt.date, cooperative: str, language: str) -> dict:
    """One OCDS release for one agreement (see the module's docstring)."""
    parties_of, documents_of, amendments_of, milestones_of, payments_of = loaded
    coop = {"id": COOPERATIVE_ID, "name": cooperative, "roles": {"buyer"}}
    parties: dict[int, dict] = {}
    for role, partner in parties_of[agreement.id]:
        entry = parties.setdefault(partner.id, {"id": f"partner-{partner.id}", "name": partner.name, "roles": set()})
        entry["roles"].add(PARTY_ROLES.get(role, "interestedParty"))
        if partner.region:
            entry["address"] = {"region": partner.region, "countryName": "Indonesia"}

    transactions = []
    for payment, obligation in payments_of[agreement.id]:
        partner = parties.get(obligation.partner_id)
        if partner is None:
            continue  # a payment to or from someone not a party of this agreement stays unpublished
        payer, payee = (coop, partner) if obligation.owed_by == "cooperative" else (partner, coop)
        payer["roles"].add("payer")
        payee["roles"].add("payee")
        transactions.append({
            "id": f"payment-{payment.id}",
            "source": external_url("portal.agreement", agreement_id=agreement.id),
            "date": _datetime(payment.paid_on),
            "value": _value(payment.amount, obligation.currency),
            "payer": _party_ref(payer),
            "payee": _party_ref(payee),
        })

    milestones = [
        {
            "id": f"milestone-{occ.id}",
            "title": obligation.title,
            "type": "delivery",
            "dueDate": _datetime(occ.due_on),
            **({"dateMet": _datetime(occ.fulfilled_on)} if occ.fulfilled_on else {}),
            "status": _milestone_status(occ, today),
            **({"value": _value(occ.amount, obligation.currency)} if occ.amount is not None else {}),
        }
        for occ, obligation in milestones_of[agreement.id]
    ]

    amendments = []
    for version, number, decision, forum_name in amendments_of[agreement.id]:
        if version.status == "rejected":
            rationale = _("Decision %(number)s of %(forum)s: point %(point)d removed.",
                          number=decision.number, forum=forum_name, point=number)
        else:
            rationale = _("Decision %(number)s of %(forum)s: point %(point)d amended.",
                          number=decision.number, forum=forum_name, point=number)
        amendments.append({
            "id": f"amendment-{version.id}",
            "date": _datetime(decision.decided_on),
            "rationale": rationale,
            "description": version.text,
        })

    documents = [
        {
            "id": f"document-{doc.id}",
            "title": doc.original_name,
            "url": external_url("agreements_api.download_document", agreement_id=agreement.id, document_id=doc.id),
            "datePublished": _datetime(doc.uploaded_at),
            "format": doc.content_type,
        }
        for doc in documents_of[agreement.id]
    ]

    suppliers = [_party_ref(p) for p in parties.values() if "supplier" in p["roles"]]
    period = {k: v for k, v in (("startDate", _datetime(agreement.start_date)),
                                ("endDate", _datetime(agreement.end_date))) if v}
    value = _value(agreement.value_amount, agreement.value_currency)
    award = {
        "id": f"award-{agreement.id}",
        "title": agreement.title,
        "status": AWARD_STATUS[agreement.status],
        "suppliers": suppliers,
        **({"value": value} if value else {}),
    }
    contract = {
        "id": f"contract-{agreement.id}",
        "awardID": award["id"],
        "title": agreement.title,
        **({"description": agreement.summary} if agreement.summary else {}),
        "status": CONTRACT_STATUS[agreement.status],
        **({"value": value} if value else {}),
        **({"period": period} if period else {}),
        **({"documents": documents} if documents else {}),
        **({"amendments": amendments} if amendments else {}),
        "implementation": {"milestones": milestones, "transactions": transactions},
    }
    tags = ["contract"]
    if amendments:
        tags.append("contractAmendment")
    if milestones or transactions:
        tags.append("implementation")
    all_parties = [coop, *parties.values()]
    body = {
        "ocid": ocid(agreement.id),
        "date": _datetime(agreement.updated_at),
        "tag": tags,
        "initiationType": "tender",
        "language": language,
        "parties": [{**p, "roles": sorted(p["roles"])} for p in all_parties],
        "buyer": _party_ref(coop),
        "awards": [award],
        "contracts": [contract],
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {"ocid": body["ocid"], "id": f"{body['ocid']}-{digest}", **{k: v for k, v in body.items() if k != "ocid"}}


def release_package(*, cooperative: str) -> dict:
    """The release package of every public construction agreement, oldest first."""
    language = current_app.config.get("BABEL_DEFAULT_LOCALE") or "id"
    agreements = list(db.session.scalars(
        select(Agreement).where(portal_clause(None), construction_clause()).order_by(Agreement.id)
    ))
    today = clock.today()
    loaded = _load([a.id for a in agreements])
    with force_locale(language):
        releases = [release(a, loaded, today=today, cooperative=cooperative, language=language) for a in agreements]
    return {
        "uri": external_url("public_api.ocds_package"),
        "version": "1.1",
        "publishedDate": _datetime(clock.utcnow()),
        "publisher": {"name": cooperative, "uri": external_url("portal.index")},
        "releases": releases,
    }


def cache_key(*, cooperative: str) -> str:
    """What a package depends on: the data versions of its tables, today (a milestone's status
    changes at midnight), the prefix, the names and the address links are built on."""
    base = current_app.config.get("BASE_URL") or ""
    raw = json.dumps([versions.tokens(db.session, *TABLES), prefix(), cooperative, base, clock.today().isoformat()])
    return f"ocds-{hashlib.sha256(raw.encode()).hexdigest()[:40]}.json"
