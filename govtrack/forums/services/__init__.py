"""Writes for forums: forums and the approval policy, meetings (attendance, agenda, minutes),
motions, votes, consensus, closing, and the decisions that apply their effects.

Locking: every write about a meeting first locks the meeting row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite a writing request already holds the database write lock from BEGIN
IMMEDIATE), then the motion row, then the forum row (decision numbers), then the agreement row.
A vote racing the close of its motion is therefore either counted before the close or refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from govtrack.agreements import services as agreement_services
from govtrack.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Clause,
    ClauseStatus,
)
from govtrack.audit.services import record, record_anchor
from govtrack.core.clock import utcnow
from govtrack.core.labels import label
from govtrack.core.text import BadText, normalise_name
from govtrack.errors import Conflict, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import queries, rules
from govtrack.forums.models import (
    APPROVING,
    DEFAULT_CODES,
    AgendaItem,
    ApprovalRule,
    Attendance,
    AttendanceStatus,
    Choice,
    Decision,
    Effect,
    Forum,
    ForumKind,
    ForumVoter,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Motion,
    MotionAmendment,
    MotionStatus,
    Outcome,
    Threshold,
    Vote,
    VoteMethod,
)
from govtrack.members.models import Member
from govtrack.obligations import services as obligation_services
from govtrack.obligations.models import Obligation
from govtrack.obligations.services import WaiverDecision

S = AgreementStatus

# The agreement statuses in which a motion with each effect makes sense.
EFFECT_STATUSES: dict[str, frozenset[str]] = {
    Effect.approve: frozenset({S.draft, S.under_deliberation}),
    # Amending an approved or active agreement: deliberated while the approved terms stay in force.
    Effect.approve_with_amendments: frozenset(
        {S.draft, S.under_deliberation, S.approved, S.active, S.suspended}
    ),
    Effect.reject: frozenset({S.draft, S.under_deliberation}),
    Effect.terminate: frozenset({S.approved, S.active, S.suspended}),
}


def _invalid(fields: dict[str, list]) -> ValidationFailed:
    return ValidationFailed(
        str(_l("Some values are not valid.")), fields={k: [str(m) for m in v] for k, v in fields.items()}
    )


def _shown(value: str | None, field: str, errors: dict[str, list]) -> str:
    """A name or title in its stored form (one rule for every door: core.text); a refusal goes
    into `errors` under its field."""
    try:
        return normalise_name(value)
    except BadText as bad:
        errors[field] = [bad.reason]
        return ""


def _values(enum_cls) -> set[str]:
    return {e.value for e in enum_cls}


# --- forums and policy ------------------------------------------------------------------------

@dataclass
class ForumData:
    name: str
    kind: str
    code: str | None = None
    all_members: bool = True
    voter_ids: list[int] = field(default_factory=list)
    quorum_numerator: int = 1
    quorum_denominator: int = 2
    quorum_strict: bool = False
    threshold: str = Threshold.simple_majority.value
    proxy_limit: int = 1


def forum_snapshot(forum: Forum, voters: list[int] | None = None) -> dict:
    return {
        "name": forum.name, "code": forum.code, "kind": forum.kind, "all_members": forum.all_members,
        "quorum": [forum.quorum_numerator, forum.quorum_denominator, forum.quorum_strict],
        "threshold": forum.threshold, "proxy_limit": forum.proxy_limit, "voters": voters or [],
    }


def create_forum(*, actor, data: ForumData) -> Forum:
    """Create a forum with its voting rules."""
    errors: dict[str, list] = {}
    name = _shown(data.name, "name", errors)
    if data.kind not in _values(ForumKind):
        errors["kind"] = [_l("Not a known kind of forum.")]
    if data.threshold not in _values(Threshold):
        errors["threshold"] = [_l("Not a known threshold.")]
    if data.quorum_denominator < 1 or not 0 <= data.quorum_numerator <= data.quorum_denominator:
        errors["quorum"] = [_l("The quorum is a fraction between 0 and 1, e.g. 1/2.")]
    if data.proxy_limit < 0:
        errors["proxy_limit"] = [_l("Must be zero or more.")]
    if not data.all_members and not data.voter_ids:
        errors["voters"] = [_l("Name at least one voter, or let all members vote.")]
    code = (data.code or DEFAULT_CODES.get(data.kind, "") or "").strip().upper()
    if not code or len(code) > 12 or not code.replace("-", "").isalnum():
        errors["code"] = [_l("A short prefix of letters for decision numbers, e.g. RP.")]
    if errors:
        raise _invalid(errors)
    if db.session.scalar(select(Forum.id).where(Forum.name == name)) is not None:
        raise Conflict(str(_l("A forum with this name exists.")), code="duplicate",
                       fields={"name": [str(_l("Already in use."))]})
    if db.session.scalar(select(Forum.id).where(Forum.code == code)) is not None:
        raise Conflict(str(_l("Another forum uses this decision prefix.")), code="duplicate",
                       fields={"code": [str(_l("Already in use."))]})
    voters = sorted(set(data.voter_ids)) if not data.all_members else []
    if voters:
        found = set(db.session.scalars(select(Member.id).where(Member.id.in_(voters))))
        if set(voters) - found:
            raise _invalid({"voters": [_l("No member with id %(id)s.", id=min(set(voters) - found))]})
    forum = Forum(
        name=name, code=code, kind=data.kind, all_members=data.all_members,
        quorum_numerator=data.quorum_numerator, quorum_denominator=data.quorum_denominator,
        quorum_strict=data.quorum_strict, threshold=data.threshold, proxy_limit=data.proxy_limit,
    )
    db.session.add(forum)
    db.session.flush()
    for m in voters:
        db.session.add(ForumVoter(forum_id=forum.id, member_id=m))
    record("forum.create", actor=actor, object_type="forum", object_id=forum.id,
           after=forum_snapshot(forum, voters))
    return forum


def set_policy(*, actor, table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Replace the approval policy: for each agreement kind, the forum kinds that must approve."""
    errors: dict[str, list] = {}
    for kind, forum_kinds in table.items():
        if kind not in _values(AgreementKind):
            errors[kind] = [_l("Not a known kind of agreement.")]
        elif not forum_kinds:
            errors[kind] = [_l("At least one forum must approve.")]
        elif set(forum_kinds) - _values(ForumKind):
            errors[kind] = [_l("Not a known kind of forum.")]
    if errors:
        raise _invalid(errors)
    before = queries.policy_table()
    db.session.execute(ApprovalRule.__table__.delete().where(ApprovalRule.agreement_kind.in_(list(table))))
    for kind, forum_kinds in table.items():
        for fk in dict.fromkeys(forum_kinds):
            db.session.add(ApprovalRule(agreement_kind=kind, forum_kind=fk))
    db.session.flush()
    after = queries.policy_table()
    record("policy.update", actor=actor, object_type="approval_policy", object_id=None,
           before={k: list(v) for k, v in before.items()}, after={k: list(v) for k, v in after.items()})
    return after


