"""Tranches: disbursements owed by a partner that wait for results. A condition is met by a
verified actual (a total, not a split) of its indicator over a period ending by its date that
reaches at least its value; the tranche is claimable once every condition is met, or once a carried
decision waived its conditions. Its state for people, as of `today`:

- `claimable` (dapat ditagih): every condition met (or waived); whether the partner pays on time
  is the occurrence's own status (overdue past its due date);
- `late` (terlambat): not claimable, and a condition's date passed unmet (the milestone is late);
- `waiting` (menunggu syarat): otherwise.

For a condition not yet met, `projected` is where the trend of the verified totals (a straight line
through them) leads by its date, and `on_track` whether that reaches it: the funder's officer asks
not only "is it claimable" but "will it be".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, TrancheCondition
from govtrack.results.queries import verified_totals

WAITING, CLAIMABLE, LATE = "waiting", "claimable", "late"


@dataclass
class ConditionState:
    condition: TrancheCondition
    reached: Decimal | None  # the highest verified total by the condition's date
    met: bool
    # Where the trend of the verified totals leads by the condition's date (a straight line through
    # them, least squares); None when met, or with fewer than two verified periods to draw it from.
    projected: Decimal | None = None

    @property
    def on_track(self) -> bool | None:
        """Whether the trend reaches the condition by its date (None: no projection)."""
        return None if self.projected is None else self.projected >= self.condition.at_least


def projection(points: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal | None:
    """The value on `day` of the least-squares line through (period end, verified total) points:
    None with fewer than two distinct dates. Rounded to two decimals, as figures are kept."""
    if len({d for d, _v in points}) < 2:
        return None
    xs = [Decimal(d.toordinal()) for d, _v in points]
    ys = [Decimal(v) for _d, v in points]
    n = Decimal(len(points))
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return (my + slope * (Decimal(day.toordinal()) - mx)).quantize(Decimal("0.01"))


@dataclass
class Tranche:
    obligation_id: int
    conditions: list[ConditionState] = field(default_factory=list)
    waived_by: int | None = None

    @property
    def claimable(self) -> bool:
        return self.waived_by is not None or all(c.met for c in self.conditions)

    def state(self, *, today: dt.date) -> str:
        if self.claimable:
            return CLAIMABLE
        if any(not c.met and c.condition.by_date < today for c in self.conditions):
            return LATE
        return WAITING


def tranches(obligation_ids: list[int]) -> dict[int, Tranche]:
    """The tranches among these obligations (those with conditions), by obligation id."""
    if not obligation_ids:
        return {}
    conditions = db.session.scalars(
        select(TrancheCondition).where(TrancheCondition.obligation_id.in_(sorted(set(obligation_ids))))
        .options(joinedload(TrancheCondition.indicator)).order_by(TrancheCondition.id)
    ).all()
    if not conditions:
        return {}
    waived = {row.id: row.conditions_waived_decision_id for row in db.session.execute(
        select(Obligation.id, Obligation.conditions_waived_decision_id)
        .where(Obligation.id.in_(sorted({c.obligation_id for c in conditions}))))}
    totals = verified_totals([c.indicator_id for c in conditions])
    out: dict[int, Tranche] = {}
    for c in conditions:
        values = [v for end, v in totals[c.indicator_id] if end <= c.by_date]
        reached = max(values) if values else None
        met = reached is not None and reached >= c.at_least
        projected = None if met else projection(totals[c.indicator_id], c.by_date)
        tranche = out.setdefault(c.obligation_id, Tranche(c.obligation_id, waived_by=waived.get(c.obligation_id)))
        tranche.conditions.append(ConditionState(c, reached, met, projected))
    return out


@dataclass
class TrancheRow:
    occurrence_id: int
    obligation_id: int
    title: str
    agreement_id: int
    agreement_title: str
    partner_name: str | None
    due_on: dt.date
    amount: Decimal | None
    currency: str
    state: str
    tranche: Tranche


def open_tranches(*, today: dt.date, limit: int = 50) -> list[TrancheRow]:
    """The open occurrences of obligations with conditions (not received, not waived), earliest
    due first: the managers' dashboard."""
    ids = select(TrancheCondition.obligation_id).distinct().scalar_subquery()
    rows = db.session.scalars(
        select(Occurrence).join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Obligation.id.in_(ids), Occurrence.fulfilled_on.is_(None), Occurrence.waived.is_(False))
        .options(joinedload(Occurrence.obligation).options(joinedload(Obligation.agreement),
                                                          joinedload(Obligation.partner)))
        .order_by(Occurrence.due_on, Occurrence.id).limit(limit)
    ).all()
    found = tranches([o.obligation_id for o in rows])
    out = []
    for o in rows:
        t = found.get(o.obligation_id)
        if t is None:
            continue
        ob = o.obligation
        out.append(TrancheRow(o.id, ob.id, ob.title, ob.agreement_id, ob.agreement.title,
                              ob.partner.name if ob.partner else None, o.due_on, o.amount, ob.currency,
                              t.state(today=today), t))
    return out
