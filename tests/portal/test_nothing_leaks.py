"""For every agreement not published to the reader, every member- and public-facing route answers
exactly as for an agreement that does not exist, and no list, search, feed or API names it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from govtrack.agreements.models import AgreementStatus
from govtrack.extensions import db
from tests.portal.conftest import PDF

NONE = 999999
RID = {"X-Request-ID": "fixed-request-id-1"}
ATOM = "{http://www.w3.org/2005/Atom}"
UNPUBLISHED = ["draft", "under_deliberation", "rejected", "suspended", "terminated"]


def _normalise(body: str, agreement_id: int, doc_id: int | None = None) -> str:
    """The page echoes its own URL (language switch) and carries a fresh CSRF token; nothing else may differ."""
    body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', body)
    body = body.replace(f"/{agreement_id}", "/ID")
    if doc_id is not None:
        body = body.replace(f"/{doc_id}", "/DOC")
    return body


def _same(client, url_hidden: str, url_none: str, hidden_id: int, doc_id: int | None = None):
    a = client.get(url_hidden, headers=RID)
    b = client.get(url_none, headers=RID)
    assert a.status_code == b.status_code, url_hidden
    assert a.status_code in (401, 403, 404), url_hidden
    assert _normalise(a.get_data(as_text=True), hidden_id, doc_id) == _normalise(
        b.get_data(as_text=True), NONE, NONE if doc_id is not None else None
    ), url_hidden


@pytest.fixture
def world(publish, attach, decisions):
    """Hidden agreements of every kind (each with a document and a decision) beside published ones."""
    hidden = {}
    for status in [s.value for s in AgreementStatus]:
        hidden[f"internal-{status}"] = publish(f"Secret internal {status} zqx{status}", visibility="internal",
                                               status=status, summary="zqxsecret")
    for status in UNPUBLISHED:
        hidden[f"members-{status}"] = publish(f"Unpublished members {status}", visibility="members", status=status)
        hidden[f"public-{status}"] = publish(f"Unpublished public {status}", visibility="public", status=status)
    members_only = publish("Members only loan", visibility="members")
    shown = publish("Public grant", visibility="public")
    docs = {}
    for key, agreement in [*hidden.items(), ("members-only", members_only), ("shown", shown)]:
        docs[agreement.id] = attach(agreement, f"{key}.pdf", PDF).id
        decisions.add(agreement, id=agreement.id, number=f"D-{key}")
    db.session.commit()
    return {"hidden": hidden, "members_only": members_only, "shown": shown, "docs": docs}


def _results(resp) -> str:
    """The results part of the portal's list page (the search box echoes what was typed)."""
    html = resp.get_data(as_text=True)
    return html.split('<section aria-label="Results">', 1)[1].split("</section>", 1)[0]


def _listed_everywhere(client, agreement) -> list[str]:
    """Where an agreement's title shows up in the lists, searches, register, feed and API."""
    found = []
    title = agreement.title
    if title in _results(client.get("/published/")):
        found.append("portal list")
    if title in _results(client.get("/published/", query_string={"q": title})):
        found.append("portal search")
    if "/published/" in _results(client.get("/published/", query_string={"q": "zqxsecret"})):
        found.append("portal search by summary")
    if f"/published/{agreement.id}#" in client.get("/published/decisions").get_data(as_text=True):
        found.append("decision register")
    feed = client.get("/published/feed.atom").get_data(as_text=True)
    if title in feed or f"/published/{agreement.id}<" in feed or f"/published/{agreement.id}#" in feed:
        found.append("feed")
    api = client.get("/api/v1/public/agreements", query_string={"limit": 500}).get_json()
    if any(item["id"] == agreement.id for item in api["items"]):
        found.append("public API")
    api_q = client.get("/api/v1/public/agreements", query_string={"q": title}).get_json()
    if api_q["items"]:
        found.append("public API search")
    return found


def _routes(agreement_id: int, doc_id: int) -> list[tuple[str, str]]:
    return [
        (f"/published/{agreement_id}", f"/published/{NONE}"),
        (f"/api/v1/public/agreements/{agreement_id}", f"/api/v1/public/agreements/{NONE}"),
        (f"/api/v1/agreements/{agreement_id}/documents/{doc_id}", f"/api/v1/agreements/{NONE}/documents/{NONE}"),
        (f"/api/v1/agreements/{agreement_id}", f"/api/v1/agreements/{NONE}"),
    ]


def test_anonymous_visitors_cannot_tell_hidden_agreements_from_missing_ones(client, world):
    for agreement in [*world["hidden"].values(), world["members_only"]]:
        doc_id = world["docs"][agreement.id]
        for hidden_url, none_url in _routes(agreement.id, doc_id):
            _same(client, hidden_url, none_url, agreement.id, doc_id)
        assert _listed_everywhere(client, agreement) == [], agreement.title


def test_members_cannot_tell_internal_or_unpublished_agreements_from_missing_ones(
    client, world, make_user, sign_in
):
    sign_in("member")
    for agreement in world["hidden"].values():
        doc_id = world["docs"][agreement.id]
        for hidden_url, none_url in _routes(agreement.id, doc_id):
            _same(client, hidden_url, none_url, agreement.id, doc_id)
        assert _listed_everywhere(client, agreement) == [], agreement.title


def test_what_is_published_is_reachable_so_the_checks_above_mean_something(client, world, make_user, sign_in):
    shown, members_only = world["shown"], world["members_only"]
    assert client.get(f"/published/{shown.id}").status_code == 200
    assert client.get(f"/api/v1/public/agreements/{shown.id}").status_code == 200
    assert client.get(f"/api/v1/agreements/{shown.id}/documents/{world['docs'][shown.id]}").data == PDF
    assert set(_listed_everywhere(client, shown)) == {
        "portal list", "portal search", "decision register", "feed", "public API", "public API search",
    }
    sign_in("member")
    assert client.get(f"/published/{members_only.id}").status_code == 200
    assert client.get(f"/api/v1/agreements/{members_only.id}/documents/{world['docs'][members_only.id]}").data == PDF
    # the public API and the feed stay the public's view, even for a signed-in member
    assert client.get(f"/api/v1/public/agreements/{members_only.id}").status_code == 404
    feed = client.get("/published/feed.atom")
    assert feed.status_code == 200 and shown.title in feed.get_data(as_text=True)
    assert members_only.title not in feed.get_data(as_text=True)


def test_the_feed_is_well_formed_atom(client, world):
    root = ET.fromstring(client.get("/published/feed.atom").data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries if "Public grant" in e.findtext(f"{ATOM}title")]
