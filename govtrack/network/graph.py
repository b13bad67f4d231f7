"""The dependency network as a graph, and its metrics: pure functions of plain rows
(govtrack.network.queries.NetworkData), so they are tested without a database or a request.

Nodes
  ``cooperative``            the cooperative itself, at the centre of everything;
  ``partner:<id>``           each partner with an agreement in the picture (name, category, region,
                             value of its flows, number of agreements);
  ``agreement:<id>``         optionally, each agreement (title, kind, status, value).

Flows (edge ``flow``, also the edge key), from the agreement's kind and the partner's role in it:
  grant + funder                                   -> ``funding``
  loan or credit_line + lender                     -> ``liquidity``
  guarantee + guarantor                            -> ``guarantee``
  supply or construction + supplier or contractor  -> ``supply``
  permit + regulator                               -> ``regulation``
  any other kind and role                          -> ``cooperation``

Weights: an agreement counts when it is in force on the date asked for (``as_of``): status active
or suspended (a suspended agreement still binds the cooperative and must be replaced if the partner
goes), start date on or before ``as_of`` (or none) and end date on or after it (or none). Each flow
of an agreement carries its whole value; when several parties share one flow of one agreement
(two co-funders of one grant) the value is divided equally among them, so that flow totals are
right. Without agreement nodes an edge runs partner -> cooperative per flow; with them
partner -> agreement -> cooperative, and agreement -> agreement for each ``depends_on`` link
(flow ``depends_on``, from the agreement to the one it needs).

Metrics
  concentration   per flow and per partner category: each source's share of the value (of the
                  number of agreements when the value is zero, e.g. permits), the
                  Herfindahl-Hirschman index (sum of squared percentage shares, 0-10,000) and the
                  effective number of sources (10,000 / HHI). Above 2,500 is highly concentrated,
                  1,500-2,500 moderately, below 1,500 not concentrated.
  single points   articulation points and bridges of the partner-agreement graph (partners,
  of failure      agreements and dependency links; the cooperative is left out because it is party
                  to everything and would trivially hold it all together), and for each project
                  (construction or supply agreement) the partners every path of its funding passes
                  through: the dominators of the project in the graph funding source -> funding
                  partner -> agreement -> agreement that depends on it.
  brokers         betweenness centrality of the partner graph (two partners are tied when they are
                  parties to one agreement, or to two agreements one of which needs the other),
                  distance = 1 / value (a large agreement is a short, strong tie); above 500
                  partners it is estimated from 64 seeded sample sources, so that a few thousand
                  partners take seconds, not minutes.
  autonomy        for each partner, the clauses proposed by the partner side of its agreements and
                  what the forums made of them: accepted as proposed, amended, rejected, pending.
  impact          what fails if a partner leaves: its agreements, and every agreement that needs
                  one of them through ``depends_on`` (transitively); value at risk per flow and the
                  concentration afterwards.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections import defaultdict
from decimal import Decimal
from heapq import heappop, heappush
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    from govtrack.network.queries import NetworkData

COOPERATIVE = "cooperative"
FLOWS: tuple[str, ...] = ("funding", "liquidity", "guarantee", "supply", "regulation", "cooperation")
FUNDING_FLOWS = frozenset({"funding", "liquidity", "guarantee"})
PROJECT_KINDS = frozenset({"construction", "supply"})
DEPENDS_ON = "depends_on"

_FLOW_RULES: dict[tuple[str, str], str] = {
    ("grant", "funder"): "funding",
    ("loan", "lender"): "liquidity",
    ("credit_line", "lender"): "liquidity",
    ("guarantee", "guarantor"): "guarantee",
    ("supply", "supplier"): "supply",
    ("supply", "contractor"): "supply",
    ("construction", "supplier"): "supply",
    ("construction", "contractor"): "supply",
    ("permit", "regulator"): "regulation",
}

HIGH_HHI = 2500.0
MODERATE_HHI = 1500.0
BETWEENNESS_SAMPLE_ABOVE = 500
BETWEENNESS_SAMPLES = 64
SEED = 20240601
LIST_LIMIT = 100


def flow_for(kind: str, role: str) -> str:
    """The flow a partner in `role` brings through an agreement of `kind`."""
    return _FLOW_RULES.get((kind, role), "cooperation")


def partner_node(partner_id: int) -> str:
    return f"partner:{partner_id}"


def agreement_node(agreement_id: int) -> str:
    return f"agreement:{agreement_id}"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _party_values(data: NetworkData) -> list[tuple[int, int, str, Decimal]]:
    """(agreement id, partner id, flow, value share) for every party, value split per flow;
    computed once per NetworkData (kept in its `derived`), as most measures start from it."""
    derived = getattr(data, "derived", None)
    if derived is None:
        return _compute_party_values(data)
    if "party_values" not in derived:
        derived["party_values"] = _compute_party_values(data)
    return derived["party_values"]


def _compute_party_values(data: NetworkData) -> list[tuple[int, int, str, Decimal]]:
    agreements = {a.id: a for a in data.agreements}
    by_flow: dict[tuple[int, str], list[int]] = defaultdict(list)
    for p in data.parties:
        a = agreements.get(p.agreement_id)
        if a is None:
            continue
        flow = flow_for(a.kind, p.role)
        if p.partner_id not in by_flow[(a.id, flow)]:
            by_flow[(a.id, flow)].append(p.partner_id)
    out = []
    for (agreement_id, flow), partner_ids in by_flow.items():
        share = agreements[agreement_id].value / len(partner_ids)
        out.extend((agreement_id, pid, flow, share) for pid in partner_ids)
    return out


def partner_values(data: NetworkData, pv: list | None = None) -> dict[int, Decimal]:
    """The value of each partner's flows (its share of every agreement it is party to)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for _agreement_id, pid, _flow, share in (pv if pv is not None else _party_values(data)):
        totals[pid] += share
    return dict(totals)


