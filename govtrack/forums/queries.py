"""Reading forums, meetings, motions, votes, decisions and the approval policy."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, insert, literal, select
from sqlalchemy.orm import joinedload, selectinload

from govtrack.agreements.models import AgreementKind, AgreementParty, Clause
from govtrack.agreements.services import AgreementDecision
from govtrack.auth.models import User
from govtrack.core.i18n import format_when
from govtrack.core.labels import label
from govtrack.core.paging import Page, decode_cursor, encode_cursor, keyset_page
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.forums.models import (
    APPROVING,
    AgendaItem,
    ApprovalRule,
    Attendance,
    AttendanceStatus,
    Decision,
    Effect,
    Forum,
    ForumKind,
    ForumVoter,
    Meeting,
    MeetingStatus,
    MeetingVoter,
    Motion,
    MotionAmendment,
    Outcome,
    Vote,
)
from govtrack.members.models import Member, MemberInterest
from govtrack.members.queries import fold
from govtrack.obligations.services import WaiverDecision

# DOMAIN.md: the central forum for every kind; the sharia supervisory board too for finance.
DEFAULT_POLICY: dict[str, tuple[str, ...]] = {
    k.value: (ForumKind.rembug_pusat.value,)
    + ((ForumKind.sharia_supervisory.value,) if k.value in {"loan", "credit_line", "guarantee"} else ())
    for k in AgreementKind
}


# --- forums -----------------------------------------------------------------------------------

def forum_page(*, cursor: str | None, limit: int, kind: str | None = None) -> Page:
    stmt = select(Forum)
    if kind:
        stmt = stmt.where(Forum.kind == kind)
    return keyset_page(stmt, id_column=Forum.id, cursor=cursor, limit=limit)


def get_forum(forum_id: int) -> Forum | None:
    return db.session.get(Forum, forum_id)


def forum_choices() -> list[tuple[int, str]]:
    return [(f.id, f.name) for f in db.session.scalars(select(Forum).order_by(Forum.name))]


def voter_ids(forum_ids: list[int]) -> dict[int, list[int]]:
    """The named voters of each forum (one query)."""
    out: dict[int, list[int]] = {i: [] for i in forum_ids}
    if forum_ids:
        rows = db.session.execute(
            select(ForumVoter.forum_id, ForumVoter.member_id)
            .where(ForumVoter.forum_id.in_(forum_ids)).order_by(ForumVoter.member_id)
        )
        for f, m in rows:
            out[f].append(m)
    return out


def _eligible_condition(forum: Forum):
    cond = Member.active.is_(True) & Member.investor.is_(False)
    if not forum.all_members:
        cond = cond & Member.id.in_(select(ForumVoter.member_id).where(ForumVoter.forum_id == forum.id))
    return cond


def eligible_count(forum: Forum) -> int:
    """Members who may vote in this forum now: active, not investors, and named when it has a list."""
    return db.session.scalar(select(func.count()).select_from(Member).where(_eligible_condition(forum))) or 0


def has_roll(meeting: Meeting) -> bool:
    """Whether the meeting's voters are its own roll, fixed when it opened (open and closed
    meetings), rather than the forum's rule applied to the roster as it is now (scheduled ones)."""
    return meeting.status in (MeetingStatus.open, MeetingStatus.closed)


def _on_roll(meeting_id: int):
    """The member of the row being read is on this meeting's roll (a primary-key lookup per row,
    so a search stops after its page instead of reading the whole roll first)."""
    return select(MeetingVoter.member_id).where(
        MeetingVoter.meeting_id == meeting_id, MeetingVoter.member_id == Member.id
    ).exists()


def _voter_condition(meeting: Meeting, forum: Forum):
    """Who counts as a voter of this meeting: its roll once opened, else the forum's rule now."""
    return _on_roll(meeting.id) if has_roll(meeting) else _eligible_condition(forum)


# A roll up to this size is read from its own rows (then sorted); a larger one by walking the roster's
# index in the order wanted, which stops after a page. At L: a central meeting's 400 voters in 1 ms
# instead of 130 (the walk passes the whole roster to find them), a members' meeting's 270,000 in
# 5 ms instead of 116 (reading and sorting them all).
SMALL_ROLL = 10_000


