"""Calendar feeds and reminders: a user's feed by its token, the occurrences it lists, the
daily digest."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import or_, select

from govtrack.auth.models import User
from govtrack.extensions import db
from govtrack.obligations.models import IcalFeed, Obligation, Occurrence
from govtrack.obligations.queries.occurrences import (
    OPEN,
    ROW_COLUMNS,
    Row,
    _joined,
    _rows,
    due_soon_days,
)


def feed_for_token(token_hash: str) -> tuple[IcalFeed, User] | None:
    row = db.session.execute(
        select(IcalFeed, User).join(User, User.id == IcalFeed.user_id)
        .where(IcalFeed.token_hash == token_hash, IcalFeed.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def feed_of_user(user_id: int) -> IcalFeed | None:
    return db.session.scalar(select(IcalFeed).where(IcalFeed.user_id == user_id))


def feed_rows(*, user_id: int, today: dt.date, past_days: int = 365, future_days: int = 731) -> list[Row]:
    """The occurrences a user is responsible for up to two years ahead: every open one however long
    overdue (what most needs doing must not fall out of the calendar), and the fulfilled or waived
    ones of the past year. One statement."""
    stmt = _joined(select(*ROW_COLUMNS)).where(
        Obligation.responsible_id == user_id,
        or_(OPEN, Occurrence.due_on >= today - dt.timedelta(days=past_days)),
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
