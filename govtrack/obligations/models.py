"""Obligations (kewajiban), their dated occurrences, payments, evidence, calendar feeds and the
reminder log. Status is never stored: it is computed from the dates at query time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.core.clock import utcnow
from govtrack.core.uploads import StoredFileMixin
from govtrack.db import ZERO, Money
from govtrack.extensions import db
from govtrack.partners.models import _in


class ObligationKind(StrEnum):
    payment = "payment"
    repayment = "repayment"
    disbursement = "disbursement"
    report = "report"
    delivery = "delivery"
    construction_milestone = "construction_milestone"
    compliance = "compliance"
    other = "other"


class OwedBy(StrEnum):
    cooperative = "cooperative"
    partner = "partner"


class OccurrenceStatus(StrEnum):
    pending = "pending"
    due_soon = "due_soon"
    overdue = "overdue"
    fulfilled = "fulfilled"
    waived = "waived"


class Obligation(db.Model):
    """What one side of an agreement owes the other: once (due_date) or as a series (rrule)."""

    __tablename__ = "obligations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ObligationKind)})", name="kind"),
        CheckConstraint(f"owed_by IN ({_in(OwedBy)})", name="owed_by"),
        CheckConstraint(
            "(due_date IS NOT NULL AND rrule IS NULL) OR (due_date IS NULL AND rrule IS NOT NULL "
            "AND starts_on IS NOT NULL)",
            name="schedule",
        ),
        CheckConstraint("owed_by = 'cooperative' OR partner_id IS NOT NULL", name="partner_owes"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount"),
        Index("ix_obligations_partner_owed_by", "partner_id", "owed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id"), index=True)
    owed_by: Mapped[OwedBy] = mapped_column(String(20))
    # The other side: the partner who owes (owed_by partner) or is owed (owed_by cooperative).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    kind: Mapped[ObligationKind] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    due_date: Mapped[dt.date | None]
    rrule: Mapped[str | None] = mapped_column(String(500))
    starts_on: Mapped[dt.date | None]
    # Occurrences of a series exist up to this date; extend_occurrences() moves it on.
    generated_until: Mapped[dt.date | None]
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Set when a decision waived the whole obligation: no further occurrences are generated.
    # use_alter: this key closes the cycle obligations -> decisions -> motions -> obligations, so
    # create_all() adds it after the three tables exist (the migrations already do); it changes
    # nothing in an existing database.
    waived_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", use_alter=True), index=True)
    # Set when a carried decision waived the conditions of a tranche (a disbursement owed by a
    # partner): it may then be received before its conditions are met. use_alter as above.
    conditions_waived_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", use_alter=True), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="obligation", lazy="raise", order_by="Occurrence.due_on",
        cascade="all, delete-orphan",
    )
    agreement = relationship("Agreement", lazy="raise")
    partner = relationship("Partner", lazy="raise")
    responsible = relationship("User", lazy="raise")
    conditions: Mapped[list[TrancheCondition]] = relationship(
        back_populates="obligation", lazy="raise", order_by="TrancheCondition.id", cascade="all, delete-orphan",
    )


class TrancheCondition(db.Model):
    """What a tranche (a disbursement owed by a partner) waits for: an indicator of its agreement
    reaches at least `at_least` by a verified actual over a period that ends by `by_date`. The
    tranche is claimable once every condition is met."""

    __tablename__ = "obligation_conditions"
    __table_args__ = (UniqueConstraint("obligation_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    at_least: Mapped[Decimal] = mapped_column(Money)
    by_date: Mapped[dt.date]

    obligation: Mapped[Obligation] = relationship(back_populates="conditions", lazy="raise")
    indicator = relationship("Indicator", lazy="raise")


class Occurrence(db.Model):
    """One dated instance of an obligation: what is due on `due_on`, and what became of it."""

    __tablename__ = "obligation_occurrences"
    __table_args__ = (
        UniqueConstraint("obligation_id", "due_on"),
        CheckConstraint("paid_amount >= 0", name="paid"),
        CheckConstraint("NOT waived OR waived_decision_id IS NOT NULL", name="waiver_decision"),
        # Open occurrences by due date: the dashboard, the overdue list and reminders.
        Index("ix_obligation_occurrences_open_due", "waived", "fulfilled_on", "due_on"),
        Index("ix_obligation_occurrences_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"))
    due_on: Mapped[dt.date]
    amount: Mapped[Decimal | None]
    paid_amount: Mapped[Decimal] = mapped_column(default=ZERO)
    fulfilled_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(Text)
    waived: Mapped[bool] = mapped_column(default=False)
    # A forum decision (forums area; no foreign key until the areas are merged).
    waived_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    waive_reason: Mapped[str | None] = mapped_column(Text)

    obligation: Mapped[Obligation] = relationship(back_populates="occurrences", lazy="raise")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="occurrence", lazy="raise", order_by="Payment.id"
    )
    evidence: Mapped[list[EvidenceFile]] = relationship(
        back_populates="occurrence", lazy="raise", order_by="EvidenceFile.id"
    )

    @property
    def remaining(self) -> Decimal | None:
        if self.amount is None:
            return None
        return max(self.amount - (self.paid_amount or ZERO), ZERO)


class Payment(db.Model):
    """A (possibly partial) fulfilment recorded against an occurrence."""

    __tablename__ = "obligation_payments"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount > 0", name="amount"),
        # A reversal always says why.
        CheckConstraint("(reversed_at IS NULL) = (reversal_reason IS NULL)", name="reversal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("obligation_occurrences.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[dt.date]
    amount: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A reversed payment (recorded by mistake, or a payment that bounced) stays in the history and
    # no longer counts towards its occurrence.
    reversed_at: Mapped[dt.datetime | None]
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversal_reason: Mapped[str | None] = mapped_column(Text)

    occurrence: Mapped[Occurrence] = relationship(back_populates="payments", lazy="raise")

    @property
    def reversed(self) -> bool:
        return self.reversed_at is not None


class EvidenceFile(StoredFileMixin, db.Model):
    """A proof of fulfilment (receipt, report, photo), stored like agreement documents."""

    __tablename__ = "obligation_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("obligation_occurrences.id", ondelete="CASCADE"), index=True
    )
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("obligation_payments.id"))

    occurrence: Mapped[Occurrence] = relationship(back_populates="evidence", lazy="raise")


class IcalFeed(db.Model):
    """A user's personal calendar feed; only the SHA-256 of its secret token is kept."""

    __tablename__ = "obligation_ical_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class ReminderLog(db.Model):
    """One reminder digest per user per day: the unique key makes `remind` idempotent."""

    __tablename__ = "obligation_reminders"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[dt.date]
    items: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
