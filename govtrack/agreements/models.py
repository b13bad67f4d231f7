"""Agreement, its parties, clauses (with every earlier text), dependencies and documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.core.clock import utcnow
from govtrack.core.uploads import StoredFileMixin
from govtrack.extensions import db
from govtrack.partners.models import Partner, _in


class AgreementKind(StrEnum):
    mou = "mou"
    grant = "grant"
    loan = "loan"
    credit_line = "credit_line"
    guarantee = "guarantee"
    technical_assistance = "technical_assistance"
    supply = "supply"
    construction = "construction"
    permit = "permit"
    other = "other"


class PartyRole(StrEnum):
    funder = "funder"
    lender = "lender"
    guarantor = "guarantor"
    supplier = "supplier"
    contractor = "contractor"
    regulator = "regulator"
    implementer = "implementer"
    other = "other"


class AgreementStatus(StrEnum):
    draft = "draft"
    under_deliberation = "under_deliberation"
    approved = "approved"
    rejected = "rejected"
    active = "active"
    suspended = "suspended"
    completed = "completed"
    terminated = "terminated"


class Visibility(StrEnum):
    internal = "internal"
    members = "members"
    public = "public"


class ClauseStatus(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    amended = "amended"
    rejected = "rejected"


class ProposedBy(StrEnum):
    cooperative = "cooperative"
    partner = "partner"


WATER_SECTORS = ("14030", "14031", "14032")

# Statuses in which an agreement may be shown outside the staff (to members or the public).
PUBLISHED_STATUSES = (AgreementStatus.approved, AgreementStatus.active, AgreementStatus.completed)


class Agreement(db.Model):
    """A cooperation agreement with one or more partners."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(AgreementKind)})", name="kind"),
        CheckConstraint(f"status IN ({_in(AgreementStatus)})", name="status"),
        CheckConstraint(f"visibility IN ({_in(Visibility)})", name="visibility"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"
        ),
        CheckConstraint("value_amount IS NULL OR value_amount >= 0", name="value"),
        Index("ix_agreements_status_id", "status", "id"),
        Index("ix_agreements_visibility_status", "visibility", "status"),
        Index("ix_agreements_kind", "kind"),
        Index("ix_agreements_updated_at", "updated_at"),  # the home page: newly published first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    kind: Mapped[AgreementKind] = mapped_column(String(40))
    status: Mapped[AgreementStatus] = mapped_column(String(40), default=AgreementStatus.draft.value)
    value_amount: Mapped[Decimal | None]
    value_currency: Mapped[str] = mapped_column(String(3), default="IDR")
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    summary: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.internal.value)
    # How many times it has been put under deliberation: the rembug pusat's positions on its clauses
    # belong to one deliberation (migration 0017_centres), and a new one starts without them.
    deliberation: Mapped[int] = mapped_column(default=0, server_default="0")
    # What it finances, as an OECD DAC purpose code of water and sanitation (14030, 14031, 14032;
    # see WATER_SECTORS): its IATI `sector`. None: not said (exported as 14030, both).
    sector: Mapped[str | None] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", lazy="raise", cascade="all, delete-orphan",
        order_by="AgreementParty.id",
    )
    clauses: Mapped[list[Clause]] = relationship(
        back_populates="agreement", lazy="raise", cascade="all, delete-orphan",
        order_by="Clause.number",
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="agreement", lazy="raise", order_by="Document.id"
    )
    dependencies: Mapped[list[Agreement]] = relationship(
        secondary="agreement_dependencies",
        primaryjoin="Agreement.id == AgreementDependency.agreement_id",
        secondaryjoin="Agreement.id == AgreementDependency.depends_on_id",
        lazy="raise",
        order_by="Agreement.id",
        viewonly=True,
    )

    @property
    def is_published(self) -> bool:
        return self.status in {s.value for s in PUBLISHED_STATUSES}


class AgreementParty(db.Model):
    """A partner's part in an agreement."""

    __tablename__ = "agreement_parties"
    __table_args__ = (
        UniqueConstraint("agreement_id", "partner_id", "role"),
        CheckConstraint(f"role IN ({_in(PartyRole)})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(String(40))

    agreement: Mapped[Agreement] = relationship(back_populates="parties", lazy="raise")
    partner: Mapped[Partner] = relationship(lazy="raise")


class Clause(db.Model):
    """A numbered cooperation point (poin kerja sama). Its text and status change only by decision
    once the agreement has left draft; every earlier text is kept in ClauseVersion."""

    __tablename__ = "clauses"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        CheckConstraint(f"status IN ({_in(ClauseStatus)})", name="status"),
        CheckConstraint(f"proposed_by IN ({_in(ProposedBy)})", name="proposed_by"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[ProposedBy] = mapped_column(String(20), default=ProposedBy.cooperative.value)
    status: Mapped[ClauseStatus] = mapped_column(String(20), default=ClauseStatus.proposed.value)

    agreement: Mapped[Agreement] = relationship(back_populates="clauses", lazy="raise")
    versions: Mapped[list[ClauseVersion]] = relationship(
        back_populates="clause", lazy="raise", order_by="ClauseVersion.version",
        cascade="all, delete-orphan",
    )


class ClauseVersion(db.Model):
    """An earlier (or the current) text of a clause, and what changed it."""

    __tablename__ = "clause_versions"
    __table_args__ = (UniqueConstraint("clause_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ClauseStatus] = mapped_column(String(20))
    # The decision that made this version (None for texts written while the agreement was a draft).
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    clause: Mapped[Clause] = relationship(back_populates="versions", lazy="raise")


class AgreementDependency(db.Model):
    """`agreement_id` needs `depends_on_id` (a construction contract needs its grant)."""

    __tablename__ = "agreement_dependencies"
    __table_args__ = (CheckConstraint("agreement_id <> depends_on_id", name="not_self"),)

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Document(StoredFileMixin, db.Model):
    """A file attached to an agreement, stored under the upload folder with a generated name. Its
    columns describe the current file; a replaced file is kept as a DocumentVersion. A removed
    document stays, with who removed it, when and why, and its file is served to staff only."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("(removed_at IS NULL) = (removal_reason IS NULL)", name="removed_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    removed_at: Mapped[dt.datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="documents", lazy="raise")
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", lazy="raise", order_by="DocumentVersion.id.desc()"
    )
    removed_by = relationship("User", foreign_keys=[removed_by_id], lazy="raise")

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


class DocumentVersion(StoredFileMixin, db.Model):
    """An earlier file of a document, kept when a new one replaced it (newest first on the document)."""

    __tablename__ = "document_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    replaced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="versions", lazy="raise")
