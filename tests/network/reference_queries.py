"""The network's reading and measuring as they were before they were made fast (commit 649a810):
graph.py's metrics on networkx (reference_graph.py, that module as it was) and this reader of the
database, one query set per date. tests/network/test_fast_metrics.py checks that the fast path
gives the same answers; nothing else imports these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from govtrack.agreements.models import (
    Agreement,
    AgreementDependency,
    AgreementParty,
    Clause,
    ClauseVersion,
    ProposedBy,
)
from govtrack.agreements.queries import visibility_clause
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.network import graph
from govtrack.network.queries import AgreementRow, ClauseRow, NetworkData, PartnerRow, PartyRow
from govtrack.partners.models import Partner

IN_FORCE_STATUSES = ("active", "suspended")


def in_force_condition(as_of: dt.date, status: str | None = None):
    """SQL: the agreements in force on `as_of` (or, with `status`, in that status on those dates)."""
    statuses = [status] if status else list(IN_FORCE_STATUSES)
    return (
        Agreement.status.in_(statuses)
        & ((Agreement.start_date.is_(None)) | (Agreement.start_date <= as_of))
        & ((Agreement.end_date.is_(None)) | (Agreement.end_date >= as_of))
    )


def network_data(
    *,
    user,
    as_of: dt.date,
    category: str | None = None,
    flow: str | None = None,
    status: str | None = None,
) -> NetworkData:
    """The rows of the network `user` may see on `as_of` (four queries, whatever the size)."""
    cond = in_force_condition(as_of, status)
    vis = visibility_clause(user)
    if vis is not None:
        cond = cond & vis
    agreements = [
        AgreementRow(
            id=r.id, title=r.title, kind=r.kind, status=r.status,
            value=Decimal(r.value_amount or 0), currency=r.value_currency, reference=r.reference,
            start_date=r.start_date, end_date=r.end_date,
        )
        for r in db.session.execute(
            select(
                Agreement.id, Agreement.title, Agreement.kind, Agreement.status, Agreement.value_amount,
                Agreement.value_currency, Agreement.reference, Agreement.start_date, Agreement.end_date,
            ).where(cond).order_by(Agreement.id)
        )
    ]
    visible_ids = select(Agreement.id).where(cond)
    kinds = {a.id: a.kind for a in agreements}
    party_rows = db.session.execute(
        select(
            AgreementParty.agreement_id, AgreementParty.partner_id, AgreementParty.role,
            Partner.name, Partner.category, Partner.region,
        )
        .join(Partner, Partner.id == AgreementParty.partner_id)
        .where(AgreementParty.agreement_id.in_(visible_ids))
        .order_by(AgreementParty.agreement_id, AgreementParty.id)
    ).all()
    partners: dict[int, PartnerRow] = {}
    parties: list[PartyRow] = []
    for agreement_id, partner_id, role, name, cat, region in party_rows:
        if category and cat != category:
            continue
        if flow and graph.flow_for(kinds[agreement_id], role) != flow:
            continue
        partners.setdefault(partner_id, PartnerRow(id=partner_id, name=name, category=cat, region=region))
        parties.append(PartyRow(agreement_id=agreement_id, partner_id=partner_id, role=role))
    if category or flow:
        # Keep only the agreements that still have a party in the picture.
        kept = {p.agreement_id for p in parties}
        agreements = [a for a in agreements if a.id in kept]
    kept_ids = {a.id for a in agreements}
    deps = [
        (a, b)
        for a, b in db.session.execute(
            select(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)
            .where(AgreementDependency.agreement_id.in_(visible_ids))
            .order_by(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)
        )
        if a in kept_ids and b in kept_ids
    ]
    return NetworkData(
        as_of=as_of,
        partners=sorted(partners.values(), key=lambda p: p.id),
        agreements=agreements,
        parties=parties,
        dependencies=deps,
        clauses=partner_clauses(visible_ids, as_of=as_of, kept_ids=kept_ids),
        filters={"category": category, "flow": flow, "status": status},
    )


def partner_clauses(visible_ids, *, as_of: dt.date, kept_ids: set[int]) -> list[ClauseRow]:
    """Clauses proposed by the partner side, each with its status at the end of `as_of`: the
    latest kept version written by then (every decision writes a version, with its decision id)."""
    # The end of the cooperative's day, not of UTC's: a decision at 06:00 WIB belongs to its own day.
    end = clock.day_start(as_of + dt.timedelta(days=1))
    rows = db.session.execute(
        select(
            Clause.agreement_id, Clause.id, Clause.status, ClauseVersion.version,
            ClauseVersion.status, ClauseVersion.decision_id, ClauseVersion.created_at,
        )
        .outerjoin(ClauseVersion, ClauseVersion.clause_id == Clause.id)
        .where(Clause.proposed_by == ProposedBy.partner.value, Clause.agreement_id.in_(visible_ids))
        .order_by(Clause.id, ClauseVersion.version)
    ).all()
    latest: dict[int, ClauseRow] = {}
    for agreement_id, clause_id, current, version, v_status, decision_id, created_at in rows:
        if agreement_id not in kept_ids:
            continue
        if version is None:
            latest[clause_id] = ClauseRow(agreement_id, clause_id, current, None)
        elif created_at is None or created_at < end:
            latest[clause_id] = ClauseRow(agreement_id, clause_id, v_status, decision_id)
    return list(latest.values())


