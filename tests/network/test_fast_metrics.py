"""The fast path gives the same numbers as the computation it replaced.

The metrics (graph.compute_metrics: articulation points, bridges and betweenness now on plain
lists, dominators by Cooper-Harvey-Kennedy, the comparison with an earlier date from
graph.comparison_basis) are compared with the networkx computation as it was
(tests/network/reference_graph.py) on a few hundred seeded random networks: ties of equal value,
zero values, co-parties, one partner in two roles, dependency chains, clauses. The reading of the
database (one read for two dates, clause versions chosen by the database) is compared with the
reader as it was (tests/network/reference_queries.py) on a random network in the database."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.agreements.models import Clause, ClauseVersion
from govtrack.extensions import db
from govtrack.network import graph, queries
from govtrack.network.queries import AgreementRow, ClauseRow, NetworkData, PartnerRow, PartyRow
from tests.network import reference_graph, reference_queries

DAY = dt.date(2026, 6, 1)
KIND_ROLES = [
    ("grant", "funder"), ("loan", "lender"), ("credit_line", "lender"), ("guarantee", "guarantor"),
    ("supply", "supplier"), ("construction", "contractor"), ("construction", "supplier"),
    ("permit", "regulator"), ("mou", "implementer"), ("technical_assistance", "other"), ("grant", "implementer"),
]
CATEGORIES = ["nonprofit_funder", "financial_institution", "construction_partner", "local_government",
              "central_government", "other"]


def random_network(rng: random.Random, partners: int, agreements: int) -> NetworkData:
    """Partners, agreements (1-3 parties, values often equal or zero), dependencies on earlier
    agreements (chains, no cycles) and partner-side clauses."""
    values = [Decimal(0), Decimal(100), Decimal(100), Decimal(250), Decimal(1_000_000), Decimal("0.50")]
    p_rows = [PartnerRow(i, f"P{i}", rng.choice(CATEGORIES)) for i in rng.sample(range(1, 10 * partners + 1), partners)]
    p_rows.sort(key=lambda p: p.id)
    a_rows, parties, deps, clauses = [], [], [], []
    # A few partners carry most agreements (as in life), so that there are hubs, leaves and chains.
    weights = [1.0 / (i + 1) for i in range(len(p_rows))]
    for i in range(1, agreements + 1):
        kind, role = rng.choice(KIND_ROLES)
        value = rng.choice(values) if rng.random() < 0.6 else Decimal(rng.randrange(1, 10**9))
        a_rows.append(AgreementRow(i, f"A{i}", kind, "active", value))
        chosen = {rng.choices(p_rows, weights)[0].id for _ in range(rng.choice([1, 1, 1, 2, 3]))}
        for pid in sorted(chosen):
            parties.append(PartyRow(i, pid, role))
            if rng.random() < 0.05:  # the same partner in a second role (another flow) of one agreement
                parties.append(PartyRow(i, pid, rng.choice(KIND_ROLES)[1]))
        if i > 1 and rng.random() < 0.3:
            for dep in {rng.randrange(1, i) for _ in range(rng.choice([1, 1, 2]))}:
                deps.append((i, dep))
        for c in range(rng.choice([0, 0, 1, 2])):
            status = rng.choice(["proposed", "accepted", "amended", "rejected"])
            clauses.append(ClauseRow(i, 10 * i + c, status, None if status == "proposed" else rng.randrange(1, 20)))
    used = {p.partner_id for p in parties}
    return NetworkData(as_of=DAY, partners=[p for p in p_rows if p.id in used], agreements=a_rows,
                       parties=parties, dependencies=sorted(deps), clauses=clauses)


def fast(data: NetworkData) -> dict:
    """graph.compute_metrics without what the reference never had (the statuses in the totals)."""
    metrics = graph.compute_metrics(data)
    for added in ("statuses", "by_status"):
        del metrics["totals"][added]
    return metrics


def without_statuses(comparison: dict) -> dict:
    """A comparison without what the reference's totals never had."""
    for side in comparison["totals"].values():
        side.pop("statuses", None)
        side.pop("by_status", None)
    return comparison


@pytest.mark.parametrize("seed", range(200))
def test_metrics_equal_the_networkx_computation_on_random_networks(seed):
    rng = random.Random(seed)
    data = random_network(rng, partners=rng.randrange(1, 40), agreements=rng.randrange(0, 90))
    assert fast(data) == reference_graph.compute_metrics(data)


