"""The partner scorecard: how each side kept its obligations to the other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from govtrack.db import ZERO
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, OwedBy


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