def _roll_condition(meeting: Meeting, forum: Forum, size: int | None = None):
    """_voter_condition, written for the size of the roll (see SMALL_ROLL); `size` when counted."""
    if not has_roll(meeting):
        return _eligible_condition(forum)
    if (size if size is not None else roll_count(meeting.id)) <= SMALL_ROLL:
        return Member.id.in_(select(MeetingVoter.member_id).where(MeetingVoter.meeting_id == meeting.id))
    return _on_roll(meeting.id)


def snapshot_roll(meeting: Meeting, forum: Forum) -> int:
    """Write the meeting's roll of voters: the forum's voters on the roster now, in one INSERT …
    SELECT (280,000 members cost one statement, no row passes through Python). Returns how many."""
    result = db.session.execute(
        insert(MeetingVoter).from_select(
            ["meeting_id", "member_id"],
            select(literal(meeting.id), Member.id).where(_eligible_condition(forum)),
        )
    )
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else roll_count(meeting.id)


def roll_count(meeting_id: int) -> int:
    """How many members are on a meeting's roll (read from its primary key alone)."""
    return db.session.scalar(
        select(func.count()).select_from(MeetingVoter).where(MeetingVoter.meeting_id == meeting_id)
    ) or 0


def meeting_eligible_count(meeting: Meeting, forum: Forum) -> int:
    """The quorum base of a meeting: its roll once opened, else the forum's voters now."""
    return roll_count(meeting.id) if has_roll(meeting) else eligible_count(forum)


def eligible_ids(meeting: Meeting, forum: Forum, member_ids) -> set[int]:
    """Which of these members may attend and vote at this meeting (its roll once opened)."""
    ids = list(set(member_ids))
    if not ids:
        return set()
    if has_roll(meeting):
        return set(db.session.scalars(
            select(MeetingVoter.member_id).where(MeetingVoter.meeting_id == meeting.id,
                                                 MeetingVoter.member_id.in_(ids))))
    return set(db.session.scalars(select(Member.id).where(Member.id.in_(ids), _eligible_condition(forum))))


@dataclass(frozen=True)
class RosterChange:
    """How the forum's voters on the roster now differ from a meeting's roll fixed at opening."""

    added: int  # voters now who are not on the meeting's roll (joined, reactivated, named since)
    left: int  # members on the roll who would not be voters now (left, inactive, investor, unnamed)


def roster_change(meeting: Meeting, forum: Forum, roll_size: int) -> RosterChange | None:
    """What changed on the roster since the meeting opened (None for a meeting without a roll).
    Two counts: the voters now not on the roll, and the roll's members no longer voters."""
    if not has_roll(meeting):
        return None
    # Both from the roll's members who are voters now: two counts instead of an anti-join over the
    # roster (47 ms instead of 114 for a members' meeting of 270,000 at L).
    still = db.session.scalar(
        select(func.count()).select_from(MeetingVoter).join(Member, Member.id == MeetingVoter.member_id)
        .where(MeetingVoter.meeting_id == meeting.id, _eligible_condition(forum))) or 0
    return RosterChange(added=eligible_count(forum) - still, left=roll_size - still)


