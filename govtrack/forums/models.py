"""Forums, their meetings (attendance, agenda, minutes), motions, votes, decisions and the
approval policy.

Rules the database enforces itself: one roll-call vote per member per motion; one decision per
motion; decision numbers unique; a proxy names its holder and nobody holds their own proxy.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.agreements.models import Agreement, AgreementKind, Clause
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.members.models import Member
from govtrack.partners.models import _in


class ForumKind(StrEnum):
    rembug_pusat = "rembug_pusat"
    board = "board"
    supervisors = "supervisors"
    sharia_supervisory = "sharia_supervisory"
    members_meeting = "members_meeting"


class Threshold(StrEnum):
    simple_majority = "simple_majority"
    two_thirds = "two_thirds"
    three_quarters = "three_quarters"
    unanimous = "unanimous"


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    open = "open"
    closed = "closed"
    cancelled = "cancelled"


class MinutesStatus(StrEnum):
    draft = "draft"
    approved = "approved"


class AttendanceStatus(StrEnum):
    present = "present"
    absent = "absent"
    proxy = "proxy"


class Effect(StrEnum):
    approve = "approve"
    approve_with_amendments = "approve_with_amendments"
    reject = "reject"
    terminate = "terminate"
    waive_obligation = "waive_obligation"
    none = "none"


# Effects that approve the agreement (toward the approval policy).
APPROVING = (Effect.approve.value, Effect.approve_with_amendments.value)


class MotionStatus(StrEnum):
    open = "open"
    closed = "closed"
    withdrawn = "withdrawn"


class VoteMethod(StrEnum):
    roll_call = "roll_call"
    tally = "tally"
    consensus = "consensus"


class Choice(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


class Outcome(StrEnum):
    carried = "carried"
    defeated = "defeated"
    no_quorum = "no_quorum"


# The prefix of decision numbers when a forum is created without one (RP-2026-014).
DEFAULT_CODES = {
    ForumKind.rembug_pusat: "RP",
    ForumKind.board: "PG",
    ForumKind.supervisors: "PW",
    ForumKind.sharia_supervisory: "DPS",
    ForumKind.members_meeting: "RAT",
}


class Forum(db.Model):
    """A body that deliberates and decides: who may vote, its quorum and its threshold."""

    __tablename__ = "forums"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ForumKind)})", name="kind"),
        CheckConstraint(f"threshold IN ({_in(Threshold)})", name="threshold"),
        CheckConstraint(
            "quorum_denominator >= 1 AND quorum_numerator >= 0 AND quorum_numerator <= quorum_denominator",
            name="quorum",
        ),
        CheckConstraint("proxy_limit >= 0", name="proxy_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # decision number prefix
    kind: Mapped[ForumKind] = mapped_column(String(40), index=True)
    # True: every active non-investor member votes; False: only the members in forum_voters.
    all_members: Mapped[bool] = mapped_column(default=True)
    quorum_numerator: Mapped[int] = mapped_column(default=1)
    quorum_denominator: Mapped[int] = mapped_column(default=2)
    quorum_strict: Mapped[bool] = mapped_column(default=False)
    threshold: Mapped[Threshold] = mapped_column(String(30), default=Threshold.simple_majority.value)
    proxy_limit: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ForumVoter(db.Model):
    """A member named as a voter of a forum whose voters are a list."""

    __tablename__ = "forum_voters"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)


class ApprovalRule(db.Model):
    """Agreements of `agreement_kind` need a carried approve decision of a forum of `forum_kind`.

    Rules name forum kinds, not forums, so the policy holds before and after forums are created
    (and when a forum is replaced). A kind with no rows falls back to the default policy.
    """

    __tablename__ = "approval_rules"
    __table_args__ = (
        UniqueConstraint("agreement_kind", "forum_kind"),
        CheckConstraint(f"forum_kind IN ({_in(ForumKind)})", name="forum_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_kind: Mapped[AgreementKind] = mapped_column(String(40))
    forum_kind: Mapped[ForumKind] = mapped_column(String(40))


class Meeting(db.Model):
    """A meeting (rapat) of a forum: scheduled, open, closed, or cancelled (with its reason). A
    closed or cancelled meeting changes no more; neither is ever deleted.

    The rule it is decided under (quorum, threshold, proxy limit) is copied from its forum when it
    opens, so editing the forum later changes no meeting already under way or decided.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(MeetingStatus)})", name="status"),
        CheckConstraint(f"minutes_status IN ({_in(MinutesStatus)})", name="minutes_status"),
        CheckConstraint("(status = 'cancelled') = (cancel_reason IS NOT NULL)", name="cancel_reason"),
        # An open or closed meeting carries the rule it opened under.
        CheckConstraint(
            "status IN ('scheduled', 'cancelled') OR (rule_quorum_numerator IS NOT NULL "
            "AND rule_quorum_denominator IS NOT NULL AND rule_quorum_strict IS NOT NULL "
            "AND rule_threshold IS NOT NULL AND rule_proxy_limit IS NOT NULL)",
            name="rule_snapshot",
        ),
        CheckConstraint(f"rule_threshold IS NULL OR rule_threshold IN ({_in(Threshold)})", name="rule_threshold"),
        Index("ix_meetings_forum_starts", "forum_id", "starts_at"),
        # The home page: meetings coming up (by status and time) and minutes waiting for approval.
        Index("ix_meetings_status_starts", "status", "starts_at"),
        Index("ix_meetings_minutes_waiting", "minutes_status", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[dt.datetime]
    location: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MeetingStatus] = mapped_column(String(20), default=MeetingStatus.scheduled.value)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_status: Mapped[MinutesStatus] = mapped_column(String(20), default=MinutesStatus.draft.value)
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The forum's rule as it stood when the meeting opened (see the class docstring).
    rule_quorum_numerator: Mapped[int | None]
    rule_quorum_denominator: Mapped[int | None]
    rule_quorum_strict: Mapped[bool | None]
    rule_threshold: Mapped[Threshold | None] = mapped_column(String(30))
    rule_proxy_limit: Mapped[int | None]
    # Who chaired the meeting and who kept its minutes: members of the roster (they sign the minutes).
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    secretary_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    forum: Mapped[Forum] = relationship(lazy="raise")
    chair: Mapped[Member | None] = relationship(foreign_keys=[chair_member_id], lazy="raise")
    secretary: Mapped[Member | None] = relationship(foreign_keys=[secretary_member_id], lazy="raise")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", lazy="raise", order_by="AgendaItem.position"
    )
    motions: Mapped[list[Motion]] = relationship(
        back_populates="meeting", lazy="raise", order_by="Motion.id"
    )