def build_graph(
    data: NetworkData, *, include_agreements: bool = False, cooperative_name: str = "Cooperative"
) -> nx.MultiDiGraph:
    """The network as a directed multigraph (one edge per flow); attributes are GraphML-safe."""
    g = nx.MultiDiGraph(as_of=data.as_of.isoformat())
    g.add_node(
        COOPERATIVE, kind="cooperative", name=cooperative_name, label=cooperative_name,
        category="cooperative", value=0.0, amount="0.00", agreements=len(data.agreements), url="",
    )
    party_values = _party_values(data)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, set[int]] = defaultdict(set)
    for agreement_id, pid, _flow, share in party_values:
        totals[pid] += share
        counts[pid].add(agreement_id)
    g.add_nodes_from(
        (partner_node(p.id), {
            "kind": "partner", "partner_id": p.id, "name": p.name, "label": p.name, "category": p.category,
            "region": p.region or "", "value": float(totals[p.id]), "amount": _money(totals[p.id]),
            "agreements": len(counts[p.id]), "url": f"/partners/{p.id}",
        })
        for p in data.partners
    )
    if include_agreements:
        for a in data.agreements:
            g.add_node(
                agreement_node(a.id), kind="agreement", agreement_id=a.id, name=a.title,
                label=a.title, category="agreement", agreement_kind=a.kind, status=a.status,
                reference=a.reference or "", value=float(a.value), amount=_money(a.value),
                currency=a.currency, start_date=a.start_date.isoformat() if a.start_date else "",
                end_date=a.end_date.isoformat() if a.end_date else "", url=f"/agreements/{a.id}",
            )
        to_coop: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for agreement_id, pid, flow, share in party_values:
            if partner_node(pid) not in g:
                continue
            g.add_edge(
                partner_node(pid), agreement_node(agreement_id), key=flow, flow=flow,
                value=float(share), amount=_money(share), agreements=[agreement_id],
            )
            to_coop[(agreement_id, flow)] += share
        for (agreement_id, flow), value in sorted(to_coop.items()):
            g.add_edge(
                agreement_node(agreement_id), COOPERATIVE, key=flow, flow=flow, value=float(value),
                amount=_money(value), agreements=[agreement_id],
            )
        for a, b in data.dependencies:
            g.add_edge(
                agreement_node(a), agreement_node(b), key=DEPENDS_ON, flow=DEPENDS_ON, value=0.0,
                amount="0.00", agreements=[a, b],
            )
    else:
        # One edge per partner and flow: its value and agreements (appended, not copied: a partner
        # with thousands of agreements made copying each time quadratic).
        edge_values: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        edge_ids: dict[tuple[int, str], list[int]] = defaultdict(list)
        for agreement_id, pid, flow, share in party_values:
            edge_values[(pid, flow)] += share
            edge_ids[(pid, flow)].append(agreement_id)
        g.add_edges_from(
            (partner_node(pid), COOPERATIVE, flow, {
                "flow": flow, "value": float(value), "amount": _money(value),
                "agreements": sorted(set(edge_ids[(pid, flow)])),
            })
            for (pid, flow), value in sorted(edge_values.items())
            if partner_node(pid) in g
        )
    return g


