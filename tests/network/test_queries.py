"""Reading the network from the database: dates in force, visibility, query count, clause history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from govtrack.agreements.models import Clause, ClauseVersion
from govtrack.agreements.services import amend_clause
from govtrack.extensions import db
from govtrack.network import graph, queries
from tests.network.conftest import AS_OF


def _ids(data):
    return {a.id for a in data.agreements}


def test_as_of_excludes_agreements_not_yet_in_force_or_ended(make_user, make_partner, make_agreement):
    manager = make_user("manager")
    p = make_partner()
    day = AS_OF
    starts_today = make_agreement("starts today", parties=[(p, "funder")], status="active", start_date=day)
    ends_today = make_agreement("ends today", parties=[(p, "funder")], status="active",
                                start_date=day - dt.timedelta(days=30), end_date=day)
    open_ended = make_agreement("no dates", parties=[(p, "funder")], status="active")
    suspended = make_agreement("suspended", parties=[(p, "funder")], status="suspended", start_date=day)
    make_agreement("starts tomorrow", parties=[(p, "funder")], status="active", start_date=day + dt.timedelta(days=1))
    make_agreement("ended yesterday", parties=[(p, "funder")], status="active",
                   start_date=day - dt.timedelta(days=30), end_date=day - dt.timedelta(days=1))
    approved = make_agreement("approved, not signed", parties=[(p, "funder")], status="approved", start_date=day)
    deliberated = make_agreement("under deliberation", parties=[(p, "funder")], status="under_deliberation",
                                 start_date=day - dt.timedelta(days=5))
    make_agreement("deliberated, starts tomorrow", parties=[(p, "funder")], status="under_deliberation",
                   start_date=day + dt.timedelta(days=1))
    make_agreement("draft", parties=[(p, "funder")], start_date=day)
    make_agreement("completed", parties=[(p, "funder")], status="completed", start_date=day)
    in_force = {starts_today.id, ends_today.id, open_ended.id, suspended.id}
    assert _ids(queries.network_data(user=manager, as_of=day, status=["suspended", "active"])) == in_force
    # The default: in force, under deliberation and approved, each on the dates it covers.
    data = queries.network_data(user=manager, as_of=day)
    assert _ids(data) == in_force | {approved.id, deliberated.id}
    assert data.filters["status"] == ("active", "suspended", "under_deliberation", "approved")
    only = queries.network_data(user=manager, as_of=day, status="approved")
    assert [a.title for a in only.agreements] == ["approved, not signed"]
    assert [a.title for a in queries.network_data(user=manager, as_of=day, status=["draft"]).agreements] == ["draft"]


def test_member_sees_only_the_network_published_to_members(make_user, scenario):
    member = make_user("member")
    data = queries.network_data(user=member, as_of=AS_OF)
    names = {p.name for p in data.partners}
    assert "Bank Rahasia Internal" not in names
    assert scenario["loan"].id not in _ids(data)
    staff = queries.network_data(user=make_user("board"), as_of=AS_OF)
    assert "Bank Rahasia Internal" in {p.name for p in staff.partners}


def test_category_and_flow_filters_keep_only_matching_parties(make_user, scenario):
    manager = make_user("manager")
    funding = queries.network_data(user=manager, as_of=AS_OF, flow="funding")
    assert {p.name for p in funding.partners} == {"Yayasan Air Bersih", "Dana Sanitasi"}
    builders = queries.network_data(user=manager, as_of=AS_OF, category="construction_partner")
    assert {a.title for a in builders.agreements} == {"Works", "Pipes"}
    assert builders.dependencies == [(scenario["pipes"].id, scenario["works"].id)]


def test_network_is_read_in_a_fixed_number_of_queries(make_user, make_partner, make_agreement, count_queries):
    manager = make_user("manager")
    for i in range(3):
        make_agreement(f"a{i}", parties=[(make_partner(), "funder")], status="active", clauses=["x", "y"])
    with count_queries() as small:
        queries.network_data(user=manager, as_of=AS_OF)
    for i in range(10):
        make_agreement(f"b{i}", parties=[(make_partner(), "funder")], status="active", clauses=["x"])
    with count_queries() as big:
        queries.network_data(user=manager, as_of=AS_OF)
    assert big.count == small.count <= 6, small.statements  # 4 reads, the user, BEGIN


def test_autonomy_reads_clause_status_as_it_was_on_the_date(make_user, make_partner, make_agreement, make_decision):
    manager = make_user("manager")
    funder = make_partner("Funder")
    agreement = make_agreement("G", parties=[(funder, "funder")], status="active",
                               value_amount=Decimal("10"), clauses=["one", "two"])
    clauses = db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)).all()
    for c in clauses:
        c.proposed_by = "partner"
    db.session.flush()
    d1, d2 = make_decision().id, make_decision().id
    amend_clause(actor="test", clause=clauses[0], text="one, amended", status="amended", decision_id=d1)
    amend_clause(actor="test", clause=clauses[1], text=None, status="rejected", decision_id=d2)
    db.session.commit()
    # Date the versions: the originals long ago, the decisions on AS_OF.
    for v in db.session.scalars(select(ClauseVersion)):
        v.created_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if v.version == 1 else dt.datetime(
            AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=dt.UTC)
    db.session.commit()
    (now,) = graph.autonomy(queries.network_data(user=manager, as_of=AS_OF))
    assert (now["amended"], now["rejected"], now["pending"], now["decisions"]) == (1, 1, 0, [d1, d2])
    (before,) = graph.autonomy(queries.network_data(user=manager, as_of=AS_OF - dt.timedelta(days=1)))
    assert (before["amended"], before["rejected"], before["pending"]) == (0, 0, 2)


def test_compare_with_a_date_before_the_second_grant(make_user, scenario):
    manager = make_user("manager")
    diff = queries.compare(user=manager, as_of=AS_OF, since=dt.date(2025, 12, 1))
    assert diff["totals"]["before"]["agreements"] == 0
    assert diff["concentration"]["flows"]["funding"]["hhi_after"] == 6250.0
    assert len(diff["partners_added"]) == 5


def test_last_members_meeting_is_the_latest_closed_one(app_context, app):
    from govtrack.forums import services as forums

    assert queries.last_members_meeting_date() is None
    rat = forums.create_forum(actor="test", data=forums.ForumData(name="RAT", kind="members_meeting", code="RAT"))
    board = forums.create_forum(actor="test", data=forums.ForumData(name="Board", kind="board", code="BD"))
    day = dt.datetime(2026, 3, 14, 9, tzinfo=dt.UTC)
    for forum, start, close in ((rat, day, True), (rat, day + dt.timedelta(days=30), False),
                                (board, day + dt.timedelta(days=60), True)):
        meeting = forums.create_meeting(actor="test", forum=forum, title="m", starts_at=start, location="x")
        if close:
            forums.open_meeting(actor="test", meeting=meeting, now=start)
            forums.close_meeting(actor="test", meeting=meeting, now=start + dt.timedelta(hours=2))
    db.session.commit()
    # the scheduled members' meeting and the board's meeting do not count
    assert queries.last_members_meeting_date() == dt.date(2026, 3, 14)


def test_obligations_affected_are_the_open_ones(make_partner, make_agreement):
    from govtrack.obligations.services import ObligationData, create_obligation, fulfil

    funder = make_partner("Funder")
    agreement = make_agreement("G", parties=[(funder, "funder")], status="active")
    today = dt.date.today()
    open_ob = create_obligation(actor="test", data=ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="report", title="Laporan",
        due_date=today + dt.timedelta(days=40)), today=today)
    done = create_obligation(actor="test", data=ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="report", title="Selesai",
        due_date=today - dt.timedelta(days=3)), today=today)
    db.session.commit()
    fulfil(actor="test", obligation=done, on=today, note="sent")
    db.session.commit()
    rows = queries.obligations_affected([agreement.id], today)
    assert [(r["id"], r["status"]) for r in rows] == [(open_ob.id, "pending")]
    assert queries.obligations_affected([], today) == []


def test_the_page_shows_the_first_rows_of_each_list_and_how_many_there_are():
    from govtrack.network.queries import (
        PAGE_LIST,
        AgreementRow,
        NetworkData,
        PartnerRow,
        PartyRow,
        page_metrics,
    )

    n = PAGE_LIST + 7
    # A chain funder -> grant -> works_i: the funder and the grant hold every project together.
    data = NetworkData(
        as_of=AS_OF,
        partners=[PartnerRow(1, "Funder", "nonprofit_funder")] + [PartnerRow(10 + i, f"C{i}", "construction_partner") for i in range(n)],
        agreements=[AgreementRow(100, "Grant", "grant", "active", Decimal(1000))]
        + [AgreementRow(200 + i, f"Works {i}", "construction", "active", Decimal(10)) for i in range(n)],
        parties=[PartyRow(100, 1, "funder")] + [PartyRow(200 + i, 10 + i, "contractor") for i in range(n)],
        dependencies=[(200 + i, 100) for i in range(n)],
    )
    full = graph.compute_metrics(data)
    assert full["single_points_of_failure"]["projects_total"] == n == len(full["single_points_of_failure"]["projects"])
    shown = page_metrics(full)
    spof = shown["single_points_of_failure"]
    assert len(spof["projects"]) == PAGE_LIST and spof["projects_total"] == n
    assert spof["projects"] == full["single_points_of_failure"]["projects"][:PAGE_LIST]
    assert len(spof["bridges"]) <= PAGE_LIST
    supply = shown["concentration"]["flows"]["supply"]
    assert len(supply["sources"]) == 3 and supply["sources_total"] == n
    assert full["concentration"]["flows"]["supply"]["sources"][:3] == supply["sources"]
