"""The partner filter is a name search (with a chip for a linked partner) on the dashboard, the
lists, the export and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from govtrack.extensions import db
from govtrack.obligations.queries import occurrences
from tests.obligations.conftest import dashboard_group_row, dashboard_html, dashboard_total

D = dt.date
@pytest.fixture
def two_partners(setting, make_obligation):
    """One obligation owed by the funder, one owed to the lender, both overdue."""
    make_obligation(due_date=D(2027, 3, 1), title="Funder tranche")
    make_obligation(due_date=D(2027, 3, 2), title="Lender instalment", owed_by="cooperative",
                    partner_id=setting["lender"].id, kind="repayment")
    return setting


@pytest.mark.parametrize("listed", [100, 0], ids=["ids listed", "broad search"])
@pytest.mark.parametrize("path", ["/obligations/", "/obligations/list", "/obligations/list?status=overdue"])
def test_the_partner_name_filter_narrows_the_dashboard_and_the_lists(
    app, client, sign_in, two_partners, path, listed, monkeypatch, today
):
    # A narrow search lists the partners' ids; a broad one (more than NAMED_PARTNERS_LISTED
    # partners) reads through a subquery: both must select the same rows.
    monkeypatch.setattr(occurrences, "NAMED_PARTNERS_LISTED", listed)
    sign_in(two_partners["manager"])
    sep = "&" if "?" in path else "?"
    html = client.get(f"{path}{sep}partner_name=syariah").get_data(as_text=True)
    assert "Lender instalment" in html and "Funder tranche" not in html
    # The search keeps its text, and there is no select listing every partner.
    assert 'name="partner_name" value="syariah"' in html
    assert "<option" not in html.split('id="f-partner"', 1)[1].split("</div>", 1)[0]
    html = client.get(f"{path}{sep}partner_name=AIR+bersih").get_data(as_text=True)
    assert "Funder tranche" in html and "Lender instalment" not in html
    html = client.get(f"{path}{sep}partner_name=nobody+by+that+name").get_data(as_text=True)
    assert "Funder tranche" not in html and "Lender instalment" not in html


def test_the_dashboard_groups_follow_the_partner_name_filter(app, client, sign_in, two_partners, today):
    sign_in(two_partners["manager"])
    everyone = dashboard_html(client)
    assert dashboard_total(everyone) == 2
    html = dashboard_html(client, "?partner_name=bank")
    assert dashboard_total(html) == 1
    assert dashboard_group_row(html, "Bank Syariah Desa · cooperative owes") == (1, 0)
    assert dashboard_group_row(html, "Yayasan Air Bersih · partner owes") is None
    # Another filter is another cache entry: the unfiltered dashboard is unchanged.
    assert dashboard_total(dashboard_html(client)) == 2


def test_the_partner_name_filter_matches_the_legal_name_and_follows_into_the_export(
    app, client, sign_in, two_partners, make_partner, today
):
    from govtrack.partners.services import update_partner

    with app.test_request_context():
        update_partner(actor="test", partner=two_partners["funder"], changes={"legal_name": "Yayasan Tirta Lestari"})
    db.session.commit()
    sign_in(two_partners["manager"])
    html = client.get("/obligations/list?partner_name=lestari").get_data(as_text=True)
    assert "Funder tranche" in html and "Lender instalment" not in html
    body = client.get("/obligations/export.csv?partner_name=lestari").get_data(as_text=True)
    titles = [r[6] for r in list(csv.reader(io.StringIO(body)))[1:]]
    assert titles == ["Funder tranche"]
    # The dashboard's export link carries the search on.
    assert "partner_name=syariah" in dashboard_html(client, "?partner_name=syariah").split("Export CSV")[0]


def test_a_partner_id_link_still_filters_and_shows_the_partner_as_a_chip(
    app, client, sign_in, two_partners, today
):
    lender = two_partners["lender"]
    sign_in(two_partners["manager"])
    for path in (f"/obligations/?partner_id={lender.id}", f"/obligations/list?partner_id={lender.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Lender instalment" in html and "Funder tranche" not in html, path
        chip = html.split("Only partner:", 1)[1].split("</div>", 1)[0]
        assert "Bank Syariah Desa" in chip
        # Removing the chip keeps the other filters but drops partner_id.
        link = re.search(r'<a href="([^"]+)">show all partners</a>', chip).group(1)
        assert "partner_id" not in link
        assert f'name="partner_id" value="{lender.id}"' in html
    html = client.get(f"/obligations/list?status=overdue&partner_id={lender.id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">show all partners</a>', html).group(1)
    assert "status=overdue" in link and "partner_id" not in link
    assert client.get("/obligations/list?partner_name=" + "x" * 201).status_code == 400


@pytest.mark.parametrize("listed", [100, 0], ids=["ids listed", "broad search"])
def test_the_api_lists_obligations_by_partner_name(app, api_as, two_partners, listed, monkeypatch, today):
    monkeypatch.setattr(occurrences, "NAMED_PARTNERS_LISTED", listed)
    api = api_as(two_partners["manager"])
    items = api.get("/api/v1/obligations?partner_name=SYARIAH").get_json()["items"]
    assert [i["title"] for i in items] == ["Lender instalment"]
    items = api.get("/api/v1/obligations").get_json()["items"]
    assert {i["title"] for i in items} == {"Funder tranche", "Lender instalment"}
    assert api.get("/api/v1/obligations?partner_name=" + "x" * 201).status_code == 422


@pytest.mark.parametrize("query", ["", "?partner_name=bank", "?partner_id={lender}", "?status=overdue&partner_name=a"])
def test_query_counts_do_not_grow_with_occurrences(
    app, client, sign_in, setting, make_obligation, count_queries, query, today
):
    query = query.format(lender=setting["lender"].id)
    sign_in(setting["manager"])

    def counts() -> list[int]:
        out = []
        for path in ("/obligations/", "/obligations/list", "/obligations/"):
            with count_queries() as q:
                assert client.get(path + query).status_code == 200
            out.append(q.count)
        return out

    make_obligation(due_date=D(2027, 3, 1), title="One", owed_by="cooperative", partner_id=setting["lender"].id)
    one = counts()
    for i in range(30):
        make_obligation(due_date=D(2027, 3, 1 + i % 28), title=f"Many {i}", amount="10",
                        owed_by="cooperative" if i % 2 else "partner",
                        partner_id=setting["lender"].id if i % 2 else setting["funder"].id)
    assert counts() == one
