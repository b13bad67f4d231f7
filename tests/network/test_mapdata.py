"""The interactive map's server side: its JSON (partners aggregated, dependencies between partners,
risks, positions that stay put), who may read it, and the partner panel with the same impact as
/api/v1/network/impact."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from govtrack.network import mapdata, queries
from tests.network.conftest import AS_OF

Q = f"as_of={AS_OF.isoformat()}"
SECRET = "Bank Rahasia Internal"


def _map(client, query: str = Q):
    resp = client.get(f"/api/v1/network/map?{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def test_map_has_partners_positions_and_dependencies_between_partners(api_as, scenario):
    body = _map(api_as("board"))
    by_id = {p["id"]: p for p in body["partners"]}
    big, builder, supplier = (scenario[k].id for k in ("big", "builder", "supplier"))
    assert set(by_id) == {scenario[k].id for k in ("big", "small", "builder", "supplier", "secret")}
    # The largest partner first, size 1; the others by the square root of their share of it.
    assert body["partners"][0]["name"] == SECRET and body["partners"][0]["s"] == 1.0
    assert by_id[big]["value"] == "3000000.00" and by_id[big]["s"] == pytest.approx((3 / 5) ** 0.5, abs=1e-4)
    assert by_id[big]["flows"] == ["funding"] and by_id[builder]["flows"] == ["supply"]
    assert by_id[big]["category"] == "nonprofit_funder" and by_id[big]["agreements"] == 1
    # works needs the big grant, pipes need the works: big -> builder -> supplier.
    assert body["dependencies"] == [[big, builder, 1], [builder, supplier, 1]]
    assert body["totals"] == {"partners": 5, "agreements": 5, "value": "10000000.00", "dependencies": 2}
    # Risks as the metrics find them: single points of failure (partners) and brokers by rank.
    metrics = api_as("board").get(f"/api/v1/network?{Q}").get_json()["metrics"]
    points = metrics["single_points_of_failure"]["articulation_points"]
    assert {p["id"] for p in points if p["type"] == "partner"} == {p["id"] for p in body["partners"] if p["spof"]}
    assert {b["partner_id"]: r for r, b in enumerate(metrics["brokers"], 1)} == {
        p["id"]: p["broker"] for p in body["partners"] if p["broker"]}
    for p in body["partners"]:
        assert 0 < (p["x"] ** 2 + p["y"] ** 2) ** 0.5 <= 421
    assert body["style"]["shapes"]["liquidity"] == "diamond"


def test_positions_stay_put_between_visits(api_as, scenario, make_partner, make_agreement, monkeypatch):
    client = api_as("board")
    before = {p["id"]: (p["x"], p["y"]) for p in _map(client)["partners"]}
    monkeypatch.setattr(queries, "METRICS_VERSION", 999)  # computed again, not read from the cache
    assert before == {p["id"]: (p["x"], p["y"]) for p in _map(client)["partners"]}
    newcomer = make_partner("Dana Kecil", category="nonprofit_funder")
    make_agreement("Hibah kecil", kind="grant", parties=[(newcomer, "funder")], value_amount=Decimal("1000"),
                   status="active", visibility="members", start_date=dt.date(2026, 1, 1))
    after = {p["id"]: (p["x"], p["y"]) for p in _map(client)["partners"]}
    assert newcomer.id in after
    def r(xy):
        return (xy[0] ** 2 + xy[1] ** 2) ** 0.5

    for pid in before:  # a smaller partner joining moves the others a little, and keeps their order
        assert abs(r(before[pid]) - r(after[pid])) < 0.15 * 420
    big, small = scenario["big"].id, scenario["small"].id  # the larger funder nearer the centre
    assert r(before[big]) < r(before[small]) and r(after[big]) < r(after[small]) < r(after[newcomer.id])


def test_layout_puts_larger_partners_nearer_the_centre():
    rows = [{"id": i, "category": "nonprofit_funder", "s": s} for i, s in enumerate([1.0, 0.5, 0.0])]
    pos = mapdata.layout(rows)
    dist = [(x * x + y * y) ** 0.5 for x, y in (pos[0], pos[1], pos[2])]
    assert dist[0] < dist[1] < dist[2]
    assert mapdata.layout(rows) == pos  # seeded by the ids: the same every time
    assert mapdata.layout([]) == {}


def test_filters_change_the_map(api_as, scenario):
    client = api_as("board")
    funders = _map(client, f"{Q}&category=nonprofit_funder")
    assert {p["name"] for p in funders["partners"]} == {"Yayasan Air Bersih", "Dana Sanitasi"}
    supply = _map(client, f"{Q}&flow=supply")
    assert {p["name"] for p in supply["partners"]} == {"CV Tirta Bangun", "PT Pipa Nusantara"}
    before = _map(client, "as_of=2025-12-01")
    assert before["partners"] == [] and before["dependencies"] == []


def test_member_map_holds_nothing_internal(api_as, scenario):
    resp = api_as("member").get(f"/api/v1/network/map?{Q}")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert SECRET not in text and "Secret loan" not in text
    ids = {p["id"] for p in resp.get_json()["partners"]}
    assert scenario["secret"].id not in ids and scenario["big"].id in ids
    assert resp.get_json()["totals"]["agreements"] == 4


@pytest.mark.parametrize("query", ["flow=magic", "as_of=yesterday", "category=bank"])
def test_bad_arguments_answer_422(api_as, query):
    resp = api_as("board").get(f"/api/v1/network/map?{query}")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]


def test_anonymous_gets_401_and_the_browser_session_is_enough(client, api_as, sign_in, scenario):
    assert api_as(None).get("/api/v1/network/map").status_code == 401
    sign_in("member")
    assert client.get(f"/api/v1/network/map?{Q}").status_code == 200


def test_a_warm_map_reads_no_row_of_the_network(api_as, scenario, count_queries, monkeypatch):
    client = api_as("board")
    _map(client)
    loads = []
    real = queries.network_data
    monkeypatch.setattr(queries, "network_data", lambda **kw: loads.append(1) or real(**kw))
    with count_queries() as q:
        _map(client)
    assert loads == []
    # the token's user and session, the data versions: a handful, not one per partner
    assert q.count <= 6, q.statements


def test_cold_map_query_count_does_not_grow_with_the_network(api_as, scenario, count_queries, make_partner,
                                                             make_agreement, monkeypatch):
    client = api_as("board")
    runs = iter(range(1000, 2000))

    def cold() -> int:
        monkeypatch.setattr(queries, "METRICS_VERSION", next(runs))  # every cached answer missed
        with count_queries() as q:
            _map(client)
        return q.count

    cold()  # the first request of this token also records its use
    small = cold()
    assert small <= 8, small  # the user, the data versions, the four reads of the network
    for i in range(15):
        p = make_partner(f"Mitra {i}", category="other")
        make_agreement(f"Perjanjian {i}", kind="grant", parties=[(p, "funder")], value_amount=Decimal(1000 + i),
                       status="active", visibility="members", start_date=dt.date(2026, 1, 1))
    assert cold() == small


def test_a_change_is_seen_by_the_next_map(api_as, scenario, make_partner, make_agreement):
    client = api_as("board")
    assert len(_map(client)["partners"]) == 5
    p = make_partner("Mitra Baru", category="other")
    make_agreement("Baru", kind="grant", parties=[(p, "funder")], value_amount=Decimal(5),
                   status="active", visibility="members", start_date=dt.date(2026, 1, 1))
    assert len(_map(client)["partners"]) == 6


# ---- the partner panel


def _numbers(panel: str) -> dict:
    m = re.search(r'class="map-impact"[^>]*data-direct="(\d+)" data-through="(\d+)"\s+'
                  r'data-obligations="(\d+)" data-value-at-risk="([\d.]+)"', panel)
    assert m, panel[:500]
    return {"direct": int(m[1]), "through": int(m[2]), "obligations": int(m[3]), "value": m[4]}


@pytest.mark.parametrize("role", ["board", "member"])
def test_panel_impact_equals_the_api(client, sign_in, scenario, role):
    sign_in(role)
    for key in ("big", "builder", "small", "supplier"):
        pid = scenario[key].id
        resp = client.get(f"/network/partners/{pid}/panel?{Q}", headers={"Accept-Language": "en"})
        assert resp.status_code == 200
        panel = html.unescape(resp.get_data(as_text=True))
        api = client.get(f"/api/v1/network/impact?{Q}&partner_id={pid}").get_json()
        assert _numbers(panel) == {
            "direct": len(api["direct"]), "through": len(api["through_dependencies"]),
            "obligations": len(api["obligations"]), "value": api["value_at_risk_total"],
        }
        for a in api["direct"] + api["through_dependencies"]:
            assert f'href="/agreements/{a["id"]}"' in panel and a["title"] in panel
        assert "<html" not in panel  # a fragment, not a page


def test_panel_of_the_big_funder_in_indonesian(client, sign_in, scenario):
    sign_in("board")
    resp = client.get(f"/network/partners/{scenario['big'].id}/panel?{Q}", headers={"Accept-Language": "id"})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(resp.get_data(as_text=True))))
    assert "Jika mitra ini keluar" in text
    assert "Rp 4.000.000" in text  # value at risk: the grant and the two agreements needing it
    assert "Nilai perjanjiannya dalam jaringan ini: Rp 3.000.000." in text
    assert "Works" in text and "Pipes" in text


def test_hidden_partner_panel_is_404(client, sign_in, scenario):
    sign_in("member")
    assert client.get(f"/network/partners/{scenario['secret'].id}/panel?{Q}").status_code == 404
    assert client.get(f"/network/partners/{scenario['secret'].id}?{Q}").status_code == 404
    assert client.get(f"/network/partners/999999/panel?{Q}").status_code == 404
    # Outside the filters: not on this map either.
    assert client.get(f"/network/partners/{scenario['big'].id}/panel?{Q}&flow=supply").status_code == 404


def test_panel_needs_a_sign_in(client, scenario):
    resp = client.get(f"/network/partners/{scenario['big'].id}/panel?{Q}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_panel_as_a_page_without_javascript(client, sign_in, scenario):
    sign_in("manager")
    resp = client.get(f"/network/partners/{scenario['builder'].id}?{Q}", headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    page = html.unescape(resp.get_data(as_text=True))
    assert "<h1 class=\"h3\">CV Tirta Bangun</h1>" in page
    assert "If this partner left" in page and "Single point of failure" not in page
    assert re.search(rf'href="/network/\?as_of={AS_OF.isoformat()}[^"]*"', page)  # back to the map, same filters


def test_the_page_includes_the_map_with_its_filters(client, sign_in, scenario):
    sign_in("board")
    page = html.unescape(client.get(f"/network/?{Q}&category=nonprofit_funder",
                                    headers={"Accept-Language": "en"}).get_data(as_text=True))
    src = re.search(r'data-src="([^"]+)"', page)[1]
    assert src.startswith("/api/v1/network/map?") and f"as_of={AS_OF.isoformat()}" in src
    assert "category=nonprofit_funder" in src
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in page and 'src="/static/js/network-map.js"' in page
    assert 'id="network-map-section" class="my-3" aria-labelledby="map-h" hidden' in page  # shown by its script
    assert "HHI 6,250" in page  # funding: the bar beside the map, in the user's locale
    assert "style=" not in page


def test_a_partner_that_holds_the_network_together_is_marked(client, sign_in, api_as, make_partner, make_agreement):
    hub = make_partner("Bank Penghubung", category="financial_institution")
    left, right = make_partner("Mitra Kiri"), make_partner("Mitra Kanan")
    kw = {"status": "active", "visibility": "members", "start_date": dt.date(2026, 1, 1)}
    make_agreement("Pinjaman kiri", kind="loan", parties=[(hub, "lender"), (left, "implementer")],
                   value_amount=Decimal("100"), **kw)
    make_agreement("Pinjaman kanan", kind="loan", parties=[(hub, "lender"), (right, "implementer")],
                   value_amount=Decimal("100"), **kw)
    by_id = {p["id"]: p for p in _map(api_as("board"))["partners"]}
    assert by_id[hub.id]["spof"] is True and by_id[left.id]["spof"] is False
    assert by_id[hub.id]["flows"] == ["liquidity"] and by_id[left.id]["flows"] == ["cooperation"]
    sign_in("board")
    panel = html.unescape(client.get(f"/network/partners/{hub.id}/panel?{Q}",
                                     headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Single point of failure" in panel
    assert re.search(r"Without it the network falls into 2 pieces \(cut off from the largest: \d\)\.", panel)
