"""What needs attention, per role, for the home page.

Each part is a short list and the count of everything it stands for, read with a fixed number of
queries whatever the size of the tables (tests/home/test_home.py counts them at two sizes):

- board: meetings in the next days (and those open now), agreements under deliberation and the
  forums whose approval they still wait for, closed meetings whose minutes wait for approval;
- manager: obligation occurrences overdue and due soon whose obligation names the user as
  responsible (`Obligation.responsible_id`: "theirs"), the cooperative's overdue count beside it,
  and agreements in draft;
- member: agreements published to them, newest change first, and the coming meetings of the forums
  they vote in (every forum whose voters are all members, and those naming their roster member).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select

from govtrack.agreements.models import Agreement, AgreementStatus
from govtrack.extensions import db
from govtrack.forums.models import (
    APPROVING,
    AgendaItem,
    Decision,
    Forum,
    ForumVoter,
    Meeting,
    MeetingStatus,
    Motion,
    Outcome,
)
from govtrack.forums.queries import policy_table
from govtrack.obligations.models import Obligation, Occurrence, OccurrenceStatus
from govtrack.obligations.queries import (
    OPEN,
    Filters,
    Row,
    due_soon_days,
    occurrence_page,
    status_condition,
)
from govtrack.portal.queries import portal_clause

BOARD_DAYS = 14  # meetings "coming up" for the board
NEW_DAYS = 30  # an agreement changed within this many days counts as newly published
NEW_SHOWN = 99  # newly published agreements are counted up to this ("99+" past it)
LINES = 5  # lines of each part


@dataclass
class MeetingLine:
    id: int
    title: str
    starts_at: dt.datetime
    location: str | None
    status: str
    forum_name: str
    has_minutes: bool = False  # minutes waiting: written (to approve) or not yet (to write)


@dataclass
class WaitingAgreement:
    id: int
    reference: str | None
    title: str
    kind: str
    # What it still needs: one entry per forum kind of the approval policy without a carried approval.
    missing: list[Awaited] = field(default_factory=list)


@dataclass
class Awaited:
    """A forum kind an agreement waits for: the forum (its name when there is exactly one of that
    kind) and the coming or open meeting of such a forum with the agreement on its agenda, if any."""

    kind: str
    forum_name: str | None
    meeting_id: int | None = None
    meeting_title: str | None = None


@dataclass
class AgreementLine:
    id: int
    reference: str | None
    title: str
    updated_at: dt.datetime


@dataclass
class Board:
    meetings: list[MeetingLine]
    meetings_total: int
    waiting: list[WaitingAgreement]
    waiting_total: int
    minutes: list[MeetingLine]
    minutes_total: int
    window_end: dt.datetime


@dataclass
class Manager:
    obligations: list[Row]  # overdue first, then due soon (due-date order)
    overdue: int
    due_soon: int
    overdue_everyone: int
    drafts: list[AgreementLine]
    drafts_total: int


@dataclass
class MemberHome:
    published: list[AgreementLine]
    published_new: int  # changed in the last NEW_DAYS days, counted up to NEW_SHOWN + 1
    meetings: list[MeetingLine]
    meetings_total: int


def _meeting_lines(stmt) -> list[MeetingLine]:
    return [MeetingLine(*row) for row in db.session.execute(stmt)]


_MEETING_COLUMNS = (Meeting.id, Meeting.title, Meeting.starts_at, Meeting.location, Meeting.status, Forum.name)


def board(*, now: dt.datetime, days: int = BOARD_DAYS, lines: int = LINES) -> Board:
    """The board's part. `now` is aware (UTC or local)."""
    window_end = now + dt.timedelta(days=days)
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    coming = or_(
        Meeting.status == MeetingStatus.open.value,
        and_(Meeting.status == MeetingStatus.scheduled.value, Meeting.starts_at >= start_of_day,
             Meeting.starts_at <= window_end),
    )
    meetings = _meeting_lines(
        select(*_MEETING_COLUMNS).join(Forum, Forum.id == Meeting.forum_id).where(coming)
        .order_by(Meeting.starts_at, Meeting.id).limit(lines)
    )
    meetings_total = db.session.scalar(select(func.count()).select_from(Meeting).where(coming))

    minutes_waiting = and_(Meeting.status == MeetingStatus.closed.value, Meeting.minutes_status == "draft")
    minutes = _meeting_lines(
        select(*_MEETING_COLUMNS, Meeting.minutes.is_not(None) & (Meeting.minutes != "")).join(Forum, Forum.id == Meeting.forum_id).where(minutes_waiting)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(lines)
    )
    minutes_total = db.session.scalar(select(func.count()).select_from(Meeting).where(minutes_waiting))

    deliberating = Agreement.status == AgreementStatus.under_deliberation.value
    waiting = [
        WaitingAgreement(*row) for row in db.session.execute(
            select(Agreement.id, Agreement.reference, Agreement.title, Agreement.kind)
            .where(deliberating).order_by(Agreement.id).limit(lines)
        )
    ]
    waiting_total = db.session.scalar(select(func.count()).select_from(Agreement).where(deliberating))
    if waiting:
        _fill_missing(waiting)
    return Board(meetings, meetings_total, waiting, waiting_total, minutes, minutes_total, window_end)


