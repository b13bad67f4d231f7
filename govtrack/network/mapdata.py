"""The interactive map's graph: partners aggregated (never agreement nodes), with positions.

What the browser draws (static/js/network-map.js, cytoscape.js) is a compact JSON made here:

  partners      one entry per partner in the network the user may see: id, name, category, the
                value of its flows (a decimal string), `s` its size (square root of its share of the
                largest value, 0-1), its flows (largest first; the first gives the node's shape), the
                number of its agreements, whether it is a single point of failure or a broker, and
                its position `x`, `y`;
  dependencies  the `depends_on` links between agreements, aggregated to partners: `[from, to, n]`
                means n agreements with partner `to` need an agreement with partner `from`, so if
                `from` leaves they fail (the arrow points to what breaks). Links inside one partner's
                own agreements are counted on the partner (`own_dependencies`), not drawn;
  the cooperative sits at (0, 0); every partner is tied to it (the browser draws those edges).

Positions are computed here, not in the browser, so that they stay put between visits and a page
at scale L (2,000 partners) does not spend its first seconds on a force layout: the cooperative
in the centre, each category in its own sector (in a fixed order), larger partners nearer the
centre (by value and by rank, evenly over the sector's area), each partner's angle within its sector taken from
a hash of its id: the same data always gives the same picture, and a partner joining moves the
others only a little (its sector widens, the ranks below it step out). The answer is cached as bytes under the data versions of the network's
tables, what the user may see and the filters (queries.Scope.key), like the API's body: a warm
request reads no row of the network. Names, ids and values come only from queries.network_data,
which keeps to the agreements the user may see, so a member's map holds no internal partner or
agreement.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from govtrack.core.cache import get_cache
from govtrack.extensions import db
from govtrack.network import graph, queries
from govtrack.network.queries import NetworkData
from govtrack.network.render import CATEGORY_COLOURS, CATEGORY_ORDER
from govtrack.obligations.queries import partner_scorecard
from govtrack.partners.models import Partner

MAP_VERSION = 4  # bump when the JSON changes shape or meaning, so old cached bodies are not reused

# The shape of a partner's node, by its main flow (the legend draws the same shapes).
FLOW_SHAPES: dict[str, str] = {
    "funding": "ellipse",
    "liquidity": "diamond",
    "guarantee": "hexagon",
    "supply": "round-rectangle",
    "regulation": "triangle",
    "cooperation": "octagon",
}
COOPERATIVE_COLOUR = CATEGORY_COLOURS["cooperative"]
SPOF_COLOUR = "#b00020"
BROKER_COLOUR = "#111111"
DEPENDENCY_COLOUR = "#c2410c"
TIE_COLOUR = "#8a8f98"


def _unit(seed: str) -> float:
    """A stable number in [0, 1) from `seed` (the same on every machine and run)."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16) / float(16**12)


def layout(partners: list[dict]) -> dict[int, tuple[float, float]]:
    """Positions (pixels, the cooperative at 0, 0) for partners `{"id", "category", "s"}`."""
    if not partners:
        return {}
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for p in partners:
        by_cat[p["category"]].append(p)
    cats = [c for c in CATEGORY_ORDER if c in by_cat] + sorted(c for c in by_cat if c not in CATEGORY_ORDER)
    # The disc grows with the number of partners so that nodes keep roughly the same room each.
    outer = max(420.0, 38.0 * math.sqrt(len(partners)))
    inner = max(150.0, 0.2 * outer)  # room for the largest partners' names around the cooperative
    gap = 0.10 if len(cats) > 1 else 0.0
    usable = 2 * math.pi - gap * len(cats)
    start = -math.pi / 2
    pos: dict[int, tuple[float, float]] = {}
    for cat in cats:
        members = sorted(by_cat[cat], key=lambda p: (-p["s"], p["id"]))
        width = usable * len(members) / len(partners)
        for rank, p in enumerate(members):
            # Within the sector: the angle from a hash of the id (kept off the sector's edges), the
            # distance half from the value (the largest nearest the centre), half from the rank by
            # value spread evenly over the sector's area (partners of much the same value would
            # otherwise crowd into one ring).
            angle = start + width * (0.08 + 0.84 * _unit(f"angle:{p['id']}"))
            spread = math.sqrt((rank + 0.5) / len(members))
            radius = inner + (outer - inner) * (0.5 * spread + 0.5 * (1.0 - p["s"]))
            pos[p["id"]] = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
        start += width + gap
    return pos