def not_voter_members(meeting: Meeting, forum: Forum, member_ids) -> dict[int, str]:
    """For members who are not voters of this meeting, why, as a code: `investor`, `inactive`,
    `not_listed` (not on the forum's named list) or `after_opening` (a voter now, but not on the
    roll fixed when the meeting opened)."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    voters = eligible_ids(meeting, forum, ids)
    listed = set(voter_ids([forum.id])[forum.id]) if not forum.all_members else None
    out = {}
    for m in db.session.scalars(select(Member).where(Member.id.in_([i for i in ids if i not in voters]))):
        if m.investor:
            out[m.id] = "investor"
        elif not m.active:
            out[m.id] = "inactive"
        elif listed is not None and m.id not in listed:
            out[m.id] = "not_listed"
        else:
            out[m.id] = "after_opening"
    return out


def voter_users(forum: Forum) -> list[User]:
    """Active logins linked to a member who votes in this forum (who get its meetings' notices)."""
    return list(db.session.scalars(
        select(User).join(Member, Member.id == User.member_id)
        .where(User.active.is_(True), User.email != "", _eligible_condition(forum))
        .order_by(User.id)
    ))


def present_count(meeting: Meeting, forum: Forum) -> int:
    """Voters of the meeting present in person or by proxy (its roll once opened)."""
    stmt = select(func.count()).select_from(Attendance).where(
        Attendance.meeting_id == meeting.id,
        Attendance.status.in_([AttendanceStatus.present.value, AttendanceStatus.proxy.value]),
    )
    if has_roll(meeting):
        stmt = stmt.join(MeetingVoter, and_(MeetingVoter.meeting_id == Attendance.meeting_id,
                                            MeetingVoter.member_id == Attendance.member_id))
    else:
        stmt = stmt.join(Member, Member.id == Attendance.member_id).where(_eligible_condition(forum))
    return db.session.scalar(stmt) or 0


def attendance_map(meeting_id: int, member_ids=None) -> dict[int, Attendance]:
    stmt = select(Attendance).where(Attendance.meeting_id == meeting_id)
    if member_ids is not None:
        stmt = stmt.where(Attendance.member_id.in_(list(set(member_ids))))
    return {a.member_id: a for a in db.session.scalars(stmt)}


def attendance_list(meeting_id: int, *, limit: int | None = None) -> list[Attendance]:
    """Everyone recorded at a meeting (the first `limit`), with the member and proxy holder loaded:
    present first, then by proxy, then absent, each by group and name."""
    return list(
        db.session.scalars(
            select(Attendance)
            .join(Member, Member.id == Attendance.member_id)
            .where(Attendance.meeting_id == meeting_id)
            .options(joinedload(Attendance.member), joinedload(Attendance.proxy_holder))
            .order_by(
                case((Attendance.status == AttendanceStatus.present.value, 0),
                     (Attendance.status == AttendanceStatus.proxy.value, 1), else_=2),
                Member.group_name, Member.name, Member.id,
            )
            .limit(limit)
        )
    )


def attendance_counts(meeting_id: int) -> dict[str, int]:
    """How many members were recorded present, by proxy and absent (one grouped count)."""
    counts = {s.value: 0 for s in AttendanceStatus}
    rows = db.session.execute(
        select(Attendance.status, func.count()).where(Attendance.meeting_id == meeting_id).group_by(Attendance.status)
    )
    counts.update({status: n for status, n in rows})
    return counts


def attending_ids(meeting_id: int) -> Select:
    """A subquery: the members present in person or by proxy at a meeting."""
    return select(Attendance.member_id).where(
        Attendance.meeting_id == meeting_id,
        Attendance.status.in_([AttendanceStatus.present.value, AttendanceStatus.proxy.value]),
    )


# --- meetings ---------------------------------------------------------------------------------

def meeting_filter(*, forum_id: int | None = None, status: str | None = None,
                   minutes_status: str | None = None) -> Select:
    stmt = select(Meeting).options(joinedload(Meeting.forum))
    if forum_id:
        stmt = stmt.where(Meeting.forum_id == forum_id)
    if status:
        stmt = stmt.where(Meeting.status == status)
    if minutes_status:
        stmt = stmt.where(Meeting.minutes_status == minutes_status)
    return stmt


@dataclass(frozen=True)
class RuleUse:
    """One rule a forum's meetings were decided under, and which of its meetings used it."""

    quorum_numerator: int
    quorum_denominator: int
    quorum_strict: bool
    threshold: str
    proxy_limit: int
    meetings: int
    first: dt.datetime
    last: dt.datetime


def rules_used(forum_id: int) -> list[RuleUse]:
    """The rules the forum's opened meetings were decided under, newest use first (one grouped
    query, so a forum with thousands of meetings costs the same)."""
    cols = (Meeting.rule_quorum_numerator, Meeting.rule_quorum_denominator, Meeting.rule_quorum_strict,
            Meeting.rule_threshold, Meeting.rule_proxy_limit)
    rows = db.session.execute(
        select(*cols, func.count(), func.min(Meeting.starts_at), func.max(Meeting.starts_at))
        .where(Meeting.forum_id == forum_id,
               Meeting.status.in_([MeetingStatus.open.value, MeetingStatus.closed.value]))
        .group_by(*cols).order_by(func.max(Meeting.starts_at).desc())
    )
    return [RuleUse(*row) for row in rows]


def recent_meetings(forum_id: int, *, limit: int = 20) -> list[Meeting]:
    """The forum's latest meetings, newest first (with the rule each was decided under)."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.forum_id == forum_id).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    ))


def meeting_page(*, cursor: str | None, limit: int, **filters) -> Page:
    """Meetings, newest first."""
    return keyset_page(meeting_filter(**filters), id_column=Meeting.id, cursor=cursor, limit=limit,
                       descending=True)


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its forum, agenda (agreements, clauses) and motions (amendments, decision)."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.forum),
            selectinload(Meeting.agenda).options(
                joinedload(AgendaItem.agreement), selectinload(AgendaItem.clauses)
            ),
            selectinload(Meeting.motions).options(
                joinedload(Motion.agreement),
                selectinload(Motion.amendments).joinedload(MotionAmendment.clause),
                selectinload(Motion.decision),
            ),
        )
    )


def votes_by_motion(motion_ids: list[int]) -> dict[int, list[Vote]]:
    """Roll-call votes of several motions with their members (one query)."""
    out: dict[int, list[Vote]] = {i: [] for i in motion_ids}
    if not motion_ids:
        return out
    rows = db.session.scalars(
        select(Vote)
        .join(Member, Member.id == Vote.member_id)
        .where(Vote.motion_id.in_(motion_ids))
        .options(joinedload(Vote.member))
        .order_by(Vote.motion_id, Member.group_name, Member.name, Member.id)
    )
    for v in rows:
        out[v.motion_id].append(v)
    return out


def vote_counts(motion_ids: list[int]) -> dict[int, dict[str, int]]:
    """yes/no/abstain counts of roll-call votes per motion (one query)."""
    out = {i: {"yes": 0, "no": 0, "abstain": 0} for i in motion_ids}
    if motion_ids:
        rows = db.session.execute(
            select(Vote.motion_id, Vote.choice, func.count())
            .where(Vote.motion_id.in_(motion_ids))
            .group_by(Vote.motion_id, Vote.choice)
        )
        for m, choice, n in rows:
            out[m][choice] = n
    return out


def recused_ids(motion: Motion, member_ids=None) -> set[int]:
    """Members with a declared interest in a party of the motion's agreement."""
    if motion.agreement_id is None:
        return set()
    stmt = select(MemberInterest.member_id).where(
        MemberInterest.partner_id.in_(
            select(AgreementParty.partner_id).where(AgreementParty.agreement_id == motion.agreement_id)
        )
    )
    if member_ids is not None:
        stmt = stmt.where(MemberInterest.member_id.in_(list(set(member_ids))))
    return set(db.session.scalars(stmt))


def load_motion(motion_id: int) -> Motion | None:
    return db.session.scalar(
        select(Motion)
        .where(Motion.id == motion_id)
        .options(
            joinedload(Motion.meeting).joinedload(Meeting.forum),
            joinedload(Motion.agreement),
            selectinload(Motion.amendments).joinedload(MotionAmendment.clause),
            selectinload(Motion.decision),
        )
    )


def roll_call_rows(meeting: Meeting, *, group: str | None = None, q: str | None = None,
                   limit: int = 300, size: int | None = None) -> list[Member]:
    """The meeting's voters for the roll-call screen, by group and name (at most `limit`)."""
    stmt = select(Member).where(_roll_condition(meeting, meeting.forum, size))
    if group:
        stmt = stmt.where(Member.group_name == group)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where((func.lower(Member.name).like(like)) | (Member.number == q.strip()))
    stmt = stmt.order_by(Member.group_name, Member.name, Member.id).limit(limit)
    return list(db.session.scalars(stmt))


def member_ids_by_number(numbers) -> dict[str, int]:
    numbers = [n for n in set(numbers) if n]
    if not numbers:
        return {}
    return dict(db.session.execute(select(Member.number, Member.id).where(Member.number.in_(numbers))).all())


def members_by_number(numbers) -> dict[str, Member]:
    """Members by their number (as stored: capitals), one query (the unique index)."""
    numbers = sorted({n for n in numbers if n})
    if not numbers:
        return {}
    return {m.number: m for m in db.session.scalars(select(Member).where(Member.number.in_(numbers)))}


def members_by_name(names) -> dict[str, list[Member]]:
    """Members by their whole name, compared as the roster's name index holds it (lower(name),
    spaces collapsed: `members.queries.fold`), one query; each name with every member so called,
    by number (two members may share a name)."""
    folded = sorted({fold(n) for n in names if n})
    if not folded:
        return {}
    out: dict[str, list[Member]] = {}
    for m in db.session.scalars(select(Member).where(func.lower(Member.name).in_(folded)).order_by(Member.number)):
        out.setdefault(fold(m.name), []).append(m)
    return out


# --- decisions and the approval policy ---------------------------------------------------------

def decision_filter(*, forum_id: int | None = None, agreement_id: int | None = None,
                    year: int | None = None) -> Select:
    stmt = select(Decision).options(joinedload(Decision.forum), joinedload(Decision.agreement),
                                    joinedload(Decision.meeting))
    if forum_id:
        stmt = stmt.where(Decision.forum_id == forum_id)
    if agreement_id:
        stmt = stmt.where(Decision.agreement_id == agreement_id)
    if year:
        stmt = stmt.where(Decision.year == year)
    return stmt


def decisions_for_agreement(agreement_id: int) -> list[Decision]:
    """The decision trail of one agreement, oldest first, forum and meeting loaded."""
    return list(db.session.scalars(decision_filter(agreement_id=agreement_id).order_by(Decision.id)))


def decision_ids_for(agreement_ids: list[int]) -> dict[int, list[int]]:
    """For each agreement id, the ids of the decisions about it (one query)."""
    out: dict[int, list[int]] = {i: [] for i in agreement_ids}
    if agreement_ids:
        rows = db.session.execute(
            select(Decision.agreement_id, Decision.id)
            .where(Decision.agreement_id.in_(agreement_ids)).order_by(Decision.id)
        )
        for a, d in rows:
            out[a].append(d)
    return out


def decision_numbers(ids: set[int] | list[int]) -> dict[int, str]:
    """Decision id -> its number (RP-2026-014), one query: what a page names a decision by."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(select(Decision.id, Decision.number).where(Decision.id.in_(ids))).all())


def decision_effects(decision: Decision) -> list[dict]:
    return json.loads(decision.effects or "[]")


def policy_table() -> dict[str, tuple[str, ...]]:
    """Agreement kind -> the forum kinds whose carried approval it needs (stored or default)."""
    stored: dict[str, list[str]] = {}
    for kind, forum_kind in db.session.execute(
        select(ApprovalRule.agreement_kind, ApprovalRule.forum_kind).order_by(ApprovalRule.id)
    ):
        stored.setdefault(kind, []).append(forum_kind)
    return {k: tuple(stored.get(k, DEFAULT_POLICY[k])) for k in DEFAULT_POLICY}


def required_forum_kinds(agreement_kind: str) -> tuple[str, ...]:
    rows = tuple(
        db.session.scalars(
            select(ApprovalRule.forum_kind).where(ApprovalRule.agreement_kind == agreement_kind)
            .order_by(ApprovalRule.id)
        )
    )
    return rows or DEFAULT_POLICY.get(agreement_kind, (ForumKind.rembug_pusat.value,))


def approval_status(agreement_id: int, agreement_kind: str) -> tuple[list[int], list[str]]:
    """(ids of the carried approve decisions that satisfy the policy, forum kinds still missing)."""
    required = required_forum_kinds(agreement_kind)
    rows = db.session.execute(
        select(Decision.id, Forum.kind)
        .join(Forum, Forum.id == Decision.forum_id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.agreement_id == agreement_id, Decision.effect.in_(APPROVING),
               Motion.outcome == Outcome.carried.value, Motion.agreement_id == agreement_id,
               Motion.effect.in_(APPROVING))
        .order_by(Decision.id)
    ).all()
    ids = [d for d, kind in rows if kind in required]
    missing = [k for k in required if k not in {kind for _, kind in rows}]
    return ids, missing


def decisions_with_effect(agreement_id: int, agreement_kind: str, effect: Effect) -> list[int]:
    """Ids of the carried decisions with `effect` about this agreement, taken by a forum whose say
    the approval policy requires (each required forum can refuse what all must approve)."""
    return list(
        db.session.scalars(
            select(Decision.id)
            .join(Forum, Forum.id == Decision.forum_id)
            .join(Motion, Motion.id == Decision.motion_id)
            .where(Decision.agreement_id == agreement_id, Decision.effect == effect.value,
                   Motion.outcome == Outcome.carried.value, Motion.agreement_id == agreement_id,
                   Motion.effect == effect.value, Forum.kind.in_(required_forum_kinds(agreement_kind)))
            .order_by(Decision.id)
        )
    )


def recused_by_motion(motions: list[Motion], member_ids=None) -> dict[int, set[int]]:
    """For each motion about an agreement, the members recused by a declared interest (one query)."""
    out: dict[int, set[int]] = {m.id: set() for m in motions}
    agreement_ids = {m.agreement_id for m in motions if m.agreement_id}
    if not agreement_ids:
        return out
    stmt = (
        select(AgreementParty.agreement_id, MemberInterest.member_id)
        .join(MemberInterest, MemberInterest.partner_id == AgreementParty.partner_id)
        .where(AgreementParty.agreement_id.in_(agreement_ids))
    )
    if member_ids is not None:
        stmt = stmt.where(MemberInterest.member_id.in_(member_ids))
    by_agreement: dict[int, set[int]] = {}
    for a, m in db.session.execute(stmt):
        by_agreement.setdefault(a, set()).add(m)
    for motion in motions:
        out[motion.id] = by_agreement.get(motion.agreement_id, set())
    return out


def member_names(member_ids) -> dict[int, Member]:
    ids = list(set(member_ids))
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))}


def group_names(meeting: Meeting, forum: Forum, size: int | None = None, *, limit: int = 5000) -> list[str]:
    """The rembug groups that have voters of this meeting (for the roll-call filter), the first `limit`."""
    return [g for g in db.session.scalars(
        select(Member.group_name).where(_roll_condition(meeting, forum, size), Member.group_name.is_not(None))
        .distinct().order_by(Member.group_name).limit(limit)
    )]


def open_motions(meeting_id: int) -> list[Motion]:
    return list(db.session.scalars(
        select(Motion).where(Motion.meeting_id == meeting_id, Motion.status == "open").order_by(Motion.id)))


def clause_ids_by_number(agreement_id: int, numbers: list[int]) -> dict[int, int]:
    if not numbers:
        return {}
    return dict(db.session.execute(
        select(Clause.number, Clause.id).where(Clause.agreement_id == agreement_id, Clause.number.in_(numbers))
    ).all())


@dataclass(frozen=True)
class DecisionSummary:
    """A decision as members and the public may read it: counts, never individual ballots."""

    id: int
    agreement_id: int
    number: str
    decided_on: dt.date
    forum_name: str
    outcome: str = "carried"
    # "consensus" (mufakat), "roll_call" or "tally"; counts stay None for consensus.
    method: str = "vote"
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    text: str | None = None
    # What the decision did to the agreement, e.g. "approve", "approve_with_amendments".
    effect: str | None = None


def published_decisions(agreement_ids: list[int]) -> dict[int, list[DecisionSummary]]:
    """The decisions about these agreements, newest first, as members and the public may read
    them (the caller asks only about agreements the reader may see); every id asked is a key."""
    out: dict[int, list[DecisionSummary]] = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return out
    rows = db.session.execute(
        select(Decision, Forum.name, Motion.method, Motion.yes, Motion.no, Motion.abstain)
        .join(Forum, Forum.id == Decision.forum_id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.agreement_id.in_(list(agreement_ids)))
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    for decision, forum_name, method, yes, no, abstain in rows:
        consensus = method == "consensus"
        out[decision.agreement_id].append(
            DecisionSummary(
                id=decision.id, agreement_id=decision.agreement_id, number=decision.number,
                decided_on=decision.decided_on, forum_name=forum_name, outcome="carried",
                method=method or "vote", yes=None if consensus else yes, no=None if consensus else no,
                abstain=None if consensus else abstain, text=decision.text, effect=decision.effect,
            )
        )
    return out


def waiver_decision(decision_id: int) -> WaiverDecision | None:
    """The carried `waive_obligation` decision with this id and the obligation it waives, or None."""
    row = db.session.execute(
        select(Decision.id, Motion.obligation_id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.id == decision_id, Decision.effect == "waive_obligation",
               Motion.outcome == "carried", Motion.obligation_id.is_not(None))
    ).first()
    return WaiverDecision(id=row.id, obligation_id=row.obligation_id) if row else None


def agreement_decisions(decision_ids: list[int]) -> list[AgreementDecision]:
    """These decisions, those of them that record a carried motion, as the agreements area takes them."""
    if not decision_ids:
        return []
    rows = db.session.execute(
        select(Decision.id, Decision.agreement_id, Decision.effect)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.id.in_(list(decision_ids)), Motion.outcome == Outcome.carried.value,
               Decision.agreement_id.is_not(None), Motion.agreement_id == Decision.agreement_id)
        .order_by(Decision.id)
    )
    return [AgreementDecision(id=r.id, agreement_id=r.agreement_id, effect=r.effect) for r in rows]


# --- the approval path of one agreement ------------------------------------------------------

# Effects of a motion that decide on an agreement's approval (what each required forum says).
PATH_EFFECTS = (*APPROVING, Effect.reject.value)


@dataclass(frozen=True)
class PathDecision:
    """The latest closed motion on an agreement's approval in one forum, and its decision if carried."""

    motion_id: int
    meeting_id: int
    meeting_title: str
    forum_name: str
    outcome: str  # carried, defeated, no_quorum
    effect: str  # approve, approve_with_amendments, reject
    closed_at: dt.datetime | None
    decision_id: int | None = None
    number: str | None = None
    decided_on: dt.date | None = None


@dataclass(frozen=True)
class PathMeeting:
    """A meeting not yet closed with the agreement on its agenda."""

    id: int
    title: str
    starts_at: dt.datetime
    status: str


@dataclass(frozen=True)
class PathStep:
    forum_kind: str
    last: PathDecision | None  # the latest closed motion (None: never put to a vote)
    upcoming: PathMeeting | None  # the next meeting of such a forum with it on the agenda

    @property
    def decided(self) -> bool:
        return self.last is not None and self.last.outcome == Outcome.carried.value


@dataclass(frozen=True)
class ApprovalPath:
    agreement_status: str
    steps: list[PathStep]

    @property
    def missing(self) -> list[PathStep]:
        return [s for s in self.steps if not s.decided]

    @property
    def rejected_by(self) -> PathStep | None:
        return next((s for s in self.steps if s.decided and s.last.effect == Effect.reject.value), None)


def approval_path(agreement_id: int, agreement_kind: str, agreement_status: str) -> ApprovalPath:
    """Each forum the approval policy requires for this agreement, with its latest decision on it
    (or the motion that failed) and the next meeting that has it on the agenda. Three queries,
    however many forums, meetings and decisions."""
    required = required_forum_kinds(agreement_kind)
    rows = db.session.execute(
        select(Motion.id, Motion.outcome, Motion.effect, Motion.closed_at, Meeting.id, Meeting.title,
               Forum.kind, Forum.name, Decision.id, Decision.number, Decision.decided_on)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Forum, Forum.id == Meeting.forum_id)
        .outerjoin(Decision, Decision.motion_id == Motion.id)
        .where(Motion.agreement_id == agreement_id, Motion.status == "closed", Motion.effect.in_(PATH_EFFECTS),
               Forum.kind.in_(required))
        .order_by(Motion.closed_at, Motion.id)
    ).all()
    last: dict[str, PathDecision] = {}
    for (motion_id, outcome, effect, closed_at, meeting_id, meeting_title, kind, forum_name, decision_id,
         number, decided_on) in rows:
        last[kind] = PathDecision(
            motion_id=motion_id, meeting_id=meeting_id, meeting_title=meeting_title, forum_name=forum_name,
            outcome=outcome, effect=effect, closed_at=closed_at,
            decision_id=decision_id, number=number, decided_on=decided_on,
        )
    upcoming: dict[str, PathMeeting] = {}
    for meeting_id, title, starts_at, status, kind in db.session.execute(
        select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.status, Forum.kind)
        .join(Forum, Forum.id == Meeting.forum_id)
        .where(Meeting.id.in_(select(AgendaItem.meeting_id).where(AgendaItem.agreement_id == agreement_id)),
               Meeting.status.in_(("scheduled", "open")), Forum.kind.in_(required))
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        upcoming.setdefault(kind, PathMeeting(id=meeting_id, title=title, starts_at=starts_at, status=status))
    return ApprovalPath(
        agreement_status=agreement_status,
        steps=[PathStep(forum_kind=k, last=last.get(k), upcoming=upcoming.get(k)) for k in required],
    )