# ---------------------------------------------------------------------------------------------
# Concentration


def concentration(values: dict[int, Decimal], counts: dict[int, int] | None = None) -> dict:
    """Shares, HHI (0-10,000) and effective number of sources from each source's value.

    When every value is zero (permits often have none) the shares are of the number of
    agreements instead, and `basis` says so."""
    total = sum(values.values(), Decimal(0))
    basis = "value"
    weights = dict(values)
    if total == 0 and counts:
        basis = "agreements"
        weights = {k: Decimal(counts.get(k, 0)) for k in values}
        total = sum(weights.values(), Decimal(0))
    if total == 0:
        return {"basis": basis, "total": _money(Decimal(0)), "sources": [], "hhi": None,
                "effective": None, "level": "none"}
    shares = sorted(
        ((k, float(v) * 100.0 / float(total)) for k, v in weights.items() if v > 0),
        key=lambda kv: (-kv[1], kv[0]),
    )
    hhi = sum(s * s for _, s in shares)
    return {
        "basis": basis,
        "total": _money(sum(values.values(), Decimal(0))),
        "sources": [
            {"partner_id": k, "value": _money(values[k]), "share": round(s, 2)} for k, s in shares
        ],
        "hhi": round(hhi, 1),
        "effective": round(10000.0 / hhi, 2) if hhi else None,
        "level": hhi_level(hhi),
    }


def hhi_level(hhi: float | None) -> str:
    """`high` above 2,500, `moderate` from 1,500 to 2,500, `low` below, `none` without sources."""
    if hhi is None:
        return "none"
    if hhi > HIGH_HHI:
        return "high"
    if hhi >= MODERATE_HHI:
        return "moderate"
    return "low"


def concentrations(data: NetworkData, pv: list | None = None) -> dict:
    """Concentration per flow (sources: partners bringing it) and per partner category."""
    by_flow: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    flow_counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_partner: dict[int, Decimal] = defaultdict(Decimal)
    partner_counts: dict[int, set[int]] = defaultdict(set)
    for agreement_id, pid, flow, share in (pv if pv is not None else _party_values(data)):
        by_flow[flow][pid] += share
        flow_counts[flow][pid] += 1
        by_partner[pid] += share
        partner_counts[pid].add(agreement_id)
    categories: dict[str, dict[int, Decimal]] = defaultdict(dict)
    names = {p.id: p for p in data.partners}
    for pid, value in by_partner.items():
        if pid in names:
            categories[names[pid].category][pid] = value
    flows = {
        flow: concentration(dict(by_flow[flow]), dict(flow_counts[flow]))
        for flow in FLOWS if flow in by_flow
    }
    cats = {
        cat: concentration(vals, {k: len(partner_counts[k]) for k in vals})
        for cat, vals in sorted(categories.items())
    }
    for block in (*flows.values(), *cats.values()):
        for s in block["sources"]:
            s["name"] = names[s["partner_id"]].name if s["partner_id"] in names else ""
    return {"flows": flows, "categories": cats}


# ---------------------------------------------------------------------------------------------
# Structure: single points of failure and brokers
#
# Computed on plain adjacency lists of small integers (one depth-first search for articulation
# points, their pieces and bridges; Brandes' algorithm for betweenness), not on networkx graphs:
# at 2,000 partners and 20,000 agreements networkx's several searches over dict-of-dict views
# took most of a second. The answers are the same, number for number (tests/network/
# test_fast_metrics.py compares them with the networkx computation on random networks, kept in
# tests/network/reference_graph.py).


def _cuts(adj: list[set[int]]) -> tuple[dict[int, list[int]], list[tuple[int, int]]]:
    """Articulation points with the sizes of the pieces removing each leaves, and the bridges, of
    the simple undirected graph `adj` (node -> neighbours), in one iterative depth-first search
    (Hopcroft-Tarjan): a child c of v whose subtree reaches no higher than v (low[c] >= disc[v])
    is a piece of size[c] cut off by v; a non-root v also leaves the rest of its component."""
    n = len(adj)
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    pieces: dict[int, list[int]] = {}
    bridges: list[tuple[int, int]] = []
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        separated: dict[int, list[int]] = {}
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            v, parent, neighbours = stack[-1]
            for w in neighbours:
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    stack.append((w, v, iter(adj[w])))
                    break
                if w != parent and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                if parent != -1:
                    size[parent] += size[v]
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                    if low[v] >= disc[parent]:
                        separated.setdefault(parent, []).append(size[v])
                        if low[v] > disc[parent]:
                            bridges.append((parent, v))
        whole = size[root]
        for v, sizes in separated.items():
            if v == root:
                if len(sizes) >= 2:
                    pieces[v] = sizes
            else:
                pieces[v] = [*sizes, whole - 1 - sum(sizes)]
    return pieces, bridges


