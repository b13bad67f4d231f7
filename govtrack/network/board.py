"""What a board must know about the dependency network, picked from the page's cached summary:
the flows that are highly concentrated and on whom, the single points of failure, the largest
exposure and what would be at risk if that partner left. The network page says these first, in
words; the tables below it hold the detail each sentence links to.

Only the what-if of the largest partner is computed here (queries.impact_of, cached like the
metrics) and the open obligations of the agreements it would take down (one query, as for any
what-if: they change with the date, not with the network).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govtrack.network import queries

NAMED = 3  # names said in one sentence; the rest are "and N more"
SOURCES_NAMED = 2  # largest sources named per concentrated flow


def _value(amount: str | None) -> Decimal:
    return Decimal(amount or 0)


def concentrated(metrics: dict) -> dict:
    """The flows by level: `high` and `moderate`, each `[{"flow", "basis", "sources"}]` with the
    largest sources (name, partner id, share in %), in the order of graph.FLOWS."""
    out: dict[str, list[dict]] = {"high": [], "moderate": []}
    for flow, c in metrics["concentration"]["flows"].items():
        if c["level"] in out:
            out[c["level"]].append({
                "flow": flow, "basis": c["basis"], "hhi": c["hhi"],
                "sources": c["sources"][:SOURCES_NAMED],
                "more": max(0, c.get("sources_total", len(c["sources"])) - SOURCES_NAMED),
            })
    return out


def single_points(metrics: dict) -> dict:
    """The single points of failure as the page lists them: partners and agreements that hold the
    network together, and the partners a project's funding cannot do without (first NAMED of
    each, with how many there are)."""
    spof = metrics["single_points_of_failure"]
    partners = [p for p in spof["articulation_points"] if p["type"] == "partner"]
    agreements = [p for p in spof["articulation_points"] if p["type"] == "agreement"]
    # Listed partners first and agreements after (graph.single_points_of_failure): what is beyond
    # the page's list is counted, not named.
    hidden = spof["articulation_points_total"] - len(spof["articulation_points"])
    funders: dict[int, dict] = {}
    for project in spof["projects"]:
        for p in project["partners"]:
            row = funders.setdefault(p["id"], {"id": p["id"], "name": p["name"], "projects": []})
            row["projects"].append({"id": project["agreement_id"], "title": project["title"]})
    return {
        "partners": partners[:NAMED],
        "partners_more": len(partners) - min(len(partners), NAMED),
        "agreements": agreements[:NAMED],
        "agreements_more": len(agreements) - min(len(agreements), NAMED) + max(hidden, 0),
        "funders": list(funders.values())[:NAMED],
        "funders_more": max(0, len(funders) - NAMED),
        "any": bool(spof["articulation_points_total"] or funders),
    }


def board_summary(*, user, as_of: dt.date, summary: dict, filters: dict, today: dt.date,
                  impact: dict | None = None) -> dict:
    """The facts of the page's opening summary (see the module's docstring). `summary`:
    queries.summary's answer; `impact`: the what-if already computed for the page, reused when it
    is the largest partner's."""
    metrics = summary["metrics"]
    total = _value(metrics["totals"]["value"])
    largest = None
    what_if = None
    if summary["largest"]:
        top = summary["largest"][0]
        value = _value(top["value"])
        largest = {"id": top["id"], "name": top["name"], "value": value,
                   "share": float(value / total) if total else None}
        if impact is None or impact["partner_id"] != top["id"]:
            impact = queries.impact_of(user=user, as_of=as_of, partner_id=top["id"], **filters)
            if impact is not None:
                failed = [a["id"] for a in impact["direct"] + impact["through_dependencies"]]
                impact = {**impact, "obligations": queries.obligations_affected(failed, today)}
        if impact is not None:
            what_if = {
                "direct": len(impact["direct"]),
                "through": len(impact["through_dependencies"]),
                "value": _value(impact["value_at_risk_total"]),
                "obligations": len(impact["obligations"]),
            }
    comparison = summary.get("comparison")
    return {
        "totals": metrics["totals"],
        "concentrated": concentrated(metrics),
        "single_points": single_points(metrics),
        "largest": largest,
        "what_if": what_if,
        "since": dt.date.fromisoformat(comparison["since"]) if comparison else None,
        "status": filters.get("status"),
    }
