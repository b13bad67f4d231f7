"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import select

from govtrack.audit.models import AuditAnchor, AuditEvent
from govtrack.audit.services import Anchor, anchor_of, current_anchor
from govtrack.extensions import db


def audit_page(
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """Newest first, keyset-paged by sequence number."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    return list(db.session.scalars(stmt))


def object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


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
