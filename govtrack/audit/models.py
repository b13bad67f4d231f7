"""Audit events and the chain head."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govtrack.extensions import db


class AuditEvent(db.Model):
    """Who did what, when, before and after. Each row's HMAC covers the previous row's."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor_id", "actor_id"),
        Index("ix_audit_events_action", "action", "id"),  # migration 0014: the auditor's filters
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor_at", "actor_id", "at"),  # one user's events within some days
    )

    # The sequence number is assigned by the service (previous + 1), never by the database, so
    # that a gap left by a deleted row is visible.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(db.Model):
    """One row: the last sequence number and hash, MACed, so that a deleted tail is detected.

    Writers lock this row, which also serialises the chain on PostgreSQL.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AuditAnchor(db.Model):
    """A chain head once published outside the database (on a meeting's minutes), kept so that the
    anchor printed on those minutes stays what it was however long the chain grows."""

    __tablename__ = "audit_anchors"
    __table_args__ = (Index("ix_audit_anchors_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(String(80))  # the action it was taken at, e.g. meeting.close
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