# --- meetings ---------------------------------------------------------------------------------

def _lock_meeting(meeting: Meeting) -> Meeting:
    """Lock the meeting row and re-read it (another request may have changed it meanwhile)."""
    locked = db.session.scalar(
        select(Meeting).where(Meeting.id == meeting.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound(str(_l("No such meeting.")))
    return locked


def _not_closed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.closed:
        raise Conflict(str(_l("This meeting is closed; it changes no more.")), code="meeting_closed")


def _must_be_open(meeting: Meeting) -> None:
    _not_closed(meeting)
    if meeting.status != MeetingStatus.open:
        raise Conflict(str(_l("The meeting is not open yet.")), code="meeting_not_open")


def _forum(meeting: Meeting) -> Forum:
    forum = db.session.get(Forum, meeting.forum_id)
    assert forum is not None
    return forum


def meeting_snapshot(m: Meeting) -> dict:
    return {"forum_id": m.forum_id, "title": m.title, "starts_at": m.starts_at, "location": m.location,
            "status": m.status}


def create_meeting(*, actor, forum: Forum, title: str, starts_at: dt.datetime,
                   location: str | None = None) -> Meeting:
    """Schedule a meeting of a forum."""
    errors: dict[str, list] = {}
    title = _shown(title, "title", errors)
    if errors:
        raise _invalid(errors)
    if starts_at is None:
        raise _invalid({"starts_at": [_l("Required.")]})
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=dt.UTC)
    meeting = Meeting(forum_id=forum.id, title=title, starts_at=starts_at,
                      location=(location or "").strip() or None, status=MeetingStatus.scheduled.value,
                      minutes_status=MinutesStatus.draft.value)
    db.session.add(meeting)
    db.session.flush()
    record("meeting.create", actor=actor, object_type="meeting", object_id=meeting.id,
           after=meeting_snapshot(meeting))
    return meeting


def _deliberate(actor, agreement_ids) -> list[int]:
    """Draft agreements on the table of an open meeting become under_deliberation."""
    moved = []
    ids = sorted({i for i in agreement_ids if i})
    if not ids:
        return moved
    for agreement in db.session.scalars(
        select(Agreement).where(Agreement.id.in_(ids), Agreement.status == S.draft.value)
        .with_for_update().execution_options(populate_existing=True)
    ):
        agreement_services.transition_agreement(actor=actor, agreement=agreement, to=S.under_deliberation)
        moved.append(agreement.id)
    return moved


def open_meeting(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Open a scheduled meeting; the agreements on its agenda come under deliberation."""
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    if meeting.status != MeetingStatus.scheduled:
        raise Conflict(str(_l("The meeting is already open.")), code="meeting_open")
    meeting.status = MeetingStatus.open.value
    meeting.opened_at = now or utcnow()
    ids = list(db.session.scalars(select(AgendaItem.agreement_id).where(AgendaItem.meeting_id == meeting.id)))
    ids += list(db.session.scalars(select(Motion.agreement_id).where(Motion.meeting_id == meeting.id)))
    moved = _deliberate(actor, ids)
    record("meeting.open", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"status": MeetingStatus.scheduled.value},
           after={"status": meeting.status, "under_deliberation": moved})
    return meeting


def close_meeting(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Close an open meeting once every motion is closed. Nothing about it changes afterwards
    except the approval of its minutes."""
    meeting = _lock_meeting(meeting)
    _must_be_open(meeting)
    still_open = db.session.scalar(
        select(func.count()).select_from(Motion)
        .where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.open.value)
    )
    if still_open:
        raise Conflict(str(_l("Close or withdraw every motion before closing the meeting.")),
                       code="motions_open")
    meeting.status = MeetingStatus.closed.value
    meeting.closed_at = now or utcnow()
    record("meeting.close", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"status": MeetingStatus.open.value}, after={"status": meeting.status})
    record_anchor(reason="meeting.close", object_type="meeting", object_id=meeting.id)
    return meeting