class Attendance(db.Model):
    """One member's attendance at a meeting: present, absent, or represented by a proxy holder."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        CheckConstraint(f"status IN ({_in(AttendanceStatus)})", name="status"),
        CheckConstraint(
            "(status = 'proxy') = (proxy_holder_id IS NOT NULL)", name="proxy_holder"
        ),
        CheckConstraint("proxy_holder_id IS NULL OR proxy_holder_id <> member_id", name="not_own_proxy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(String(20))
    proxy_holder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")
    proxy_holder: Mapped[Member | None] = relationship(foreign_keys=[proxy_holder_id], lazy="raise")


class MeetingVoter(db.Model):
    """One member of a meeting's roll of voters, fixed when the meeting opens: who may attend and
    vote and whom the quorum counts, whatever becomes of the roster or the forum's list afterwards.

    Written once, by one INSERT … SELECT when the meeting opens (280,000 rows for a forum of all
    members); never changed afterwards. The primary key (meeting, member) answers every question
    asked of it (is this member on the roll, how many are) without a separate index. On SQLite the
    table has no rowid: the key is the table, about a third of the size.
    """

    __tablename__ = "meeting_voters"
    __table_args__ = ({"sqlite_with_rowid": False},)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)


agenda_item_clauses = db.Table(
    "agenda_item_clauses",
    db.Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    db.Column("clause_id", ForeignKey("clauses.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class AgendaItem(db.Model):
    """An item on a meeting's agenda: the agreement and the clauses it deliberates."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda", lazy="raise")
    agreement: Mapped[Agreement | None] = relationship(lazy="raise")
    clauses: Mapped[list[Clause]] = relationship(
        secondary=agenda_item_clauses, lazy="raise", order_by="Clause.number"
    )