@pytest.mark.parametrize("seed", range(3))
def test_sampled_betweenness_above_500_partners_equals_networkx(seed):
    # Above 500 partners betweenness is estimated from 64 seeded sources: the same sources, the
    # same rescaling, the same floats.
    rng = random.Random(1000 + seed)
    data = random_network(rng, partners=900, agreements=3000)
    assert len(data.partners) > graph.BETWEENNESS_SAMPLE_ABOVE
    assert graph.brokers(data) == reference_graph.brokers(data)
    assert graph.brokers(data, top=10**6) == reference_graph.brokers(data, top=10**6)
    assert fast(data) == reference_graph.compute_metrics(data)


@pytest.mark.parametrize("seed", range(60))
def test_the_comparison_basis_compares_as_the_whole_metrics_did(seed):
    rng = random.Random(5000 + seed)
    before = random_network(rng, partners=rng.randrange(1, 30), agreements=rng.randrange(0, 60))
    after = random_network(rng, partners=rng.randrange(1, 30), agreements=rng.randrange(0, 60))
    now = graph.compute_metrics(after)
    assert without_statuses(graph.compare_metrics(graph.comparison_basis(before), now)) == \
        without_statuses(reference_graph.compare_metrics(reference_graph.compute_metrics(before), now))


def test_dominators_equal_networkx_on_random_dependency_graphs():
    for seed in range(100):
        rng = random.Random(9000 + seed)
        data = random_network(rng, partners=rng.randrange(1, 25), agreements=rng.randrange(1, 70))
        assert graph.project_funding_dominators(data) == reference_graph.project_funding_dominators(data)


def test_cut_vertex_pieces_equal_the_block_cut_tree_on_random_graphs():
    import networkx as nx

    for seed in range(50):
        g = nx.gnm_random_graph(40, random.Random(seed).randrange(20, 70), seed=seed)
        assert graph.cut_vertex_pieces(g) == {k: sorted(v) for k, v in reference_graph.cut_vertex_pieces(g).items()} \
            or {k: sorted(v) for k, v in graph.cut_vertex_pieces(g).items()} == \
            {k: sorted(v) for k, v in reference_graph.cut_vertex_pieces(g).items()}


# ---------------------------------------------------------------------------------------------
# The database: one read for two dates gives what two reads by the old reader gave.


def rows(data: NetworkData) -> tuple:
    return (
        [tuple(p) for p in data.partners], [tuple(a) for a in data.agreements], [tuple(p) for p in data.parties],
        data.dependencies, sorted(tuple(c) for c in data.clauses),
    )


@pytest.fixture
def random_world(make_user, make_partner, make_agreement, make_decision):
    """A random network in the database: statuses, dates on both sides of two days, visibility,
    co-parties, dependencies, partner clauses with versions written before, on and after them."""
    rng = random.Random(77)
    partners = [make_partner(f"Mitra {i}", category=rng.choice(CATEGORIES)) for i in range(12)]
    made = []
    for i in range(60):
        kind, role = rng.choice(KIND_ROLES)
        start = DAY + dt.timedelta(days=rng.randrange(-500, 30)) if rng.random() < 0.8 else None
        end = start + dt.timedelta(days=rng.randrange(0, 400)) if start and rng.random() < 0.6 else None
        chosen = rng.sample(partners, rng.choice([1, 1, 2]))
        needs = [a.id for a in rng.sample(made, min(len(made), rng.choice([0, 1, 1, 2])))]
        made.append(make_agreement(
            f"Perjanjian {i}", kind=kind, parties=[(p, role) for p in chosen],
            status=rng.choice(["active"] * 5 + ["suspended", "approved", "under_deliberation", "draft", "completed"]),
            visibility=rng.choice(["internal", "members", "public"]), start_date=start, end_date=end,
            value_amount=Decimal(rng.choice([0, 100, 100, 5000, 123456])), depends_on=needs,
            clauses=["satu", "dua"] if rng.random() < 0.8 else [],
        ))
    decisions = [make_decision().id for _ in range(3)]
    for clause in db.session.scalars(select(Clause)):
        if rng.random() < 0.6:
            clause.proposed_by = "partner"
        for version in db.session.scalars(select(ClauseVersion).where(ClauseVersion.clause_id == clause.id)):
            version.created_at = dt.datetime(2026, 5, 31, 12, tzinfo=dt.UTC) + dt.timedelta(days=rng.randrange(-30, 30))
        if rng.random() < 0.5:
            db.session.add(ClauseVersion(
                clause_id=clause.id, version=2, text="diubah", status=rng.choice(["amended", "accepted", "rejected"]),
                decision_id=rng.choice(decisions),
                created_at=dt.datetime(2026, 5, 31, 12, tzinfo=dt.UTC) + dt.timedelta(days=rng.randrange(-30, 30)),
            ))
    db.session.commit()
    return made


