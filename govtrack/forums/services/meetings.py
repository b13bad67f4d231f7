"""Writes for meetings: scheduling, opening and closing, attendance, the agenda, the minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from govtrack.agreements.models import Agreement, Clause
from govtrack.audit.services import record, record_anchor
from govtrack.core import clock
from govtrack.core.actor import Actor
from govtrack.core.clock import utcnow
from govtrack.errors import Conflict
from govtrack.extensions import db
from govtrack.forums import queries, rules
from govtrack.forums.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Forum,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Motion,
    MotionStatus,
    Vote,
)
from govtrack.forums.notices import CANCELLED, RESCHEDULED, SCHEDULED, queue_meeting_notices
from govtrack.forums.services._common import (
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
from govtrack.members.models import Member


def meeting_snapshot(m: Meeting) -> dict:
    return {"forum_id": m.forum_id, "title": m.title, "starts_at": m.starts_at, "location": m.location,
            "status": m.status}


def rule_snapshot(rule: rules.Rule) -> dict:
    return {"quorum": [rule.quorum_numerator, rule.quorum_denominator, rule.quorum_strict],
            "threshold": rule.threshold, "proxy_limit": rule.proxy_limit}


def _aware(starts_at: dt.datetime | None) -> dt.datetime:
    """A meeting's start as an aware time: one without a zone is the cooperative's wall clock, as typed in the form."""
    if starts_at is None:
        raise _invalid({"starts_at": [_l("Required.")]})
    try:
        return clock.from_local(starts_at)
    except clock.NonexistentTime:
        raise _invalid({"starts_at": [_l("This time does not exist in %(zone)s: the clocks skip that hour.",
                                         zone=clock.zone_label())]}) from None


def _must_be_scheduled(meeting: Meeting, doing) -> None:
    """Only a meeting that has not started is rescheduled or cancelled; the refusal says why."""
    if meeting.status == MeetingStatus.scheduled:
        return
    why = {
        MeetingStatus.open: _l("the meeting is already open (it started)"),
        MeetingStatus.closed: _l("the meeting is closed; its record is final"),
        MeetingStatus.cancelled: _l("the meeting was cancelled"),
    }[MeetingStatus(meeting.status)]
    raise Conflict(str(_l("%(doing)s is no longer possible: %(why)s.", doing=doing, why=why)),
                   code="meeting_not_scheduled")


def create_meeting(*, actor: Actor, forum: Forum, title: str, starts_at: dt.datetime,
                   location: str | None = None) -> Meeting:
    """Schedule a meeting of a forum."""
    errors: dict[str, list] = {}
    title = _shown(title, "title", errors)
    if errors:
        raise _invalid(errors)
    starts_at = _aware(starts_at)
    meeting = Meeting(forum_id=forum.id, title=title, starts_at=starts_at,
                      location=(location or "").strip() or None, status=MeetingStatus.scheduled.value,
                      minutes_status=MinutesStatus.draft.value)
    db.session.add(meeting)
    db.session.flush()
    event = record("meeting.create", actor=actor, object_type="meeting", object_id=meeting.id,
                   after=meeting_snapshot(meeting))
    queue_meeting_notices(meeting=meeting, forum=forum, event=SCHEDULED, change_id=event.id)
    return meeting


def update_meeting(*, actor: Actor, meeting: Meeting, title: str | None = None,
                   starts_at: dt.datetime | None = None, location: str | None = None,
                   changes: frozenset[str] | None = None) -> Meeting:
    """Edit or reschedule a scheduled meeting: its title, time and place (`changes` names the
    fields given; by default all three). A change of time or place notifies the forum's voters."""
    changes = frozenset({"title", "starts_at", "location"}) if changes is None else changes
    meeting = _lock_meeting(meeting)
    _must_be_scheduled(meeting, _l("Editing the meeting"))
    errors: dict[str, list] = {}
    new_title = _shown(title, "title", errors) if "title" in changes else meeting.title
    if errors:
        raise _invalid(errors)
    new_start = _aware(starts_at) if "starts_at" in changes else meeting.starts_at
    new_location = ((location or "").strip() or None) if "location" in changes else meeting.location
    before = meeting_snapshot(meeting)
    meeting.title, meeting.starts_at, meeting.location = new_title, new_start, new_location
    after = meeting_snapshot(meeting)
    if after == before:
        return meeting
    event = record("meeting.update", actor=actor, object_type="meeting", object_id=meeting.id,
                   before=before, after=after)
    if (before["starts_at"], before["location"]) != (after["starts_at"], after["location"]):
        queue_meeting_notices(meeting=meeting, forum=_forum(meeting), event=RESCHEDULED, change_id=event.id,
                              before=before)
    return meeting