@dataclass
class AttendanceEntry:
    member_id: int
    status: str
    proxy_holder_id: int | None = None


def set_attendance(*, actor, meeting: Meeting, entries: list[AttendanceEntry]) -> dict[str, int]:
    """Record attendance for the listed members (others stay as they were).

    A proxy names a holder who is present and eligible, holds no more proxies than the forum's
    limit, and is not himself represented. Only eligible voters are recorded.
    """
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    forum = _forum(meeting)
    errors: dict[str, list] = {}
    seen: set[int] = set()
    for i, e in enumerate(entries):
        if e.status not in _values(AttendanceStatus):
            errors[f"{i}.status"] = [_l("Must be present, absent or proxy.")]
        if e.member_id in seen:
            errors[f"{i}.member_id"] = [_l("Member %(id)s is listed twice.", id=e.member_id)]
        seen.add(e.member_id)
        if e.status == AttendanceStatus.proxy:
            if not e.proxy_holder_id:
                errors[f"{i}.proxy_holder_id"] = [_l("A proxy needs its holder.")]
            elif e.proxy_holder_id == e.member_id:
                errors[f"{i}.proxy_holder_id"] = [_l("A member cannot hold their own proxy.")]
        elif e.proxy_holder_id:
            errors[f"{i}.proxy_holder_id"] = [_l("Only a proxy has a holder.")]
    if errors:
        raise _invalid(errors)
    involved = {e.member_id for e in entries} | {e.proxy_holder_id for e in entries if e.proxy_holder_id}
    eligible = queries.eligible_ids(forum, involved)
    for i, e in enumerate(entries):
        if e.member_id not in eligible:
            errors[f"{i}.member_id"] = [_l("Member %(id)s is not a voter of this forum (investor, inactive, "
                                           "not on its list, or unknown).", id=e.member_id)]
        if e.proxy_holder_id and e.proxy_holder_id not in eligible:
            errors[f"{i}.proxy_holder_id"] = [_l("The proxy holder %(id)s is not a voter of this forum.",
                                                 id=e.proxy_holder_id)]
    if errors:
        raise _invalid(errors)

    existing = queries.attendance_map(meeting.id)
    state = {m: (a.status, a.proxy_holder_id) for m, a in existing.items()}
    for e in entries:
        state[e.member_id] = (e.status, e.proxy_holder_id)
    held: dict[int, int] = {}
    for member_id, (status, holder) in state.items():
        if status != AttendanceStatus.proxy:
            continue
        if state.get(holder, (None,))[0] != AttendanceStatus.present:
            errors.setdefault("proxy_holder_id", []).append(
                _l("The proxy holder of member %(m)s must be present in person.", m=member_id))
        held[holder] = held.get(holder, 0) + 1
    for holder, n in sorted(held.items()):
        if n > forum.proxy_limit:
            errors.setdefault("proxy_holder_id", []).append(
                _l("Member %(h)s would hold %(n)d proxies; this forum allows %(limit)d.",
                   h=holder, n=n, limit=forum.proxy_limit))
    if errors:
        raise Conflict(str(_l("The proxies break the forum's rules.")), code="proxy_rule", fields=errors)

    # A member who has voted on a motion still open cannot leave: their vote would lose its basis.
    leaving = [e.member_id for e in entries if e.status == AttendanceStatus.absent]
    if leaving:
        voted = db.session.scalars(
            select(Vote.member_id).join(Motion, Motion.id == Vote.motion_id)
            .where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.open.value,
                   Vote.member_id.in_(leaving)).limit(1)
        ).first()
        if voted is not None:
            raise Conflict(str(_l("Member %(id)s has voted on an open motion and cannot be marked absent.",
                                  id=voted)), code="has_voted")

    new_rows, changed = [], 0
    for e in entries:
        row = existing.get(e.member_id)
        if row is None:
            new_rows.append({"meeting_id": meeting.id, "member_id": e.member_id, "status": e.status,
                             "proxy_holder_id": e.proxy_holder_id})
        elif (row.status, row.proxy_holder_id) != (e.status, e.proxy_holder_id):
            row.status, row.proxy_holder_id = e.status, e.proxy_holder_id
            changed += 1
    db.session.flush()
    if new_rows:
        db.session.execute(insert(Attendance), new_rows)
    summary = {"added": len(new_rows), "changed": changed}
    record("meeting.attendance", actor=actor, object_type="meeting", object_id=meeting.id,
           after={**summary, "entries": [[e.member_id, e.status, e.proxy_holder_id] for e in entries]})
    return summary