def cut_vertex_pieces(sg: nx.Graph) -> dict[str, list[int]]:
    """For each articulation point of `sg`, the sizes of the pieces its removal leaves."""
    nodes = list(sg)
    index = {n: i for i, n in enumerate(nodes)}
    adj = [{index[w] for w in sg[n] if w != n} for n in nodes]
    pieces, _bridges = _cuts(adj)
    return {nodes[i]: sizes for i, sizes in pieces.items()}


def _describe(node: str, data_index: dict) -> dict:
    kind, _, raw = node.partition(":")
    item = data_index[node]
    return {"type": kind, "id": int(raw), "name": item}


def _index(data: NetworkData) -> dict[str, str]:
    index = {partner_node(p.id): p.name for p in data.partners}
    index.update({agreement_node(a.id): a.title for a in data.agreements})
    return index


def _structure(data: NetworkData, pv: list) -> tuple[list[tuple[str, int, str]], list[set[int]]]:
    """The undirected partner-agreement graph (no cooperative node) as (type, id, name) per node and
    adjacency sets of node numbers (partners first, then agreements)."""
    nodes = [("partner", p.id, p.name) for p in data.partners]
    nodes += [("agreement", a.id, a.title) for a in data.agreements]
    partner_at = {p.id: i for i, p in enumerate(data.partners)}
    offset = len(data.partners)
    agreement_at = {a.id: offset + i for i, a in enumerate(data.agreements)}
    adj: list[set[int]] = [set() for _ in nodes]
    for agreement_id, pid, _flow, _share in pv:
        u = partner_at.get(pid)
        if u is not None:
            v = agreement_at[agreement_id]
            adj[u].add(v)
            adj[v].add(u)
    for a, b in data.dependencies:
        u, v = agreement_at[a], agreement_at[b]
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    return nodes, adj


def _points(nodes: list[tuple[str, int, str]], pieces: dict[int, list[int]]) -> list[dict]:
    points = []
    for i, parts in pieces.items():
        parts = sorted((p for p in parts if p > 0), reverse=True)
        kind, ident, name = nodes[i]
        points.append({"type": kind, "id": ident, "name": name, "pieces": len(parts), "cut_off": sum(parts[1:])})
    points.sort(key=lambda p: (p["type"] != "partner", -p["cut_off"], p["id"]))
    return points


def articulation_points(data: NetworkData, pv: list | None = None) -> tuple[list[dict], int]:
    """The first LIST_LIMIT articulation points (as single_points_of_failure lists them) and how
    many there are: all that comparing two dates needs (graph.compare_metrics)."""
    nodes, adj = _structure(data, pv if pv is not None else _party_values(data))
    pieces, _bridges = _cuts(adj)
    points = _points(nodes, pieces)
    return points[:LIST_LIMIT], len(points)


def single_points_of_failure(data: NetworkData, sg: nx.Graph | None = None, pv: list | None = None) -> dict:
    """Articulation points and bridges (non-trivial ones listed), and funding dominators per project."""
    pv = pv if pv is not None else _party_values(data)
    projects = project_funding_dominators(data, pv)
    if sg is not None:
        index = _index(data)
        nodes = [(*n.split(":", 1), "") for n in sg]
        nodes = [(kind, int(raw), index[f"{kind}:{raw}"]) for kind, raw, _ in nodes]
        numbers = {n: i for i, n in enumerate(sg)}
        adj = [{numbers[w] for w in sg[n] if w != n} for n in sg]
    else:
        nodes, adj = _structure(data, pv)
    pieces, cut_edges = _cuts(adj)
    points = _points(nodes, pieces)
    # The bridges between two ties (not to a leaf), each pair in (type, id) order and the pairs in
    # that order; only the listed ones are described.
    keyed = []
    for u, v in cut_edges:
        if len(adj[u]) > 1 and len(adj[v]) > 1:
            ku, kv = nodes[u][:2], nodes[v][:2]
            keyed.append((ku, kv, u, v) if ku <= kv else (kv, ku, v, u))
    keyed.sort()
    bridges = [[{"type": nodes[x][0], "id": nodes[x][1], "name": nodes[x][2]} for x in (u, v)]
               for _ku, _kv, u, v in keyed[:LIST_LIMIT]]
    return {
        "articulation_points": points[:LIST_LIMIT],
        "articulation_points_total": len(points),
        "bridges": bridges,
        "bridges_total": len(cut_edges),
        "bridges_to_single_ties": len(cut_edges) - len(keyed),
        "projects": projects[:LIST_LIMIT],
        "projects_total": len(projects),
    }


