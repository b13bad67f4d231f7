"""Needs surveys: a survey's questions, the members drawn for it (its sample), their responses and
the survey results attached as evidence to what a forum decides.

A survey's population is all active members, or those of chosen regions or centres; its sample is
everyone in the population, or a random sample stratified by centre drawn with a recorded seed
(`rules.draw`), so the same seed draws the same members again. The drawn members are kept
(`survey_members`, with the centre each was drawn from): the response rate, the field officer's list
of whom to ask at a centre and the finite-population correction read them.

One response per member per survey (a unique constraint), and per client-made key (`key`, unique per
survey): a batch sent twice from an officer's phone is stored once.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.auth.models import User
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.members.models import Centre, Member


class QuestionKind(StrEnum):
    yes_no = "yes_no"
    single = "single"  # one of the choices
    multiple = "multiple"  # any of the choices
    number = "number"
    text = "text"  # a short text


class PopulationKind(StrEnum):
    all = "all"  # every active member
    regions = "regions"
    centres = "centres"


class SurveyVisibility(StrEnum):
    internal = "internal"  # staff only
    members = "members"  # aggregates to members with a login
    public = "public"  # aggregates to anyone


class Channel(StrEnum):
    officer = "officer"  # a field officer at the centre's meeting (the phone page, online or offline)
    upload = "upload"  # paper forms uploaded as CSV/XLSX
    portal = "portal"  # the member in the portal
    api = "api"


def _in(enum) -> str:
    return ", ".join(f"'{e.value}'" for e in enum)


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(f"population_kind IN ({_in(PopulationKind)})", name="population_kind"),
        CheckConstraint(f"visibility IN ({_in(SurveyVisibility)})", name="visibility"),
        CheckConstraint("closes_on >= opens_on", name="dates"),
        CheckConstraint("sample_size IS NULL OR sample_size > 0", name="sample_size"),
        CheckConstraint("(sample_size IS NULL) = (sample_seed IS NULL)", name="sample_seed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    population_kind: Mapped[PopulationKind] = mapped_column(String(10), default=PopulationKind.all)
    # The chosen regions (names) or centre ids; empty for "all".
    population: Mapped[list] = mapped_column(JSON, default=list)
    sample_size: Mapped[int | None]  # None: everyone in the population
    sample_seed: Mapped[int | None] = mapped_column(BigInteger)
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    visibility: Mapped[SurveyVisibility] = mapped_column(String(10), default=SurveyVisibility.internal)
    # Size of the population when the sample was drawn (N of the finite-population correction),
    # and when: the sample is drawn once, when the survey opens for answers (`services.draw_sample`).
    population_size: Mapped[int | None]
    drawn_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", lazy="raise", order_by="SurveyQuestion.position", cascade="all, delete-orphan")
    created_by: Mapped[User | None] = relationship(lazy="raise")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "key"),
        UniqueConstraint("survey_id", "position"),
        CheckConstraint(f"kind IN ({_in(QuestionKind)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))  # a-z, 0-9 and _; the column name in uploads
    kind: Mapped[QuestionKind] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(500))
    choices: Mapped[list] = mapped_column(JSON, default=list)  # for single and multiple
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions", lazy="raise")


class SurveyMember(db.Model):
    """A member drawn for a survey, and the centre they were drawn from (the stratum)."""

    __tablename__ = "survey_members"
    __table_args__ = (Index("ix_survey_members_centre", "survey_id", "centre_id"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))


class SurveyResponse(db.Model):
    """One member's answers to one survey. `answers` maps question keys to values: true/false,
    a choice, a list of choices, a number, a text. A correction rewrites `answers` (the earlier
    answers stay in the audit log) and keeps the key."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "member_id"),
        UniqueConstraint("survey_id", "key"),
        CheckConstraint(f"channel IN ({_in(Channel)})", name="channel"),
        Index("ix_survey_responses_centre", "survey_id", "centre_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))  # the member's stratum
    key: Mapped[str] = mapped_column(String(64))  # made by the client (or the server) once per response
    channel: Mapped[Channel] = mapped_column(String(10))
    answers: Mapped[dict] = mapped_column(JSON)
    answered_on: Mapped[dt.date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    corrected_at: Mapped[dt.datetime | None]

    member: Mapped[Member] = relationship(lazy="raise")
    centre: Mapped[Centre | None] = relationship(lazy="raise")


class SurveyEvidence(db.Model):
    """A survey's result (whole, or one question; everywhere, or one region) attached as "bukti
    kebutuhan anggota" to exactly one of an agenda item, a motion or a clause."""

    __tablename__ = "survey_evidence"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agenda_item_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN motion_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN clause_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str | None] = mapped_column(String(40))  # None: the whole survey
    region: Mapped[str | None] = mapped_column(String(120))  # None: every region
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(lazy="raise")
