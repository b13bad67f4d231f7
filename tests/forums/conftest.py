"""Fixtures for the forums area: members on the roster, forums, meetings, motions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from govtrack.extensions import db

NOW = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def make_members(app_context) -> Callable:
    """make_members(n) -> n voting members, inserted in one go."""
    from sqlalchemy import insert, select

    from govtrack.members.models import Member

    counter = {"n": 0}

    def make(n: int, *, group: str = "Rembug Mawar", prefix: str = "B") -> list[Member]:
        start = counter["n"]
        counter["n"] += n
        rows = [{"number": f"{prefix}{start + i:07d}", "name": f"Anggota {prefix}{start + i}", "group_name": group,
                 "active": True, "investor": False, "created_at": NOW, "updated_at": NOW} for i in range(n)]
        db.session.execute(insert(Member), rows)
        db.session.commit()
        numbers = [r["number"] for r in rows]
        return list(db.session.scalars(select(Member).where(Member.number.in_(numbers)).order_by(Member.id)))

    return make


@pytest.fixture
def make_forum(app_context) -> Callable:
    from govtrack.forums.services import ForumData, create_forum

    counter = {"n": 0}

    def make(kind: str = "rembug_pusat", *, name: str | None = None, quorum=(1, 2), strict: bool = False,
             threshold: str = "simple_majority", voters: list | None = None, proxy_limit: int = 1,
             code: str | None = None):
        counter["n"] += 1
        forum = create_forum(
            actor="test",
            data=ForumData(
                name=name or f"Forum {counter['n']}", kind=kind, code=code or f"F{counter['n']}",
                all_members=voters is None, voter_ids=[m.id for m in voters or []],
                quorum_numerator=quorum[0], quorum_denominator=quorum[1], quorum_strict=strict,
                threshold=threshold, proxy_limit=proxy_limit,
            ),
        )
        db.session.commit()
        return forum

    return make


@pytest.fixture
def make_meeting(app_context, make_forum) -> Callable:
    """make_meeting(forum=None, open=True, present=[members], absent=[], proxies={member: holder})."""
    from govtrack.forums import services

    def make(forum=None, *, open: bool = True, present=(), absent=(), proxies=None, title: str = "Rapat"):
        forum = forum or make_forum()
        meeting = services.create_meeting(actor="test", forum=forum, title=title, starts_at=NOW,
                                          location="Balai desa")
        if open:
            services.open_meeting(actor="test", meeting=meeting, now=NOW)
        entries = [services.AttendanceEntry(m.id, "present") for m in present]
        entries += [services.AttendanceEntry(m.id, "absent") for m in absent]
        entries += [services.AttendanceEntry(m.id, "proxy", h.id) for m, h in (proxies or {}).items()]
        if entries:
            services.set_attendance(actor="test", meeting=meeting, entries=entries)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_motion(app_context) -> Callable:
    """make_motion(meeting, effect=, agreement=, ...) -> an open motion. A motion about an agreement
    needs that agreement on the meeting's agenda: unless it is there already, the secretary puts
    it there first (agenda=False leaves the agenda alone, to test that rule)."""
    from sqlalchemy import select

    from govtrack.forums import services
    from govtrack.forums.models import AgendaItem

    def make(meeting, *, effect: str = "none", agreement=None, amendments=None, title: str = "Usul",
             obligation_id: int | None = None, agenda: bool = True):
        if agreement is not None and agenda and db.session.scalar(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id,
                                        AgendaItem.agreement_id == agreement.id).limit(1)
        ) is None:
            services.add_agenda_item(actor="test", meeting=meeting, title=f"Pembahasan {agreement.title}",
                                     agreement_id=agreement.id)
        motion = services.create_motion(
            actor="test", meeting=meeting,
            data=services.MotionData(
                title=title, text=f"{title}: the forum resolves.", effect=effect,
                agreement_id=agreement.id if agreement else None,
                amendments=[services.AmendmentData(c, t) for c, t in (amendments or [])],
                obligation_id=obligation_id,
            ),
        )
        db.session.commit()
        return motion

    return make


@pytest.fixture
def vote(app_context) -> Callable:
    """vote(motion, {member: "yes", ...}) through the service, committed."""
    from govtrack.forums import services

    def do(motion, choices: dict):
        services.cast_votes(actor="test", motion=motion, votes=[(m.id, c) for m, c in choices.items()])
        db.session.commit()

    return do


@pytest.fixture
def close(app_context) -> Callable:
    from govtrack.forums import services

    def do(motion):
        from govtrack.forums.queries import load_motion

        m = services.close_motion(actor="test", motion=motion, now=NOW)
        db.session.commit()
        return load_motion(m.id)

    return do