def funding_graph(data: NetworkData, pv: list | None = None) -> nx.DiGraph:
    """source -> funding partner -> agreement -> agreement that depends on it."""
    g = nx.DiGraph()
    g.add_node("source")
    g.add_nodes_from(agreement_node(a.id) for a in data.agreements)
    edges = []
    for agreement_id, pid, flow, _share in (pv if pv is not None else _party_values(data)):
        if flow in FUNDING_FLOWS:
            edges.append(("source", partner_node(pid)))
            edges.append((partner_node(pid), agreement_node(agreement_id)))
    edges.extend((agreement_node(b), agreement_node(a)) for a, b in data.dependencies)
    g.add_edges_from(edges)
    return g


def _immediate_dominators(succ: list[list[int]], root: int = 0) -> list[int]:
    """The immediate dominator of each node reachable from `root` (-1: unreachable; the root is
    its own), by Cooper, Harvey and Kennedy's iteration over reverse postorder: the dominator tree
    is unique, so this is what networkx.immediate_dominators finds, on lists."""
    n = len(succ)
    seen = [False] * n
    seen[root] = True
    postorder: list[int] = []
    stack = [(root, iter(succ[root]))]
    while stack:
        v, following = stack[-1]
        for w in following:
            if not seen[w]:
                seen[w] = True
                stack.append((w, iter(succ[w])))
                break
        else:
            stack.pop()
            postorder.append(v)
    number = [-1] * n
    for i, v in enumerate(postorder):
        number[v] = i
    preds: list[list[int]] = [[] for _ in range(n)]
    for v in postorder:
        for w in succ[v]:
            preds[w].append(v)
    idom = [-1] * n
    idom[root] = root
    order = postorder[::-1][1:]
    changed = True
    while changed:
        changed = False
        for v in order:
            new = -1
            for p in preds[v]:
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while number[a] < number[b]:
                        a = idom[a]
                    while number[b] < number[a]:
                        b = idom[b]
                new = a
            if idom[v] != new:
                idom[v] = new
                changed = True
    return idom


def project_funding_dominators(data: NetworkData, pv: list | None = None) -> list[dict]:
    """For each construction or supply agreement, the partners every funding path passes through
    (its dominators in funding_graph that are partners, nearest first)."""
    projects = [a for a in data.agreements if a.kind in PROJECT_KINDS]
    if not projects:
        return []
    # funding_graph on numbers: 0 the source, then the agreements, then the funding partners.
    agreement_at = {a.id: 1 + i for i, a in enumerate(data.agreements)}
    partner_at: dict[int, int] = {}
    succ: list[set[int]] = [set() for _ in range(1 + len(data.agreements))]
    for agreement_id, pid, flow, _share in (pv if pv is not None else _party_values(data)):
        if flow in FUNDING_FLOWS:
            at = partner_at.get(pid)
            if at is None:
                at = partner_at[pid] = len(succ)
                succ.append(set())
            succ[0].add(at)
            succ[at].add(agreement_at[agreement_id])
    for a, b in data.dependencies:
        succ[agreement_at[b]].add(agreement_at[a])
    idom = _immediate_dominators([sorted(s) for s in succ])
    partner_of = {at: pid for pid, at in partner_at.items()}
    names = {p.id: p.name for p in data.partners}
    out = []
    for a in projects:
        cur = agreement_at[a.id]
        if idom[cur] == -1:
            out.append({"agreement_id": a.id, "title": a.title, "funded": False, "partners": []})
            continue
        partners = []
        while cur != 0:
            cur = idom[cur]
            if cur in partner_of:
                pid = partner_of[cur]
                partners.append({"id": pid, "name": names.get(pid, "")})
        out.append({"agreement_id": a.id, "title": a.title, "funded": True, "partners": partners})
    out.sort(key=lambda r: (not r["partners"], r["agreement_id"]))
    return out


