"""Writing and verifying the audit chain, and its anchors outside the database.

The chain's HMACs catch a changed, inserted or deleted row, and the MACed head row a cut tail, but
not a tail cut by someone who also puts back an older head row (from any earlier backup): that
chain is intact, only shorter. An *anchor* (`SEQ:HASH`, the head's sequence number and the start
of its hash) printed on minutes and published in the feed lives outside the database; `verify`
given the anchors people kept fails when the chain no longer reaches one of them. The anchors
printed on minutes are also kept in `audit_anchors`, so reprinted minutes show the same anchor.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, has_request_context, request
from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from govtrack.audit.models import AuditAnchor, AuditEvent, AuditHead
from govtrack.core.actor import Actor, acting_user_id
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
    return _digest_of(event.id, event.at, event.actor_id, event.actor_label, event.action, event.object_type,
                      event.object_id, event.before, event.after, event.ip, event.prev_hash)


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _digest_of(id_, at, actor_id, actor_label, action, object_type, object_id, before, after, ip, prev_hash,
               key: bytes | None = None) -> str:
    """The HMAC of one event's fields (`at` a datetime, or its text from `_at_text`)."""
    payload = canonical_json(
        [id_, at if isinstance(at, str) else _at_text(at), actor_id, actor_label, action,
         object_type, object_id, before, after, ip, prev_hash]
    )
    return hmac.new(key or _key(), payload.encode(), hashlib.sha256).hexdigest()


def _head_mac(seq: int, hash_: str) -> str:
    return hmac.new(_key(), f"head:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


def _lock_head() -> AuditHead:
    """The chain's head row, locked. Every write passes here, so it is one statement once the row
    exists; only the first writers of an empty chain insert it, unless another just did (two of them
    both inserting it made one answer 500), and then lock it."""
    locked = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = db.session.execute(locked).scalar_one_or_none()
    if head is None:
        row = {"id": 1, "seq": 0, "hash": GENESIS, "mac": _head_mac(0, GENESIS)}
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(AuditHead).values(**row).on_conflict_do_nothing(index_elements=["id"]))
        head = db.session.execute(locked.execution_options(populate_existing=True)).scalar_one()
    return head


def record(
    action: str,
    *,
    actor: Actor,
    object_type: str,
    object_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (the caller commits the change and this)."""
    db.session.flush()  # object ids exist before we name them
    head = _lock_head()
    actor_id = acting_user_id(actor)
    label = _actor_label(actor)
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


def _actor_label(actor: Actor) -> str:
    return getattr(actor, "email", None) or (actor if isinstance(actor, str) else "system")


@dataclass(frozen=True)
class Entry:
    """One event of a batch for `record_many`: what `record` takes, without the actor."""

    action: str
    object_type: str
    object_id: int | None
    before: dict | None = None
    after: dict | None = None


def record_many(entries: Iterable[Entry], *, actor: Actor) -> int:
    """Append many events at once in the caller's transaction (a roster import's one event per
    member): the same chain as `record` would make one by one, the head locked once, the rows
    inserted by one executemany. Answers how many were written."""
    rows = []
    db.session.flush()
    head = _lock_head()
    actor_id, label = acting_user_id(actor), _actor_label(actor)
    ip = request.remote_addr if has_request_context() else None
    at, key = utcnow(), _key()
    at_text = _at_text(at)
    seq, prev = head.seq, head.hash
    for e in entries:
        seq += 1
        before, after = canonical_json(e.before), canonical_json(e.after)
        hash_ = _digest_of(seq, at_text, actor_id, label, e.action, e.object_type, e.object_id, before, after, ip,
                           prev, key=key)
        rows.append({"id": seq, "at": at, "actor_id": actor_id, "actor_label": label, "action": e.action,
                     "object_type": e.object_type, "object_id": e.object_id, "before": before, "after": after,
                     "ip": ip, "prev_hash": prev, "hash": hash_})
        prev = hash_
    if rows:
        # Core's executemany on the table, not the ORM's bulk insert: nothing here is an object the
        # session tracks, and the ORM's per-row bookkeeping was a third of the time.
        db.session.execute(insert(AuditEvent.__table__), rows)
        head.seq, head.hash = seq, prev
        head.mac = _head_mac(seq, prev)
        db.session.flush()
    return len(rows)


# Characters of the hash an anchor carries: 16 hex digits (64 bits) cannot be hit by guessing, and
# stay short enough to copy from paper. An anchor given to verify may carry fewer, not under 8.
ANCHOR_HASH_CHARS = 16
ANCHOR_HASH_MIN = 8


@dataclass(frozen=True)
class Anchor:
    """A chain head as published: the sequence number and the start of that row's hash."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse_anchor(text: str) -> Anchor:
    """Read `SEQ:HASH`; raises ValueError saying what is wrong."""
    seq_text, sep, hash_text = text.strip().partition(":")
    if not sep:
        raise ValueError("expected SEQ:HASH, e.g. 1234:9f2c4e1a0b7d3c55")
    if not (seq_text.isascii() and seq_text.isdigit()) or len(seq_text) > 18:
        raise ValueError(f"the sequence number {seq_text!r} is not a whole number")
    hash_text = hash_text.lower()
    if not (ANCHOR_HASH_MIN <= len(hash_text) <= 64) or any(c not in "0123456789abcdef" for c in hash_text):
        raise ValueError(f"the hash {hash_text!r} is not {ANCHOR_HASH_MIN} to 64 hexadecimal digits")
    return Anchor(int(seq_text), hash_text)


