"""Reading what the dependency network is built from: plain rows, no ORM objects, so that
govtrack.network.graph can turn them into a graph without a database or a request.

Who sees what: the agreements are filtered with govtrack.agreements.queries.visibility_clause, so a
member sees only agreements published to members, and only the partners that are party to those.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from govtrack.agreements.models import (
    Agreement,
    AgreementDependency,
    AgreementParty,
    AgreementStatus,
    Clause,
    ClauseVersion,
    ProposedBy,
)
from govtrack.agreements.queries import visibility_clause
from govtrack.core.cache import get_cache
from govtrack.extensions import db
from govtrack.network import graph
from govtrack.partners.models import Partner

# Agreements "in force" are active or suspended: a suspended agreement still binds the cooperative
# and still has to be replaced if the partner goes, so leaving it out would understate the
# dependence. Approved-but-unsigned agreements are not in force yet (filter ?status=approved to see
# the pipeline).
METRICS_VERSION = 1  # bump when compute_metrics changes, so cached metrics are not reused
IN_FORCE_STATUSES: tuple[str, ...] = (AgreementStatus.active.value, AgreementStatus.suspended.value)


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    category: str
    region: str | None = None


@dataclass(frozen=True)
class AgreementRow:
    id: int
    title: str
    kind: str
    status: str
    value: Decimal = Decimal("0")
    currency: str = "IDR"
    reference: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass(frozen=True)
class PartyRow:
    agreement_id: int
    partner_id: int
    role: str


@dataclass(frozen=True)
class ClauseRow:
    """A clause the partner side proposed, with its status as of the date asked for."""

    agreement_id: int
    clause_id: int
    status: str
    decision_id: int | None = None


@dataclass
class NetworkData:
    """Everything the graph is built from (each list already filtered for the user and date)."""

    as_of: dt.date
    partners: list[PartnerRow] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    parties: list[PartyRow] = field(default_factory=list)
    dependencies: list[tuple[int, int]] = field(default_factory=list)  # (agreement, needs)
    clauses: list[ClauseRow] = field(default_factory=list)
    filters: dict = field(default_factory=dict)


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
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
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


def default_as_of() -> dt.date:
    """Today where the cooperative is (its configured time zone)."""
    return graph.today_in(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))


def load_for(user, args: dict) -> NetworkData:
    """The network data `user` may see, for request filters (as_of, category, flow, status)."""
    return network_data(
        user=user, as_of=args.get("as_of") or default_as_of(), category=args.get("category"),
        flow=args.get("flow"), status=args.get("status"),
    )


def metrics_for(data: NetworkData) -> dict:
    """graph.compute_metrics(data), from the shared cache when this exact network was measured
    before (the key is a digest of every row, so a change anywhere computes afresh)."""
    digest = hashlib.sha256(repr((METRICS_VERSION, data)).encode()).hexdigest()
    cache = get_cache()
    key = f"metrics-{digest}.json"
    raw = cache.get(key)
    if raw is not None:
        return json.loads(raw)
    metrics = graph.compute_metrics(data)
    cache.put(key, json.dumps(metrics, separators=(",", ":")).encode())
    return metrics


def metrics_at(*, user, as_of: dt.date, **filters) -> dict:
    """Every metric of the network `user` may see on `as_of`."""
    return metrics_for(network_data(user=user, as_of=as_of, **filters))


def compare(*, user, as_of: dt.date, since: dt.date, after: dict | None = None, **filters) -> dict:
    """The metrics on `as_of` against those on `since` (e.g. the last members' meeting). `after`:
    the metrics on `as_of` when the caller has them already (the network is not loaded again)."""
    before = metrics_at(user=user, as_of=since, **filters)
    if after is None:
        after = metrics_at(user=user, as_of=as_of, **filters)
    return graph.compare_metrics(before, after)


def last_members_meeting_date() -> dt.date | None:
    """The date of the last closed members' meeting (the reference for "change since")."""
    from govtrack.forums.models import Forum, Meeting

    latest = db.session.scalar(
        select(func.max(Meeting.starts_at))
        .join(Forum, Forum.id == Meeting.forum_id)
        .where(Forum.kind == "members_meeting", Meeting.status == "closed")
    )
    return latest.date() if latest is not None else None


def obligations_affected(agreement_ids: list[int]) -> list[dict]:
    """The open (pending, due soon, overdue) obligations of these agreements."""
    from govtrack.obligations.models import Obligation
    from govtrack.obligations.queries import obligation_statuses

    if not agreement_ids:
        return []
    rows = db.session.execute(
        select(Obligation.id, Obligation.title, Obligation.agreement_id, Obligation.amount,
               Obligation.owed_by)
        .where(Obligation.agreement_id.in_(agreement_ids))
        .order_by(Obligation.agreement_id, Obligation.id)
    ).all()
    statuses = obligation_statuses([r.id for r in rows], dt.date.today())
    out = []
    for r in rows:
        st = statuses[r.id]
        if st["status"] in ("pending", "due_soon", "overdue"):
            out.append({
                "id": r.id, "title": r.title, "agreement_id": r.agreement_id, "owed_by": r.owed_by,
                "status": st["status"],
                "due_date": st["next_due"].isoformat() if st["next_due"] else None,
                "amount": f"{r.amount:.2f}" if r.amount is not None else None,
            })
    return out
