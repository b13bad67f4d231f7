"""A queued e-mail notice: its recipient, its text, and how its sending went."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govtrack.core.clock import utcnow
from govtrack.extensions import db


class NoticeStatus(StrEnum):
    queued = "queued"
    sent = "sent"


class Notice(db.Model):
    """One e-mail to one person, composed (in their language) when the change was made.

    `key` names the change and the recipient (e.g. the audit event and the user), unique, so a
    change queues each person's notice once; `status` moves from queued to sent exactly once.
    A failed attempt keeps it queued with its error and the time of the next attempt.
    """

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent')", name="status"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_at"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_notices_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[NoticeStatus] = mapped_column(String(10), default=NoticeStatus.queued.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A sender holds the notice until then; one that died mid-send frees it when this passes.
    claimed_until: Mapped[dt.datetime | None]
    last_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
