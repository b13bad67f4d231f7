"""The maturity wall: what the cooperative must still pay or repay, month by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import extract, func, select

from govtrack.db import ZERO, money_sum
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, ObligationKind, Occurrence, OwedBy
from govtrack.obligations.queries.occurrences import OPEN


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
