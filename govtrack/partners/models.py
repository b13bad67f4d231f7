"""Partner and its contacts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.core.clock import utcnow
from govtrack.extensions import db


class PartnerCategory(StrEnum):
    local_government = "local_government"
    central_government = "central_government"
    nonprofit_funder = "nonprofit_funder"
    financial_institution = "financial_institution"
    construction_partner = "construction_partner"
    other = "other"


def _in(enum_cls) -> str:
    return ", ".join(f"'{e.value}'" for e in enum_cls)


class Partner(db.Model):
    """An outside organisation the cooperative works with. Never hard-deleted once named."""

    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint(f"category IN ({_in(PartnerCategory)})", name="category"),
        Index("ix_partners_category_name", "category", "name"),
        Index("ix_partners_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[PartnerCategory] = mapped_column(String(40))
    legal_name: Mapped[str | None] = mapped_column(String(300))
    registration_no: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contacts: Mapped[list[PartnerContact]] = relationship(
        back_populates="partner",
        lazy="raise",
        order_by="PartnerContact.id",
        cascade="all, delete-orphan",
    )


class PartnerContact(db.Model):
    """A person at a partner."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))

    partner: Mapped[Partner] = relationship(back_populates="contacts", lazy="raise")
