"""The network API: JSON, impact, pictures, exports, the cache, and what a member may see."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from govtrack.network import graph, queries, render
from tests.network.conftest import AS_OF

Q = f"as_of={AS_OF.isoformat()}"
SECRET = "Bank Rahasia Internal"
ROUTES = ["/api/v1/network", "/api/v1/network.png", "/api/v1/network.svg", "/api/v1/network.graphml",
          "/api/v1/network.gexf", "/api/v1/network/impact?partner_id=1"]


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_gets_401(api_as, route):
    resp = api_as(None).get(route)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_json_is_node_link_with_metrics(api_as, scenario):
    body = api_as("manager").get(f"/api/v1/network?{Q}").get_json()
    ids = {n["id"] for n in body["nodes"]}
    assert graph.COOPERATIVE in ids and f"partner:{scenario['big'].id}" in ids
    edge = next(e for e in body["edges"] if e["source"] == f"partner:{scenario['big'].id}")
    assert (edge["target"], edge["flow"], edge["amount"]) == (graph.COOPERATIVE, "funding", "3000000.00")
    funding = body["metrics"]["concentration"]["flows"]["funding"]
    assert (funding["hhi"], funding["effective"]) == (6250.0, 1.6)
    assert body["metrics"]["concentration"]["flows"]["liquidity"]["hhi"] == 10000.0  # the bank
    assert body["comparison"] is None


def test_json_with_agreements_and_since(api_as, scenario):
    body = api_as("manager").get(f"/api/v1/network?{Q}&agreements=true&since=2025-12-01").get_json()
    assert any(e["flow"] == "depends_on" for e in body["edges"])
    assert body["comparison"]["since"] == "2025-12-01"
    assert body["comparison"]["totals"]["before"]["agreements"] == 0


def test_bad_filters_answer_422(api_as):
    resp = api_as("manager").get("/api/v1/network?flow=magic&as_of=yesterday")
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"flow", "as_of"}


def test_impact_through_a_two_step_chain(api_as, scenario):
    body = api_as("board").get(f"/api/v1/network/impact?{Q}&partner_id={scenario['big'].id}").get_json()
    assert [a["id"] for a in body["direct"]] == [scenario["grant_big"].id]
    assert [a["id"] for a in body["through_dependencies"]] == [scenario["works"].id, scenario["pipes"].id]
    assert body["value_at_risk"] == {"funding": "3000000.00", "supply": "1000000.00"}
    assert body["obligations"] == []
    assert body["concentration"]["flows"]["funding"]["hhi_after"] == 10000.0


def test_impact_of_an_unknown_partner_is_404(api_as, scenario):
    assert api_as("manager").get(f"/api/v1/network/impact?{Q}&partner_id=99999").status_code == 404


def test_png_is_a_valid_image(api_as, scenario):
    resp = api_as("manager").get(f"/api/v1/network.png?{Q}")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    img = Image.open(io.BytesIO(resp.data))
    img.verify()
    # One A4 page wide (7.2 in, 0.5 in margins) at 200 dpi, as tall as the network and its legends
    # need (and no taller than the page).
    assert img.size[0] == 1440 and 1000 < img.size[1] < 11.69 * 200


def test_svg_is_xml_with_partner_links_and_its_own_csp(api_as, scenario):
    resp = api_as("manager").get(f"/api/v1/network.svg?{Q}")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    root = ET.fromstring(resp.data)
    links = {a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter("{http://www.w3.org/2000/svg}a")}
    for key in ("big", "small", "builder", "supplier", "secret"):
        assert f"/partners/{scenario[key].id}" in links
    assert "Yayasan Air Bersih" in resp.get_data(as_text=True)
    csp = resp.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in csp and "script-src" not in csp and "default-src 'none'" in csp


def test_empty_network_still_draws(api_as):
    resp = api_as("manager").get(f"/api/v1/network.png?{Q}")
    assert resp.status_code == 200 and resp.data[:4] == b"\x89PNG"


@pytest.mark.parametrize("agreements", ["false", "true"])
@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_exports_read_back_to_the_same_nodes_and_edges(app, api_as, make_user, scenario, fmt, reader, agreements):
    resp = api_as("manager").get(f"/api/v1/network.{fmt}?{Q}&agreements={agreements}")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    back = reader(io.BytesIO(resp.data))
    expected = graph.build_graph(queries.network_data(user=make_user("manager"), as_of=AS_OF),
                                 include_agreements=agreements == "true")
    assert set(back.nodes) == set(expected.nodes)
    assert sorted((u, v) for u, v, *_ in back.edges) == sorted((u, v) for u, v, *_ in expected.edges)
    big = f"partner:{scenario['big'].id}"
    assert back.nodes[big]["category"] == "nonprofit_funder"
    assert float(back.nodes[big]["value"]) == 3000000.0


def test_member_never_sees_an_internal_partner(api_as, make_user, scenario):
    member = api_as("member")
    body = member.get(f"/api/v1/network?{Q}&agreements=true")
    assert body.status_code == 200
    assert SECRET not in body.get_data(as_text=True)
    assert f"partner:{scenario['secret'].id}" not in {n["id"] for n in body.get_json()["nodes"]}
    assert "liquidity" not in body.get_json()["metrics"]["concentration"]["flows"]
    svg = member.get(f"/api/v1/network.svg?{Q}").get_data(as_text=True)
    assert SECRET not in svg and f"/partners/{scenario['secret'].id}\"" not in svg
    assert "Yayasan Air Bersih" in svg
    for fmt in ("graphml", "gexf"):
        text = member.get(f"/api/v1/network.{fmt}?{Q}&agreements=true").get_data(as_text=True)
        assert SECRET not in text and "Secret loan" not in text
    assert member.get(f"/api/v1/network/impact?{Q}&partner_id={scenario['secret'].id}").status_code == 404
    impact = member.get(f"/api/v1/network/impact?{Q}&partner_id={scenario['big'].id}").get_data(as_text=True)
    assert SECRET not in impact and "Secret loan" not in impact
    # The picture differs from the staff picture (the bank is not in it).
    staff_png = api_as("manager").get(f"/api/v1/network.png?{Q}").data
    assert member.get(f"/api/v1/network.png?{Q}").data != staff_png


@pytest.fixture
def drawn_and_loaded(monkeypatch) -> tuple[list, list]:
    """(layouts computed, networks loaded from the database): one entry each time."""
    calls, loads = [], []
    real = render.compute_layout
    monkeypatch.setattr(render, "compute_layout", lambda g, *a, **kw: calls.append(1) or real(g, *a, **kw))
    real_load = queries.network_data
    monkeypatch.setattr(queries, "network_data", lambda **kw: loads.append(1) or real_load(**kw))
    return calls, loads


def test_unchanged_network_is_served_from_the_cache(api_as, scenario, drawn_and_loaded, app):
    from pathlib import Path

    calls, loads = drawn_and_loaded
    client = api_as("manager")
    first = client.get(f"/api/v1/network.svg?{Q}")
    second = client.get(f"/api/v1/network.svg?{Q}")
    assert first.data == second.data and len(calls) == 1
    assert len(loads) == 1  # the second request found the picture without loading the network
    client.get(f"/api/v1/network.png?{Q}")
    assert len(calls) == 2  # another format is another picture
    cached = sorted(p.name for p in (Path(app.config["INSTANCE_PATH"]) / "cache" / "app").iterdir())
    # Each picture once (named by a digest of its graph), and for each a small reference to it
    # from the data versions it was drawn from; and the metrics the risks are ringed from (the
    # page's entry, computed once from the network the picture loaded).
    assert sorted(n.rsplit(".", 1)[1] for n in cached) == ["json", "png", "ref", "ref", "svg"]
    assert not any(n.startswith(".tmp") for n in cached)
    scenario["grant_small"].value_amount = 2_000_000
    from govtrack.extensions import db

    db.session.commit()
    client.get(f"/api/v1/network.svg?{Q}")
    assert len(calls) == 3  # the network changed: drawn again


def test_a_change_that_leaves_the_picture_alone_does_not_redraw_it(api_as, scenario, drawn_and_loaded):
    from govtrack.extensions import db
    from govtrack.partners.services import update_partner

    calls, loads = drawn_and_loaded
    client = api_as("manager")
    first = client.get(f"/api/v1/network.png?{Q}").data
    update_partner(actor="test", partner=scenario["big"], changes={"notes": "met on Tuesday"})
    db.session.commit()
    # The partners' data version changed, so the network is read again, but its graph (and so the
    # picture's digest) is the same: the drawing is reused.
    assert client.get(f"/api/v1/network.png?{Q}").data == first
    assert (len(loads), len(calls)) == (2, 1)


def test_layout_is_deterministic(api_as, scenario, make_user):
    g = graph.build_graph(queries.network_data(user=make_user("manager"), as_of=AS_OF))
    assert render.compute_layout(g) == render.compute_layout(g)