def add_agenda_item(*, actor, meeting: Meeting, title: str, agreement_id: int | None = None,
                    clause_ids: list[int] | None = None) -> AgendaItem:
    """Put an item on the agenda; in an open meeting its draft agreement comes under deliberation."""
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    errors: dict[str, list] = {}
    title = _shown(title, "title", errors)
    clauses: list[Clause] = []
    if agreement_id is not None and db.session.get(Agreement, agreement_id) is None:
        errors["agreement_id"] = [_l("No agreement with id %(id)s.", id=agreement_id)]
    elif clause_ids:
        if agreement_id is None:
            errors["clause_ids"] = [_l("Clauses belong to an agreement; name it.")]
        else:
            clauses = list(db.session.scalars(
                select(Clause).where(Clause.id.in_(clause_ids), Clause.agreement_id == agreement_id)))
            if len(clauses) != len(set(clause_ids)):
                errors["clause_ids"] = [_l("A clause does not belong to this agreement.")]
    if errors:
        raise _invalid(errors)
    position = (db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, position=position, title=title, agreement_id=agreement_id)
    item.clauses = clauses
    db.session.add(item)
    db.session.flush()
    moved = _deliberate(actor, [agreement_id]) if meeting.status == MeetingStatus.open else []
    record("meeting.agenda_add", actor=actor, object_type="meeting", object_id=meeting.id,
           after={"item": item.id, "position": position, "title": title, "agreement_id": agreement_id,
                  "clause_ids": sorted(c.id for c in clauses), "under_deliberation": moved})
    return item


def set_minutes(*, actor, meeting: Meeting, text: str) -> Meeting:
    """Draft the minutes (Markdown) while the meeting is scheduled or open."""
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    before = meeting.minutes
    meeting.minutes = (text or "").strip() or None
    record("meeting.minutes", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"minutes": before}, after={"minutes": meeting.minutes})
    return meeting


def approve_minutes(*, actor, meeting: Meeting) -> Meeting:
    """Approve the minutes of a closed meeting; approved minutes are final."""
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.closed:
        raise Conflict(str(_l("Minutes are approved after the meeting closes.")), code="meeting_not_closed")
    if meeting.minutes_status == MinutesStatus.approved:
        raise Conflict(str(_l("These minutes are already approved.")), code="minutes_approved")
    if not meeting.minutes:
        raise Conflict(str(_l("There are no minutes to approve.")), code="minutes_empty")
    meeting.minutes_status = MinutesStatus.approved.value
    record("meeting.minutes_approve", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"minutes_status": MinutesStatus.draft.value}, after={"minutes_status": meeting.minutes_status})
    record_anchor(reason="meeting.minutes_approve", object_type="meeting", object_id=meeting.id)
    return meeting


# --- motions ----------------------------------------------------------------------------------

@dataclass
class AmendmentData:
    clause_id: int
    text: str


@dataclass
class MotionData:
    title: str
    text: str
    effect: str = Effect.none.value
    agreement_id: int | None = None
    amendments: list[AmendmentData] = field(default_factory=list)
    obligation_id: int | None = None
    corrects_motion_id: int | None = None


def motion_snapshot(m: Motion) -> dict:
    return {
        "meeting_id": m.meeting_id, "title": m.title, "text": m.text, "effect": m.effect,
        "agreement_id": m.agreement_id, "obligation_id": m.obligation_id,
        "corrects_motion_id": m.corrects_motion_id, "status": m.status, "method": m.method,
        "outcome": m.outcome, "counts": [m.yes, m.no, m.abstain, m.present, m.eligible],
    }


