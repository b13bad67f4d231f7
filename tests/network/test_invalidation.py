"""The cached network answers: a change made through the services after an answer was cached is
seen at once, a member is never served what was cached for staff, and a warm request reads no more
of the database for a large network than for a small one."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.agreements.models import Clause
from govtrack.agreements.services import (
    PartyData,
    amend_clause,
    get_for_update,
    transition_agreement,
    update_agreement,
)
from govtrack.core import versions
from govtrack.extensions import db
from govtrack.network import queries
from govtrack.partners.services import update_partner
from tests.conftest import PASSWORD, csrf_token
from tests.network.conftest import AS_OF

Q = f"as_of={AS_OF.isoformat()}"
SECRET = "Bank Rahasia Internal"


def page(client, query: str = Q) -> str:
    resp = client.get(f"/network/?{query}")
    assert resp.status_code == 200
    return html.unescape(resp.get_data(as_text=True))


def signed_in(app, user):
    """A browser of its own for `user` (several people take turns on the same data)."""
    browser = app.test_client()
    token = csrf_token(browser, "/login")
    resp = browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    return browser


def node_names(body: dict) -> set[str]:
    return {n["name"] for n in body["nodes"] if n["kind"] == "partner"}


def test_every_table_the_network_reads_is_a_tracked_table():
    assert set(queries.TABLES) <= set(db.metadata.tables)
    assert set(queries.TABLES) <= versions._TRACKED


def test_an_agreement_that_ends_leaves_the_cached_answers(api_as, client, sign_in, make_user, scenario):
    api = api_as("manager")
    sign_in("board")
    before = api.get(f"/api/v1/network?{Q}").get_json()
    assert "Dana Sanitasi" in node_names(before) and before["metrics"]["totals"]["agreements"] == 5
    assert "Dana Sanitasi" in page(client)
    assert api.get(f"/api/v1/network?{Q}").get_json() == before  # served from the cache
    transition_agreement(actor="test", agreement=scenario["grant_small"], to="completed")
    db.session.commit()
    after = api.get(f"/api/v1/network?{Q}").get_json()
    assert "Dana Sanitasi" not in node_names(after) and after["metrics"]["totals"]["agreements"] == 4
    assert after["metrics"]["concentration"]["flows"]["funding"]["hhi"] == 10000.0
    assert "Dana Sanitasi" not in page(client)


def test_a_renamed_partner_is_renamed_in_every_cached_answer(api_as, client, sign_in, make_user, scenario):
    api = api_as("manager")
    sign_in("manager")
    assert "Yayasan Air Bersih" in page(client)
    api.get(f"/api/v1/network?{Q}")
    api.get(f"/api/v1/network/impact?{Q}&partner_id={scenario['big'].id}")
    update_partner(actor="test", partner=scenario["big"], changes={"name": "Yayasan Air Jernih"})
    db.session.commit()
    assert "Yayasan Air Jernih" in page(client) and "Yayasan Air Bersih" not in page(client)
    assert "Yayasan Air Jernih" in node_names(api.get(f"/api/v1/network?{Q}").get_json())
    impact = api.get(f"/api/v1/network/impact?{Q}&partner_id={scenario['big'].id}").get_json()
    assert impact["partner_name"] == "Yayasan Air Jernih"
    assert "Yayasan Air Jernih" in api.get(f"/api/v1/network.svg?{Q}").get_data(as_text=True)


def test_a_new_party_and_value_change_the_cached_answers(api_as, client, sign_in, make_user, make_partner,
                                                          make_agreement):
    # Terms change only while draft: the draft network (?status=draft) shows them.
    first, second = make_partner("Koperasi Satu"), make_partner("Koperasi Dua")
    draft = make_agreement("Draft grant", parties=[(first, "funder")], value_amount=Decimal("100"))
    api = api_as("manager")
    sign_in("manager")
    query = f"{Q}&status=draft"
    body = api.get(f"/api/v1/network?{query}").get_json()
    assert node_names(body) == {"Koperasi Satu"} and body["metrics"]["totals"]["value"] == "100.00"
    assert "Koperasi Dua" not in page(client, query)
    update_agreement(actor="test", agreement=get_for_update(draft.id), changes={"value_amount": Decimal("250")},
                     parties=[PartyData(partner_id=first.id, role="funder"),
                              PartyData(partner_id=second.id, role="funder")])
    db.session.commit()
    body = api.get(f"/api/v1/network?{query}").get_json()
    assert node_names(body) == {"Koperasi Satu", "Koperasi Dua"}
    assert body["metrics"]["totals"]["value"] == "250.00"
    assert "Koperasi Dua" in page(client, query)


def test_a_decided_clause_changes_the_cached_autonomy(api_as, make_partner, make_agreement, make_decision):
    funder = make_partner("Funder")
    agreement = make_agreement("G", parties=[(funder, "funder")], status="active", clauses=["one"])
    clause = db.session.scalar(select(Clause).where(Clause.agreement_id == agreement.id))
    clause.proposed_by = "partner"
    db.session.commit()
    api = api_as("manager")
    today = "as_of=" + (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (row,) = api.get(f"/api/v1/network?{today}").get_json()["metrics"]["autonomy"]
    assert (row["pending"], row["rejected"]) == (1, 0)
    amend_clause(actor="test", clause=clause, text=None, status="rejected", decision_id=make_decision().id)
    db.session.commit()
    (row,) = api.get(f"/api/v1/network?{today}").get_json()["metrics"]["autonomy"]
    assert (row["pending"], row["rejected"]) == (0, 1)


def test_closing_a_members_meeting_brings_the_comparison(api_as, scenario):
    from govtrack.forums import services as forums

    api = api_as("manager")
    assert api.get(f"/api/v1/network?{Q}").get_json()["comparison"] is None
    rat = forums.create_forum(actor="test", data=forums.ForumData(name="RAT", kind="members_meeting", code="RAT"))
    start = dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC)
    meeting = forums.create_meeting(actor="test", forum=rat, title="RAT 2025", starts_at=start, location="x")
    forums.open_meeting(actor="test", meeting=meeting, now=start)
    forums.close_meeting(actor="test", meeting=meeting, now=start + dt.timedelta(hours=2))
    db.session.commit()
    comparison = api.get(f"/api/v1/network?{Q}").get_json()["comparison"]
    assert comparison["since"] == "2025-12-01" and comparison["totals"]["before"]["agreements"] == 0


@pytest.mark.parametrize("order", [("manager", "member", "manager"), ("member", "manager", "member")])
def test_a_member_never_gets_what_was_cached_for_staff(api_as, make_user, scenario, order):
    clients = {role: api_as(role) for role in set(order)}
    for role in order:
        api = clients[role]
        body = api.get(f"/api/v1/network?{Q}")
        svg = api.get(f"/api/v1/network.svg?{Q}").get_data(as_text=True)
        impact = api.get(f"/api/v1/network/impact?{Q}&partner_id={scenario['secret'].id}")
        if role == "member":
            assert SECRET not in body.get_data(as_text=True) and SECRET not in svg
            assert impact.status_code == 404
        else:
            assert SECRET in node_names(body.get_json()) and SECRET in svg
            assert impact.status_code == 200


@pytest.mark.parametrize("order", [("manager", "member", "manager"), ("member", "manager", "member")])
def test_the_page_and_its_search_keep_a_member_to_the_members_network(app, make_user, scenario, order):
    browsers = {role: signed_in(app, make_user(role)) for role in set(order)}
    for role in order:
        shown = page(browsers[role])
        found = page(browsers[role], f"{Q}&partner_q=rahasia")
        if role == "member":
            assert SECRET not in shown and SECRET not in found
            assert "No partner in this network has “rahasia” in its name." in found
        else:
            assert SECRET in shown
            assert f"If {SECRET} left" in found  # the only match: its impact at once


def _warm_queries(count_queries, get) -> int:
    get()
    get()
    with count_queries() as q:
        assert get().status_code == 200
    return q.count


@pytest.mark.parametrize("url", ["/network/", "/api/v1/network", "/api/v1/network.png"])
def test_a_warm_request_reads_the_same_whatever_the_size(client, sign_in, api_as, make_user, make_partner,
                                                        make_agreement, count_queries, monkeypatch, url):
    manager = make_user("manager")
    sign_in(manager)
    api = api_as(manager)
    get = (lambda: client.get(f"{url}?{Q}")) if url == "/network/" else (lambda: api.get(f"{url}?{Q}"))
    make_agreement("one", parties=[(make_partner(), "funder")], status="active", clauses=["x"])
    small = _warm_queries(count_queries, get)
    for i in range(12):
        make_agreement(f"more {i}", parties=[(make_partner(), "funder"), (make_partner(), "lender")],
                       status="active", clauses=["x", "y"])
    loads = []
    real = queries.networks_at
    monkeypatch.setattr(queries, "networks_at", lambda **kw: loads.append(1) or real(**kw))
    big = _warm_queries(count_queries, get)
    assert big == small
    assert len(loads) == 1  # the first request after the change: both dates (as_of, the comparison's) in one read
    with count_queries():
        get()
    assert len(loads) == 1  # ... and never again while nothing changes


def test_the_what_if_picker_offers_the_largest_and_finds_the_rest_by_name(client, sign_in, make_user, make_partner,
                                                                          make_agreement):
    for i in range(queries.PICKER_SIZE + 5):
        make_agreement(f"Grant {i}", parties=[(make_partner(f"Funder {i:02d}"), "funder")], status="active",
                       value_amount=Decimal(1000 + i))
    small = make_partner("Yayasan Kecil")
    make_agreement("Tiny grant", parties=[(small, "funder")], status="active", value_amount=Decimal("1"))
    sign_in("board")
    shown = page(client)
    start = shown.index('id="partner_id"')
    options = shown[start:shown.index("</select>", start)].count("<option")
    assert options == queries.PICKER_SIZE + 1  # "—" and the largest
    assert f"Funder {queries.PICKER_SIZE + 4:02d}" in shown[start:] and ">Yayasan Kecil<" not in shown[start:]
    found = page(client, f"{Q}&partner_q=kecil")
    assert "If Yayasan Kecil left: agreements failing directly: 1" in found
    several = page(client, f"{Q}&partner_q=funder")
    assert "whose name contains “funder”: choose one" in several
    assert f"partner_id={small.id}" not in several
    assert several.count('partner_id=') >= queries.SEARCH_LIMIT


def test_the_obligations_of_a_cached_impact_are_read_fresh(client, sign_in, make_user, scenario):
    from govtrack.obligations.services import ObligationData, create_obligation

    sign_in("manager")
    query = f"{Q}&partner_id={scenario['big'].id}"
    assert "Quarterly report to the funder" not in page(client, query)
    today = dt.date.today()
    create_obligation(actor="test", data=ObligationData(
        agreement_id=scenario["grant_big"].id, owed_by="cooperative", kind="report",
        title="Quarterly report to the funder", due_date=today + dt.timedelta(days=40)), today=today)
    db.session.commit()
    assert "Quarterly report to the funder" in page(client, query)


def test_the_cached_json_is_what_the_schema_describes(api_as, app, scenario):
    api = api_as("manager")
    cold = api.get(f"/api/v1/network?{Q}&agreements=true")
    warm = api.get(f"/api/v1/network?{Q}&agreements=true")
    assert cold.mimetype == warm.mimetype == "application/json"
    assert cold.data == warm.data
    assert set(warm.get_json()) == {"directed", "multigraph", "graph", "nodes", "edges", "metrics", "comparison"}
    spec = api.get("/api/v1/openapi.json").get_json()
    ok = spec["paths"]["/api/v1/network"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/Network")
