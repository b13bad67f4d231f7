"""Reads for obligations. Every status is computed from `today`, passed in by the caller (views
pass date.today()); nothing here reads the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import Select, and_, case, exists, extract, func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from govtrack.agreements.models import Agreement
from govtrack.auth.models import User
from govtrack.core import versions
from govtrack.core.cache import remember_json
from govtrack.core.paging import Page, decode_cursor, encode_cursor, keyset_page
from govtrack.db import ZERO, money_sum
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.obligations.models import (
    EvidenceFile,
    IcalFeed,
    Obligation,
    ObligationKind,
    Occurrence,
    OccurrenceStatus,
    OwedBy,
)
from govtrack.partners.models import Partner
from govtrack.partners.queries import partner_ids_named

DASHBOARD_DAYS = 30
DASHBOARD_ROWS = 100


def due_soon_days() -> int:
    return int(current_app.config.get("DUE_SOON_DAYS", 14))


def status_of(due_on: dt.date, fulfilled_on: dt.date | None, waived: bool, today: dt.date,
              days: int | None = None) -> str:
    """pending / due_soon (due within `days`, today included) / overdue (due before today) /
    fulfilled / waived."""
    if waived:
        return OccurrenceStatus.waived
    if fulfilled_on is not None:
        return OccurrenceStatus.fulfilled
    if due_on < today:
        return OccurrenceStatus.overdue
    if due_on <= today + dt.timedelta(days=due_soon_days() if days is None else days):
        return OccurrenceStatus.due_soon
    return OccurrenceStatus.pending


OPEN = and_(Occurrence.waived.is_(False), Occurrence.fulfilled_on.is_(None))


def status_condition(status: str, today: dt.date, days: int | None = None):
    """The SQL condition for occurrences in `status` as of `today`."""
    days = due_soon_days() if days is None else days
    soon = today + dt.timedelta(days=days)
    if status == OccurrenceStatus.waived:
        return Occurrence.waived.is_(True)
    if status == OccurrenceStatus.fulfilled:
        return and_(Occurrence.waived.is_(False), Occurrence.fulfilled_on.is_not(None))
    if status == OccurrenceStatus.overdue:
        return and_(OPEN, Occurrence.due_on < today)
    if status == OccurrenceStatus.due_soon:
        return and_(OPEN, Occurrence.due_on >= today, Occurrence.due_on <= soon)
    if status == OccurrenceStatus.pending:
        return and_(OPEN, Occurrence.due_on > soon)
    if status == "open":
        return OPEN
    raise ValidationFailed("Unknown status.", fields={"status": ["Unknown status."]})


@dataclass
class Filters:
    """The filters every obligations view and export shares."""

    direction: str | None = None  # owed_by: cooperative or partner
    partner_id: int | None = None
    partner_name: str | None = None  # the partner's name or legal name contains this (any case)
    category: str | None = None
    responsible_id: int | None = None
    status: str | None = None  # an OccurrenceStatus, or "open"
    agreement_id: int | None = None
    due_from: dt.date | None = None
    due_before: dt.date | None = None  # due strictly before this date

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


ROW_COLUMNS = (
    Occurrence.id.label("id"),
    Occurrence.due_on,
    Occurrence.amount,
    Occurrence.paid_amount,
    Occurrence.fulfilled_on,
    Occurrence.waived,
    Occurrence.note,
    Obligation.id.label("obligation_id"),
    Obligation.title,
    Obligation.kind,
    Obligation.owed_by,
    Obligation.currency,
    Obligation.responsible_id,
    User.name.label("responsible_name"),
    Partner.id.label("partner_id"),
    Partner.name.label("partner_name"),
    Partner.category.label("partner_category"),
    Agreement.id.label("agreement_id"),
    Agreement.title.label("agreement_title"),
    Agreement.reference.label("agreement_reference"),
)


def _joined(stmt: Select) -> Select:
    return (
        stmt.select_from(Occurrence)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .join(Agreement, Agreement.id == Obligation.agreement_id)
        .outerjoin(Partner, Partner.id == Obligation.partner_id)
        .outerjoin(User, User.id == Obligation.responsible_id)
    )


NAMED_PARTNERS_LISTED = 100


def partner_named(text: str):
    """The condition for obligations whose partner's name (or legal name) contains `text`.

    Which way to read depends on how many partners match, and only this query knows: a narrow
    search (up to NAMED_PARTNERS_LISTED partners) lists their ids, so the database reads just
    their obligations; a broad one ("a" matches every partner) keeps the subquery but hides the
    partner index behind `+ 0`, so a page in due-date order is read from the due-date index and
    stops at the end of the page, instead of sorting most of the table first (100 ms at scale L;
    SQLite cannot tell from the subquery how many ids it will give)."""
    ids = db.session.scalars(partner_ids_named(text).limit(NAMED_PARTNERS_LISTED + 1)).all()
    if len(ids) <= NAMED_PARTNERS_LISTED:
        return Obligation.partner_id.in_(ids)
    return (Obligation.partner_id + 0).in_(partner_ids_named(text))


def _apply(stmt: Select, f: Filters, today: dt.date) -> Select:
    if f.direction:
        stmt = stmt.where(Obligation.owed_by == f.direction)
    if f.partner_id is not None:
        stmt = stmt.where(Obligation.partner_id == f.partner_id)
    if f.partner_name:
        stmt = stmt.where(partner_named(f.partner_name))
    if f.category:
        stmt = stmt.where(Partner.category == f.category)
    if f.responsible_id is not None:
        stmt = stmt.where(Obligation.responsible_id == f.responsible_id)
    if f.agreement_id is not None:
        stmt = stmt.where(Obligation.agreement_id == f.agreement_id)
    if f.status:
        stmt = stmt.where(status_condition(f.status, today))
    if f.due_from is not None:
        stmt = stmt.where(Occurrence.due_on >= f.due_from)
    if f.due_before is not None:
        stmt = stmt.where(Occurrence.due_on < f.due_before)
    return stmt


@dataclass
class Row:
    """One occurrence as lists and exports show it, with its status as of `today`."""

    id: int
    due_on: dt.date
    amount: Decimal | None
    paid_amount: Decimal
    fulfilled_on: dt.date | None
    waived: bool
    note: str | None
    obligation_id: int
    title: str
    kind: str
    owed_by: str
    currency: str
    responsible_id: int | None
    responsible_name: str | None
    partner_id: int | None
    partner_name: str | None
    partner_category: str | None
    agreement_id: int
    agreement_title: str
    agreement_reference: str | None
    status: str = ""

    @property
    def remaining(self) -> Decimal | None:
        if self.amount is None:
            return None
        return max(self.amount - (self.paid_amount or ZERO), ZERO)

    @property
    def is_open(self) -> bool:
        return self.status in (OccurrenceStatus.pending, OccurrenceStatus.due_soon, OccurrenceStatus.overdue)


def _rows(result, today: dt.date) -> list[Row]:
    # Positional, not by name: ROW_COLUMNS are in Row's field order (a test checks it), and a page
    # builds 100 of these.
    days = due_soon_days()
    out = []
    for r in result:
        row = Row(*r)
        row.status = status_of(row.due_on, row.fulfilled_on, row.waived, today, days)
        out.append(row)
    return out


def occurrence_page(*, filters: Filters, today: dt.date, cursor: str | None, limit: int) -> Page:
    """One keyset page of occurrences ordered by (due date, id)."""
    stmt = _apply(_joined(select(*ROW_COLUMNS)), filters, today)
    after = decode_cursor(cursor)
    if after is not None:
        try:
            due, last_id = dt.date.fromisoformat(after[0]), int(after[1])
        except (IndexError, TypeError, ValueError):
            raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]}) from None
        stmt = stmt.where(tuple_(Occurrence.due_on, Occurrence.id) > tuple_(due, last_id))
    stmt = stmt.order_by(Occurrence.due_on, Occurrence.id).limit(limit + 1)
    rows = _rows(db.session.execute(stmt), today)
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1].due_on.isoformat(), rows[-1].id]) if more and rows else None
    return Page(rows, nxt)


def overdue_page(*, today: dt.date, cursor: str | None = None, limit: int = 50,
                 filters: Filters | None = None) -> Page:
    """The overdue list: open occurrences due before `today`, oldest first."""
    f = Filters(**(filters.__dict__ if filters else {}))
    f.status = OccurrenceStatus.overdue
    return occurrence_page(filters=f, today=today, cursor=cursor, limit=limit)


def export_rows(*, filters: Filters, today: dt.date, batch: int = 2000) -> Iterator[Row]:
    """Every occurrence matching `filters`, in keyset batches (for CSV export of any view)."""
    cursor = None
    while True:
        page = occurrence_page(filters=filters, today=today, cursor=cursor, limit=batch)
        yield from page.items
        if not page.next:
            return
        cursor = page.next


# ---- the managers' dashboard ----

@dataclass
class Group:
    key: object
    label: str
    overdue: int = 0
    upcoming: int = 0
    amounts: dict = field(default_factory=dict)  # currency -> remaining amount


@dataclass
class Dashboard:
    rows: list[Row]
    more: bool
    total: int
    by_partner: list[Group]  # the first GROUP_ROWS groups of each kind, most overdue first
    by_category: list[Group]
    by_responsible: list[Group]
    window_end: dt.date
    group_counts: dict = field(default_factory=dict)  # "partner" / "category" / "responsible" -> all groups


GROUP_ROWS = 25
GROUP_KINDS = ("partner", "category", "responsible")
# What the dashboard's groups are computed from: any write to these gives the cache a new key.
DASHBOARD_TABLES = ("obligation_occurrences", "obligations", "obligation_payments", "partners", "users",
                    "agreements")
versions.track(*DASHBOARD_TABLES)


def _groups(base: Select, today: dt.date) -> tuple[list[Group], list[Group], list[Group]]:
    """One GROUP BY over the window, folded three ways (by partner, category, responsible)."""
    remaining = func.coalesce(Occurrence.amount, 0) - Occurrence.paid_amount
    keys = (Obligation.owed_by, Partner.id, Partner.name, Partner.category, Obligation.responsible_id,
            User.name, Obligation.currency)
    stmt = base.with_only_columns(
        *keys,
        func.sum(case((Occurrence.due_on < today, 1), else_=0)),
        func.sum(case((Occurrence.due_on >= today, 1), else_=0)),
        money_sum(remaining),
    ).group_by(*keys)
    by: tuple[dict, dict, dict] = ({}, {}, {})
    for owed_by, pid, pname, category, uid, uname, currency, overdue, upcoming, amount in db.session.execute(stmt):
        for groups, key, label in (
            (by[0], (owed_by, pid), pname),
            (by[1], (owed_by, category), category),
            (by[2], (uid,), uname),
        ):
            g = groups.get(key)
            if g is None:
                g = groups[key] = Group(key=key, label=label or "")
            g.overdue += int(overdue or 0)
            g.upcoming += int(upcoming or 0)
            if amount:
                g.amounts[currency] = g.amounts.get(currency, ZERO) + Decimal(amount)

    def order(groups: dict) -> list[Group]:
        return sorted(groups.values(), key=lambda g: (-g.overdue, -g.upcoming, str(g.label)))

    return order(by[0]), order(by[1]), order(by[2])


def _group_out(g: Group) -> list:
    return [list(g.key), g.label, g.overdue, g.upcoming, {c: str(a) for c, a in g.amounts.items()}]


def _group_in(raw: list) -> Group:
    key, label, overdue, upcoming, amounts = raw
    return Group(key=tuple(key), label=label, overdue=overdue, upcoming=upcoming,
                 amounts={c: Decimal(a) for c, a in amounts.items()})


def _dashboard_key(f: Filters, today: dt.date, days: int) -> str:
    parts = [
        versions.tokens(db.session, *DASHBOARD_TABLES), today.isoformat(), str(due_soon_days()), str(days),
        str(GROUP_ROWS), json.dumps(f.as_args(), sort_keys=True, default=str),
    ]
    return "obligations-dashboard-" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def dashboard(*, today: dt.date, filters: Filters | None = None, days: int = DASHBOARD_DAYS,
              max_rows: int = DASHBOARD_ROWS) -> Dashboard:
    """Overdue and due in the next `days` days, both directions, with the groups by partner, by
    partner category and by responsible user. A fixed number of queries however many rows.

    The groups and the total (one GROUP BY over every open occurrence in the window, the cost that
    grows with the data) are cached under a key made of the data versions of every table they read,
    `today`, the due-soon days and the filters, so a write to any of them is seen on the next request.
    The first `max_rows` rows are read live: one indexed query."""
    f = Filters(**(filters.__dict__ if filters else {}))
    window_end = today + dt.timedelta(days=days)
    base = _apply(_joined(select(Occurrence.id)), f, today).where(OPEN, Occurrence.due_on <= window_end)
    rows = _rows(db.session.execute(
        base.with_only_columns(*ROW_COLUMNS).order_by(Occurrence.due_on, Occurrence.id).limit(max_rows + 1)
    ), today)
    more = len(rows) > max_rows

    def compute() -> dict:
        groups = dict(zip(GROUP_KINDS, _groups(base, today), strict=True))
        return {
            "total": sum(g.overdue + g.upcoming for g in groups["responsible"]),
            "counts": {k: len(v) for k, v in groups.items()},
            "groups": {k: [_group_out(g) for g in v[:GROUP_ROWS]] for k, v in groups.items()},
        }

    cached = remember_json(_dashboard_key(f, today, days), compute)
    groups = {k: [_group_in(g) for g in v] for k, v in cached["groups"].items()}
    return Dashboard(
        rows=rows[:max_rows], more=more, total=cached["total"], by_partner=groups["partner"],
        by_category=groups["category"], by_responsible=groups["responsible"], window_end=window_end,
        group_counts=cached["counts"],
    )


# ---- obligations (the API's unit) ----

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


def get_evidence(evidence_id: int):
    return db.session.get(EvidenceFile, evidence_id)


# ---- partner scorecard ----

@dataclass
class Side:
    due: int = 0
    on_time: int = 0
    late: int = 0
    days_late_total: int = 0
    waived: int = 0
    open: int = 0
    overdue: int = 0
    outstanding: dict = field(default_factory=dict)  # currency -> remaining on open occurrences
    overdue_amounts: dict = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def average_days_late(self) -> float | None:
        return self.days_late_total / self.late if self.late else None


def partner_scorecard(partner_id: int, today: dt.date) -> dict[str, Side]:
    """Both directions: `partner` (what the partner owes) and `cooperative` (what it is owed).
    On-time rate: of the occurrences fulfilled or past due (waived ones aside), those fulfilled on
    or before their due date. Average days late: over the late ones, fulfilled late (days past due when
    fulfilled) or still open past due (days past due today)."""
    sides = {OwedBy.partner.value: Side(), OwedBy.cooperative.value: Side()}
    rows = db.session.execute(
        select(Obligation.owed_by, Obligation.currency, Occurrence.due_on, Occurrence.fulfilled_on,
               Occurrence.waived, Occurrence.amount, Occurrence.paid_amount)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Obligation.partner_id == partner_id)
    )
    for owed_by, currency, due, fulfilled, waived, amount, paid in rows:
        s = sides[owed_by]
        if waived:
            s.waived += 1
            continue
        remaining = max((amount or ZERO) - (paid or ZERO), ZERO) if amount is not None else ZERO
        if fulfilled is None:
            s.open += 1
            if remaining:
                s.outstanding[currency] = s.outstanding.get(currency, ZERO) + remaining
        if fulfilled is not None:
            s.due += 1
            if fulfilled <= due:
                s.on_time += 1
            else:
                s.late += 1
                s.days_late_total += (fulfilled - due).days
        elif due < today:
            s.due += 1
            s.overdue += 1
            s.late += 1
            s.days_late_total += (today - due).days
            if remaining:
                s.overdue_amounts[currency] = s.overdue_amounts.get(currency, ZERO) + remaining
    return sides


# ---- the maturity wall ----

@dataclass
class Month:
    start: dt.date
    amounts: dict  # currency -> amount still to pay


def maturity_wall(*, today: dt.date, months: int = 24) -> tuple[list[Month], dict]:
    """What the cooperative must still pay or repay (kinds payment and repayment, owed by the
    cooperative) in each of the next `months` calendar months from this one, by currency, and
    what is overdue from earlier months."""
    first = today.replace(day=1)
    end = first + relativedelta(months=months)
    remaining = money_sum(func.coalesce(Occurrence.amount, 0) - Occurrence.paid_amount)
    base = (
        select(Occurrence.id)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(OPEN, Obligation.owed_by == OwedBy.cooperative.value,
               Obligation.kind.in_([ObligationKind.payment.value, ObligationKind.repayment.value]),
               Occurrence.amount.is_not(None))
    )
    year, month = extract("year", Occurrence.due_on), extract("month", Occurrence.due_on)
    stmt = (
        base.where(Occurrence.due_on >= first, Occurrence.due_on < end)
        .with_only_columns(year, month, Obligation.currency, remaining)
        .group_by(year, month, Obligation.currency)
    )
    buckets = [Month(first + relativedelta(months=i), {}) for i in range(months)]
    index = {(m.start.year, m.start.month): m for m in buckets}
    for y, m, currency, amount in db.session.execute(stmt):
        bucket = index.get((int(y), int(m)))
        if bucket is not None and amount:
            bucket.amounts[currency] = bucket.amounts.get(currency, ZERO) + Decimal(amount)
    earlier = {
        currency: Decimal(amount)
        for currency, amount in db.session.execute(
            base.where(Occurrence.due_on < first)
            .with_only_columns(Obligation.currency, remaining).group_by(Obligation.currency)
        )
        if amount
    }
    return buckets, earlier


# ---- calendar feeds and reminders ----

def feed_for_token(token_hash: str) -> tuple[IcalFeed, User] | None:
    row = db.session.execute(
        select(IcalFeed, User).join(User, User.id == IcalFeed.user_id)
        .where(IcalFeed.token_hash == token_hash, IcalFeed.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def feed_of_user(user_id: int) -> IcalFeed | None:
    return db.session.scalar(select(IcalFeed).where(IcalFeed.user_id == user_id))


def feed_rows(*, user_id: int, today: dt.date, past_days: int = 365, future_days: int = 731) -> list[Row]:
    """The occurrences a user is responsible for, from a year back to two years ahead."""
    stmt = _joined(select(*ROW_COLUMNS)).where(
        Obligation.responsible_id == user_id,
        Occurrence.due_on >= today - dt.timedelta(days=past_days),
        Occurrence.due_on <= today + dt.timedelta(days=future_days),
    ).order_by(Occurrence.due_on, Occurrence.id)
    return _rows(db.session.execute(stmt), today)


def digest_items(*, today: dt.date) -> dict[int, list[Row]]:
    """For each responsible user: the open occurrences overdue or due soon as of `today`."""
    soon = today + dt.timedelta(days=due_soon_days())
    stmt = _joined(select(*ROW_COLUMNS)).where(
        OPEN, Occurrence.due_on <= soon, Obligation.responsible_id.is_not(None), User.active.is_(True),
    ).order_by(Obligation.responsible_id, Occurrence.due_on, Occurrence.id)
    out: dict[int, list[Row]] = defaultdict(list)
    for row in _rows(db.session.execute(stmt), today):
        out[row.responsible_id].append(row)
    return dict(out)


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