def build(data: NetworkData, metrics: dict) -> dict:
    """The map of `data` (see the module's docstring); `metrics`: graph.compute_metrics of it."""
    g = graph.build_graph(data)
    flows: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for u, _v, d in g.edges(data=True):
        if u.startswith("partner:"):
            flows[g.nodes[u]["partner_id"]].append((d["flow"], d["value"]))
    rows = [d for _n, d in g.nodes(data=True) if d.get("kind") == "partner"]
    top = max((d["value"] for d in rows), default=0.0) or 1.0
    spof = {p["id"] for p in metrics["single_points_of_failure"]["articulation_points"] if p["type"] == "partner"}
    brokers = {b["partner_id"]: rank for rank, b in enumerate(metrics["brokers"], start=1)}

    parties: dict[int, set[int]] = defaultdict(set)
    for p in data.parties:
        parties[p.agreement_id].add(p.partner_id)
    links: dict[tuple[int, int], int] = defaultdict(int)
    own: dict[int, int] = defaultdict(int)
    for dependent, needed in data.dependencies:
        for source in parties.get(needed, ()):
            for target in parties.get(dependent, ()):
                if source == target:
                    own[source] += 1
                else:
                    links[(source, target)] += 1

    partners = []
    for d in rows:
        pid = d["partner_id"]
        ordered = [f for f, _v in sorted(flows[pid], key=lambda fv: (-fv[1], graph.FLOWS.index(fv[0])))]
        partners.append({
            "id": pid, "name": d["name"], "category": d["category"], "value": d["amount"],
            "s": round(math.sqrt(d["value"] / top), 4), "flows": ordered, "agreements": d["agreements"],
            "spof": pid in spof, "broker": brokers.get(pid), "own_dependencies": own.get(pid, 0),
        })
    pos = layout(partners)
    for p in partners:
        p["x"], p["y"] = pos[p["id"]]
    partners.sort(key=lambda p: (-p["s"], p["name"].casefold(), p["id"]))
    return {
        "version": MAP_VERSION,
        "as_of": data.as_of.isoformat(),
        "partners": partners,
        "dependencies": [[a, b, n] for (a, b), n in sorted(links.items())],
        "totals": {
            "partners": len(partners), "agreements": len(data.agreements),
            "value": f"{sum((a.value for a in data.agreements), Decimal(0)):.2f}",
            "dependencies": len(data.dependencies),
        },
        "style": {
            "categories": dict(CATEGORY_COLOURS), "shapes": FLOW_SHAPES, "spof": SPOF_COLOUR,
            "broker": BROKER_COLOUR, "dependency": DEPENDENCY_COLOUR, "tie": TIE_COLOUR,
        },
    }


def map_answer(*, user, as_of, filters: dict) -> bytes:
    """The map's JSON body for `user` on `as_of` with `filters` (category, flow, status), cached as
    bytes for these data versions, this visibility and these arguments. The metrics come from
    their own cache entry (shared with the page and the API), so a cold map after a warm page
    only loads the network and lays it out."""
    scope = queries.scope_for(user)
    key = scope.key("map", as_of=as_of, map_version=MAP_VERSION, **filters)
    cache = get_cache()
    body = cache.get(key)
    if body is not None:
        return body
    load = functools.cache(lambda: queries.network_data(user=user, as_of=as_of, **filters))
    metrics = queries.measured(scope, as_of=as_of, filters=filters, load=load)
    body = (json.dumps(build(load(), metrics), separators=(",", ":"), ensure_ascii=False) + "\n").encode()
    cache.put(key, body)
    return body


def partner_panel(*, user, as_of, partner_id: int, filters: dict, today, scorecard: bool) -> dict | None:
    """What the map's side panel shows for one partner, or None when that partner is not in the
    network `user` may see with these filters (the page answers 404: hidden is missing). The
    impact is queries.impact_of with the open obligations of the failing agreements, exactly as
    the network page and /api/v1/network/impact compute it; `obligations`: the open obligations
    of the partner's own agreements, both ways; `scorecard` (when the user may see obligations):
    obligations.queries.partner_scorecard."""
    impact = queries.impact_of(user=user, as_of=as_of, partner_id=partner_id, **filters)
    if impact is None:
        return None
    direct = {a["id"] for a in impact["direct"]}
    failed = [a["id"] for a in impact["direct"] + impact["through_dependencies"]]
    impact = {**impact, "obligations": queries.obligations_affected(failed, today)}
    own = [o for o in impact["obligations"] if o["agreement_id"] in direct]
    metrics = queries.metrics_at(user=user, as_of=as_of, **filters)
    spof = next((p for p in metrics["single_points_of_failure"]["articulation_points"]
                 if p["type"] == "partner" and p["id"] == partner_id), None)
    broker = next((rank for rank, b in enumerate(metrics["brokers"], start=1) if b["partner_id"] == partner_id), None)
    partner = db.session.execute(
        select(Partner.id, Partner.name, Partner.category, Partner.region).where(Partner.id == partner_id)
    ).one()
    # The partners' values were cached by impact_of a moment ago: the network is not loaded again.
    load = functools.cache(lambda: queries.network_data(user=user, as_of=as_of, **filters))
    everyone = queries.partners_in(queries.scope_for(user), as_of=as_of, filters=filters, load=load)
    value = next((p["value"] for p in everyone if p["id"] == partner_id), "0.00")
    return {
        "partner": {"id": partner.id, "name": partner.name, "category": partner.category, "region": partner.region},
        "value": value,
        "impact": impact,
        "obligations": {
            "partner": [o for o in own if o["owed_by"] == "partner"],
            "cooperative": [o for o in own if o["owed_by"] == "cooperative"],
        },
        "spof": spof,
        "broker": broker,
        "scorecard": partner_scorecard(partner_id, today) if scorecard else None,
    }