def create_motion(*, actor, meeting: Meeting, data: MotionData) -> Motion:
    """Table a motion at a meeting that is not closed."""
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    errors: dict[str, list] = {}
    title, text = _shown(data.title, "title", errors), (data.text or "").strip()
    if not text:
        errors["text"] = [_l("Required.")]
    if data.effect not in _values(Effect):
        errors["effect"] = [_l("Not a known effect.")]
    agreement = db.session.get(Agreement, data.agreement_id) if data.agreement_id else None
    if data.agreement_id and agreement is None:
        errors["agreement_id"] = [_l("No agreement with id %(id)s.", id=data.agreement_id)]
    needs_agreement = data.effect in EFFECT_STATUSES
    # A waiver acts on an obligation of the motion's own agreement, so it names that agreement too.
    if (needs_agreement or data.effect == Effect.waive_obligation) and data.agreement_id is None:
        errors["agreement_id"] = [_l("This effect needs the agreement it acts on.")]
    if data.effect == Effect.waive_obligation and not data.obligation_id:
        errors["obligation_id"] = [_l("Name the obligation to waive.")]
    elif data.effect == Effect.waive_obligation and db.session.get(Obligation, data.obligation_id) is None:
        errors["obligation_id"] = [_l("No obligation with id %(id)s.", id=data.obligation_id)]
    if data.effect != Effect.waive_obligation and data.obligation_id:
        errors["obligation_id"] = [_l("Only a waive_obligation motion names an obligation.")]
    if data.effect == Effect.approve_with_amendments and not data.amendments:
        errors["amendments"] = [_l("Give at least one amended clause text.")]
    if data.effect != Effect.approve_with_amendments and data.amendments:
        errors["amendments"] = [_l("Only an approve_with_amendments motion amends clauses.")]
    if data.amendments and agreement is not None:
        clause_ids = [a.clause_id for a in data.amendments]
        found = set(db.session.scalars(
            select(Clause.id).where(Clause.id.in_(clause_ids), Clause.agreement_id == agreement.id)))
        if set(clause_ids) - found or len(set(clause_ids)) != len(clause_ids):
            errors["amendments"] = [_l("Each amendment names a different clause of this agreement.")]
        if any(not (a.text or "").strip() for a in data.amendments):
            errors["amendments"] = [_l("An amendment needs its new text.")]
    if data.corrects_motion_id is not None:
        old = db.session.get(Motion, data.corrects_motion_id)
        if old is None:
            errors["corrects_motion_id"] = [_l("No motion with id %(id)s.", id=data.corrects_motion_id)]
        elif old.status != MotionStatus.closed:
            errors["corrects_motion_id"] = [_l("Only a closed motion is corrected by a new one.")]
    if errors:
        raise _invalid(errors)
    if agreement is not None and needs_agreement:
        _check_forum_in_policy(_forum(meeting), agreement)
    _check_scope(meeting.id, agreement_id=data.agreement_id, effect=data.effect, obligation_id=data.obligation_id)
    if agreement is not None and needs_agreement and agreement.status not in EFFECT_STATUSES[data.effect]:
        raise Conflict(
            str(_l("A motion to %(effect)s does not apply to an agreement that is %(status)s.",
                   effect=label("motion_effect", data.effect).lower(),
                   status=label("agreement_status", agreement.status).lower())),
            code="invalid_effect", fields={"effect": [str(_l("Not applicable now."))]},
        )
    motion = Motion(
        meeting_id=meeting.id, title=title, text=text, effect=data.effect, agreement_id=data.agreement_id,
        obligation_id=data.obligation_id, corrects_motion_id=data.corrects_motion_id,
        status=MotionStatus.open.value,
    )
    motion.amendments = [MotionAmendment(clause_id=a.clause_id, text=a.text.strip()) for a in data.amendments]
    db.session.add(motion)
    db.session.flush()
    moved = _deliberate(actor, [data.agreement_id]) if meeting.status == MeetingStatus.open else []
    record("motion.create", actor=actor, object_type="motion", object_id=motion.id,
           after={**motion_snapshot(motion), "amendments": [[a.clause_id, a.text] for a in motion.amendments],
                  "under_deliberation": moved})
    return motion


def _check_scope(meeting_id: int, *, agreement_id: int | None, effect: str, obligation_id: int | None) -> None:
    """A motion decides only what its meeting announced: a motion about an agreement needs an
    agenda item for that agreement in the same meeting (members know in advance what will be
    decided), and a waiver names an obligation of the motion's own agreement. Checked when the
    motion is tabled and again when it closes."""
    if effect == Effect.waive_obligation and obligation_id is not None:
        owner = db.session.scalar(select(Obligation.agreement_id).where(Obligation.id == obligation_id))
        if owner is None or owner != agreement_id:
            message = str(_l("Obligation %(ob)s does not belong to the agreement of this motion; a motion "
                             "waives only an obligation of its own agreement.", ob=obligation_id))
            raise Conflict(message, code="obligation_not_of_agreement", fields={"obligation_id": [message]})
    if agreement_id is None:
        return
    on_agenda = db.session.scalar(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id, AgendaItem.agreement_id == agreement_id)
        .limit(1)
    )
    if on_agenda is None:
        message = str(_l("The agreement is not on the agenda of this meeting; put it on the agenda first, so "
                         "that members know in advance what will be decided."))
        raise Conflict(message, code="agenda_item_required", fields={"agreement_id": [message]})


def _still_in_scope(motion: Motion, meeting: Meeting) -> None:
    """The scope checked when the motion was tabled, again before it closes: its agenda item may
    have been removed (or its obligation moved) since."""
    _check_scope(meeting.id, agreement_id=motion.agreement_id, effect=motion.effect,
                 obligation_id=motion.obligation_id)


