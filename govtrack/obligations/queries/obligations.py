"""Obligations as a whole (the API's unit): filtered by the status of their next open
occurrence, loaded with what their pages show, summarised for an agreement's published page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from govtrack.auth.models import User
from govtrack.core.paging import Page, keyset_page
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.obligations.models import (
    EvidenceFile,
    Obligation,
    Occurrence,
    OccurrenceStatus,
    Payment,
)
from govtrack.obligations.queries.occurrences import OPEN, due_soon_days, partner_named, status_of
from govtrack.partners.models import Partner


def _next_due():
    return (
        select(func.min(Occurrence.due_on))
        .where(Occurrence.obligation_id == Obligation.id, OPEN)
        .correlate(Obligation)
        .scalar_subquery()
    )


def obligation_filter(*, today: dt.date, status: str | None = None, partner_id: int | None = None,
                      partner_name: str | None = None, owed_by: str | None = None, due_before: dt.date | None = None,
                      agreement_id: int | None = None) -> Select:
    """Obligations by the status of their next open occurrence (overdue, due_soon, pending), or
    fulfilled / waived when nothing is open; `due_before`: the next open one is due before it."""
    stmt = select(Obligation)
    nxt = _next_due()
    soon = today + dt.timedelta(days=due_soon_days())
    if partner_id is not None:
        stmt = stmt.where(Obligation.partner_id == partner_id)
    if partner_name and partner_name.strip():
        stmt = stmt.where(partner_named(partner_name))
    if owed_by:
        stmt = stmt.where(Obligation.owed_by == owed_by)
    if agreement_id is not None:
        stmt = stmt.where(Obligation.agreement_id == agreement_id)
    if due_before is not None:
        stmt = stmt.where(nxt < due_before)
    if status:
        not_waived = exists().where(Occurrence.obligation_id == Obligation.id, Occurrence.waived.is_(False))
        any_occ = exists().where(Occurrence.obligation_id == Obligation.id)
        cond = {
            OccurrenceStatus.overdue: nxt < today,
            OccurrenceStatus.due_soon: and_(nxt >= today, nxt <= soon),
            OccurrenceStatus.pending: or_(nxt > soon, ~any_occ),
            OccurrenceStatus.fulfilled: and_(nxt.is_(None), not_waived),
            OccurrenceStatus.waived: and_(nxt.is_(None), any_occ, ~not_waived),
        }.get(status)
        if cond is None:
            raise ValidationFailed("Unknown status.", fields={"status": ["Unknown status."]})
        stmt = stmt.where(cond)
    return stmt


def obligation_page(*, today: dt.date, cursor: str | None, limit: int, **filters) -> Page:
    stmt = obligation_filter(today=today, **filters).options(selectinload(Obligation.occurrences))
    return keyset_page(stmt, id_column=Obligation.id, cursor=cursor, limit=limit)


def obligation_statuses(ids: list[int], today: dt.date) -> dict[int, dict]:
    """For each obligation: its status and next open due date (one query for a whole page)."""
    out = {i: {"status": OccurrenceStatus.pending.value, "next_due": None} for i in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(
            Occurrence.obligation_id,
            func.min(case((OPEN, Occurrence.due_on), else_=None)),
            func.sum(case((Occurrence.waived.is_(False), 1), else_=0)),
            func.count(Occurrence.id),
        ).where(Occurrence.obligation_id.in_(ids)).group_by(Occurrence.obligation_id)
    )
    for ob_id, nxt, not_waived, count in rows:
        if nxt is not None:
            status = status_of(nxt, None, False, today)
        elif count and not not_waived:
            status = OccurrenceStatus.waived
        elif count:
            status = OccurrenceStatus.fulfilled
        else:
            status = OccurrenceStatus.pending
        out[ob_id] = {"status": str(status), "next_due": nxt}
    return out


def load_obligation(obligation_id: int) -> Obligation | None:
    """One obligation with its occurrences, their payments and evidence, and its names."""
    return db.session.scalar(
        select(Obligation).where(Obligation.id == obligation_id).options(
            selectinload(Obligation.occurrences).selectinload(Occurrence.payments),
            selectinload(Obligation.occurrences).selectinload(Occurrence.evidence),
            selectinload(Obligation.agreement),
            selectinload(Obligation.partner),
            selectinload(Obligation.responsible),
        )
    )


def load_occurrence(occurrence_id: int) -> Occurrence | None:
    return db.session.scalar(
        select(Occurrence).where(Occurrence.id == occurrence_id).options(
            selectinload(Occurrence.obligation).selectinload(Obligation.partner),
            selectinload(Occurrence.obligation).selectinload(Obligation.agreement),
            selectinload(Occurrence.evidence),
            selectinload(Occurrence.payments),
        )
    )


def load_payment(payment_id: int) -> Payment | None:
    """One recorded fulfilment with its occurrence and obligation (for its correction and reversal)."""
    return db.session.scalar(
        select(Payment).where(Payment.id == payment_id).options(
            selectinload(Payment.occurrence).selectinload(Occurrence.obligation).selectinload(Obligation.agreement),
            selectinload(Payment.occurrence).selectinload(Occurrence.payments),
        )
    )


def get_evidence(evidence_id: int):
    return db.session.get(EvidenceFile, evidence_id)


def user_choices() -> list[tuple[int, str]]:
    return [(i, n) for i, n in db.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name).limit(2000))]


def partner_choices() -> list[tuple[int, str]]:
    return [(i, n) for i, n in db.session.execute(
        select(Partner.id, Partner.name).order_by(Partner.name).limit(5000))]


@dataclass(frozen=True)
class ObligationSummary:
    """The state of one obligation of an agreement, as members may read it."""

    id: int
    title: str
    kind: str
    owed_by: str  # "cooperative" or "partner"
    status: str  # pending, due_soon, overdue, fulfilled, waived
    party_name: str | None = None
    amount: Decimal | None = None
    currency: str = "IDR"
    due_date: dt.date | None = None  # the next (or last) due date
    fulfilled_on: dt.date | None = None


def published_obligations(agreement_id: int, today: dt.date) -> list[ObligationSummary]:
    """The state of each obligation of an agreement, for its published page, by due date
    (undated last)."""
    obligations = db.session.execute(
        select(Obligation, Partner.name)
        .outerjoin(Partner, Partner.id == Obligation.partner_id)
        .where(Obligation.agreement_id == agreement_id)
        .order_by(Obligation.id)
    ).all()
    ids = [o.id for o, _ in obligations]
    statuses = obligation_statuses(ids, today)
    last_done = dict(
        db.session.execute(
            select(Occurrence.obligation_id, func.max(Occurrence.fulfilled_on))
            .where(Occurrence.obligation_id.in_(ids))
            .group_by(Occurrence.obligation_id)
        ).all()
    ) if ids else {}
    rows = [
        ObligationSummary(
            id=o.id, title=o.title, kind=o.kind, owed_by=o.owed_by, status=statuses[o.id]["status"],
            party_name=partner_name, amount=o.amount, currency=o.currency,
            due_date=statuses[o.id]["next_due"] or o.due_date, fulfilled_on=last_done.get(o.id),
        )
        for o, partner_name in obligations
    ]
    return sorted(rows, key=lambda o: (o.due_date is None, o.due_date or dt.date.min, o.id))
