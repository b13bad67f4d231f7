"""Writing and verifying the audit chain."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, has_request_context, request
from sqlalchemy import select

from govtrack.audit.models import AuditEvent, AuditHead
from govtrack.core.clock import utcnow
from govtrack.extensions import db

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot put {type(value).__name__} in the audit log")


def canonical_json(value) -> str | None:
    """Stable JSON (sorted keys, no spaces), the form that is hashed."""
    if value is None:
        return None
    return json.dumps(value, default=_default, sort_keys=True, separators=(",", ":"))


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def _digest(event: AuditEvent) -> str:
    payload = canonical_json(
        [
            event.id,
            event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.before,
            event.after,
            event.ip,
            event.prev_hash,
        ]
    )
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def _head_mac(seq: int, hash_: str) -> str:
    return hmac.new(_key(), f"head:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


def _lock_head() -> AuditHead:
    head = db.session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS, mac=_head_mac(0, GENESIS))
        db.session.add(head)
        db.session.flush()
    return head


def record(
    action: str,
    *,
    actor,
    object_type: str,
    object_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (the caller commits the change and this)."""
    db.session.flush()  # object ids exist before we name them
    head = _lock_head()
    actor_id = getattr(actor, "id", None)
    label = getattr(actor, "email", None) or (actor if isinstance(actor, str) else "system")
    event = AuditEvent(
        id=head.seq + 1,
        at=utcnow(),
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=canonical_json(before),
        after=canonical_json(after),
        ip=(request.remote_addr if has_request_context() else None),
        prev_hash=head.hash,
    )
    event.hash = _digest(event)
    head.seq, head.hash = event.id, event.hash
    head.mac = _head_mac(head.seq, head.hash)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str | None = None


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row changed, deleted or inserted."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for ev in rows:
            if ev.id != expected_seq:
                return VerifyResult(False, checked, expected_seq, "missing row (deleted)")
            if ev.prev_hash != prev:
                return VerifyResult(False, checked, ev.id, "chain broken (row inserted or changed)")
            if not hmac.compare_digest(_digest(ev), ev.hash):
                return VerifyResult(False, checked, ev.id, "row changed")
            prev, expected_seq = ev.hash, expected_seq + 1
            checked += 1
        last_id = rows[-1].id
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    last = expected_seq - 1
    if head is None:
        if last:
            return VerifyResult(False, checked, last, "chain head missing")
        return VerifyResult(True, checked)
    if not hmac.compare_digest(head.mac, _head_mac(head.seq, head.hash)):
        return VerifyResult(False, checked, head.seq, "chain head changed")
    if head.seq != last or head.hash != prev:
        return VerifyResult(False, checked, last + 1, "rows missing at the end (deleted)")
    return VerifyResult(True, checked)