@pytest.mark.parametrize("role", ["manager", "member"])
@pytest.mark.parametrize("filters", [{}, {"category": "nonprofit_funder"}, {"flow": "funding"}])
def test_one_read_for_two_dates_equals_two_reads_by_the_old_reader(make_user, random_world, role, filters):
    user = make_user(role)
    then = DAY - dt.timedelta(days=120)
    both = queries.networks_at(user=user, dates=[DAY, then], clauses_on=DAY, status=["active", "suspended"], **filters)
    old_now = reference_queries.network_data(user=user, as_of=DAY, **filters)
    old_then = reference_queries.network_data(user=user, as_of=then, **filters)
    assert rows(both[DAY]) == rows(old_now)
    assert rows(both[then])[:4] == rows(old_then)[:4]  # the earlier date is only compared: no clauses read
    if role == "manager" and not filters:
        # not a vacuous check: agreements, dependencies, and clauses decided by then and not yet
        assert len(both[DAY].agreements) > 5 and both[DAY].dependencies
        assert {c.status for c in both[DAY].clauses} > {"proposed"}
    # and measured alike
    assert graph.compute_metrics(both[DAY])["concentration"] == reference_graph.compute_metrics(old_now)["concentration"]
    assert without_statuses(graph.compare_metrics(graph.comparison_basis(both[then]), graph.compute_metrics(both[DAY]))) \
        == without_statuses(reference_graph.compare_metrics(reference_graph.compute_metrics(old_then),
                                                            reference_graph.compute_metrics(old_now)))
    for status in ("approved", "under_deliberation", "draft"):
        assert rows(queries.network_data(user=user, as_of=DAY, status=status, **filters)) == \
            rows(reference_queries.network_data(user=user, as_of=DAY, status=status, **filters))


def test_the_page_and_the_api_show_the_old_numbers(app, client, sign_in, api_as, make_user, random_world):
    """End to end, cold: the page's summary and the API's metrics and comparison equal the old
    reader and the old computation (in force, compared with a date four months back)."""
    since = DAY - dt.timedelta(days=120)
    user = make_user("board")
    old_now = reference_queries.network_data(user=user, as_of=DAY)
    old_then = reference_queries.network_data(user=user, as_of=since)
    expected = reference_graph.compute_metrics(old_now)
    args = f"as_of={DAY.isoformat()}&since={since.isoformat()}&status=active&status=suspended"
    body = api_as("board").get(f"/api/v1/network?{args}").get_json()
    metrics = body["metrics"]
    assert metrics["totals"].pop("statuses") == ["active", "suspended"]
    metrics["totals"].pop("by_status")
    assert metrics == expected
    assert without_statuses(body["comparison"]) == \
        reference_graph.compare_metrics(reference_graph.compute_metrics(old_then), expected)


def test_the_apis_body_carries_the_cached_metrics_and_a_name_like_the_placeholder_stays_a_name(
        api_as, make_partner, make_agreement):
    odd = '"metrics":{"__govtrack_metrics__":"__govtrack_metrics__"}'
    funder = make_partner(odd)
    make_agreement("Hibah", kind="grant", parties=[(funder, "funder")], status="active",
                   value_amount=Decimal("1000"), start_date=DAY)
    api = api_as("manager")
    cold = api.get(f"/api/v1/network?as_of={DAY.isoformat()}")
    body = cold.get_json()  # valid JSON
    assert odd in {n.get("name") for n in body["nodes"]}
    assert body["metrics"]["concentration"]["flows"]["funding"]["sources"][0]["name"] == odd
    assert body["metrics"]["totals"]["agreements"] == 1
    assert api.get(f"/api/v1/network?as_of={DAY.isoformat()}").data == cold.data


@pytest.mark.parametrize("agreements", [False, True])
def test_the_graph_is_built_as_before(agreements):
    import networkx as nx

    for seed in range(40):
        rng = random.Random(7000 + seed)
        data = random_network(rng, partners=rng.randrange(1, 30), agreements=rng.randrange(0, 60))
        assert nx.node_link_data(graph.build_graph(data, include_agreements=agreements), edges="edges") == \
            nx.node_link_data(reference_graph.build_graph(data, include_agreements=agreements), edges="edges")
