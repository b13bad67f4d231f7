"""A results framework per agreement: results (outputs and outcomes), their indicators with a
baseline and targets per period, and the actuals reported per period, split by dimensions when the
funder asks for it, with their evidence and their verification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.agreements.models import Agreement, Document
from govtrack.core.clock import utcnow
from govtrack.db import Money
from govtrack.extensions import db
from govtrack.partners.models import _in


class ResultKind(StrEnum):
    output = "output"
    outcome = "outcome"


class Measure(StrEnum):
    number = "number"
    percentage = "percentage"


class ActualStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    verified = "verified"


class Result(db.Model):
    """An output or outcome the agreement promises (households with a new water connection)."""

    __tablename__ = "results"
    __table_args__ = (CheckConstraint(f"kind IN ({_in(ResultKind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ResultKind] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(lazy="raise")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result", lazy="raise", order_by="Indicator.id", cascade="all, delete-orphan"
    )


class Indicator(db.Model):
    """What is measured of a result, in a unit, with a baseline and targets. `ascending` says
    whether higher is better (toilets built) or lower (households without safe water). `code` is
    how the cooperative's loan system names it in an import (unique within the agreement)."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(f"measure IN ({_in(Measure)})", name="measure"),
        CheckConstraint("(baseline_year IS NULL) = (baseline_value IS NULL)", name="baseline_whole"),
        UniqueConstraint("agreement_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    # The result's agreement again, so that a code is unique within the agreement (and imports find it).
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60))
    measure: Mapped[Measure] = mapped_column(String(20), default=Measure.number.value)
    ascending: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[Decimal | None] = mapped_column(Money)

    result: Mapped[Result] = relationship(back_populates="indicators", lazy="raise")
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", lazy="raise", order_by="Target.period_start", cascade="all, delete-orphan"
    )
    actuals: Mapped[list[Actual]] = relationship(
        back_populates="indicator", lazy="raise", order_by="(Actual.period_start, Actual.id)",
        cascade="all, delete-orphan",
    )


class Target(db.Model):
    """The value an indicator should reach over a period."""

    __tablename__ = "indicator_targets"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_start", "period_end"),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    value: Mapped[Decimal] = mapped_column(Money)

    indicator: Mapped[Indicator] = relationship(back_populates="targets", lazy="raise")


class Actual(db.Model):
    """What an indicator reached over a period, in total or for one combination of dimensions
    (the households headed by women in one district). Draft and submitted actuals may change;
    a verified one never does: a correction is a new actual that names it (`corrects_id`), and
    once that is verified it counts instead. Every move is in the audit log."""

    __tablename__ = "indicator_actuals"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(ActualStatus)})", name="status"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("(status = 'verified') = (verified_at IS NOT NULL)", name="verified_when"),
        Index("ix_indicator_actuals_indicator_period", "indicator_id", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    value: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[ActualStatus] = mapped_column(String(20), default=ActualStatus.draft.value)
    note: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_actuals.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    verified_at: Mapped[dt.datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    indicator: Mapped[Indicator] = relationship(back_populates="actuals", lazy="raise")
    dimensions: Mapped[list[ActualDimension]] = relationship(
        back_populates="actual", lazy="raise", order_by="ActualDimension.name", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        secondary="indicator_actual_documents", lazy="raise", order_by="Document.id"
    )
    verified_by = relationship("User", foreign_keys=[verified_by_id], lazy="raise")

    @property
    def dimension_key(self) -> tuple[tuple[str, str], ...]:
        """The combination of dimensions as a sorted tuple (empty: the total)."""
        return tuple(sorted((d.name, d.value) for d in self.dimensions))


class ActualDimension(db.Model):
    """One dimension of an actual as a name and a value (`sex`: `female`, `region`: `Kab. Bogor`),
    the shape of IATI's `dimension`. `sex` and `region` are the two every funder asks for; the
    cooperative may add others by name."""

    __tablename__ = "indicator_actual_dimensions"
    __table_args__ = (UniqueConstraint("actual_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actual_id: Mapped[int] = mapped_column(ForeignKey("indicator_actuals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(120))

    actual: Mapped[Actual] = relationship(back_populates="dimensions", lazy="raise")


class ActualDocument(db.Model):
    """A document of the agreement that is evidence for an actual."""

    __tablename__ = "indicator_actual_documents"

    actual_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_actuals.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True, index=True)