def _check_forum_in_policy(forum: Forum, agreement: Agreement) -> None:
    """Only a forum whose approval the policy requires decides on an agreement: it may approve,
    amend, reject or terminate it (each required forum can thus refuse what all must approve)."""
    required = queries.required_forum_kinds(agreement.kind)
    if forum.kind not in required:
        raise Conflict(
            str(_l("The approval policy does not give this forum a say on %(kind)s agreements; it needs "
                   "%(required)s.", kind=label("agreement_kind", agreement.kind),
                   required=", ".join(label("forum_kind", k) for k in required))),
            code="forum_not_in_policy",
        )


def _lock_motion(motion: Motion) -> tuple[Motion, Meeting]:
    meeting = _lock_meeting(db.session.get(Meeting, motion.meeting_id) or motion.meeting)
    locked = db.session.scalar(
        select(Motion).where(Motion.id == motion.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound(str(_l("No such motion.")))
    return locked, meeting


def _motion_open(motion: Motion, meeting: Meeting) -> None:
    _not_closed(meeting)
    if motion.status != MotionStatus.open:
        raise Conflict(str(_l("This motion is closed; its votes never change.")), code="motion_closed")
    _must_be_open(meeting)


@dataclass
class VoteRefusal:
    index: int
    member_id: int
    code: str
    message: str


def check_votes(motion: Motion, meeting: Meeting, forum: Forum, votes: list[tuple[int, str]]) -> list[VoteRefusal]:
    """Why each vote would be refused (empty: all may be recorded). Five queries for any number."""
    ids = [m for m, _ in votes]
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(list(set(ids)))))}
    eligible = queries.eligible_ids(forum, ids)
    attendance = queries.attendance_map(meeting.id, ids)
    recused = queries.recused_ids(motion, ids)
    already = set(db.session.scalars(
        select(Vote.member_id).where(Vote.motion_id == motion.id, Vote.member_id.in_(list(set(ids))))))
    out: list[VoteRefusal] = []
    seen: set[int] = set()
    for i, (member_id, choice) in enumerate(votes):
        member = members.get(member_id)
        if choice not in _values(Choice):
            out.append(VoteRefusal(i, member_id, "invalid", str(_l("A vote is yes, no or abstain."))))
        elif member is None:
            out.append(VoteRefusal(i, member_id, "not_eligible", str(_l("No member with id %(id)s.", id=member_id))))
        elif member.investor:
            out.append(VoteRefusal(i, member_id, "not_eligible",
                                   str(_l("%(name)s is an investor; investors have no vote.", name=member.name))))
        elif member_id not in eligible:
            out.append(VoteRefusal(i, member_id, "not_eligible",
                                   str(_l("%(name)s is not a voter of this forum.", name=member.name))))
        elif member_id in seen or member_id in already:
            out.append(VoteRefusal(i, member_id, "duplicate_vote",
                                   str(_l("%(name)s has already voted on this motion.", name=member.name))))
        elif member_id in recused:
            out.append(VoteRefusal(i, member_id, "recused",
                                   str(_l("%(name)s declared an interest in a party to this agreement and is "
                                          "recused.", name=member.name))))
        elif attendance.get(member_id) is None or attendance[member_id].status == AttendanceStatus.absent:
            out.append(VoteRefusal(i, member_id, "not_present",
                                   str(_l("%(name)s is neither present nor represented by a proxy.",
                                          name=member.name))))
        seen.add(member_id)
    return out


def cast_votes(*, actor, motion: Motion, votes: list[tuple[int, str]]) -> int:
    """Record roll-call votes, all or none: one refused vote refuses the whole request.

    Who may vote: an eligible member present in person, or (through their proxy holder) one
    represented by proxy; not an investor, not a recused member, and only once per motion.
    """
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    if motion.method in (VoteMethod.tally, VoteMethod.consensus):
        raise Conflict(str(_l("This motion is decided by a tally; roll-call votes cannot be mixed in.")),
                       code="mixed_methods")
    if not votes:
        raise _invalid({"votes": [_l("Give at least one vote.")]})
    forum = _forum(meeting)
    refusals = check_votes(motion, meeting, forum, votes)
    if refusals:
        raise Conflict(
            refusals[0].message if len(refusals) == 1 else str(
                _l("%(n)d votes were refused; nothing was recorded.", n=len(refusals))),
            code=refusals[0].code,
            fields={f"votes.{r.index}.member_id": [r.message] for r in refusals},
        )
    attendance = queries.attendance_map(meeting.id, [m for m, _ in votes])
    now = utcnow()
    rows = [
        {"motion_id": motion.id, "member_id": m, "choice": c, "created_at": now,
         "cast_by_id": attendance[m].proxy_holder_id}
        for m, c in votes
    ]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Vote), rows)
    except IntegrityError:
        # The unique constraint is the last word; the lock above should make this unreachable.
        raise Conflict(str(_l("A member has already voted on this motion.")), code="duplicate_vote") from None
    motion.method = VoteMethod.roll_call.value
    record("motion.votes", actor=actor, object_type="motion", object_id=motion.id,
           after={"votes": [[m, c] for m, c in votes]})
    return len(rows)


