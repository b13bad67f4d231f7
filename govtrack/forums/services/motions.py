"""Writes for motions: tabling, roll-call votes, tallies, consensus and the close that decides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from govtrack.agreements.models import Agreement, Clause
from govtrack.audit.services import record
from govtrack.core.actor import Actor
from govtrack.core.clock import utcnow
from govtrack.core.labels import label
from govtrack.errors import Conflict, DomainError, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import queries, rules
from govtrack.forums.models import (
    AgendaItem,
    AttendanceStatus,
    Choice,
    Effect,
    Forum,
    Meeting,
    MeetingStatus,
    Motion,
    MotionAmendment,
    MotionStatus,
    Outcome,
    Vote,
    VoteMethod,
)
from govtrack.forums.services._common import (
    EFFECT_STATUSES,
    _check_forum_in_policy,
    _deliberate,
    _forum,
    _invalid,
    _lock_meeting,
    _must_be_open,
    _not_closed,
    _not_voter_reason,
    _reason,
    _shown,
    _values,
    _who,
)
from govtrack.forums.services.decisions import _decide
from govtrack.forums.services.meetings import AttendanceEntry, set_attendance
from govtrack.members.models import Member
from govtrack.obligations.models import Obligation


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


def create_motion(*, actor: Actor, meeting: Meeting, data: MotionData) -> Motion:
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
        errors["obligation_id"] = [_l("Only a motion to waive an obligation names an obligation.")]
    if data.effect == Effect.approve_with_amendments and not data.amendments:
        errors["amendments"] = [_l("Give at least one amended clause text.")]
    if data.effect != Effect.approve_with_amendments and data.amendments:
        errors["amendments"] = [_l("Only an approve_with_amendments motion amends clauses.")]
    if data.amendments and agreement is not None:
        clause_ids = [a.clause_id for a in data.amendments]
        numbers = dict(db.session.execute(
            select(Clause.id, Clause.number).where(Clause.id.in_(clause_ids), Clause.agreement_id == agreement.id)
        ).all())
        seen: set[int] = set()
        for i, a in enumerate(data.amendments):
            if a.clause_id not in numbers:
                errors[f"amendments.{i}.clause_id"] = [
                    _l("Clause id %(id)s is not a clause of this agreement.", id=a.clause_id)]
            elif a.clause_id in seen:
                errors[f"amendments.{i}.clause_id"] = [
                    _l("Clause %(n)s is amended twice.", n=numbers[a.clause_id])]
            if not (a.text or "").strip():
                errors[f"amendments.{i}.text"] = [_l("The amendment of clause %(n)s needs its new text.",
                                                     n=numbers.get(a.clause_id, a.clause_id))]
            seen.add(a.clause_id)
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
            code="invalid_effect", fields={"effect": [str(_l(
                "A motion to %(effect)s does not apply to an agreement that is %(status)s.",
                effect=label("motion_effect", data.effect).lower(),
                status=label("agreement_status", agreement.status).lower()))]},
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
    if motion.status == MotionStatus.withdrawn:
        raise Conflict(str(_l("This motion was withdrawn; it is not voted on.")), code="motion_withdrawn")
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
    eligible = queries.eligible_ids(meeting, forum, ids)
    why_not = queries.not_voter_members(meeting, forum, [i for i in set(ids) if i not in eligible])
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
        elif member.investor and member_id not in eligible:
            # (One who became an investor after the meeting opened is still on its roll, and votes.)
            out.append(VoteRefusal(i, member_id, "not_eligible",
                                   str(_l("%(name)s is an investor; investors have no vote.", name=_who(member)))))
        elif member_id not in eligible:
            out.append(VoteRefusal(i, member_id, "not_eligible",
                                   str(_l("%(name)s is not a voter of this forum: %(why)s.", name=_who(member),
                                          why=_not_voter_reason(member, why_not.get(member_id))))))
        elif member_id in seen or member_id in already:
            out.append(VoteRefusal(i, member_id, "duplicate_vote",
                                   str(_l("%(name)s has already voted on this motion.", name=_who(member)))))
        elif member_id in recused:
            out.append(VoteRefusal(i, member_id, "recused",
                                   str(_l("%(name)s declared an interest in a party to this agreement and is "
                                          "recused.", name=_who(member)))))
        elif attendance.get(member_id) is None or attendance[member_id].status == AttendanceStatus.absent:
            out.append(VoteRefusal(i, member_id, "not_present",
                                   str(_l("%(name)s is neither present nor represented by a proxy.",
                                          name=_who(member)))))
        seen.add(member_id)
    return out


def cast_votes(*, actor: Actor, motion: Motion, votes: list[tuple[int, str]]) -> int:
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


def record_tally(*, actor: Actor, motion: Motion, yes: int, no: int, abstain: int) -> Motion:
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
        raise _invalid({"tally": [_tally_exceeds(yes, no, abstain, present)]})
    before = [motion.tally_yes, motion.tally_no, motion.tally_abstain]
    motion.tally_yes, motion.tally_no, motion.tally_abstain = yes, no, abstain
    motion.method = VoteMethod.tally.value
    record("motion.tally", actor=actor, object_type="motion", object_id=motion.id,
           before={"tally": before}, after={"tally": [yes, no, abstain]})
    return motion


def _tally_exceeds(yes: int, no: int, abstain: int, present: int) -> str:
    return str(_l("The tally counts %(n)d votes (%(y)d yes, %(no)d no, %(a)d abstaining) but only %(p)d members "
                  "are present in person or by proxy: a count cannot be larger than the attendance.",
                  n=yes + no + abstain, y=yes, no=no, a=abstain, p=present))


def motion_counts(motion: Motion) -> tuple[int, int, int]:
    """The yes, no and abstain counts so far: the tally, or the roll-call votes counted."""
    if motion.method == VoteMethod.tally:
        return motion.tally_yes, motion.tally_no, motion.tally_abstain
    c = queries.vote_counts([motion.id])[motion.id]
    return c["yes"], c["no"], c["abstain"]


@dataclass(frozen=True)
class ClosePreview:
    """What closing a vote now would decide, for the confirmation that states it."""

    outcome: str
    yes: int
    no: int
    abstain: int
    present: int
    eligible: int
    needed: int
    refusal: str | None = None  # why the close would be refused now (a tally past the attendance)


def close_preview(motion: Motion) -> ClosePreview:
    """The outcome closing the vote now would compute, with its counts. It reads only: the close
    computes it again under its locks, so a vote recorded in between is counted."""
    meeting = motion.meeting
    forum = meeting.forum
    yes, no, abstain = motion_counts(motion)
    present, eligible = queries.present_count(meeting, forum), queries.meeting_eligible_count(meeting, forum)
    # The rule the meeting opened under, as the close itself uses.
    rule = rules.meeting_rule(meeting, forum)
    result = rule.outcome(present=present, eligible=eligible, yes=yes, no=no)
    refusal = None
    if motion.method == VoteMethod.tally and yes + no + abstain > present:
        refusal = _tally_exceeds(yes, no, abstain, present)
    return ClosePreview(
        outcome=result, yes=yes, no=no, abstain=abstain, present=present, eligible=eligible,
        needed=rule.quorum_needed(eligible=eligible), refusal=refusal,
    )


def _finish(actor: Actor, motion: Motion, meeting: Meeting, *, outcome: str, yes: int, no: int, abstain: int,
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


def close_motion(*, actor: Actor, motion: Motion, now: dt.datetime | None = None) -> Motion:
    """Close the vote: compute the outcome in integers, store the counts, decide if carried."""
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    _still_in_scope(motion, meeting)
    forum = _forum(meeting)
    yes, no, abstain = motion_counts(motion)
    present, eligible = queries.present_count(meeting, forum), queries.meeting_eligible_count(meeting, forum)
    if motion.method == VoteMethod.tally and yes + no + abstain > present:
        message = _tally_exceeds(yes, no, abstain, present)
        raise Conflict(message, code="tally_exceeds", fields={"tally": [message]})
    # The rule the meeting opened under, not the forum's as edited since.
    result = rules.meeting_rule(meeting, forum).outcome(present=present, eligible=eligible, yes=yes, no=no)
    return _finish(actor, motion, meeting, outcome=result, yes=yes, no=no, abstain=abstain,
                   present=present, eligible=eligible, now=now or utcnow())


def consensus(*, actor: Actor, motion: Motion, now: dt.datetime | None = None) -> Motion:
    """Mufakat: carried without a vote, with no objection recorded, when the meeting is quorate."""
    motion, meeting = _lock_motion(motion)
    _motion_open(motion, meeting)
    _still_in_scope(motion, meeting)
    if motion.method is not None:
        raise Conflict(str(_l("Votes were already cast on this motion; close the vote instead.")),
                       code="mixed_methods")
    forum = _forum(meeting)
    present, eligible = queries.present_count(meeting, forum), queries.meeting_eligible_count(meeting, forum)
    if not rules.meeting_rule(meeting, forum).is_quorate(present=present, eligible=eligible):
        raise Conflict(
            str(_l("No quorum: %(p)d of %(e)d eligible present; consensus needs a quorate meeting.",
                   p=present, e=eligible)), code="no_quorum")
    motion.method = VoteMethod.consensus.value
    return _finish(actor, motion, meeting, outcome=Outcome.carried.value, yes=0, no=0, abstain=0,
                   present=present, eligible=eligible, now=now or utcnow())


def withdraw_motion(*, actor: Actor, motion: Motion, reason: str | None,
                    now: dt.datetime | None = None) -> Motion:
    """Withdraw a motion before it is closed, with a reason: it decides nothing, applies no effect
    and is not a decision; the votes already cast stay on record with it."""
    reason = _reason(reason)
    motion, meeting = _lock_motion(motion)
    if motion.status == MotionStatus.withdrawn:
        raise Conflict(str(_l("This motion was already withdrawn.")), code="motion_withdrawn")
    if motion.status != MotionStatus.open:
        raise Conflict(str(_l("This motion is closed and decided; it can no longer be withdrawn (a correction is "
                              "a new motion that names it).")), code="motion_closed")
    _not_closed(meeting)
    motion.status = MotionStatus.withdrawn.value
    motion.withdraw_reason = reason
    motion.withdrawn_at = now or utcnow()
    record("motion.withdraw", actor=actor, object_type="motion", object_id=motion.id,
           before={"status": MotionStatus.open.value}, after={"status": motion.status, "reason": reason})
    return motion


def record_roll_call(*, actor: Actor, meeting: Meeting, entries: list[AttendanceEntry], motion: Motion | None,
                     votes: list[tuple[int, str]]) -> dict[str, int]:
    """The secretary's one submit: attendance changes, then votes on one motion; all or nothing.

    Every refusal of the submit comes at once (three mistakes, one submit): the rows whose
    attendance is refused are set aside and the others checked again (a proxy rule shows only once
    the rows' own mistakes are out of the way), then the votes are checked against the attendance
    the good rows give; then, if anything was refused, nothing is recorded. Refusals are named as
    the services name them, by the index of the entry (`3.proxy_holder_id`, `votes.2.member_id`).
    A vote of a member whose attendance row is refused is not reported again (their row says why).
    """
    if votes and (motion is None or motion.meeting_id != meeting.id):
        raise _invalid({"motion": [_l("Choose a motion of this meeting to vote on.")]})
    summary = {"attendance": 0, "votes": 0}
    errors: dict[str, list[str]] = {}
    refusals: list[DomainError] = []
    refused_members: set[int] = set()

    def keep(key: str, messages) -> None:
        kept = errors.setdefault(key, [])
        kept.extend(str(m) for m in messages if str(m) not in kept)

    everything = db.session.begin_nested()
    try:
        remaining = list(range(len(entries)))
        while remaining:
            try:
                with db.session.begin_nested():
                    changed = set_attendance(actor=actor, meeting=meeting, entries=[entries[i] for i in remaining])
                summary["attendance"] = changed["added"] + changed["changed"]
                break
            except DomainError as err:
                refusals.append(err)
                rows = set()
                for key, messages in (err.fields or {}).items():
                    index, dot, field = key.partition(".")
                    if index.isdigit() and int(index) < len(remaining) and dot:
                        row = remaining[int(index)]
                        rows.add(row)
                        refused_members.add(entries[row].member_id)
                        keep(f"{row}.{field}", messages)
                    else:
                        keep(key, messages)
                if not err.fields:
                    keep("rows", [err.message])
                if not rows:
                    break
                remaining = [i for i in remaining if i not in rows]
        if votes:
            try:
                with db.session.begin_nested():
                    summary["votes"] = cast_votes(actor=actor, motion=motion, votes=votes)
            except DomainError as err:
                reported = False
                for key, messages in (err.fields or {}).items():
                    parts = key.split(".")
                    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(votes) \
                            and votes[int(parts[1])][0] in refused_members:
                        continue
                    keep(key, messages)
                    reported = True
                if not err.fields:
                    keep("votes", [err.message])
                    reported = True
                if reported or not refusals:
                    refusals.append(err)
    except BaseException:
        everything.rollback()
        raise
    if refusals:
        everything.rollback()
        first = refusals[0] if len(refusals) == 1 else None
        message = first.message if first is not None and len(errors) <= 1 else str(
            _l("Some rows need a correction; nothing was recorded."))
        # A refusal of the meeting's state (409) outweighs one of the values typed (422).
        state = next((r for r in refusals if r.status == 409), None)
        if state is not None:
            raise Conflict(message, code=state.code, fields=errors)
        raise ValidationFailed(message, code=refusals[0].code, fields=errors)
    everything.commit()
    return summary