def cancel_meeting(*, actor: Actor, meeting: Meeting, reason: str | None,
                   now: dt.datetime | None = None) -> Meeting:
    """Cancel a scheduled meeting with a reason. It stays listed (never deleted); its motions,
    none of them voted on yet, are withdrawn with the same reason; the voters are told."""
    reason = _reason(reason)
    meeting = _lock_meeting(meeting)
    _must_be_scheduled(meeting, _l("Cancelling the meeting"))
    now = now or utcnow()
    open_motions = list(db.session.scalars(
        select(Motion).where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.open.value)
        .order_by(Motion.id).with_for_update()
    ))
    meeting.status = MeetingStatus.cancelled.value
    meeting.cancel_reason = reason
    meeting.cancelled_at = now
    event = record("meeting.cancel", actor=actor, object_type="meeting", object_id=meeting.id,
                   before={"status": MeetingStatus.scheduled.value},
                   after={"status": meeting.status, "reason": reason,
                          "motions_withdrawn": [m.id for m in open_motions]})
    for motion in open_motions:
        motion.status = MotionStatus.withdrawn.value
        motion.withdraw_reason = reason
        motion.withdrawn_at = now
        record("motion.withdraw", actor=actor, object_type="motion", object_id=motion.id,
               before={"status": MotionStatus.open.value},
               after={"status": motion.status, "reason": reason, "meeting_cancelled": meeting.id})
    queue_meeting_notices(meeting=meeting, forum=_forum(meeting), event=CANCELLED, change_id=event.id)
    return meeting


def set_officers(*, actor: Actor, meeting: Meeting, chair_member_id: int | None,
                 secretary_member_id: int | None) -> Meeting:
    """Record who chairs the meeting and who keeps its minutes (members of the roster; they sign
    the minutes). Possible until the minutes are approved; not on a cancelled meeting."""
    meeting = _lock_meeting(meeting)
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict(str(_l("This meeting was cancelled; it has no chair or secretary to record.")),
                       code="meeting_cancelled")
    if meeting.minutes_status == MinutesStatus.approved:
        raise Conflict(str(_l("The minutes are approved; who signed them no longer changes.")),
                       code="minutes_approved")
    errors: dict[str, list] = {}
    for field, member_id in (("chair_member_id", chair_member_id), ("secretary_member_id", secretary_member_id)):
        if member_id is not None and db.session.get(Member, member_id) is None:
            errors[field] = [_l("No member with id %(id)s.", id=member_id)]
    if errors:
        raise _invalid(errors)
    before = {"chair_member_id": meeting.chair_member_id, "secretary_member_id": meeting.secretary_member_id}
    meeting.chair_member_id, meeting.secretary_member_id = chair_member_id, secretary_member_id
    after = {"chair_member_id": chair_member_id, "secretary_member_id": secretary_member_id}
    if after != before:
        record("meeting.officers", actor=actor, object_type="meeting", object_id=meeting.id,
               before=before, after=after)
    return meeting