def _fill_missing(waiting: list[WaitingAgreement]) -> None:
    """Which forums each agreement still waits for: the policy's forum kinds without a carried
    approval, and where each is on an agenda (four queries for the whole list)."""
    policy = policy_table()
    approved: dict[int, set[str]] = {w.id: set() for w in waiting}
    for agreement_id, kind in db.session.execute(
        select(Decision.agreement_id, Forum.kind)
        .join(Forum, Forum.id == Decision.forum_id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.agreement_id.in_(list(approved)), Decision.effect.in_(APPROVING),
               Motion.outcome == Outcome.carried.value, Motion.agreement_id == Decision.agreement_id)
    ):
        approved[agreement_id].add(kind)
    forums: dict[str, list[str]] = {}
    for kind, name in db.session.execute(select(Forum.kind, Forum.name).order_by(Forum.name)):
        forums.setdefault(kind, []).append(name)
    # The first coming or open meeting per (agreement, forum kind) with the agreement on its agenda.
    agenda: dict[tuple[int, str], tuple[int, str]] = {}
    for agreement_id, kind, meeting_id, title in db.session.execute(
        select(AgendaItem.agreement_id, Forum.kind, Meeting.id, Meeting.title)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id).join(Forum, Forum.id == Meeting.forum_id)
        .where(AgendaItem.agreement_id.in_(list(approved)),
               Meeting.status.in_([MeetingStatus.scheduled.value, MeetingStatus.open.value]))
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        agenda.setdefault((agreement_id, kind), (meeting_id, title))
    for w in waiting:
        for kind in policy.get(w.kind, ()):
            if kind in approved[w.id]:
                continue
            names = forums.get(kind, [])
            meeting_id, title = agenda.get((w.id, kind), (None, None))
            w.missing.append(Awaited(kind, names[0] if len(names) == 1 else None, meeting_id, title))


MINE_LISTED = 100  # up to this many obligations, "mine" is read by their ids (see manager())


def _count_capped(stmt, cap: int) -> int:
    """How many rows `stmt` selects, counting no further than cap + 1 (the page says "cap+")."""
    return db.session.scalar(select(func.count()).select_from(stmt.limit(cap + 1).subquery()))


def manager(*, user_id: int, today: dt.date, lines: int = LINES) -> Manager:
    """The manager's part: their overdue and due-soon occurrences, the cooperative's overdue count,
    and agreements in draft.

    Which way to read "mine" depends on how many obligations name the user, and one short query
    tells: up to MINE_LISTED, their occurrences are read by obligation id (a few index ranges);
    beyond, in due-date order from the open-occurrences index, stopping at the page (most
    occurrences are then the user's)."""
    ids = list(db.session.scalars(
        select(Obligation.id).where(Obligation.responsible_id == user_id).limit(MINE_LISTED + 1)))
    few = len(ids) <= MINE_LISTED
    mine = Filters(responsible_id=None if few else user_id, obligation_ids=ids if few else None, status="open",
                   due_before=today + dt.timedelta(days=due_soon_days() + 1))
    overdue_cond = status_condition(OccurrenceStatus.overdue, today)
    soon_end = today + dt.timedelta(days=due_soon_days())
    rows, overdue, due_soon = [], 0, 0
    if ids:  # nothing names the user: nothing to read (an empty IN would still walk the index)
        rows = occurrence_page(filters=mine, today=today, cursor=None, limit=lines).items
        # One range of the open-occurrences index (due up to the end of "soon"), split by date.
        counts = (select(func.count(case((Occurrence.due_on < today, 1))),
                         func.count(case((Occurrence.due_on >= today, 1))))
                  .select_from(Occurrence).where(OPEN, Occurrence.due_on <= soon_end))
        if few:
            counts = counts.where(Occurrence.obligation_id.in_(ids))
        else:
            counts = counts.join(Obligation, Obligation.id == Occurrence.obligation_id).where(
                Obligation.responsible_id == user_id)
        overdue, due_soon = db.session.execute(counts).one()
    overdue_everyone = db.session.scalar(select(func.count()).select_from(Occurrence).where(overdue_cond))
    draft = Agreement.status == AgreementStatus.draft.value
    drafts = [
        AgreementLine(*row) for row in db.session.execute(
            select(Agreement.id, Agreement.reference, Agreement.title, Agreement.updated_at)
            .where(draft).order_by(Agreement.id.desc()).limit(lines)
        )
    ]
    drafts_total = db.session.scalar(select(func.count()).select_from(Agreement).where(draft))
    return Manager(rows, overdue or 0, due_soon or 0, overdue_everyone, drafts, drafts_total)


def member(*, user, member_id: int | None, now: dt.datetime, lines: int = LINES) -> MemberHome:
    """The member's part: what is published to them, newest change first, and the coming meetings
    of the forums they vote in."""
    published_cond = portal_clause(user)
    published = [
        AgreementLine(*row) for row in db.session.execute(
            select(Agreement.id, Agreement.reference, Agreement.title, Agreement.updated_at)
            .where(published_cond).order_by(Agreement.updated_at.desc(), Agreement.id.desc()).limit(lines)
        )
    ]
    since = now - dt.timedelta(days=NEW_DAYS)
    published_new = _count_capped(
        select(Agreement.id).where(published_cond, Agreement.updated_at >= since), NEW_SHOWN)
    votes_in = Forum.all_members.is_(True)
    if member_id is not None:
        votes_in = or_(votes_in, exists().where(ForumVoter.forum_id == Forum.id, ForumVoter.member_id == member_id))
    upcoming = and_(Meeting.status == MeetingStatus.scheduled.value, Meeting.starts_at >= now, votes_in)
    meetings = _meeting_lines(
        select(*_MEETING_COLUMNS).join(Forum, Forum.id == Meeting.forum_id).where(upcoming)
        .order_by(Meeting.starts_at, Meeting.id).limit(lines)
    )
    meetings_total = db.session.scalar(
        select(func.count()).select_from(Meeting).join(Forum, Forum.id == Meeting.forum_id).where(upcoming)
    )
    return MemberHome(published, published_new, meetings, meetings_total)

