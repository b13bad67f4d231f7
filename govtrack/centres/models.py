"""The positions of the rembug pusat (centres) on the clauses of an agreement under deliberation."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.agreements.models import Clause
from govtrack.auth.models import User
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.members.models import Centre


class Position(StrEnum):
    support = "support"  # setuju
    amend = "amend"  # usul ubah, with the proposed text
    oppose = "oppose"  # tolak


POSITIONS = tuple(p.value for p in Position)
_CURRENT = text("superseded_at IS NULL")


class CentrePosition(db.Model):
    """What one centre said about one clause, at its meeting of `held_on`, in one deliberation of
    the agreement (`Agreement.deliberation`). A later position of the same centre on the same clause
    in the same deliberation supersedes it (`superseded_at`): the earlier stays, and one partial
    unique index keeps a single current one. `text_key` (the proposed text with spaces collapsed and
    case folded) lets the roll-up merge identical proposals in SQL."""

    __tablename__ = "centre_positions"
    __table_args__ = (
        CheckConstraint("position IN ('support', 'amend', 'oppose')", name="position"),
        CheckConstraint("(position = 'amend') = (text IS NOT NULL)", name="amend_text"),
        CheckConstraint("members_present >= 0", name="members_present"),
        CheckConstraint("deliberation >= 0", name="deliberation"),
        Index("uq_centre_positions_current", "clause_id", "centre_id", "deliberation", unique=True,
              sqlite_where=_CURRENT, postgresql_where=_CURRENT),
        # The roll-up: one agreement's current positions grouped by clause and position, and the
        # proposals by text_key, read from this index alone (it holds every column they read).
        Index("ix_centre_positions_rollup", "agreement_id", "deliberation", "clause_id", "position", "text_key",
              "members_present", sqlite_where=_CURRENT, postgresql_where=_CURRENT),
        Index("ix_centre_positions_centre", "centre_id", "agreement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    deliberation: Mapped[int]
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    held_on: Mapped[dt.date]
    members_present: Mapped[int]
    position: Mapped[Position] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    text_key: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[dt.datetime | None]

    centre: Mapped[Centre] = relationship(lazy="raise")
    clause: Mapped[Clause] = relationship(lazy="raise")
    recorded_by: Mapped[User | None] = relationship(lazy="raise")
