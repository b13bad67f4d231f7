"""Drawing the network with matplotlib's object API (Figure + Agg, never pyplot), as PNG or SVG.

The layout is deterministic: the cooperative in the centre, each partner category in its own
sector (in a fixed order), larger partners nearer the centre, a seeded jitter so that partners of
equal value do not sit on top of each other. Only the largest partners are labelled, so the picture
stays legible with hundreds of partners; in the SVG every partner (dot and label) links to its page.

Rendered bytes are cached by a hash of the graph, the texts and the format (govtrack.core.cache),
so an unchanged network is served without computing the layout or drawing again. The API finds
that key from the data versions (govtrack.network.api.picture), so a warm request does not even
load the network to hash it.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import threading

import networkx as nx
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from govtrack.network.graph import COOPERATIVE, FLOWS

RENDER_VERSION = "1"
SEED = 20240601
MAX_LABELS = 25
CATEGORY_ORDER = (
    "nonprofit_funder", "financial_institution", "local_government", "central_government",
    "construction_partner", "other",
)
CATEGORY_COLOURS = {
    "nonprofit_funder": "#1b9e77",
    "financial_institution": "#d95f02",
    "local_government": "#7570b3",
    "central_government": "#e7298a",
    "construction_partner": "#66a61e",
    "other": "#a6761d",
    "cooperative": "#12355b",
}
FLOW_STYLES = {
    "funding": ("#1b9e77", "solid"),
    "liquidity": ("#d95f02", "dashed"),
    "guarantee": ("#7570b3", "dotted"),
    "supply": ("#66a61e", "dashdot"),
    "regulation": ("#e7298a", (0, (6, 2, 1, 2, 1, 2))),
    "cooperation": ("#777777", (0, (1, 3))),
}
# Matplotlib's global settings (rcParams) and font cache are not thread-safe.
_LOCK = threading.Lock()


def graph_hash(g: nx.MultiDiGraph, *extra: str) -> str:
    """A stable digest of every node, edge and attribute of `g`, plus `extra` strings."""
    payload = {
        "nodes": sorted([n, sorted(d.items())] for n, d in g.nodes(data=True)),
        "edges": sorted([u, v, str(k), sorted(d.items())] for u, v, k, d in g.edges(keys=True, data=True)),
        "extra": list(extra),
        "version": RENDER_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def compute_layout(g: nx.MultiDiGraph, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Positions for every node: sectors by category, radius by value, seeded jitter."""
    rng = random.Random(seed)
    pos: dict[str, tuple[float, float]] = {COOPERATIVE: (0.0, 0.0)}
    partners = [n for n, d in g.nodes(data=True) if d.get("kind") == "partner"]
    if partners:
        by_cat: dict[str, list[str]] = {}
        for n in partners:
            by_cat.setdefault(g.nodes[n]["category"], []).append(n)
        cats = [c for c in CATEGORY_ORDER if c in by_cat] + sorted(c for c in by_cat if c not in CATEGORY_ORDER)
        top = max((g.nodes[n]["value"] for n in partners), default=0.0) or 1.0
        gap = 0.08 if len(cats) > 1 else 0.0
        usable = 2 * math.pi - gap * len(cats)
        start = math.pi / 2
        for cat in cats:
            members = sorted(by_cat[cat], key=lambda n: (-g.nodes[n]["value"], n))
            width = usable * len(members) / len(partners)
            for i, n in enumerate(members):
                # Spread by the golden ratio, so that the largest partners of a category (the
                # labelled ones) are far apart within its sector rather than side by side.
                slot = (i * 0.6180339887498949) % 1.0
                angle = start + width * (0.5 + slot * (len(members) - 1)) / len(members)
                share = math.sqrt(g.nodes[n]["value"] / top)
                radius = 0.35 + 0.6 * (1 - share) + rng.uniform(-0.04, 0.04)
                pos[n] = (radius * math.cos(angle), radius * math.sin(angle))
            start += width + gap
    for n in g.nodes:
        if n in pos:
            continue
        # Agreement nodes (when present): between their partners and the centre.
        near = [pos[p] for p in g.predecessors(n) if p in pos]
        if near:
            x = sum(p[0] for p in near) / len(near) * 0.6
            y = sum(p[1] for p in near) / len(near) * 0.6
        else:
            x, y = rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)
        pos[n] = (x, y)
    return pos


def _size(value: float, top: float) -> float:
    return 25.0 + 700.0 * math.sqrt(value / top) if top else 25.0