def open_meeting(*, actor: Actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Open a scheduled meeting; the agreements on its agenda come under deliberation."""
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    if meeting.status != MeetingStatus.scheduled:
        raise Conflict(str(_l("The meeting is already open.")), code="meeting_open")
    # The rule it is decided under from now on, whatever later becomes of the forum's.
    rule = rules.forum_rule(_forum(meeting))
    for name in rules.RULE_FIELDS:
        setattr(meeting, f"rule_{name}", getattr(rule, name))
    meeting.status = MeetingStatus.open.value
    meeting.opened_at = now or utcnow()
    # Who may vote is decided now: the roll is fixed, whatever becomes of the roster afterwards.
    voters = queries.snapshot_roll(meeting, _forum(meeting))
    ids = list(db.session.scalars(select(AgendaItem.agreement_id).where(AgendaItem.meeting_id == meeting.id)))
    ids += list(db.session.scalars(select(Motion.agreement_id).where(Motion.meeting_id == meeting.id)))
    moved = _deliberate(actor, ids)
    record("meeting.open", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"status": MeetingStatus.scheduled.value},
           after={"status": meeting.status, "under_deliberation": moved, "rule": rule_snapshot(rule),
                  "voters": voters})
    return meeting


def close_meeting(*, actor: Actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Close an open meeting once every motion is closed. Nothing about it changes afterwards
    except the approval of its minutes."""
    meeting = _lock_meeting(meeting)
    _must_be_open(meeting)
    still_open = list(db.session.scalars(
        select(Motion.title)
        .where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.open.value).order_by(Motion.id)
    ))
    if still_open:
        raise Conflict(str(_l("Close or withdraw every motion before closing the meeting; still open: %(titles)s.",
                              titles=", ".join(f"“{t}”" for t in still_open))),
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


def set_attendance(*, actor: Actor, meeting: Meeting, entries: list[AttendanceEntry]) -> dict[str, int]:
    """Record attendance for the listed members (others stay as they were).

    A proxy names a holder who is present and eligible, holds no more proxies than the forum's
    limit, and is not himself represented. Only eligible voters are recorded. Every refusal names
    the entry (`{index}.field`, as the API's body), the member (name and number) and the reason; all
    the refusals of one request are reported together.
    """
    meeting = _lock_meeting(meeting)
    _not_closed(meeting)
    forum = _forum(meeting)
    involved = {e.member_id for e in entries} | {e.proxy_holder_id for e in entries if e.proxy_holder_id}
    eligible = queries.eligible_ids(meeting, forum, involved)
    # Names are read only when there is something to report (one query, however many rows).
    people: dict[int, Member] = {}
    loaded: list[bool] = []

    def person(member_id: int | None) -> Member | None:
        if not loaded:
            people.update(queries.member_names(involved))
            loaded.append(True)
        return people.get(member_id) if member_id else None

    def who(member_id: int) -> str:
        return _who(person(member_id), member_id)

    why_not: dict = {}

    def not_voter(member_id: int) -> str:
        """Why a member is not a voter of this meeting (read once, when the first is reported)."""
        if "read" not in why_not:
            why_not.update(queries.not_voter_members(meeting, forum, involved - eligible), read="")
        return _not_voter_reason(person(member_id), why_not.get(member_id))

    errors: dict[str, list] = {}

    def add(key: str, message) -> None:
        errors.setdefault(key, []).append(str(message))

    first_row: dict[int, int] = {}
    statuses = _values(AttendanceStatus)
    for i, e in enumerate(entries):
        if e.status not in statuses:
            add(f"{i}.status", _l("%(who)s: attendance is present, absent or proxy.", who=who(e.member_id)))
        if e.member_id in first_row:
            add(f"{i}.member_id", _l("%(who)s is listed twice (entries %(a)d and %(b)d).", who=who(e.member_id),
                                     a=first_row[e.member_id] + 1, b=i + 1))
        first_row.setdefault(e.member_id, i)
        if e.member_id not in eligible:
            member = person(e.member_id)
            add(f"{i}.member_id", _l("No member has id %(id)s.", id=e.member_id) if member is None else
                _l("%(who)s is not a voter of this forum: %(why)s.", who=who(e.member_id),
                   why=not_voter(e.member_id)))
        if e.status == AttendanceStatus.proxy:
            if not e.proxy_holder_id:
                add(f"{i}.proxy_holder_id", _l("%(who)s is represented by proxy: give the proxy holder.",
                                               who=who(e.member_id)))
            elif e.proxy_holder_id == e.member_id:
                add(f"{i}.proxy_holder_id", _l("%(who)s cannot hold their own proxy.", who=who(e.member_id)))
            elif e.proxy_holder_id not in eligible:
                holder = person(e.proxy_holder_id)
                add(f"{i}.proxy_holder_id",
                    _l("The proxy holder of %(who)s, id %(id)s, is not a member.", who=who(e.member_id),
                       id=e.proxy_holder_id) if holder is None else
                    _l("The proxy holder of %(who)s, %(holder)s, is not a voter of this forum: %(why)s.",
                       who=who(e.member_id), holder=_who(holder), why=not_voter(e.proxy_holder_id)))
        elif e.proxy_holder_id:
            add(f"{i}.proxy_holder_id", _l("%(who)s is not represented by proxy, so has no proxy holder.",
                                           who=who(e.member_id)))
    if errors:
        raise _invalid(errors)

    existing = queries.attendance_map(meeting.id)
    state = {m: (a.status, a.proxy_holder_id) for m, a in existing.items()}
    for e in entries:
        state[e.member_id] = (e.status, e.proxy_holder_id)
    # Proxies recorded earlier may be broken by this request (their holder marked absent): their
    # members are named too, read only now that there is something to report.
    broken = [(m, h) for m, (s, h) in state.items()
              if s == AttendanceStatus.proxy and state.get(h, (None,))[0] != AttendanceStatus.present]
    held: dict[int, list[int]] = {}
    for member_id, (status, holder) in state.items():
        if status == AttendanceStatus.proxy:
            held.setdefault(holder, []).append(member_id)
    # The rule the meeting opened under, not the forum's as edited since.
    proxy_limit = rules.meeting_rule(meeting, forum).proxy_limit
    over = {h: ms for h, ms in held.items() if len(ms) > proxy_limit}
    leaving = [e.member_id for e in entries if e.status == AttendanceStatus.absent]
    voted: set[int] = set()
    if leaving:
        # A member who has voted on a motion still open cannot leave: their vote would lose its basis.
        voted = set(db.session.scalars(
            select(Vote.member_id).join(Motion, Motion.id == Vote.motion_id)
            .where(Motion.meeting_id == meeting.id, Motion.status == MotionStatus.open.value,
                   Vote.member_id.in_(leaving))
        ))
    if broken or over or voted:
        named = {m for pair in broken for m in pair} | set(over) | {m for ms in over.values() for m in ms}
        person(None)
        people.update(queries.member_names(named - set(people)))
        status_words = {AttendanceStatus.absent.value: _l("marked absent"),
                        AttendanceStatus.proxy.value: _l("represented by proxy themselves")}

        def row_of(member_id: int, field: str, fallback: str) -> str:
            return f"{first_row[member_id]}.{field}" if member_id in first_row else fallback

        for member_id, holder_id in broken:
            holder_status = state.get(holder_id, (None,))[0]
            add(row_of(member_id, "proxy_holder_id", row_of(holder_id, "status", "proxy_holder_id")),
                _l("%(holder)s holds the proxy of %(who)s but is %(state)s; a proxy holder must be present in "
                   "person.", holder=who(holder_id), who=who(member_id),
                   state=status_words.get(holder_status, _l("not recorded as attending"))))
        for holder_id, members in sorted(over.items()):
            message = _l("%(holder)s would hold %(n)d proxies (for %(names)s); this forum allows %(limit)d.",
                         holder=who(holder_id), n=len(members), limit=proxy_limit,
                         names=", ".join(who(m) for m in sorted(members)))
            rows = [m for m in sorted(members) if m in first_row]
            for m in rows or [None]:
                add(row_of(m, "proxy_holder_id", "proxy_holder_id") if m else "proxy_holder_id", message)
        for member_id in sorted(voted):
            add(row_of(member_id, "status", "status"),
                _l("%(who)s has voted on a motion still open and cannot be marked absent.",
                   who=who(member_id)))
        if broken or over:
            raise Conflict(str(_l("The proxies break the forum's rules.")), code="proxy_rule", fields=errors)
        raise Conflict(str(_l("A member who has voted on an open motion cannot be marked absent.")),
                       code="has_voted", fields=errors)

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


def add_agenda_item(*, actor: Actor, meeting: Meeting, title: str, agreement_id: int | None = None,
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


def set_minutes(*, actor: Actor, meeting: Meeting, text: str) -> Meeting:
    """Draft the minutes (Markdown) until they are approved: the secretary writes them up after the
    meeting closes too (its votes and attendance stay as they were); approved minutes are final."""
    meeting = _lock_meeting(meeting)
    if meeting.minutes_status == MinutesStatus.approved:
        raise Conflict(str(_l("These minutes are approved; they change no more.")), code="minutes_approved")
    before = meeting.minutes
    meeting.minutes = (text or "").strip() or None
    record("meeting.minutes", actor=actor, object_type="meeting", object_id=meeting.id,
           before={"minutes": before}, after={"minutes": meeting.minutes})
    return meeting


def approve_minutes(*, actor: Actor, meeting: Meeting) -> Meeting:
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
