"""The dashboard's groups and total are cached, keyed by the data versions of what they are read
from: every change shows on the next dashboard."""

from __future__ import annotations

import datetime as dt

from govtrack.extensions import db
from govtrack.obligations import api as obligations_api
from govtrack.obligations.services import WaiverDecision
from tests.conftest import csrf_token
from tests.obligations.conftest import (
    dashboard_group_row,
    dashboard_html,
    dashboard_total,
    occurrences_of,
)

D = dt.date


def test_the_second_dashboard_view_reads_its_groups_from_the_cache(
    app, client, sign_in, setting, make_obligation, count_queries, today
):
    make_obligation(due_date=D(2027, 3, 1), title="Late tranche")
    sign_in(setting["manager"])
    with count_queries() as first:
        dashboard_html(client)
    with count_queries() as second:
        html = dashboard_html(client)
    assert any("GROUP BY" in s for s in first.statements)
    assert not any("GROUP BY" in s for s in second.statements)
    assert dashboard_total(html) == 1 and dashboard_group_row(html, "Yayasan Air Bersih · partner owes") == (1, 0)


def test_a_cached_dashboard_shows_a_fulfilment_a_new_obligation_a_waiver_and_a_rename_next_time(
    app, client, sign_in, setting, make_obligation, make_decision, api_as, monkeypatch, today
):
    from govtrack.partners.services import update_partner

    late = make_obligation(due_date=D(2027, 3, 1), title="Late tranche")
    soon = make_obligation(due_date=D(2027, 3, 20), title="Next tranche")
    sign_in(setting["manager"])
    html = dashboard_html(client)
    assert dashboard_total(html) == 2 and dashboard_group_row(html, "Yayasan Air Bersih · partner owes") == (1, 1)

    # Fulfilled with one click from the cached dashboard: the next dashboard no longer counts it.
    occ = occurrences_of(late.id)[0]
    resp = client.post(f"/obligations/occurrences/{occ.id}/fulfil", data={
        "csrf_token": csrf_token(client, "/obligations/"), "date": today.isoformat(), "back": "dashboard"})
    assert resp.status_code == 302
    html = dashboard_html(client)
    assert dashboard_total(html) == 1 and dashboard_group_row(html, "Yayasan Air Bersih · partner owes") == (0, 1)

    # A new obligation, owed by the cooperative to the lender.
    make_obligation(due_date=D(2027, 3, 2), title="Instalment", owed_by="cooperative",
                    partner_id=setting["lender"].id, kind="repayment", amount="100")
    html = dashboard_html(client)
    assert dashboard_total(html) == 2 and dashboard_group_row(html, "Bank Syariah Desa · cooperative owes") == (1, 0)
    assert "Rp 100" in html or "IDR 100" in html

    # A waiver by a carried decision (through the API).
    decision_id, soon_id = make_decision().id, soon.id  # the stand-in runs inside the request: ids only
    monkeypatch.setattr(obligations_api, "waiver_decision",
                        lambda d: WaiverDecision(id=d, obligation_id=soon_id) if d == decision_id else None)
    api = api_as(setting["manager"])
    assert api.post(f"/api/v1/obligations/{soon.id}/waive",
                    json={"decision_id": decision_id, "reason": "drought"}).status_code == 200
    html = dashboard_html(client)
    assert dashboard_total(html) == 1 and dashboard_group_row(html, "Yayasan Air Bersih · partner owes") is None

    # The groups carry partner names: a renamed partner shows under its new name.
    with app.test_request_context():
        update_partner(actor="test", partner=setting["lender"], changes={"name": "Bank Desa Baru"})
    db.session.commit()
    html = dashboard_html(client)
    assert dashboard_group_row(html, "Bank Desa Baru · cooperative owes") == (1, 0)
    assert "Bank Syariah Desa" not in html
