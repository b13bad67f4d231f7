"""Occurrences: their status as of `today`, the filters every list and export shares, and the
lists themselves (keyset pages in due-date order)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, and_, select, tuple_

from govtrack.agreements.models import Agreement
from govtrack.auth.models import User
from govtrack.core.paging import Page, decode_cursor, encode_cursor
from govtrack.db import ZERO
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, OccurrenceStatus
from govtrack.partners.models import Partner
from govtrack.partners.queries import partner_ids_named


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
    obligation_ids: list[int] | None = None  # only these obligations (a short list: the home page's "mine")

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
    if f.obligation_ids is not None:
        stmt = stmt.where(Occurrence.obligation_id.in_(f.obligation_ids))
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