def draw(g: nx.MultiDiGraph, pos: dict, *, fmt: str, texts: dict) -> bytes:
    """The picture as PNG or SVG bytes. `texts`: title, empty, cooperative, categories, flows."""
    fig = Figure(figsize=(12, 10), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.74, 0.92))
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-1.08, 1.08)
    fig.suptitle(texts["title"], fontsize=13, x=0.02, ha="left")

    partners = [n for n, d in g.nodes(data=True) if d.get("kind") == "partner"]
    if not partners:
        ax.text(0, 0, texts["empty"], ha="center", va="center", fontsize=12)
    edge_values = [d["value"] for _u, _v, d in g.edges(data=True) if d.get("flow") in FLOW_STYLES]
    top_edge = max(edge_values, default=0.0) or 1.0
    flow_handles = []
    for flow in FLOWS:
        edges = [(u, v, d) for u, v, d in g.edges(data=True) if d.get("flow") == flow]
        if not edges:
            continue
        colour, style = FLOW_STYLES[flow]
        segments = [(pos[u], pos[v]) for u, v, _d in edges]
        widths = [0.3 + 3.5 * math.sqrt(d["value"] / top_edge) for _u, _v, d in edges]
        ax.add_collection(
            LineCollection(segments, linewidths=widths, colors=colour, linestyles=style, alpha=0.55, zorder=1)
        )
        flow_handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=2, label=texts["flows"][flow]))
    deps = [(u, v) for u, v, d in g.edges(data=True) if d.get("flow") == "depends_on"]
    if deps:
        ax.add_collection(
            LineCollection([(pos[u], pos[v]) for u, v in deps], linewidths=0.6, colors="#333333",
                           linestyles="dotted", alpha=0.5, zorder=1)
        )

    top_value = max((g.nodes[n]["value"] for n in partners), default=0.0) or 1.0
    cat_handles = []
    cats = sorted({g.nodes[n]["category"] for n in partners},
                  key=lambda c: CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else 99)
    for cat in cats:
        nodes = sorted((n for n in partners if g.nodes[n]["category"] == cat), key=lambda n: -g.nodes[n]["value"])
        colour = CATEGORY_COLOURS.get(cat, "#999999")
        dots = ax.scatter(
            [pos[n][0] for n in nodes], [pos[n][1] for n in nodes],
            s=[_size(g.nodes[n]["value"], top_value) for n in nodes],
            c=colour, edgecolors="white", linewidths=0.5, zorder=3, label=texts["categories"].get(cat, cat),
        )
        dots.set_urls([g.nodes[n]["url"] for n in nodes])
        dots.set_gid(f"partners-{cat}")
        cat_handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=colour,
                                  markeredgecolor="white", label=texts["categories"].get(cat, cat)))
    agreements = [n for n, d in g.nodes(data=True) if d.get("kind") == "agreement"]
    if agreements:
        dots = ax.scatter([pos[n][0] for n in agreements], [pos[n][1] for n in agreements], s=8,
                          c="#bbbbbb", marker="s", zorder=2)
        dots.set_urls([g.nodes[n]["url"] for n in agreements])
    ax.scatter([0], [0], s=1400, c=CATEGORY_COLOURS["cooperative"], marker="h", zorder=4)
    ax.text(0, 0, texts["cooperative"], ha="center", va="center", color="white", fontsize=6.5,
            fontweight="bold", zorder=5)

    labelled = sorted(partners, key=lambda n: (-g.nodes[n]["value"], n))[:MAX_LABELS]
    for n in labelled:
        x, y = pos[n]
        r = math.hypot(x, y) or 1.0
        # Outward from the centre, beside the dot, aligned away from it.
        offset = 0.03 + 0.02 * math.sqrt(g.nodes[n]["value"] / top_value)
        name = g.nodes[n]["name"]
        label = ax.text(
            x + offset * x / r, y + offset * y / r, name if len(name) <= 28 else name[:27] + "…",
            ha="left" if x >= 0 else "right", va="center", fontsize=6.5, zorder=6, color="#111111",
        )
        label.set_url(g.nodes[n]["url"])
        label.set_gid(f"label-{n.replace(':', '-')}")

    if cat_handles:
        fig.legend(handles=cat_handles, loc="upper left", bbox_to_anchor=(0.76, 0.9),
                   title=texts["categories_title"], fontsize=8, title_fontsize=9, frameon=False)
    if flow_handles:
        fig.legend(handles=flow_handles, loc="upper left", bbox_to_anchor=(0.76, 0.55),
                   title=texts["flows_title"], fontsize=8, title_fontsize=9, frameon=False)
    fig.text(0.76, 0.08, texts["note"], fontsize=7, wrap=True, va="bottom")

    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def picture_key(g: nx.MultiDiGraph, *, fmt: str, texts: dict, locale: str) -> str:
    """The cache key of the picture of `g` with these texts, in this language and format."""
    if fmt not in {"png", "svg"}:
        raise ValueError(fmt)
    return f"{graph_hash(g, json.dumps(texts, sort_keys=True, default=str))}-{locale}.{fmt}"


def render(g: nx.MultiDiGraph, *, fmt: str, texts: dict, locale: str, cache, key: str | None = None) -> bytes:
    """PNG or SVG bytes of `g`, from the cache when this exact picture was drawn before (`key`:
    its picture_key, when the caller has it already)."""
    key = key or picture_key(g, fmt=fmt, texts=texts, locale=locale)
    data = cache.get(key) if cache is not None else None
    if data is not None:
        return data
    with _LOCK, rc_context({"svg.fonttype": "none", "svg.hashsalt": "govtrack", "font.family": "DejaVu Sans"}):
        pos = compute_layout(g)
        data = draw(g, pos, fmt=fmt, texts=texts)
    if cache is not None:
        cache.put(key, data)
    return data