def next_step_words(path: ApprovalPath) -> str:
    """What the agreement waits for, in words of the reader's language (the agreement page and the
    API say the same)."""
    rejected = path.rejected_by
    if rejected is not None:
        return _("Rejected by %(forum)s (decision %(number)s); no forum decision is awaited.",
                 forum=rejected.last.forum_name, number=rejected.last.number)
    status = path.agreement_status
    if status not in ("draft", "under_deliberation"):
        if status == "approved":
            return _("Every forum the approval policy requires has approved it; next: sign it, then mark it active.")
        return _("No forum decision is awaited.")
    waits = []
    for step in path.missing:
        forum = label("forum_kind", step.forum_kind)
        if step.upcoming is not None:
            waits.append(_("the decision of %(forum)s, on the agenda of the meeting “%(meeting)s” (%(when)s)",
                           forum=forum, meeting=step.upcoming.title,
                           when=format_when(step.upcoming.starts_at, "short")))
        elif step.last is not None:
            waits.append(_("the decision of %(forum)s (the last motion, at “%(meeting)s”, ended %(outcome)s); "
                           "put it on the agenda of a new meeting", forum=forum, meeting=step.last.meeting_title,
                           outcome=label("motion_outcome", step.last.outcome).lower()))
        else:
            waits.append(_("the decision of %(forum)s; it is not yet on the agenda of any meeting", forum=forum))
    return _("Waiting for %(what)s.", what="; ".join(waits))


