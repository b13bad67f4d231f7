"""The public transparency API and the Atom feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from govtrack.forums.queries import DecisionSummary

ATOM = "{http://www.w3.org/2005/Atom}"


def test_public_api_lists_public_published_agreements_with_their_decisions(client, publish, decisions):
    a = publish("Hibah air bersih", clauses=["Mitra menyediakan dana"], reference="PKS-1")
    publish("Members loan", visibility="members")
    publish("Internal", visibility="internal")
    decisions.add(a, id=7, number="7/RP/2025", yes=20, no=1, abstain=0)
    resp = client.get("/api/v1/public/agreements")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["next"] is None
    [item] = body["items"]
    assert item["title"] == "Hibah air bersih" and item["reference"] == "PKS-1"
    assert item["value"] == {"amount": "1500000.00", "currency": "IDR"}
    assert item["start_date"] == "2025-03-01"
    assert item["parties"][0]["role"] == "funder"
    assert item["clauses"][0]["text"] == "Mitra menyediakan dana"
    assert item["clauses"][0]["versions"][-1]["decision_id"] == 1
    assert item["decisions"] == [
        {"id": 7, "number": "7/RP/2025", "date": "2025-02-20", "forum": "Forum Rembug Pusat",
         "outcome": "carried", "method": "roll_call", "effect": "approve", "yes": 20, "no": 1, "abstain": 0}
    ]
    assert item["url"].endswith(f"/published/{a.id}")


def test_public_api_needs_no_token_and_pages_by_cursor(client, publish):
    ids = [publish(f"A{i}").id for i in range(5)]
    first = client.get("/api/v1/public/agreements", query_string={"limit": 3}).get_json()
    second = client.get("/api/v1/public/agreements", query_string={"limit": 3, "cursor": first["next"]}).get_json()
    assert [i["id"] for i in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next"] is None


def test_public_api_filters_and_refuses_bad_values(client, publish, make_partner):
    bank = make_partner("Bank", category="financial_institution")
    publish("Loan", kind="loan", parties=[(bank, "lender")], start_date=dt.date(2024, 2, 1), end_date=None)
    publish("Grant")
    get = lambda **q: [i["title"] for i in client.get("/api/v1/public/agreements", query_string=q).get_json()["items"]]  # noqa: E731
    assert get(kind="loan") == ["Loan"]
    assert get(category="financial_institution") == ["Loan"]
    assert get(year=2024) == ["Loan"]
    assert get(q="gra") == ["Grant"]
    bad = client.get("/api/v1/public/agreements", query_string={"kind": "bribe"})
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/public/agreements", query_string={"cursor": "!!"}).status_code == 422


def test_public_api_item_and_404(client, publish, decisions):
    a = publish("Grant")
    resp = client.get(f"/api/v1/public/agreements/{a.id}")
    assert resp.status_code == 200 and resp.get_json()["id"] == a.id
    missing = client.get("/api/v1/public/agreements/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_public_api_answers_in_a_constant_number_of_queries(client, publish, count_queries):
    publish("A", clauses=["x"])
    with count_queries() as few:
        client.get("/api/v1/public/agreements")
    for i in range(8):
        publish(f"B{i}", clauses=["y", "z"])
    with count_queries() as many:
        client.get("/api/v1/public/agreements")
    assert many.count == few.count


def test_public_routes_are_documented_as_needing_no_token(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/public/agreements"]["get"]
    assert op["security"] == []
    assert "/api/v1/public/agreements/{agreement_id}" in doc["paths"]


def test_a_decision_summary_carries_counts_never_individual_votes():
    names = set(DecisionSummary.__dataclass_fields__)
    assert {"yes", "no", "abstain"} <= names
    assert not names & {"votes", "voters", "ballots", "member_id", "choices"}


def test_feed_lists_public_agreements_and_decisions_newest_first(client, publish, decisions):
    old = publish("Old grant")
    new = publish("New loan", visibility="public")
    publish("Members only", visibility="members")
    decisions.add(old, id=1, number="1/RP/2024", decided_on=dt.date(2024, 1, 5))
    resp = client.get("/published/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)
    entries = root.findall(f"{ATOM}entry")
    entry_titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert entry_titles[:2] == ["New loan", "Old grant"]
    assert "Decision 1/RP/2024: Old grant" in entry_titles
    assert "Members only" not in entry_titles
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links[0].endswith(f"/published/{new.id}")
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/published/feed.atom")
    decision = entries[entry_titles.index("Decision 1/RP/2024: Old grant")]
    assert "yes 18, no 3, abstain 2" in decision.findtext(f"{ATOM}summary")


def test_feed_escapes_what_people_typed(client, publish):
    publish('Air & sanitasi <script>alert("x")</script>', summary="Baris\x0bsatu & dua\x01")
    resp = client.get("/published/feed.atom")
    assert resp.status_code == 200
    root = ET.fromstring(resp.data)  # parses: nothing typed can break the XML
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == 'Air & sanitasi <script>alert("x")</script>'
    assert "<script>" not in resp.get_data(as_text=True)
    assert "Barissatu & dua" in entry.findtext(f"{ATOM}summary")


def test_feed_of_nothing_is_still_valid(client):
    root = ET.fromstring(client.get("/published/feed.atom").data)
    assert root.findall(f"{ATOM}entry") == [] and root.findtext(f"{ATOM}updated")


def test_published_decisions_are_those_of_the_agreements_asked_and_no_other(app, publish, make_decision):
    from govtrack.forums.queries import published_decisions

    grant, loan = publish("Grant"), publish("Loan")
    of_grant = make_decision(grant, text="Hibah diterima.")
    make_decision(loan, text="Pinjaman diterima.")
    out = published_decisions([grant.id])
    assert list(out) == [grant.id]
    assert [(d.id, d.text, d.agreement_id) for d in out[grant.id]] == [(of_grant.id, "Hibah diterima.", grant.id)]
    assert published_decisions([]) == {}
