"""Reading the books of record of the forums: the decision register (filtered, searched, exported),
one decision as its record, and the meetings register with attendance.

Every list here reads a page (or an export's batch) in a fixed number of queries however many rows
it has: the decisions with their forum, meeting, motion and agreement in one, then what their
effects name (clause numbers, agreement references, obligation titles) in one query each.

Who sees what: staff with `decisions.view` read every decision; anyone else (a member, the public)
only the decisions about an agreement published to them, and a hidden decision is looked up
exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from govtrack.agreements.models import Agreement, Clause, ClauseVersion
from govtrack.agreements.queries import visibility_clause
from govtrack.auth.permissions import can
from govtrack.core.paging import Page, keyset_page
from govtrack.extensions import db
from govtrack.forums import queries, rules
from govtrack.forums.models import (
    Attendance,
    AttendanceStatus,
    Decision,
    Forum,
    ForumVoter,
    Meeting,
    MeetingVoter,
)
from govtrack.members.models import Member
from govtrack.obligations.models import Obligation

EXPORT_BATCH = 1000
ORDER = {"agreement": 0, "clause": 1, "obligation": 2}


# --- the decision register ---------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to; every field optional. Dates are the cooperative's (a
    decision's date is the local day it was taken, so 00:30 WIB on 1 January is in the new year)."""

    forum_id: int | None = None
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    agreement_id: int | None = None
    effect: str | None = None
    q: str | None = None

    def as_args(self) -> dict[str, str]:
        """The query string that asks for this filter again (links, pager, exports)."""
        out = {"forum_id": self.forum_id, "year": self.year, "from": self.date_from, "to": self.date_to,
               "agreement_id": self.agreement_id, "effect": self.effect, "q": self.q}
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _contains(column, text: str):
    """`column` contains `text`, whatever the case: ILIKE on PostgreSQL; on SQLite its own LIKE,
    which already ignores the case of ASCII letters (lower() on both sides copies every text it
    scans: a search of the 24,000 decisions of scale L took about 1.5 times as long with it)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def decision_select(f: RegisterFilter) -> Select:
    """The register's decisions matching `f`, with forum, meeting, motion and agreement joined."""
    stmt = select(Decision).options(
        joinedload(Decision.forum), joinedload(Decision.meeting), joinedload(Decision.motion),
        joinedload(Decision.agreement),
    )
    if f.forum_id:
        stmt = stmt.where(Decision.forum_id == f.forum_id)
    if f.agreement_id:
        stmt = stmt.where(Decision.agreement_id == f.agreement_id)
    if f.year:
        stmt = stmt.where(Decision.decided_on >= dt.date(f.year, 1, 1), Decision.decided_on <= dt.date(f.year, 12, 31))
    if f.date_from:
        stmt = stmt.where(Decision.decided_on >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Decision.decided_on <= f.date_to)
    if f.effect:
        stmt = stmt.where(Decision.effect == f.effect)
    if f.q and f.q.strip():
        q = f.q.strip()
        named = select(Agreement.id).where(or_(_contains(Agreement.reference, q), _contains(Agreement.title, q)))
        stmt = stmt.where(or_(_contains(Decision.number, q), _contains(Decision.text, q),
                              Decision.agreement_id.in_(named)))
    return stmt


def register_page(f: RegisterFilter, *, cursor: str | None, limit: int) -> Page:
    """One page of the register, newest first."""
    return keyset_page(decision_select(f), id_column=Decision.id, cursor=cursor, limit=limit, descending=True)


def register_batches(f: RegisterFilter, *, batch: int = EXPORT_BATCH) -> Iterator[list[Decision]]:
    """The whole register matching `f`, newest first, in keyset batches (exports stream them)."""
    cursor = None
    while True:
        page = register_page(f, cursor=cursor, limit=batch)
        if page.items:
            yield page.items
        if not page.next:
            return
        cursor = page.next  # the session holds rows weakly: a batch written is a batch let go


def agreement_label(agreement_id: int | None) -> str | None:
    """How a filter chip names an agreement: its reference and title."""
    if not agreement_id:
        return None
    row = db.session.execute(select(Agreement.reference, Agreement.title).where(Agreement.id == agreement_id)).first()
    if row is None:
        return None
    return f"{row.reference} — {row.title}" if row.reference else row.title


# --- effects, in the words and links people use ------------------------------------------------