def record_tally(*, actor, motion: Motion, yes: int, no: int, abstain: int) -> Motion:
    """Record (or correct, before the close) the counts of a show of hands or a secret ballot."""
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    if motion.method in (VoteMethod.roll_call, VoteMethod.consensus):
        raise Conflict(str(_l("This motion has roll-call votes; a tally cannot be mixed in.")),
                       code="mixed_methods")
    if min(yes, no, abstain) < 0:
        raise _invalid({"tally": [_l("Counts are zero or more.")]})
    present = queries.present_count(meeting, _forum(meeting))
    if yes + no + abstain > present:
        raise _invalid({"tally": [_l("%(n)d votes counted but only %(p)d present.", n=yes + no + abstain,
                                     p=present)]})
    before = [motion.tally_yes, motion.tally_no, motion.tally_abstain]
    motion.tally_yes, motion.tally_no, motion.tally_abstain = yes, no, abstain
    motion.method = VoteMethod.tally.value
    record("motion.tally", actor=actor, object_type="motion", object_id=motion.id,
           before={"tally": before}, after={"tally": [yes, no, abstain]})
    return motion


def motion_counts(motion: Motion) -> tuple[int, int, int]:
    """The yes, no and abstain counts so far: the tally, or the roll-call votes counted."""
    if motion.method == VoteMethod.tally:
        return motion.tally_yes, motion.tally_no, motion.tally_abstain
    c = queries.vote_counts([motion.id])[motion.id]
    return c["yes"], c["no"], c["abstain"]


def _finish(actor, motion: Motion, meeting: Meeting, *, outcome: str, yes: int, no: int, abstain: int,
            present: int, eligible: int, now: dt.datetime) -> Motion:
    motion.status = MotionStatus.closed.value
    motion.outcome = outcome
    motion.yes, motion.no, motion.abstain, motion.present, motion.eligible = yes, no, abstain, present, eligible
    motion.closed_at = now
    db.session.flush()
    decision = _decide(actor, motion, meeting, now) if outcome == Outcome.carried else None
    record("motion.close", actor=actor, object_type="motion", object_id=motion.id,
           before={"status": MotionStatus.open.value},
           after={**motion_snapshot(motion), "decision": decision.number if decision else None})
    return motion


def close_motion(*, actor, motion: Motion, now: dt.datetime | None = None) -> Motion:
    """Close the vote: compute the outcome in integers, store the counts, decide if carried."""
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    _still_in_scope(motion, meeting)
    forum = _forum(meeting)
    yes, no, abstain = motion_counts(motion)
    present, eligible = queries.present_count(meeting, forum), queries.eligible_count(forum)
    if motion.method == VoteMethod.tally and yes + no + abstain > present:
        raise Conflict(str(_l("The tally counts more votes than members present.")), code="tally_exceeds")
    result = rules.outcome(
        present=present, eligible=eligible, numerator=forum.quorum_numerator,
        denominator=forum.quorum_denominator, strict=forum.quorum_strict, threshold=forum.threshold,
        yes=yes, no=no,
    )
    return _finish(actor, motion, meeting, outcome=result, yes=yes, no=no, abstain=abstain,
                   present=present, eligible=eligible, now=now or utcnow())


def consensus(*, actor, motion: Motion, now: dt.datetime | None = None) -> Motion:
    """Mufakat: carried without a vote, with no objection recorded, when the meeting is quorate."""
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    _still_in_scope(motion, meeting)
    if motion.method is not None:
        raise Conflict(str(_l("Votes were already cast on this motion; close the vote instead.")),
                       code="mixed_methods")
    forum = _forum(meeting)
    present, eligible = queries.present_count(meeting, forum), queries.eligible_count(forum)
    if not rules.is_quorate(present=present, eligible=eligible, numerator=forum.quorum_numerator,
                            denominator=forum.quorum_denominator, strict=forum.quorum_strict):
        raise Conflict(
            str(_l("No quorum: %(p)d of %(e)d eligible present; consensus needs a quorate meeting.",
                   p=present, e=eligible)), code="no_quorum")
    motion.method = VoteMethod.consensus.value
    return _finish(actor, motion, meeting, outcome=Outcome.carried.value, yes=0, no=0, abstain=0,
                   present=present, eligible=eligible, now=now or utcnow())


# --- decisions and their effects ---------------------------------------------------------------

def _next_number(forum: Forum, year: int) -> tuple[int, str]:
    # The forum row lock serialises numbering between meetings of the same forum.
    db.session.execute(select(Forum.id).where(Forum.id == forum.id).with_for_update())
    seq = (db.session.scalar(
        select(func.max(Decision.seq)).where(Decision.forum_id == forum.id, Decision.year == year)) or 0) + 1
    return seq, f"{forum.code}-{year}-{seq:03d}"


