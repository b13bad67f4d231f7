"""Several agreement statuses at once: the default (in force, under deliberation, approved), any
set chosen on the page or in the API, the totals saying which, wrong values refused in the reader's
language, the same set in any order being the same cached answer; and the exports cached."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from govtrack.network import queries
from tests.network.conftest import AS_OF

Q = f"as_of={AS_OF.isoformat()}"
DEFAULT = ["active", "suspended", "under_deliberation", "approved"]


@pytest.fixture
def pipeline(scenario, make_partner, make_agreement):
    """The scenario (five agreements in force) and the pipeline: a credit line under
    deliberation, a loan approved but not signed, and a draft."""
    bank = make_partner("BPRS Amanah", category="financial_institution")
    start = dt.date(2026, 1, 1)
    shown = {"visibility": "members", "start_date": start}
    return {
        **scenario,
        "bank": bank,
        "credit": make_agreement("Fasilitas Likuiditas", kind="credit_line", parties=[(bank, "lender")],
                                 value_amount=Decimal("2000000"), status="under_deliberation", **shown),
        "loan": make_agreement("Pembiayaan Sambungan", kind="loan", parties=[(bank, "lender")],
                               value_amount=Decimal("3500000"), status="approved", **shown),
        "draft": make_agreement("Draf", kind="loan", parties=[(bank, "lender")],
                                value_amount=Decimal("600000"), status="draft", **shown),
    }


def test_the_default_holds_what_is_in_force_and_in_the_pipeline(api_as, pipeline):
    body = api_as("manager").get(f"/api/v1/network?{Q}").get_json()
    totals = body["metrics"]["totals"]
    assert totals["statuses"] == DEFAULT
    assert totals["agreements"] == 7  # five in force, the credit line and the loan; not the draft
    assert totals["by_status"] == {"active": 5, "suspended": 0, "under_deliberation": 1, "approved": 1}
    assert body["metrics"]["concentration"]["flows"]["liquidity"]["total"] == "10500000.00"  # 5.0 + 2.0 + 3.5 million


def test_in_force_is_still_two_statuses_away(api_as, pipeline):
    body = api_as("manager").get(f"/api/v1/network?{Q}&status=active&status=suspended").get_json()
    assert body["metrics"]["totals"]["statuses"] == ["active", "suspended"]
    assert body["metrics"]["totals"]["agreements"] == 5
    assert "BPRS Amanah" not in {n.get("name") for n in body["nodes"]}


def test_any_set_of_statuses_and_one_alone(api_as, pipeline):
    api = api_as("manager")
    body = api.get(f"/api/v1/network?{Q}&status=draft&status=approved").get_json()
    assert body["metrics"]["totals"]["statuses"] == ["approved", "draft"]  # in the network's order of statuses
    assert body["metrics"]["totals"]["agreements"] == 2
    impact = api.get(f"/api/v1/network/impact?{Q}&partner_id={pipeline['bank'].id}&status=under_deliberation").get_json()
    assert [a["title"] for a in impact["direct"]] == ["Fasilitas Likuiditas"]


@pytest.mark.parametrize("route", ["/api/v1/network", "/api/v1/network.svg", "/api/v1/network.graphml",
                                   "/api/v1/network/impact?partner_id=1"])
def test_a_wrong_status_is_refused_naming_the_field_in_the_readers_language(api_as, pipeline, route):
    sep = "&" if "?" in route else "?"
    api = api_as("manager")

    def get(url: str, language: str):
        return api.client.get(url, headers={**api.headers, "Accept-Language": language})

    resp = get(f"{route}{sep}status=active&status=signed", "id")
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert list(fields) == ["status"]
    assert "signed" in fields["status"][0] and "Bukan status perjanjian" in fields["status"][0]
    english = get(f"{route}{sep}status=signed", "en").get_json()
    assert "Not an agreement status: signed" in english["error"]["fields"]["status"][0]


def test_every_status_has_its_place_in_the_order():
    from govtrack.agreements.models import AgreementStatus

    assert sorted(queries.STATUS_ORDER) == sorted(s.value for s in AgreementStatus)
    assert queries.STATUS_ORDER[:4] == tuple(DEFAULT)


def test_the_openapi_document_says_status_repeats(app, api_as):
    spec = api_as("manager").get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/network", "/api/v1/network/impact", "/api/v1/network.png", "/api/v1/network.gexf"):
        (param,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "status"]
        assert param["schema"]["type"] == "array"
        assert set(param["schema"]["items"]["enum"]) >= set(DEFAULT) | {"draft", "completed"}
        assert "repeat" in param["description"]


def test_the_same_statuses_in_another_order_are_the_same_cached_answer(api_as, pipeline, monkeypatch):
    loads = []
    real = queries.networks_at
    monkeypatch.setattr(queries, "networks_at", lambda **kw: loads.append(kw["status"]) or real(**kw))
    api = api_as("manager")
    first = api.get(f"/api/v1/network?{Q}&status=approved&status=active").data
    assert api.get(f"/api/v1/network?{Q}&status=active&status=approved&status=active").data == first
    assert len(loads) == 1
    # the default, named or not, is one answer too
    named = "&".join(f"status={s}" for s in reversed(DEFAULT))
    default = api.get(f"/api/v1/network?{Q}").data
    assert api.get(f"/api/v1/network?{Q}&{named}").data == default
    assert len(loads) == 2


def checkboxes(page: str) -> dict[str, bool]:
    """value -> checked, for the status checkboxes of the filter form."""
    out = {}
    for tag in re.findall(r'<input[^>]*name="status" type="checkbox"[^>]*>', page):
        out[re.search(r'value="([^"]+)"', tag).group(1)] = "checked" in tag
    return out


def test_the_page_offers_the_statuses_as_checkboxes_with_the_default_marked(client, sign_in, pipeline):
    sign_in("board")
    resp = client.get(f"/network/?{Q}", headers={"Accept-Language": "id"})
    assert resp.status_code == 200
    page = html.unescape(resp.get_data(as_text=True))
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Status perjanjian</legend>", page)
    boxes = checkboxes(page)
    assert set(boxes) == {"draft", "under_deliberation", "approved", "rejected", "active", "suspended",
                          "completed", "terminated"}
    assert [s for s, on in boxes.items() if on] == DEFAULT  # none chosen: the default, ticked
    for word in ("Aktif (bawaan)", "Sedang dimusyawarahkan (bawaan)", "Disetujui (bawaan)", "Draf"):
        assert word in page
    assert "Draf (bawaan)" not in page
    assert "BPRS Amanah" in page  # the pipeline's lender is in the network


def test_the_page_keeps_the_chosen_statuses_in_its_links_and_forms(client, sign_in, pipeline):
    sign_in("manager")
    page = html.unescape(client.get(f"/network/?{Q}&status=approved&status=draft").get_data(as_text=True))
    assert {s for s, on in checkboxes(page).items() if on} == {"draft", "approved"}
    assert f"/api/v1/network.png?as_of={AS_OF.isoformat()}&status=approved&status=draft" in page
    # the what-if forms carry each status as a hidden field of its own
    assert '<input type="hidden" name="status" value="draft">' in page
    assert '<input type="hidden" name="status" value="approved">' in page
    # the default is not spelt out in links
    page = html.unescape(client.get(f"/network/?{Q}&" + "&".join(f"status={s}" for s in DEFAULT)).get_data(as_text=True))
    assert f'src="/api/v1/network.png?as_of={AS_OF.isoformat()}"' in page


def test_a_wrong_status_on_the_page_is_a_message_beside_the_checkboxes(client, sign_in, pipeline):
    sign_in("manager")
    resp = client.get(f"/network/?{Q}&status=signed", headers={"Accept-Language": "id"})
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    errors = page.split('id="status-errors"')[1].split("</div></div>")[0]
    assert "'signed' bukan pilihan yang tersedia untuk isian ini." in errors
    assert "Mohon perbaiki isian yang ditandai." in page
    assert 'aria-describedby="status-help status-errors"' in page


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_second_download_reads_no_row_of_the_network(api_as, pipeline, count_queries, fmt):
    api = api_as("manager")
    url = f"/api/v1/network.{fmt}?{Q}&agreements=true&status=approved&status=active"
    with count_queries() as first:
        one = api.get(url)
    with count_queries() as second:
        two = api.get(url)
    assert one.status_code == two.status_code == 200 and one.data == two.data
    assert 'attachment; filename="network-2026-06-01.' in two.headers["Content-Disposition"]
    network_tables = ("agreements", "agreement_parties", "agreement_dependencies", "clauses", "partners")
    read = [s for s in second.statements if any(f"FROM {t}" in s for t in network_tables)]
    assert read == [], read
    assert second.count < first.count
    # another set of statuses is another file
    assert api.get(f"/api/v1/network.{fmt}?{Q}&agreements=true&status=draft").data != one.data
