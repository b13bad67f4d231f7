"""Queueing notices (in the caller's transaction) and recording how each attempt went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.notices.models import Notice, NoticeStatus

# Back-off after a failed attempt: 1 minute, doubling, at most 6 hours; a notice is never dropped.
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
# How long a sender holds a notice it is sending (a sender killed mid-send frees it after this).
CLAIM = dt.timedelta(minutes=10)
ERROR_MAX = 1000


@dataclass(frozen=True)
class NoticeData:
    key: str
    recipient: str
    subject: str
    body: str
    user_id: int | None = None


def enqueue(*, notices: list[NoticeData], now: dt.datetime | None = None) -> int:
    """Queue these notices in the caller's transaction; a key already queued is not queued again.
    Returns how many were added."""
    if not notices:
        return 0
    keys = [n.key for n in notices]
    known = set(db.session.scalars(select(Notice.key).where(Notice.key.in_(keys))))
    now = now or utcnow()
    added = 0
    for n in notices:
        if n.key in known:
            continue
        known.add(n.key)
        db.session.add(Notice(key=n.key, user_id=n.user_id, recipient=n.recipient, subject=n.subject[:300],
                              body=n.body, status=NoticeStatus.queued.value, attempts=0, next_attempt_at=now,
                              created_at=now))
        added += 1
    db.session.flush()
    return added


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    if attempts <= 0:
        return dt.timedelta(0)
    wait = FIRST_RETRY * (2 ** min(attempts - 1, 20))
    return min(wait, LONGEST_RETRY)


def due_ids(*, now: dt.datetime, limit: int) -> list[int]:
    """Queued notices whose next attempt is due and that no sender holds, oldest first."""
    return list(db.session.scalars(
        select(Notice.id)
        .where(Notice.status == NoticeStatus.queued.value, Notice.next_attempt_at <= now,
               (Notice.claimed_until.is_(None)) | (Notice.claimed_until < now))
        .order_by(Notice.next_attempt_at, Notice.id).limit(limit)
    ))


def claim(notice_id: int, *, now: dt.datetime) -> Notice | None:
    """Take the notice for sending, unless another sender took it or it was sent meanwhile (one
    conditional UPDATE, so two senders never both get it)."""
    taken = db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.status == NoticeStatus.queued.value,
               (Notice.claimed_until.is_(None)) | (Notice.claimed_until < now))
        .values(claimed_until=now + CLAIM)
    ).rowcount
    if taken != 1:
        return None
    return db.session.get(Notice, notice_id, populate_existing=True)


def mark_sent(notice: Notice, *, now: dt.datetime) -> None:
    notice.status = NoticeStatus.sent.value
    notice.sent_at = now
    notice.attempts += 1
    notice.last_attempt_at = now
    notice.claimed_until = None


def mark_failed(notice: Notice, *, now: dt.datetime, error: str) -> None:
    """Keep it queued with the error; the next attempt waits longer after each failure."""
    notice.attempts += 1
    notice.last_attempt_at = now
    notice.last_error = error[:ERROR_MAX]
    notice.next_attempt_at = now + backoff(notice.attempts)
    notice.claimed_until = None