def _decide(actor, motion: Motion, meeting: Meeting, now: dt.datetime) -> Decision:
    forum = _forum(meeting)
    year = now.astimezone(dt.UTC).year
    seq, number = _next_number(forum, year)
    decision = Decision(
        number=number, forum_id=forum.id, year=year, seq=seq, motion_id=motion.id, meeting_id=meeting.id,
        agreement_id=motion.agreement_id, effect=motion.effect, decided_on=now.astimezone(dt.UTC).date(),
        text=motion.text, effects="[]",
    )
    db.session.add(decision)
    db.session.flush()
    effects = _apply(actor, motion, decision)
    decision.effects = json.dumps(effects, sort_keys=True)
    record("decision.create", actor=actor, object_type="decision", object_id=decision.id,
           after={"number": number, "motion_id": motion.id, "effect": motion.effect,
                  "agreement_id": motion.agreement_id, "effects": effects})
    return decision


def _lock_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if agreement is None:
        raise NotFound(str(_l("No such agreement.")))
    return agreement


def _move(actor, agreement: Agreement, to: str, decision_ids: list[int], effects: list[dict]) -> None:
    agreement_services.apply_decision(actor=actor, agreement=agreement, to=to,
                                      decisions=queries.agreement_decisions(decision_ids))
    effects.append({"agreement_id": agreement.id, "status": to})


def _apply(actor, motion: Motion, decision: Decision) -> list[dict]:
    """Apply a carried motion's effect in this transaction; returns what was done."""
    effects: list[dict] = []
    effect = motion.effect
    if effect == Effect.none:
        return effects
    if effect == Effect.waive_obligation:
        return _waive(actor, motion, decision)
    agreement = _lock_agreement(motion.agreement_id)
    # The policy may have changed since the motion was tabled.
    _check_forum_in_policy(db.session.get(Forum, decision.forum_id), agreement)
    if agreement.status not in EFFECT_STATUSES[effect]:
        raise Conflict(
            str(_l("A motion to %(effect)s does not apply to an agreement that is %(status)s.",
                   effect=label("motion_effect", effect).lower(),
                   status=label("agreement_status", agreement.status).lower())),
            code="invalid_effect")
    clauses = {c.id: c for c in db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id))}
    if effect == Effect.approve_with_amendments:
        amendments = db.session.scalars(
            select(MotionAmendment).where(MotionAmendment.motion_id == motion.id).order_by(MotionAmendment.id))
        for a in amendments:
            agreement_services.amend_clause(actor=actor, clause=clauses[a.clause_id], text=a.text,
                                            status=ClauseStatus.amended.value, decision_id=decision.id)
            effects.append({"clause_id": a.clause_id, "status": ClauseStatus.amended.value})
    if effect in APPROVING:
        if agreement.status in (S.draft, S.under_deliberation):
            approving, missing = queries.approval_status(agreement.id, agreement.kind)
            if missing:
                effects.append({"agreement_id": agreement.id, "awaiting": list(missing)})
            else:
                _move(actor, agreement, S.approved, approving, effects)
                for clause in sorted(clauses.values(), key=lambda c: c.number):
                    if clause.status == ClauseStatus.proposed:
                        agreement_services.amend_clause(actor=actor, clause=clause, text=None,
                                                        status=ClauseStatus.accepted.value,
                                                        decision_id=decision.id)
                        effects.append({"clause_id": clause.id, "status": ClauseStatus.accepted.value})
    elif effect == Effect.reject:
        _move(actor, agreement, S.rejected, [decision.id], effects)
    elif effect == Effect.terminate:
        _move(actor, agreement, S.terminated, [decision.id], effects)
    return effects


def _waive(actor, motion: Motion, decision: Decision) -> list[dict]:
    """A carried waiver waives the obligation it names, citing the decision."""
    if motion.obligation_id is None:
        raise ValidationFailed(str(_l("The motion names no obligation.")),
                               fields={"obligation_id": [str(_l("Required."))]})
    n = obligation_services.waive_obligation(
        actor=actor, obligation=obligation_services.load_for_update(motion.obligation_id),
        decision=WaiverDecision(id=decision.id, obligation_id=motion.obligation_id),
        reason=f"{decision.number}: {motion.title}",
    )
    return [{"obligation_id": motion.obligation_id, "waived_occurrences": n}]


def record_roll_call(*, actor, meeting: Meeting, entries: list[AttendanceEntry], motion: Motion | None,
                     votes: list[tuple[int, str]]) -> dict[str, int]:
    """The secretary's one submit: attendance changes, then votes on one motion; all or nothing."""
    summary = {"attendance": 0, "votes": 0}
    if entries:
        changed = set_attendance(actor=actor, meeting=meeting, entries=entries)
        summary["attendance"] = changed["added"] + changed["changed"]
    if votes:
        if motion is None or motion.meeting_id != meeting.id:
            raise _invalid({"motion": [_l("Choose a motion of this meeting to vote on.")]})
        summary["votes"] = cast_votes(actor=actor, motion=motion, votes=votes)
    return summary
