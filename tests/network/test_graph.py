"""The graph and its metrics as pure functions, on small networks computed by hand."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import networkx as nx
import pytest

from govtrack.network import graph
from govtrack.network.queries import AgreementRow, ClauseRow, NetworkData, PartnerRow, PartyRow

DAY = dt.date(2026, 6, 1)


def network(partners, agreements, parties, deps=(), clauses=()):
    return NetworkData(
        as_of=DAY,
        partners=[PartnerRow(i, name, cat) for i, name, cat in partners],
        agreements=[AgreementRow(i, title, kind, "active", Decimal(v)) for i, title, kind, v in agreements],
        parties=[PartyRow(a, p, role) for a, p, role in parties],
        dependencies=list(deps),
        clauses=list(clauses),
    )


def two_funders():
    return network(
        [(1, "Big", "nonprofit_funder"), (2, "Small", "nonprofit_funder")],
        [(10, "G1", "grant", 3_000_000), (11, "G2", "grant", 1_000_000)],
        [(10, 1, "funder"), (11, 2, "funder")],
    )


def test_two_funders_give_hhi_6250_and_one_point_six_effective_sources():
    funding = graph.compute_metrics(two_funders())["concentration"]["flows"]["funding"]
    assert funding["hhi"] == 6250.0
    assert funding["effective"] == 1.6
    assert funding["level"] == "high"
    assert [(s["name"], s["share"]) for s in funding["sources"]] == [("Big", 75.0), ("Small", 25.0)]


@pytest.mark.parametrize(
    ("hhi", "level"),
    [(2500.1, "high"), (2500.0, "moderate"), (1500.0, "moderate"), (1499.9, "low"), (None, "none")],
)
def test_concentration_levels_at_their_edges(hhi, level):
    assert graph.hhi_level(hhi) == level


def test_permits_without_value_are_shared_by_number_of_agreements():
    data = network(
        [(1, "Kabupaten", "local_government"), (2, "Provinsi", "local_government")],
        [(10, "P1", "permit", 0), (11, "P2", "permit", 0), (12, "P3", "permit", 0), (13, "P4", "permit", 0)],
        [(10, 1, "regulator"), (11, 1, "regulator"), (12, 1, "regulator"), (13, 2, "regulator")],
    )
    regulation = graph.concentrations(data)["flows"]["regulation"]
    assert regulation["basis"] == "agreements"
    assert regulation["hhi"] == 6250.0


@pytest.mark.parametrize(
    ("kind", "role", "flow"),
    [
        ("grant", "funder", "funding"), ("loan", "lender", "liquidity"), ("credit_line", "lender", "liquidity"),
        ("guarantee", "guarantor", "guarantee"), ("supply", "supplier", "supply"),
        ("construction", "contractor", "supply"), ("construction", "supplier", "supply"),
        ("permit", "regulator", "regulation"), ("grant", "implementer", "cooperation"),
        ("mou", "funder", "cooperation"), ("loan", "guarantor", "cooperation"),
    ],
)
def test_flows_follow_kind_and_role(kind, role, flow):
    assert graph.flow_for(kind, role) == flow


def test_co_funders_share_the_value_of_one_grant():
    data = network(
        [(1, "A", "nonprofit_funder"), (2, "B", "nonprofit_funder")],
        [(10, "Joint grant", "grant", 1_000_000)],
        [(10, 1, "funder"), (10, 2, "funder")],
    )
    g = graph.build_graph(data)
    assert g.edges["partner:1", graph.COOPERATIVE, "funding"]["amount"] == "500000.00"
    assert graph.concentrations(data)["flows"]["funding"]["hhi"] == 5000.0


def test_an_articulation_point_is_found():
    # One funder holds two separate projects together: without it they fall apart.
    data = network(
        [(1, "Funder", "nonprofit_funder"), (2, "Builder A", "construction_partner"),
         (3, "Builder B", "construction_partner")],
        [(10, "G1", "grant", 100), (11, "G2", "grant", 100), (12, "W1", "construction", 50),
         (13, "W2", "construction", 50)],
        [(10, 1, "funder"), (11, 1, "funder"), (12, 2, "contractor"), (13, 3, "contractor")],
        deps=[(12, 10), (13, 11)],
    )
    spof = graph.single_points_of_failure(data)
    points = {(p["type"], p["id"]): p for p in spof["articulation_points"]}
    assert ("partner", 1) in points
    assert points[("partner", 1)]["pieces"] == 2
    assert points[("partner", 1)]["cut_off"] == 3  # G2, W2 and Builder B (or the other side)
    assert ("partner", 2) not in points  # a leaf holds nothing together


def test_no_articulation_point_in_a_cycle():
    data = network(
        [(1, "A", "nonprofit_funder"), (2, "B", "nonprofit_funder")],
        [(10, "G1", "grant", 100), (11, "G2", "grant", 100)],
        [(10, 1, "funder"), (10, 2, "funder"), (11, 1, "funder"), (11, 2, "funder")],
    )
    spof = graph.single_points_of_failure(data)
    assert spof["articulation_points"] == []
    assert spof["bridges_total"] == 0


def test_cut_vertex_pieces_agree_with_removing_each_vertex():
    rng = random.Random(3)
    g = nx.gnm_random_graph(60, 70, seed=5)
    g.add_edges_from((rng.randrange(60), 60 + i) for i in range(20))  # leaves
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    pieces = graph.cut_vertex_pieces(g)
    assert set(pieces) == set(nx.articulation_points(g))
    for v, sizes in pieces.items():
        rest = g.subgraph([n for n in nx.node_connected_component(g, v) if n != v])
        assert sorted(sizes) == sorted(len(c) for c in nx.connected_components(rest))


def test_project_funding_passes_through_its_only_funder():
    data = network(
        [(1, "F1", "nonprofit_funder"), (2, "F2", "nonprofit_funder"), (3, "Bank", "financial_institution"),
         (4, "K", "construction_partner")],
        [(10, "G1", "grant", 100), (11, "G2", "grant", 100), (12, "Loan", "loan", 100),
         (20, "W1", "construction", 10), (21, "W2", "construction", 10), (22, "W3", "supply", 10),
         (23, "W4", "supply", 10)],
        [(10, 1, "funder"), (11, 2, "funder"), (12, 3, "lender"), (20, 4, "contractor"),
         (21, 4, "contractor"), (22, 4, "supplier"), (23, 4, "supplier")],
        # W1 needs G1; W2 needs G1 and G2 (two sources); W3 needs the loan; W4 needs W1 (a chain).
        deps=[(20, 10), (21, 10), (21, 11), (22, 12), (23, 20)],
    )
    projects = {p["agreement_id"]: p for p in graph.project_funding_dominators(data)}
    assert [p["name"] for p in projects[20]["partners"]] == ["F1"]
    assert projects[21]["partners"] == [] and projects[21]["funded"]
    assert [p["name"] for p in projects[22]["partners"]] == ["Bank"]
    assert [p["name"] for p in projects[23]["partners"]] == ["F1"]
    lonely = network([(4, "K", "construction_partner")], [(30, "W", "construction", 5)], [(30, 4, "contractor")])
    assert graph.project_funding_dominators(lonely)[0]["funded"] is False


def test_impact_follows_a_two_step_depends_on_chain():
    data = network(
        [(1, "Funder", "nonprofit_funder"), (2, "Builder", "construction_partner"),
         (3, "Supplier", "construction_partner"), (4, "Other", "nonprofit_funder")],
        [(10, "Grant", "grant", 3_000_000), (11, "Works", "construction", 800_000),
         (12, "Pipes", "supply", 200_000), (13, "Other grant", "grant", 1_000_000)],
        [(10, 1, "funder"), (11, 2, "contractor"), (12, 3, "supplier"), (13, 4, "funder")],
        deps=[(11, 10), (12, 11)],
    )
    result = graph.impact(data, 1)
    assert [a["id"] for a in result["direct"]] == [10]
    assert [a["id"] for a in result["through_dependencies"]] == [11, 12]
    assert result["value_at_risk"] == {"funding": "3000000.00", "supply": "1000000.00"}
    assert result["value_at_risk_total"] == "4000000.00"
    funding = result["concentration"]["flows"]["funding"]
    assert (funding["hhi_before"], funding["hhi_after"]) == (6250.0, 10000.0)
    assert result["concentration"]["flows"]["supply"]["level_after"] == "none"


def test_brokers_rank_the_partner_between_others():
    data = network(
        [(1, "Hub", "nonprofit_funder"), (2, "A", "construction_partner"), (3, "B", "construction_partner")],
        [(10, "G", "grant", 100), (11, "W1", "construction", 100), (12, "W2", "construction", 100)],
        [(10, 1, "funder"), (11, 1, "funder"), (12, 1, "funder"), (11, 2, "contractor"), (12, 3, "contractor")],
    )
    assert graph.brokers(data)[0]["name"] == "Hub"


def test_autonomy_counts_what_the_forums_made_of_partner_clauses():
    data = network(
        [(1, "Funder", "nonprofit_funder")], [(10, "G", "grant", 100)], [(10, 1, "funder")],
        clauses=[ClauseRow(10, 1, "accepted", 7), ClauseRow(10, 2, "amended", 7), ClauseRow(10, 3, "rejected", 8),
                 ClauseRow(10, 4, "proposed", None)],
    )
    (row,) = graph.autonomy(data)
    assert (row["accepted"], row["amended"], row["rejected"], row["pending"]) == (1, 1, 1, 1)
    assert row["changed_share"] == 66.7
    assert row["decisions"] == [7, 8]


def test_compare_reports_changes_since_an_earlier_date():
    before = graph.compute_metrics(network([(1, "Big", "nonprofit_funder")], [(10, "G1", "grant", 3_000_000)],
                                           [(10, 1, "funder")]))
    after = graph.compute_metrics(two_funders())
    diff = graph.compare_metrics(before, after)
    assert diff["concentration"]["flows"]["funding"]["hhi_change"] == -3750.0
    assert diff["partners_added"] == [2] and diff["partners_gone"] == []


def test_graph_with_agreements_has_dependency_edges():
    data = network(
        [(1, "F", "nonprofit_funder"), (2, "K", "construction_partner")],
        [(10, "G", "grant", 100), (11, "W", "construction", 50)],
        [(10, 1, "funder"), (11, 2, "contractor")], deps=[(11, 10)],
    )
    g = graph.build_graph(data, include_agreements=True)
    assert g.has_edge("agreement:11", "agreement:10", "depends_on")
    assert g.has_edge("partner:1", "agreement:10", "funding")
    assert g.has_edge("agreement:10", graph.COOPERATIVE, "funding")
    assert g.nodes["partner:1"]["value"] == 100.0
