"""Reading the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, and_, or_, select

from govtrack.audit.models import AuditAnchor, AuditEvent
from govtrack.audit.services import Anchor, anchor_of, current_anchor
from govtrack.extensions import db

# The sign-in history: the events of signing in and out, refused sign-ins (naming the account
# tried), API tokens used from a new address and refused writes.
SIGN_IN_ACTIONS = ("user.sign_in", "user.sign_in_failed", "user.sign_out", "user.token_new_address",
                   "access.denied")


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked for. `actor_ids`: the users meant (None: anyone; on the sign-in
    history also the events about their account, such as a refused sign-in at it). `start` and
    `end` are UTC instants (the local days' bounds), `end` excluded."""

    actor_ids: tuple[int, ...] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    object_type: str | None = None
    object_id: int | None = None
    action: str | None = None
    sign_ins: bool = False

    def where(self, stmt: Select) -> Select:
        e = AuditEvent
        if self.sign_ins:
            stmt = stmt.where(e.action.in_(SIGN_IN_ACTIONS))
        if self.action:
            stmt = stmt.where(e.action == self.action)
        if self.object_type:
            stmt = stmt.where(e.object_type == self.object_type)
        if self.object_id is not None:
            stmt = stmt.where(e.object_id == self.object_id)
        if self.actor_ids is not None:
            by = e.actor_id.in_(self.actor_ids)
            if self.sign_ins:
                by = or_(by, and_(e.object_type == "user", e.object_id.in_(self.actor_ids)))
            stmt = stmt.where(by)
        if self.start is not None:
            stmt = stmt.where(e.at >= self.start)
        if self.end is not None:
            stmt = stmt.where(e.at < self.end)
        return stmt


def audit_page(
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
    filters: AuditFilter | None = None,
) -> list[AuditEvent]:
    """Newest first, keyset-paged by sequence number."""
    filters = filters or AuditFilter(object_type=object_type, object_id=object_id,
                                     actor_ids=None if actor_id is None else (actor_id,))
    ids = filters.where(select(AuditEvent.id)).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        ids = ids.where(AuditEvent.id < before_id)
    if filters.start is None and filters.end is None:
        return list(db.session.scalars(ids.with_only_columns(AuditEvent)))
    # Days: the range is read from the `at` index (with the user's, (actor_id, at)) and sorted by
    # sequence number; sorting the ids alone, then reading the page's rows, keeps a month of events
    # at L from being sorted as whole rows (19 ms → see benchmarks/pages.py "audit log (a month)").
    page = select(AuditEvent).where(AuditEvent.id.in_(ids.scalar_subquery())).order_by(AuditEvent.id.desc())
    return list(db.session.scalars(page))


def export_batches(filters: AuditFilter, *, upto: int, batch: int = 500) -> Iterator[list[AuditEvent]]:
    """Every event matching `filters` up to sequence number `upto` (the anchor of the export),
    newest first, in keyset batches (the session forgets each batch once the next is read)."""
    before = upto + 1
    while True:
        events = audit_page(filters=filters, before_id=before, limit=batch)
        if not events:
            return
        yield events
        before = events[-1].id
        db.session.expunge_all()
        if len(events) < batch:
            return


def published_anchor(object_type: str, object_id: int) -> Anchor | None:
    """The anchor last kept for an object (a meeting's minutes), or None when none was kept yet."""
    row = db.session.execute(
        select(AuditAnchor.seq, AuditAnchor.hash)
        .where(AuditAnchor.object_type == object_type, AuditAnchor.object_id == object_id)
        .order_by(AuditAnchor.id.desc())
        .limit(1)
    ).first()
    return anchor_of(*row) if row else None


def head_anchor() -> Anchor:
    """The chain's head now, as printed on registers and in the feed."""
    return current_anchor()
