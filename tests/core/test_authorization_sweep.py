"""Every route of the application × anonymous visitors and members: a sweep over the URL map with
an explicit table of what each may reach. A new route is refused to both unless it is added here,
so a forgotten permission check fails this test instead of leaking."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from tests.conftest import csrf_token

# Endpoints anyone may reach (they answer for themselves what an anonymous visitor sees).
ANONYMOUS_OK = {
    "core.healthz", "core.set_language", "core.glossary", "auth.login", "api-docs.openapi_json",
    "portal.index", "portal.agreement", "portal.decisions", "portal.atom_feed",
    "public_api.PublicAgreements", "public_api.PublicAgreement",
    # open data: only what the public may read (tests/portal/test_ocds.py, test_iati.py)
    "public_api.ocds_package", "public_api.iati_activities",
    # the survey capture pages' service worker: a static script (a browser fetches it without asking)
    "surveys.service_worker",
    # the list of survey results published to the reader (tests/surveys/test_privacy.py)
    "surveys.published_index",
}
# Endpoints a signed-in member may reach, besides the anonymous ones.
MEMBER_OK = ANONYMOUS_OK | {
    "core.home", "auth.change_password", "auth.logout", "portal.meetings", "search.page", "search_api.Search",
    "network.index", "network_api.network", "network_api.network_png", "network_api.network_svg",
    "network_api.network_graphml", "network_api.network_gexf", "network_api.network_impact",
    # the map and its partner panel (a partner outside what the member may see answers 404)
    "network_api.network_map", "network.partner_panel", "network.partner",
    # a member answers a survey they were drawn for; any other survey answers 404 (tests/surveys)
    "surveys.answer",
}
# Routes that answer 404 to whoever may not see the object (they cannot say "forbidden" without
# saying the object exists): document downloads, evidence, calendar feeds by secret token.
NOT_FOUND_OK = {
    "agreements.download", "agreements_api.download_document", "obligations.ical",
    # a decision is read by whoever may read its agreement (the world's is internal)
    "forums.decision", "forums_api.decision_get",
    # the centres' roll-up chart: of an agreement published to the reader (the world's is internal)
    "centres.rollup_chart",
    # a survey's published results: 404 unless published to the reader (tests/surveys/test_privacy.py)
    "surveys.published", "surveys.published_csv", "surveys.published_xlsx", "surveys.published_chart", "surveys_api.Results",
}

SKIP = {"static"}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(app, make_partner, make_agreement, make_decision):
    """One object of every kind, so that every `<int:...>` in a URL can be 1 and exist."""
    from werkzeug.datastructures import FileStorage

    from govtrack.agreements.services import add_document
    from govtrack.obligations.services import ObligationData, create_obligation

    partner = make_partner("Mitra Rahasia")
    agreement = make_agreement("Internal loan", kind="loan", parties=[(partner, "lender")],
                               clauses=["Margin"], visibility="internal")
    add_document(actor="test", agreement=agreement, file=FileStorage(io.BytesIO(PDF), filename="a.pdf"))
    create_obligation(actor="test", data=ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="repayment", title="Angsuran",
        due_date=dt.date.today() + dt.timedelta(days=10)))
    db.session.commit()
    make_decision(agreement)
    return agreement


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        url = re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule)
        url = re.sub(r"<any\([^)]*\):\w+>", "png", url)
        url = re.sub(r"<\w+:\w+>", "x", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _audit_count() -> int:
    """Audit events other than the ones a refusal itself writes (issue 11: a refused write and a
    token used from a new address are recorded; they change no data)."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.not_in(["access.denied", "user.token_new_address"])))


def test_anonymous_visitors_reach_only_what_is_public(app, client, world):
    before = _audit_count()
    for endpoint, method, url in _routes(app):
        resp = client.open(url, method=method, json={} if url.startswith("/api/") and method != "GET" else None)
        status = resp.status_code
        assert status < 500, (endpoint, method, url, status)
        if endpoint in ANONYMOUS_OK:
            continue
        if endpoint in NOT_FOUND_OK:
            assert status == 404, (endpoint, url, status)
        elif url.startswith("/api/"):
            assert status == 401, (endpoint, method, url, status)
        elif method == "GET":
            assert status == 302 and "/login" in resp.headers["Location"], (endpoint, url, status)
        else:
            # A form post without a session: refused by CSRF (400) before anything else runs.
            assert status in (400, 302), (endpoint, method, url, status)
    assert _audit_count() == before


def test_members_reach_only_the_portal_the_network_and_their_account(
    app, client, world, make_user, sign_in, token_for
):
    member = make_user("member")
    sign_in(member)
    token = token_for(member)
    before = _audit_count()
    for endpoint, method, url in _routes(app):
        if endpoint in MEMBER_OK:
            continue
        if url.startswith("/api/"):
            resp = client.open(url, method=method, headers={"Authorization": f"Bearer {token}"},
                               json={} if method != "GET" else None)
        elif method == "GET":
            resp = client.get(url)
        else:
            resp = client.open(url, method=method, data={"csrf_token": csrf_token(client, "/")})
        status = resp.status_code
        if endpoint in NOT_FOUND_OK:
            assert status == 404, (endpoint, url, status)
        else:
            assert status == 403, (endpoint, method, url, status)
    assert _audit_count() == before
    denied = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert denied > 0  # every refused write of the sweep is on the record


def test_members_see_the_public_network_but_not_the_internal_partner(client, world, make_user, sign_in):
    sign_in("member")
    resp = client.get("/api/v1/network")
    assert resp.status_code == 200
    assert "Mitra Rahasia" not in resp.get_data(as_text=True)
    assert "Mitra Rahasia" not in client.get("/network/").get_data(as_text=True)