@dataclass(frozen=True)
class EffectRecord:
    """One thing a decision did: to an agreement (a status, or the forums it still awaits), a clause
    (its status; `number` is the clause's number within its agreement) or an obligation (waived).
    `name` is what people see: an agreement's reference (or title), a clause's agreement's name,
    an obligation's title. `from_`/`to` are status codes (None when not known or unchanged)."""

    object: str  # agreement, clause, obligation
    id: int
    number: int | str | None
    name: str | None
    from_: str | None
    to: str | None
    agreement_id: int | None = None
    awaiting: tuple[str, ...] = ()
    count: int | None = None

    def as_json(self) -> dict:
        out = {"object": self.object, "id": self.id, "number": self.number, "from": self.from_, "to": self.to}
        if self.object == "clause":
            out["agreement_id"] = self.agreement_id
        if self.awaiting:
            out["awaiting"] = list(self.awaiting)
        if self.object == "obligation":
            out["waived_occurrences"] = self.count
        return out


def _stored(decision: Decision) -> list[dict]:
    try:
        effects = json.loads(decision.effects or "[]")
    except ValueError:
        return []
    return [e for e in effects if isinstance(e, dict)] if isinstance(effects, list) else []


def _ids(effects: dict[int, list[dict]], key: str) -> set[int]:
    return {e[key] for es in effects.values() for e in es if isinstance(e.get(key), int)}


def effect_records(decisions: list[Decision]) -> dict[int, list[EffectRecord]]:
    """decision id -> what it did, named as people name it. At most four queries for any number of
    decisions (clauses, agreements, obligations, and the clause versions that say what a clause was
    before a decision that did not record it)."""
    effects = {d.id: _stored(d) for d in decisions}
    clause_ids = _ids(effects, "clause_id")
    clauses = {
        row.id: row for row in db.session.execute(
            select(Clause.id, Clause.number, Clause.agreement_id).where(Clause.id.in_(clause_ids)))
    } if clause_ids else {}
    agreement_ids = _ids(effects, "agreement_id") | {c.agreement_id for c in clauses.values()}
    agreements = {
        id_: ref or title for id_, ref, title in db.session.execute(
            select(Agreement.id, Agreement.reference, Agreement.title).where(Agreement.id.in_(agreement_ids)))
    } if agreement_ids else {}
    obligation_ids = _ids(effects, "obligation_id")
    obligations = dict(db.session.execute(
        select(Obligation.id, Obligation.title).where(Obligation.id.in_(obligation_ids))).all()
    ) if obligation_ids else {}
    before = _clause_status_before(
        {(d_id, e["clause_id"]) for d_id, es in effects.items() for e in es
         if isinstance(e.get("clause_id"), int) and "from" not in e})
    out: dict[int, list[EffectRecord]] = {}
    for decision_id, es in effects.items():
        records = []
        for e in es:
            clause_id, agreement_id, obligation_id = e.get("clause_id"), e.get("agreement_id"), e.get("obligation_id")
            if clause_id in clauses:
                c = clauses[clause_id]
                records.append(EffectRecord(
                    "clause", clause_id, c.number, agreements.get(c.agreement_id),
                    e.get("from", before.get((decision_id, clause_id))), e.get("status"), agreement_id=c.agreement_id))
            elif agreement_id in agreements and (e.get("status") or e.get("awaiting")):
                records.append(EffectRecord(
                    "agreement", agreement_id, agreements[agreement_id], agreements[agreement_id],
                    e.get("from"), e.get("status"), awaiting=tuple(e.get("awaiting") or ())))
            elif obligation_id in obligations:
                records.append(EffectRecord(
                    "obligation", obligation_id, obligations[obligation_id], obligations[obligation_id],
                    None, "waived", count=e.get("waived_occurrences")))
        # The agreement first, then its clauses by number, then what was waived: the order of a minute.
        out[decision_id] = sorted(records, key=lambda r: (ORDER[r.object], r.number if r.object == "clause" else 0))
    return out