def _partner_ties(data: NetworkData) -> dict[int, dict[int, float]]:
    """Partners tied to each other: parties to the same agreement, or to two agreements one of which
    needs the other (tie value: the agreements' value): partner -> {partner: tie value}, each
    neighbour in the order networkx would hold it (the order of the tie's first appearance)."""
    agreements = {a.id: a for a in data.agreements}
    parties: dict[int, set[int]] = defaultdict(set)
    for p in data.parties:
        parties[p.agreement_id].add(p.partner_id)
    ties: dict[int, dict[int, float]] = {p.id: {} for p in data.partners}

    def tie(p: int, q: int, value: float) -> None:
        if p != q:
            row = ties.setdefault(p, {})
            total = value + row.get(q, 0.0)
            row[q] = total
            ties.setdefault(q, {})[p] = total

    for agreement_id, ids in parties.items():
        ordered = sorted(ids)
        for i, p in enumerate(ordered):
            for q in ordered[i + 1:]:
                tie(p, q, float(agreements[agreement_id].value))
    for a, b in data.dependencies:
        value = float(min(agreements[a].value, agreements[b].value))
        for p in parties.get(a, ()):
            for q in parties.get(b, ()):
                tie(p, q, value)
    return ties


def betweenness(ties: dict[int, dict[int, float]], *, k: int | None, seed: int | None) -> dict[int, float]:
    """networkx.betweenness_centrality(partner graph, k, weight="distance", seed) (normalized,
    without endpoints), computed the same way step for step (Brandes' algorithm: Dijkstra from
    each source with the same tie-breaking, then the same accumulation and rescaling, so the
    floating-point results are identical) on lists instead of networkx's views."""
    nodes = list(ties)
    n = len(nodes)
    at = {node: i for i, node in enumerate(nodes)}
    adj = [[(at[q], 1.0 / max(value, 1.0)) for q, value in ties[p].items()] for p in nodes]
    if k is not None and k == n:
        k = None
    sources = random.Random(seed).sample(range(n), k) if k is not None else range(n)
    score = [0.0] * n
    inf = math.inf
    push, pop = heappush, heappop
    for s in sources:
        # Dijkstra from s, counting shortest paths (sigma) and keeping predecessors (pred). As in
        # networkx, s counts its own path twice (sigma[s] = 2) and a node's first predecessor is
        # the one whose push came first; `done` is not asked of a neighbour: every length is
        # positive, so a done neighbour is never nearer by this way (networkx's first test fails
        # for it, as `vw < seen[w]` does here).
        order: list[int] = []
        pred: dict[int, list[int]] = {s: []}
        sigma = [0.0] * n
        sigma[s] = 1.0
        done = [False] * n
        seen = [inf] * n
        seen[s] = 0
        c = 0
        heap = [(0, c, s, s)]
        while heap:
            dist, _, before, v = pop(heap)
            if done[v]:
                continue
            sigma[v] += sigma[before]
            order.append(v)
            done[v] = True
            paths = sigma[v]
            for w, length in adj[v]:
                vw = dist + length
                if vw < seen[w]:
                    seen[w] = vw
                    c += 1
                    push(heap, (vw, c, v, w))
                    sigma[w] = 0.0
                    pred[w] = [v]
                elif vw == seen[w]:
                    sigma[w] += paths
                    pred[w].append(v)
        # Accumulate dependencies from the farthest node back.
        delta = [0.0] * n
        for w in reversed(order):
            coeff = (1 + delta[w]) / sigma[w]
            for v in pred[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                score[w] += delta[w]
    # Rescale as networkx 3.6 does (normalized, endpoints excluded, undirected).
    big_n = n - 1
    if big_n >= 2:
        if k is None:
            scale = 1 / (big_n * (big_n - 1))
            if scale != 1:
                score = [x * scale for x in score]
        else:
            scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
            scale_other = 1 / (k * (big_n - 1))
            sampled = set(sources)
            score = [x * (scale_source if i in sampled else scale_other) for i, x in enumerate(score)]
    return {nodes[i]: x for i, x in enumerate(score)}


def brokers(data: NetworkData, *, top: int = 10) -> list[dict]:
    """The partners most often on the strongest paths between other partners (betweenness
    centrality of the partner graph, distance = 1 / value; sampled, seeded, above 500 partners)."""
    ties = _partner_ties(data)
    if sum(len(row) for row in ties.values()) // 2 < 2:
        return []
    k = BETWEENNESS_SAMPLES if len(ties) > BETWEENNESS_SAMPLE_ABOVE else None
    scores = betweenness(ties, k=k, seed=SEED if k else None)
    names = {p.id: p for p in data.partners}
    ranked = sorted(((n, s) for n, s in scores.items() if s > 0), key=lambda ns: (-ns[1], ns[0]))
    return [
        {"partner_id": n, "name": names[n].name, "category": names[n].category,
         "betweenness": round(s, 4)}
        for n, s in ranked[:top]
    ]


# ---------------------------------------------------------------------------------------------
# Autonomy


def autonomy(data: NetworkData) -> list[dict]:
    """Per partner: what the forums made of the clauses its side proposed."""
    parties_of: dict[int, set[int]] = defaultdict(set)
    for p in data.parties:
        parties_of[p.agreement_id].add(p.partner_id)
    counts: dict[int, dict] = {}
    for c in data.clauses:
        for pid in parties_of.get(c.agreement_id, ()):
            row = counts.setdefault(
                pid, {"accepted": 0, "amended": 0, "rejected": 0, "proposed": 0, "decisions": set()}
            )
            row[c.status if c.status in row else "proposed"] += 1
            if c.decision_id is not None:
                row["decisions"].add(c.decision_id)
    names = {p.id: p for p in data.partners}
    out = []
    for pid, row in counts.items():
        if pid not in names:
            continue
        decided = row["accepted"] + row["amended"] + row["rejected"]
        out.append({
            "partner_id": pid, "name": names[pid].name,
            "accepted": row["accepted"], "amended": row["amended"], "rejected": row["rejected"],
            "pending": row["proposed"], "decided": decided,
            # The share of the partner's decided proposals the forums changed or refused.
            "changed_share": round(100.0 * (row["amended"] + row["rejected"]) / decided, 1) if decided else None,
            "decisions": sorted(row["decisions"]),
        })
    out.sort(key=lambda r: (-r["decided"], r["partner_id"]))
    return out


# ---------------------------------------------------------------------------------------------
# All metrics, change over time, impact


def totals(data: NetworkData, pv: list | None = None) -> dict:
    """How many partners and agreements, their value, the value of each flow, and the agreement
    statuses the network was read with (`statuses`, and how many agreements of each)."""
    per_flow: dict[str, Decimal] = defaultdict(Decimal)
    for _a, _p, flow, share in (pv if pv is not None else _party_values(data)):
        per_flow[flow] += share
    return {
        "partners": len(data.partners),
        "agreements": len(data.agreements),
        "value": _money(sum((a.value for a in data.agreements), Decimal(0))),
        "flows": {f: _money(per_flow[f]) for f in FLOWS if f in per_flow},
        **statuses_of(data),
    }


def statuses_of(data: NetworkData) -> dict:
    """`statuses`: the agreement statuses the network was read with (in the order given, e.g.
    active, suspended, under deliberation, approved), so that a page never calls a network that
    holds agreements under deliberation "in force"; `by_status`: how many agreements of each."""
    chosen = list((data.filters or {}).get("status") or ())
    counts: dict[str, int] = defaultdict(int)
    for a in data.agreements:
        counts[a.status] += 1
    order = chosen + sorted(s for s in counts if s not in chosen)
    return {"statuses": chosen, "by_status": {s: counts[s] for s in order}}


def compute_metrics(data: NetworkData) -> dict:
    """Every metric of the network (JSON-safe)."""
    pv = _party_values(data)
    return {
        "as_of": data.as_of.isoformat(),
        "totals": totals(data, pv),
        "concentration": concentrations(data, pv),
        "single_points_of_failure": single_points_of_failure(data, pv=pv),
        "brokers": brokers(data),
        "autonomy": autonomy(data),
    }


def comparison_basis(data: NetworkData) -> dict:
    """The part of compute_metrics that compare_metrics reads of the earlier date (totals,
    concentration, articulation points), without what only the later date shows (bridges,
    projects, brokers, autonomy): compare_metrics(comparison_basis(d), m) equals
    compare_metrics(compute_metrics(d), m)."""
    pv = _party_values(data)
    points, total = articulation_points(data, pv)
    return {
        "as_of": data.as_of.isoformat(),
        "totals": totals(data, pv),
        "concentration": concentrations(data, pv),
        "single_points_of_failure": {"articulation_points": points, "articulation_points_total": total},
    }


def _hhi_changes(before: dict, after: dict) -> dict:
    out = {}
    for group in ("flows", "categories"):
        out[group] = {}
        for name in sorted(set(before[group]) | set(after[group])):
            b, a = before[group].get(name), after[group].get(name)
            hb, ha = (b or {}).get("hhi"), (a or {}).get("hhi")
            eb, ea = (b or {}).get("effective"), (a or {}).get("effective")
            out[group][name] = {
                "hhi_before": hb, "hhi_after": ha,
                "hhi_change": round(ha - hb, 1) if ha is not None and hb is not None else None,
                "effective_before": eb, "effective_after": ea,
                "level_before": (b or {}).get("level", "none"), "level_after": (a or {}).get("level", "none"),
                "total_before": (b or {}).get("total", "0.00"), "total_after": (a or {}).get("total", "0.00"),
            }
    return out


def compare_metrics(before: dict, after: dict) -> dict:
    """What changed between two metric sets (`before` at the earlier date)."""
    def ids(m: dict, key: str) -> set:
        return {(p["type"], p["id"]) for p in m["single_points_of_failure"][key]}

    b_partners = {s["partner_id"] for c in before["concentration"]["categories"].values() for s in c["sources"]}
    a_partners = {s["partner_id"] for c in after["concentration"]["categories"].values() for s in c["sources"]}
    b_points, a_points = ids(before, "articulation_points"), ids(after, "articulation_points")
    return {
        "since": before["as_of"],
        "as_of": after["as_of"],
        "totals": {"before": before["totals"], "after": after["totals"]},
        "concentration": _hhi_changes(before["concentration"], after["concentration"]),
        "partners_added": sorted(a_partners - b_partners),
        "partners_gone": sorted(b_partners - a_partners),
        "new_single_points": sorted([{"type": t, "id": i} for t, i in a_points - b_points], key=lambda d: (d["type"], d["id"])),
        "resolved_single_points": sorted([{"type": t, "id": i} for t, i in b_points - a_points], key=lambda d: (d["type"], d["id"])),
    }


def failing_agreements(data: NetworkData, partner_id: int) -> tuple[list[int], list[int]]:
    """(agreements the partner is party to, agreements that need one of them, transitively)."""
    direct = sorted({p.agreement_id for p in data.parties if p.partner_id == partner_id})
    needed_by: dict[int, list[int]] = defaultdict(list)
    for a, b in data.dependencies:
        needed_by[b].append(a)
    failed = set(direct)
    stack = list(direct)
    while stack:
        for dependent in needed_by.get(stack.pop(), ()):
            if dependent not in failed:
                failed.add(dependent)
                stack.append(dependent)
    return direct, sorted(failed - set(direct))


def without_agreements(data: NetworkData, agreement_ids: set[int]) -> NetworkData:
    """The same network with these agreements gone (and partners left with none)."""
    parties = [p for p in data.parties if p.agreement_id not in agreement_ids]
    left = {p.partner_id for p in parties}
    return dataclasses.replace(
        data,
        agreements=[a for a in data.agreements if a.id not in agreement_ids],
        parties=parties,
        partners=[p for p in data.partners if p.id in left],
        dependencies=[(a, b) for a, b in data.dependencies if a not in agreement_ids and b not in agreement_ids],
        clauses=[c for c in data.clauses if c.agreement_id not in agreement_ids],
    )


def impact(data: NetworkData, partner_id: int) -> dict:
    """What would be at risk if `partner_id` left (obligations are added by the caller)."""
    direct, indirect = failing_agreements(data, partner_id)
    failed = set(direct) | set(indirect)
    at_risk: dict[str, Decimal] = defaultdict(Decimal)
    for agreement_id, _pid, flow, share in _party_values(data):
        if agreement_id in failed:
            at_risk[flow] += share
    agreements = {a.id: a for a in data.agreements}
    after = without_agreements(data, failed)

    def describe(ids: list[int]) -> list[dict]:
        return [
            {"id": i, "title": agreements[i].title, "kind": agreements[i].kind,
             "value": _money(agreements[i].value), "currency": agreements[i].currency}
            for i in ids
        ]

    return {
        "partner_id": partner_id,
        "as_of": data.as_of.isoformat(),
        "direct": describe(direct),
        "through_dependencies": describe(indirect),
        "value_at_risk": {f: _money(at_risk[f]) for f in FLOWS if f in at_risk},
        "value_at_risk_total": _money(sum((agreements[i].value for i in failed), Decimal(0))),
        "concentration": _hhi_changes(concentrations(data), concentrations(after)),
    }