def anchor_of(seq: int, hash_: str) -> Anchor:
    return Anchor(seq, hash_[:ANCHOR_HASH_CHARS])


def current_anchor() -> Anchor:
    """The chain's head now, as an anchor (0:000… before the first event)."""
    head = db.session.get(AuditHead, 1)
    return anchor_of(head.seq, head.hash) if head else anchor_of(0, GENESIS)


def record_anchor(*, reason: str, object_type: str, object_id: int | None) -> AuditAnchor:
    """Keep the head as it stands in the caller's transaction (after its `record`) as the anchor
    published on that object, e.g. a meeting's minutes."""
    db.session.flush()
    head = _lock_head()
    anchor = AuditAnchor(seq=head.seq, hash=head.hash, at=utcnow(), reason=reason,
                         object_type=object_type, object_id=object_id)
    db.session.add(anchor)
    db.session.flush()
    return anchor


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str | None = None
    missing_anchor: Anchor | None = None


def _kept_anchors() -> list[Anchor]:
    rows = db.session.execute(select(AuditAnchor.seq, AuditAnchor.hash).distinct())
    return [Anchor(seq, hash_) for seq, hash_ in rows]


def verify_chain(batch: int = 5000, anchors: list[Anchor] | tuple[Anchor, ...] = ()) -> VerifyResult:
    """Walk the chain in order; report the first row changed, deleted or inserted, then the first
    anchor (given, or kept in the database) that the chain no longer reaches."""
    anchors = [*anchors, *_kept_anchors()]
    wanted = {a.seq for a in anchors}
    seen = {0: GENESIS} if 0 in wanted else {}
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
            if ev.id in wanted:
                seen[ev.id] = ev.hash
            prev, expected_seq = ev.hash, expected_seq + 1
            checked += 1
        last_id = rows[-1].id
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    last = expected_seq - 1
    if head is None:
        if last:
            return VerifyResult(False, checked, last, "chain head missing")
    elif not hmac.compare_digest(head.mac, _head_mac(head.seq, head.hash)):
        return VerifyResult(False, checked, head.seq, "chain head changed")
    elif head.seq != last or head.hash != prev:
        return VerifyResult(False, checked, last + 1, "rows missing at the end (deleted)")
    for anchor in anchors:
        found = seen.get(anchor.seq)
        if found is None:
            return VerifyResult(False, checked, None, f"the chain ends at {last}: row {anchor.seq} is missing",
                                missing_anchor=anchor)
        if not found.startswith(anchor.hash):
            return VerifyResult(False, checked, None, f"row {anchor.seq} has another hash ({found[:ANCHOR_HASH_CHARS]})",
                                missing_anchor=anchor)
    return VerifyResult(True, checked)