def _clause_status_before(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """(decision id, clause id) -> the clause's status in the version before the one that decision
    made (for decisions recorded before effects kept their `from`). One query."""
    if not pairs:
        return {}
    rows = db.session.execute(
        select(ClauseVersion.clause_id, ClauseVersion.version, ClauseVersion.status, ClauseVersion.decision_id)
        .where(ClauseVersion.clause_id.in_({c for _d, c in pairs}))
        .order_by(ClauseVersion.clause_id, ClauseVersion.version)
    )
    out: dict[tuple[int, int], str] = {}
    previous: dict[int, str] = {}
    for clause_id, _version, status, decision_id in rows:
        if (decision_id, clause_id) in pairs and clause_id in previous:
            out[(decision_id, clause_id)] = previous[clause_id]
        previous[clause_id] = status
    return out


# --- one decision ------------------------------------------------------------------------------

def visible_decision(decision_id: int, *, user) -> Decision | None:
    """The decision with its forum, meeting, motion and agreement, or None when there is none or
    `user` may not read it (staff read every decision; others those about an agreement published
    to them). The two answers are the same None: a hidden decision is never told from a missing one."""
    stmt = decision_select(RegisterFilter()).where(Decision.id == decision_id)
    if not can(user, "decisions.view"):
        cond = visibility_clause(user)
        visible = select(Agreement.id).where(Agreement.id == Decision.agreement_id)
        stmt = stmt.where(Decision.agreement_id.is_not(None),
                          visible.where(cond).exists() if cond is not None else visible.exists())
    return db.session.scalar(stmt)


def decision_votes(decision: Decision) -> list:
    """The named votes of a roll-call decision (member loaded), by group and name; [] otherwise."""
    if decision.motion.method != "roll_call":
        return []
    return queries.votes_by_motion([decision.motion_id])[decision.motion_id]


# --- meetings with attendance ------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingRow:
    """One meeting of the meetings register: as its page counts it (present, eligible, quorate)."""

    meeting: Meeting
    present: int
    eligible: int
    quorate: bool


def _present_counts(meetings: list[Meeting]) -> dict[int, int]:
    """Voters present in person or by proxy at each meeting (two grouped queries): the count each
    meeting's page shows (queries.present_count) — against its roll once it opened, else against
    the forum's voters on the roster now."""
    rolled = [m.id for m in meetings if queries.has_roll(m)]
    live = [m.id for m in meetings if not queries.has_roll(m)]
    counted = Attendance.status.in_([AttendanceStatus.present.value, AttendanceStatus.proxy.value])
    out: dict[int, int] = {}
    if rolled:
        out.update(db.session.execute(
            select(Attendance.meeting_id, func.count())
            .join(MeetingVoter, and_(MeetingVoter.meeting_id == Attendance.meeting_id,
                                     MeetingVoter.member_id == Attendance.member_id))
            .where(Attendance.meeting_id.in_(rolled), counted)
            .group_by(Attendance.meeting_id)).all())
    if live:
        named = select(ForumVoter.member_id).where(ForumVoter.forum_id == Meeting.forum_id,
                                                  ForumVoter.member_id == Attendance.member_id)
        out.update(db.session.execute(
            select(Attendance.meeting_id, func.count())
            .join(Member, Member.id == Attendance.member_id)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .join(Forum, Forum.id == Meeting.forum_id)
            .where(Attendance.meeting_id.in_(live), counted,
                   Member.active.is_(True), Member.investor.is_(False),
                   or_(Forum.all_members.is_(True), named.exists()))
            .group_by(Attendance.meeting_id)).all())
    return out


def _roll_counts(meeting_ids: list[int]) -> dict[int, int]:
    """The size of each meeting's roll of voters, fixed when it opened (one grouped query)."""
    if not meeting_ids:
        return {}
    return dict(db.session.execute(
        select(MeetingVoter.meeting_id, func.count()).where(MeetingVoter.meeting_id.in_(meeting_ids))
        .group_by(MeetingVoter.meeting_id)).all())


def meeting_rows(meetings: list[Meeting], eligible_by_forum: dict[int, int]) -> list[MeetingRow]:
    """The meetings with their attendance counts, as each meeting's page counts them: an opened or
    closed meeting against its own roll, a scheduled or cancelled one against the forum's voters now
    (`eligible_by_forum` caches each forum's count across batches: one query per forum)."""
    present = _present_counts(meetings)
    rolls = _roll_counts([m.id for m in meetings if queries.has_roll(m)])
    out = []
    for m in meetings:
        if queries.has_roll(m):
            eligible = rolls.get(m.id, 0)
        else:
            if m.forum_id not in eligible_by_forum:
                eligible_by_forum[m.forum_id] = queries.eligible_count(m.forum)
            eligible = eligible_by_forum[m.forum_id]
        n = present.get(m.id, 0)
        out.append(MeetingRow(m, n, eligible, rules.meeting_rule(m, m.forum).is_quorate(present=n, eligible=eligible)))
    return out


def meeting_batches(*, batch: int = EXPORT_BATCH, **filters) -> Iterator[list[MeetingRow]]:
    """Every meeting matching the meetings list's filters, newest first, with attendance counts."""
    cursor = None
    eligible: dict[int, int] = {}
    while True:
        page = queries.meeting_page(cursor=cursor, limit=batch, **filters)
        if page.items:
            yield meeting_rows(page.items, eligible)
        if not page.next:
            return
        cursor = page.next