class Motion(db.Model):
    """A proposed decision (usul keputusan) and, once closed, its outcome and counts."""

    __tablename__ = "motions"
    __table_args__ = (
        CheckConstraint(f"effect IN ({_in(Effect)})", name="effect"),
        CheckConstraint(f"status IN ({_in(MotionStatus)})", name="status"),
        CheckConstraint(f"method IS NULL OR method IN ({_in(VoteMethod)})", name="method"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_in(Outcome)})", name="outcome"),
        CheckConstraint(
            "tally_yes >= 0 AND tally_no >= 0 AND tally_abstain >= 0", name="tally"
        ),
        # A withdrawn motion keeps its reason and never has an outcome (it decided nothing).
        CheckConstraint("(status = 'withdrawn') = (withdraw_reason IS NOT NULL)", name="withdraw_reason"),
        CheckConstraint("status <> 'withdrawn' OR outcome IS NULL", name="withdrawn_no_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    effect: Mapped[Effect] = mapped_column(String(40), default=Effect.none.value)
    # The obligations area is built separately; no foreign key to its table yet.
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"), index=True)
    corrects_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))
    status: Mapped[MotionStatus] = mapped_column(String(20), default=MotionStatus.open.value)
    method: Mapped[VoteMethod | None] = mapped_column(String(20))
    tally_yes: Mapped[int] = mapped_column(default=0)
    tally_no: Mapped[int] = mapped_column(default=0)
    tally_abstain: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[Outcome | None] = mapped_column(String(20))
    yes: Mapped[int | None]
    no: Mapped[int | None]
    abstain: Mapped[int | None]
    present: Mapped[int | None]
    eligible: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="motions", lazy="raise")
    agreement: Mapped[Agreement | None] = relationship(lazy="raise")
    amendments: Mapped[list[MotionAmendment]] = relationship(
        back_populates="motion", lazy="raise", order_by="MotionAmendment.id",
        cascade="all, delete-orphan",
    )
    votes: Mapped[list[Vote]] = relationship(back_populates="motion", lazy="raise", order_by="Vote.id")
    decision: Mapped[Decision | None] = relationship(back_populates="motion", lazy="raise")


class MotionAmendment(db.Model):
    """A new text for a clause, proposed by an approve_with_amendments motion."""

    __tablename__ = "motion_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id"))
    text: Mapped[str] = mapped_column(Text)

    motion: Mapped[Motion] = relationship(back_populates="amendments", lazy="raise")
    clause: Mapped[Clause] = relationship(lazy="raise")


class Vote(db.Model):
    """A roll-call vote: one row per member per motion (a proxy holder casts it for the member)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id"),
        CheckConstraint(f"choice IN ({_in(Choice)})", name="choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    choice: Mapped[Choice] = mapped_column(String(10))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # the proxy holder
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="votes", lazy="raise")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")


class Decision(db.Model):
    """The record of a carried motion (keputusan), numbered per forum and year: RP-2026-014."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("forum_id", "year", "seq"),
        Index("ix_decisions_agreement", "agreement_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"))
    year: Mapped[int]
    seq: Mapped[int]
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    effect: Mapped[Effect] = mapped_column(String(40))
    decided_on: Mapped[dt.date]
    text: Mapped[str] = mapped_column(Text)
    # What the decision did, in words and ids (JSON), for the trail and the register.
    effects: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    forum: Mapped[Forum] = relationship(lazy="raise")
    motion: Mapped[Motion] = relationship(back_populates="decision", lazy="raise")
    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agreement: Mapped[Agreement | None] = relationship(lazy="raise")
