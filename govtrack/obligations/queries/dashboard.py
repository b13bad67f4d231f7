"""The managers' dashboard: overdue and due soon, both directions, grouped (the groups cached
under the data versions of the tables they read)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, case, func, select

from govtrack.auth.models import User
from govtrack.core import versions
from govtrack.core.cache import remember_json
from govtrack.db import ZERO, money_sum
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence
from govtrack.obligations.queries.occurrences import (
    OPEN,
    ROW_COLUMNS,
    Filters,
    Row,
    _apply,
    _joined,
    _rows,
    due_soon_days,
)
from govtrack.partners.models import Partner

DASHBOARD_DAYS = 30


DASHBOARD_ROWS = 100


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