# --- a meeting's roll of voters (the register "daftar pemilih") --------------------------------

@dataclass(frozen=True)
class RollRow:
    """One line of a meeting's register of voters: its position, the member and their attendance."""

    position: int
    member: Member
    status: str | None  # present, absent, proxy; None while not recorded
    proxy_holder_id: int | None


def roll_page(meeting: Meeting, forum: Forum, *, cursor: str | None, limit: int,
              group: str | None = None, size: int | None = None) -> Page:
    """One page of the meeting's voters by member number, each with their attendance: the roll
    fixed when it opened, or the forum's voters now for a meeting not opened yet. The cursor holds
    the last number and its position, so a page costs the same anywhere in 280,000. `size` is the
    roll's size when the caller has counted it already."""
    values = decode_cursor(cursor)
    condition = _roll_condition(meeting, forum, size)
    stmt = (
        select(Member, Attendance.status, Attendance.proxy_holder_id)
        .outerjoin(Attendance, and_(Attendance.meeting_id == meeting.id, Attendance.member_id == Member.id))
        .where(condition)
    )
    if group:
        stmt = stmt.where(Member.group_name == group)
    start = 0
    if values is not None:
        if len(values) != 2 or not isinstance(values[0], str) or not isinstance(values[1], int) \
                or isinstance(values[1], bool) or values[1] < 0:
            raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]})
        stmt = stmt.where(Member.number > values[0])
        start = values[1]
    rows = db.session.execute(stmt.order_by(Member.number).limit(limit + 1)).all()
    more = len(rows) > limit
    items = [RollRow(start + i + 1, m, status, holder) for i, (m, status, holder) in enumerate(rows[:limit])]
    return Page(items, encode_cursor([items[-1].member.number, items[-1].position]) if more and items else None)
