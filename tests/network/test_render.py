"""The static picture for print and export: names wrapped between words and never cut (a name with
no room becomes a number with a legend), risks ringed as on the map, links of no value dashed,
every text legible on A4, the texts in the reader's language."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from govtrack.network import graph, render
from govtrack.network.labels import picture_texts
from govtrack.network.queries import AgreementRow, NetworkData, PartnerRow, PartyRow
from tests.network.conftest import AS_OF

SVG = "{http://www.w3.org/2000/svg}"
LONG = "Dinas Kesehatan Kabupaten Garut Provinsi Jawa Barat"  # 51 characters: three lines
LONGER = ("Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah Kabupaten Garut "
          "Provinsi Jawa Barat")  # too long for beside a dot: numbered


def network() -> NetworkData:
    """A hub lender (in two agreements, so it holds them together and brokers between its
    co-parties), a funder with a long name, one with a longer name, and a permit of no value."""
    partners = [
        PartnerRow(1, "Bank Penghubung", "financial_institution"),
        PartnerRow(2, LONG, "nonprofit_funder"),
        PartnerRow(3, LONGER, "nonprofit_funder"),
        PartnerRow(4, "Dinas Perizinan", "local_government"),
    ]
    agreements = [
        AgreementRow(10, "Pinjaman bersama", "loan", "active", Decimal("5000000")),
        AgreementRow(11, "Hibah bersama", "grant", "active", Decimal("2000000")),
        AgreementRow(12, "Izin usaha", "permit", "active", Decimal("0")),
    ]
    parties = [
        PartyRow(10, 1, "lender"), PartyRow(10, 2, "lender"),
        PartyRow(11, 1, "funder"), PartyRow(11, 3, "funder"),
        PartyRow(12, 4, "regulator"),
    ]
    return NetworkData(as_of=AS_OF, partners=partners, agreements=agreements, parties=parties)


def svg_of(app, data: NetworkData, locale: str = "id") -> ET.Element:
    with app.test_request_context(headers={"Accept-Language": locale}):
        texts = picture_texts(data.as_of, {})
        g = render.mark_risks(graph.build_graph(data, cooperative_name=texts["cooperative"]),
                              graph.compute_metrics(data))
        body = render.render(g, fmt="svg", texts=texts, locale=locale, cache=None)
    return ET.fromstring(body)


def group(root: ET.Element, gid: str) -> ET.Element | None:
    return next((e for e in root.iter(f"{SVG}g") if e.get("id") == gid), None)


def lines_of(element: ET.Element) -> list[str]:
    return [t.text for t in element.iter(f"{SVG}text")]


def test_a_long_name_is_wrapped_between_words_never_cut(app):
    root = svg_of(app, network())
    lines = lines_of(group(root, "label-partner-2"))
    assert len(lines) == 3 and " ".join(lines) == LONG
    assert all(len(line) <= render.WRAP_LABEL for line in lines)
    assert set(" ".join(lines).split()) == set(LONG.split())  # whole words only
    every_text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "…" not in every_text and "..." not in every_text


def test_a_name_too_long_for_its_dot_is_numbered_with_its_whole_name_under_the_picture(app):
    root = svg_of(app, network())
    assert lines_of(group(root, "label-partner-3")) == ["1"]
    # Under the picture, linked to the partner's page: its lines, put back together, are the whole name.
    entry = group(root, "name-partner-3")
    assert " ".join(lines_of(entry)) == f"1. {LONGER}" and len(lines_of(entry)) > 1
    assert {a.get("{http://www.w3.org/1999/xlink}href") for a in entry.iter(f"{SVG}a")} == {"/partners/3"}
    assert group(root, "name-partner-2") is None  # the long name that fits beside its dot is not repeated


def test_a_link_of_no_value_is_dashed_and_a_valued_link_is_solid(app):
    root = svg_of(app, network())
    zero = group(root, "links-regulation-no-value")
    assert zero is not None
    style = zero.find(f"{SVG}path").get("style")
    assert "stroke-dasharray" in style and "stroke-width: 1.2" in style
    for flow in ("liquidity", "funding"):
        assert "stroke-dasharray" not in group(root, f"links-{flow}").find(f"{SVG}path").get("style"), flow
    assert group(root, "links-regulation") is None  # the permit has no solid line


def test_risks_are_ringed_as_on_the_map_with_a_legend(app):
    data = network()
    metrics = graph.compute_metrics(data)
    assert [p["id"] for p in metrics["single_points_of_failure"]["articulation_points"] if p["type"] == "partner"] == [1]
    assert [b["partner_id"] for b in metrics["brokers"]] == [1]
    root = svg_of(app, data)
    spof, brokers = group(root, "risk-single-points"), group(root, "risk-brokers")
    assert spof is not None and brokers is not None
    ring = ET.tostring(spof, encoding="unicode")
    assert "stroke: #b00020" in ring and "fill: none" in ring and "stroke-dasharray" not in ring
    dashed = ET.tostring(brokers, encoding="unicode")
    assert "stroke: #111111" in dashed and "stroke-dasharray" in dashed
    # one ring each: only the hub is a risk
    assert len(spof.findall(f"{SVG}path")) == 1 and len(brokers.findall(f"{SVG}path")) == 1
    words = " ".join(t.text for t in root.iter(f"{SVG}text"))  # legend rows wrap between words
    assert "Tanda Titik rawan tunggal: tanpanya jaringan terpecah Perantara: menghubungkan bagian-bagian jaringan" in words
    assert "Hubungan tanpa nilai tercatat (misalnya izin)" in words


def test_legible_on_a4_and_in_the_readers_language(app):
    root = svg_of(app, network(), locale="en")
    # 7.2 in wide: on A4 (8.27 in) with half-inch margins it prints at its own size, 1 unit = 1 pt.
    assert root.get("width") == "518.4pt"
    sizes = [float(m) for m in re.findall(r"font-size: ([\d.]+)px", ET.tostring(root, encoding="unicode"))]
    assert sizes and min(sizes) >= 7.0
    assert lines_of(group(root, "title")) == ["Who the cooperative depends on, June 1, 2026"]
    assert "Broker: connects parts of the network" in " ".join(t.text for t in root.iter(f"{SVG}text"))
    root = svg_of(app, network(), locale="id")
    assert lines_of(group(root, "title")) == ["Pihak yang menjadi sandaran koperasi, 1 Juni 2026"]


def test_risk_marks_change_the_picture_key(app):
    data = network()
    with app.test_request_context():
        texts = picture_texts(data.as_of, {})
    plain = graph.build_graph(data)
    marked = render.mark_risks(graph.build_graph(data), graph.compute_metrics(data))
    assert marked.nodes["partner:1"]["risk"] == "single_point broker"
    assert render.picture_key(plain, fmt="png", texts=texts, locale="id") != render.picture_key(
        marked, fmt="png", texts=texts, locale="id")


@pytest.mark.parametrize("statuses", ["active", ["active", "approved"]])
def test_the_title_names_the_chosen_statuses(app, statuses):
    with app.test_request_context(headers={"Accept-Language": "id"}):
        title = picture_texts(dt.date(2026, 6, 1), {"status": statuses, "flow": "funding"})["title"]
    expected = "Aktif" if statuses == "active" else "Aktif atau Disetujui"
    assert title == f"Pihak yang menjadi sandaran koperasi, 1 Juni 2026 · Pendanaan (hibah), {expected}"


def test_the_picture_the_api_serves_rings_the_risks(api_as, make_partner, make_agreement):
    hub = make_partner("Bank Penghubung", category="financial_institution")
    one = make_partner("Koperasi Mitra Satu", category="other")
    two = make_partner("Koperasi Mitra Dua", category="other")
    for partner, title in ((one, "Pinjaman satu"), (two, "Pinjaman dua")):
        make_agreement(title, kind="loan", parties=[(hub, "lender"), (partner, "lender")], status="active",
                       start_date=dt.date(2026, 1, 1), value_amount=Decimal("1000000"))
    body = api_as("manager").get(f"/api/v1/network.svg?as_of={AS_OF.isoformat()}").data
    root = ET.fromstring(body)
    assert group(root, "risk-single-points") is not None and group(root, "risk-brokers") is not None
