"""The network's dates are the cooperative's days (GOVTRACK_TIMEZONE), not UTC's: what happened at
06:00 WIB belongs to that day, which in UTC is still the day before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from govtrack.agreements.models import Clause, ClauseVersion
from govtrack.agreements.services import amend_clause
from govtrack.extensions import db
from govtrack.network import graph, queries

UTC = dt.UTC


def test_the_last_members_meeting_is_dated_on_the_cooperative_day(app_context):
    from govtrack.forums import services as forums

    rat = forums.create_forum(actor="test", data=forums.ForumData(name="RAT", kind="members_meeting", code="RAT"))
    start = dt.datetime(2026, 12, 4, 23, 0, tzinfo=UTC)  # 06:00 WIB on 5 December
    meeting = forums.create_meeting(actor="test", forum=rat, title="RAT 2026", starts_at=start, location="x")
    forums.open_meeting(actor="test", meeting=meeting, now=start)
    forums.close_meeting(actor="test", meeting=meeting, now=start + dt.timedelta(hours=2))
    db.session.commit()
    assert queries.last_members_meeting_date() == dt.date(2026, 12, 5)


def test_a_clause_decided_at_three_in_the_morning_wib_counts_from_that_day_only(
        make_user, make_partner, make_agreement, make_decision):
    manager = make_user("manager")
    agreement = make_agreement("G", parties=[(make_partner("Funder"), "funder")], status="active",
                               value_amount=Decimal("10"), clauses=["one"])
    clause = db.session.scalar(select(Clause).where(Clause.agreement_id == agreement.id))
    clause.proposed_by = "partner"
    db.session.flush()
    amend_clause(actor="test", clause=clause, text="one, amended", status="amended", decision_id=make_decision().id)
    db.session.commit()
    for v in db.session.scalars(select(ClauseVersion)):
        # the original long ago; the amendment at 03:00 WIB on 5 December (20:00 UTC on the 4th)
        v.created_at = (dt.datetime(2025, 1, 1, tzinfo=UTC) if v.version == 1
                        else dt.datetime(2026, 12, 4, 20, 0, tzinfo=UTC))
    db.session.commit()
    (before,) = graph.autonomy(queries.network_data(user=manager, as_of=dt.date(2026, 12, 4)))
    (on_the_day,) = graph.autonomy(queries.network_data(user=manager, as_of=dt.date(2026, 12, 5)))
    assert (before["amended"], before["pending"]) == (0, 1)
    assert (on_the_day["amended"], on_the_day["pending"]) == (1, 0)
