"""What a funder's report keeps of its own: the manager's narrative for an agreement and a period.
Everything else in a report is read from the records it reports on, at the time it is read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govtrack.core.clock import utcnow
from govtrack.extensions import db


class ReportNarrative(db.Model):
    """The manager's words on an agreement's progress over one period (one per agreement and period)."""

    __tablename__ = "report_narratives"
    __table_args__ = (
        UniqueConstraint("agreement_id", "period_start", "period_end"),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
