"""Drawing the network with matplotlib's object API (Figure + Agg, never pyplot), as PNG or SVG,
for print and export: one A4 page wide, every text at 7 pt or more when printed.

The layout is deterministic: the cooperative in the centre, each partner category in its own
sector (in a fixed order), larger partners nearer the centre, a seeded jitter so that partners of
equal value do not sit on top of each other. Up to MAX_LABELS partners are named (the brokers,
the largest, then the largest single points of failure); a name is wrapped between words, never
cut, and a name that would run into another name or dot (or off the page) is replaced by a
number, listed with the whole name under the picture.
In the SVG every partner (dot and name) links to its page.

Risks are marked as on the interactive map (govtrack.network.mapdata): a single point of failure
with a solid red ring, a broker with a dashed black ring; a link with no value (a permit) is a
dashed line instead of a hair; a legend under the picture says so, in the reader's language.

Rendered bytes are cached by a hash of the graph (risk marks included), the texts and the format
(govtrack.core.cache), so an unchanged network is served without computing the layout or drawing
again. The API finds that key from the data versions (govtrack.network.api.picture), so a warm
request does not even load the network to hash it.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import textwrap
import threading

import networkx as nx
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.transforms import Bbox

from govtrack.network.graph import COOPERATIVE, FLOWS

RENDER_VERSION = "2"
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
# Flows by colour; every link with a value is solid, so that a dashed line means "no value".
FLOW_COLOURS = {
    "funding": "#1b9e77",
    "liquidity": "#d95f02",
    "guarantee": "#7570b3",
    "supply": "#66a61e",
    "regulation": "#e7298a",
    "cooperation": "#777777",
}
ZERO_DASH = (0, (4, 2.5))
DEPENDS_DASH = (0, (1, 2))
# As on the map (govtrack.network.mapdata: SPOF_COLOUR, BROKER_COLOUR).
SPOF_COLOUR = "#b00020"
BROKER_COLOUR = "#111111"
RISK_SPOF = "single_point"
RISK_BROKER = "broker"

# The page: A4 is 8.27 in wide; 7.2 in leaves 0.5 in margins, so the picture prints at its own
# size (fonts in points are the printed size). PNG at 200 dpi is sharp on paper.
WIDTH_IN = 7.2
PNG_DPI = 200
FONT_LABEL = 7.5
FONT_LEGEND = 7.5
FONT_LEGEND_TITLE = 8.0
FONT_TITLE = 11.0
FONT_NOTE = 7.0
LINE = FONT_LEGEND * 1.4 / 72  # one line of a legend, in inches
NOTE_LINES = 2
WRAP_LABEL = 24  # characters per line of a name beside its dot
MAX_LABEL_LINES = 3  # a longer name is numbered instead
WRAP_LEGEND = 46  # characters per line in the legends under the picture
LIMIT = 1.42  # half the width of the drawing, in layout units (partners lie within ~1)
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


def mark_risks(g: nx.MultiDiGraph, metrics: dict) -> nx.MultiDiGraph:
    """Set each node's `risk` (space-separated: single_point, broker) from graph.compute_metrics'
    answer: the partners (and, when drawn, agreements) that are articulation points, and the
    brokers, the same ones the page lists and the map rings. Returns `g`."""
    spof = metrics["single_points_of_failure"]["articulation_points"]
    marks: dict[str, list[str]] = {}
    for p in spof:
        marks.setdefault(f"{p['type']}:{p['id']}", []).append(RISK_SPOF)
    for b in metrics["brokers"]:
        marks.setdefault(f"partner:{b['partner_id']}", []).append(RISK_BROKER)
    for node, risks in marks.items():
        if node in g:
            g.nodes[node]["risk"] = " ".join(risks)
    return g


def _risks(d: dict) -> set[str]:
    return set((d.get("risk") or "").split())


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


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words only (a word longer
    than a line stays whole on its own line)."""
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [text]


def _size(value: float, top: float) -> float:
    """A dot's area in points² (matplotlib's scatter `s`), by the square root of its share."""
    return 18.0 + 420.0 * math.sqrt(value / top) if top else 18.0


def _ring(size: float, extra: float) -> float:
    """The area of a ring `extra` points wider (in diameter) than a dot of area `size`."""
    return (math.sqrt(size) + extra) ** 2


def _segments(g: nx.MultiDiGraph, pos: dict) -> list[tuple[str, tuple, dict]]:
    """(flow, segment, data) per edge; parallel flows between the same two nodes are set apart
    side by side (a partner lending and guaranteeing shows both lines)."""
    by_pair: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for u, v, d in g.edges(data=True):
        by_pair.setdefault((u, v), []).append((d.get("flow", ""), d))
    out = []
    for (u, v), items in by_pair.items():
        (x1, y1), (x2, y2) = pos[u], pos[v]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
        for i, (flow, d) in enumerate(sorted(items, key=lambda fd: fd[0])):
            shift = (i - (len(items) - 1) / 2) * 0.018
            out.append((flow, ((x1 + nx_ * shift, y1 + ny_ * shift), (x2 + nx_ * shift, y2 + ny_ * shift)), d))
    return out


class _Page:
    """Where things go on the figure, in inches from the top: the title, the drawing, the legends."""

    def __init__(self, title_lines: int, legend_lines: float, names_lines: float,
                 ylim: tuple[float, float] = (-1.22, 1.22)):
        self.ylim = ylim
        self.title_h = 0.15 + title_lines * FONT_TITLE * 1.3 / 72 + 0.1
        self.scale = WIDTH_IN / (2 * LIMIT)  # inches per layout unit
        self.draw_h = (ylim[1] - ylim[0]) * self.scale
        self.legend_h = 0.15 + legend_lines * LINE
        self.names_h = (0.1 + FONT_LEGEND_TITLE * 1.6 / 72 + names_lines * LINE) if names_lines else 0.0
        self.note_h = 0.1 + NOTE_LINES * FONT_NOTE * 1.4 / 72
        self.height = self.title_h + self.draw_h + self.legend_h + self.names_h + self.note_h + 0.1

    def y(self, inches_from_top: float) -> float:
        """A figure fraction (from the bottom) for a distance from the top."""
        return 1.0 - inches_from_top / self.height


def draw(g: nx.MultiDiGraph, pos: dict, *, fmt: str, texts: dict) -> bytes:
    """The picture as PNG or SVG bytes. `texts`: picture_texts (govtrack.network.labels)."""
    partners = [n for n, d in g.nodes(data=True) if d.get("kind") == "partner"]
    top_value = max((g.nodes[n]["value"] for n in partners), default=0.0) or 1.0
    ranked = sorted(partners, key=lambda n: (-g.nodes[n]["value"], n))
    # Named: the brokers, the largest partners, then the largest single points of failure, up to
    # MAX_LABELS in all (at scale L hundreds are ringed: the page lists them; the map finds them).
    brokers = [n for n in ranked if RISK_BROKER in _risks(g.nodes[n])]
    named = list(dict.fromkeys([*brokers, *ranked[:MAX_LABELS],
                                *(n for n in ranked if _risks(g.nodes[n]))]))[:MAX_LABELS]
    named.sort(key=ranked.index)

    title = wrap(texts["title"], 78)
    categories = [c for c in CATEGORY_ORDER if any(g.nodes[n]["category"] == c for n in partners)]
    categories += sorted({g.nodes[n]["category"] for n in partners} - set(categories))
    flows = [f for f in FLOWS if any(d.get("flow") == f for _u, _v, d in g.edges(data=True))]
    zero = any(d.get("flow") in FLOW_COLOURS and not d.get("value") for _u, _v, d in g.edges(data=True))
    deps = [(u, v) for u, v, d in g.edges(data=True) if d.get("flow") == "depends_on"]
    risk_rows = 2 + (1 if zero else 0) + (1 if deps else 0)
    legend_lines = 1.2 + max(
        sum(len(wrap(texts["categories"].get(c, c), 30)) for c in categories),
        sum(len(wrap(texts["flows"].get(f, f), 30)) for f in flows),
        sum(len(wrap(texts[k], 30)) for k in ("single_point", "broker", "no_value", "depends_on")),
    ) + 0.05 / LINE * max(len(categories), len(flows), risk_rows)
    # The drawing is as tall as the network needs, with room for a name above and below it.
    ys = [pos[n][1] for n in g.nodes]
    ylim = (max(-1.22, min(ys) - 0.25), min(1.22, max(ys) + 0.25)) if partners else (-0.5, 0.5)
    labels = _fit_labels(g, pos, named, top_value, ylim)
    numbered = [(number, n) for n, (number, _text) in labels.items() if number]
    heights = [len(wrap(f"{i}. {g.nodes[n]['name']}", WRAP_LEGEND)) for i, n in numbered]
    half = _halves(heights)
    # The taller of the two columns of names, with the gaps between entries (in lines).
    names_lines = max(sum(heights[:half]), sum(heights[half:])) + 0.03 / LINE * half if numbered else 0
    page = _Page(len(title), legend_lines, names_lines, ylim)
    fig = Figure(figsize=(WIDTH_IN, page.height), dpi=PNG_DPI)
    FigureCanvasAgg(fig)

    fig.text(0.2 / WIDTH_IN, page.y(0.15), "\n".join(title), fontsize=FONT_TITLE, ha="left", va="top",
             gid="title")
    ax = _drawing(fig, page)
    if not partners:
        ax.text(0, 0.3, "\n".join(wrap(texts["empty"], 50)), ha="center", va="center", fontsize=FONT_TITLE)

    # Links: width by value; a link of no value is dashed at a visible width.
    edge_values = [d["value"] for _u, _v, d in g.edges(data=True) if d.get("flow") in FLOW_COLOURS]
    top_edge = max(edge_values, default=0.0) or 1.0
    segments = _segments(g, pos)
    for flow in flows:
        valued = [(s, d) for f, s, d in segments if f == flow and d.get("value")]
        empty = [s for f, s, d in segments if f == flow and not d.get("value")]
        if valued:
            lines = LineCollection([s for s, _d in valued], colors=FLOW_COLOURS[flow], alpha=0.6, zorder=1,
                                   linewidths=[0.8 + 3.2 * math.sqrt(d["value"] / top_edge) for _s, d in valued])
            lines.set_gid(f"links-{flow}")
            ax.add_collection(lines)
        if empty:
            lines = LineCollection(empty, colors=FLOW_COLOURS[flow], linewidths=1.2, linestyles=[ZERO_DASH],
                                   alpha=0.9, zorder=1)
            lines.set_gid(f"links-{flow}-no-value")
            ax.add_collection(lines)
    if deps:
        lines = LineCollection([(pos[u], pos[v]) for u, v in deps], linewidths=0.8, colors="#333333",
                               linestyles=[DEPENDS_DASH], alpha=0.7, zorder=1)
        lines.set_gid("links-depends-on")
        ax.add_collection(lines)

    # Dots by category, size by value; rings around the risks.
    for cat in categories:
        nodes = [n for n in ranked if g.nodes[n]["category"] == cat]
        dots = ax.scatter(
            [pos[n][0] for n in nodes], [pos[n][1] for n in nodes],
            s=[_size(g.nodes[n]["value"], top_value) for n in nodes],
            c=CATEGORY_COLOURS.get(cat, "#999999"), edgecolors="white", linewidths=0.6, zorder=3,
        )
        dots.set_urls([g.nodes[n]["url"] for n in nodes])
        dots.set_gid(f"partners-{cat}")
    agreements = [n for n, d in g.nodes(data=True) if d.get("kind") == "agreement"]
    if agreements:
        dots = ax.scatter([pos[n][0] for n in agreements], [pos[n][1] for n in agreements], s=10,
                          c="#9a9a9a", marker="s", zorder=2)
        dots.set_urls([g.nodes[n]["url"] for n in agreements])
        dots.set_gid("agreements")
    for risk, colour, style, extra, gid in (
        (RISK_SPOF, SPOF_COLOUR, "solid", 5.0, "risk-single-points"),
        (RISK_BROKER, BROKER_COLOUR, (0, (2.5, 1.5)), 11.0, "risk-brokers"),
    ):
        nodes = [n for n in g.nodes if n != COOPERATIVE and risk in _risks(g.nodes[n])]
        if nodes:
            rings = ax.scatter(
                [pos[n][0] for n in nodes], [pos[n][1] for n in nodes],
                s=[_ring(_size(g.nodes[n]["value"], top_value) if g.nodes[n].get("kind") == "partner" else 10,
                         extra) for n in nodes],
                facecolors="none", edgecolors=colour, linewidths=1.8, linestyles=[style], zorder=4,
            )
            rings.set_gid(gid)
    ax.scatter([0], [0], s=2900, c=CATEGORY_COLOURS["cooperative"], marker="h", zorder=4)
    ax.text(0, 0, "\n".join(wrap(texts["cooperative"], 10)), ha="center", va="center", color="white",
            fontsize=7, fontweight="bold", zorder=5)

    for n, (number, text) in labels.items():
        x, y = pos[n]
        r = math.hypot(x, y) or 1.0
        offset = _offset(g.nodes[n], top_value, page.scale)
        label = ax.text(x + offset * x / r, y + offset * y / r, text, ha="left" if x >= 0 else "right", va="center",
                        fontsize=FONT_LABEL, fontweight="bold" if number else "normal", zorder=6, color="#111111",
                        linespacing=1.1)
        label.set_url(g.nodes[n]["url"])
        label.set_gid(f"label-{n.replace(':', '-')}")

    # The legends: three columns under the drawing, then the numbered names in two.
    y0 = page.title_h + page.draw_h + 0.1
    columns = (0.2, 2.55, 4.85)
    column_width = 30
    _legend(fig, page, columns[0], y0, texts["categories_title"],
            [(("dot", CATEGORY_COLOURS.get(c, "#999999")), texts["categories"].get(c, c)) for c in categories],
            column_width)
    _legend(fig, page, columns[1], y0, texts["flows_title"],
            [(("line", FLOW_COLOURS[f], 2.2, "solid"), texts["flows"].get(f, f)) for f in flows], column_width)
    marks = [(("ring", SPOF_COLOUR, "solid"), texts["single_point"]),
             (("ring", BROKER_COLOUR, (0, (2.5, 1.5))), texts["broker"])]
    if zero:
        marks.append((("line", "#555555", 1.2, ZERO_DASH), texts["no_value"]))
    if deps:
        marks.append((("line", "#333333", 0.8, DEPENDS_DASH), texts["depends_on"]))
    _legend(fig, page, columns[2], y0, texts["marks_title"], marks, column_width)

    y = y0 + page.legend_h
    if numbered:
        fig.text(columns[0] / WIDTH_IN, page.y(y), texts["names_title"], fontsize=FONT_LEGEND_TITLE,
                 fontweight="bold", va="top")
        y += FONT_LEGEND_TITLE * 1.6 / 72
        entries = [(wrap(f"{i}. {g.nodes[n]['name']}", WRAP_LEGEND), n) for i, n in numbered]
        half = _halves([len(lines) for lines, _n in entries])
        bottom = y
        for col, chunk in enumerate((entries[:half], entries[half:])):
            yy = y
            for lines, n in chunk:
                t = fig.text((0.2 + col * 3.5) / WIDTH_IN, page.y(yy), "\n".join(lines), fontsize=FONT_LEGEND,
                             va="top", linespacing=1.15)
                t.set_url(g.nodes[n]["url"])
                t.set_gid(f"name-{n.replace(':', '-')}")
                yy += LINE * len(lines) + 0.03
            bottom = max(bottom, yy)
        y = bottom
    fig.text(0.2 / WIDTH_IN, page.y(y + 0.1), "\n".join(wrap(texts["note"], 110)[:NOTE_LINES]), fontsize=FONT_NOTE,
             va="top", color="#333333", linespacing=1.2)

    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _halves(heights: list[int]) -> int:
    """Where to split a list of entries `heights` lines tall into two columns of even height."""
    total, run = sum(heights), 0
    for i, h in enumerate(heights):
        if run + h > total / 2:
            return i + 1 if (run + h - total / 2) < (total / 2 - run) else max(i, 1)
        run += h
    return len(heights)


def _drawing(fig: Figure, page: _Page):
    """The axes the network is drawn in: the full width, under the title, one unit = page.scale in."""
    ax = fig.add_axes((0.0, page.y(page.title_h + page.draw_h), 1.0, page.draw_h / page.height))
    ax.set_axis_off()
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(*page.ylim)
    ax.set_aspect("equal")
    return ax


def _radius_pt(d: dict, top: float) -> float:
    """How far a partner's dot reaches from its centre, rings included, in points."""
    risks = _risks(d)
    extra = 11.0 if RISK_BROKER in risks else (5.0 if RISK_SPOF in risks else 0.0)
    return (math.sqrt(_size(d["value"], top)) + extra) / 2


def _offset(d: dict, top: float, scale: float) -> float:
    """How far from a dot's centre its name starts (layout units): past the dot and its rings."""
    return (_radius_pt(d, top) + 2.5) / 72 / scale


def _fit_labels(g: nx.MultiDiGraph, pos: dict, named: list[str], top_value: float,
                ylim: tuple[float, float]) -> dict[str, tuple[int, str]]:
    """For each named partner, what is written beside its dot: `(0, wrapped name)`, or
    `(number, "number")` where the name would run into a name already written, another dot or
    off the drawing, or needs more than MAX_LABEL_LINES lines. Measured on a scratch figure of
    the drawing's size in inches (where a text falls does not depend on the rest of the page)."""
    page = _Page(1, 0, 0, ylim)
    fig = Figure(figsize=(WIDTH_IN, page.height), dpi=PNG_DPI)
    FigureCanvasAgg(fig)
    ax = _drawing(fig, page)
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px = PNG_DPI / 72  # pixels per point
    dots = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == "partner" or n == COOPERATIVE:
            cx, cy = ax.transData.transform(pos[n])
            r = (_radius_pt(d, top_value) if n != COOPERATIVE else 28.0) * px
            dots[n] = Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)
    placed = []
    out: dict[str, tuple[int, str]] = {}
    numbers = 0
    for n in named:
        x, y = pos[n]
        r = math.hypot(x, y) or 1.0
        offset = _offset(g.nodes[n], top_value, page.scale)
        at = (x + offset * x / r, y + offset * y / r)
        side = "left" if x >= 0 else "right"
        lines = wrap(g.nodes[n]["name"], WRAP_LABEL)
        if len(lines) <= MAX_LABEL_LINES:
            text = ax.text(*at, "\n".join(lines), ha=side, va="center", fontsize=FONT_LABEL, linespacing=1.1)
            box = text.get_window_extent(renderer).expanded(1.03, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            crowded = any(box.overlaps(other) for other in placed) or any(
                box.overlaps(dot) for m, dot in dots.items() if m != n)
            if inside and not crowded:
                placed.append(box)
                out[n] = (0, "\n".join(lines))
                continue
            text.remove()
        numbers += 1
        text = ax.text(*at, str(numbers), ha=side, va="center", fontsize=FONT_LABEL, fontweight="bold")
        placed.append(text.get_window_extent(renderer))
        out[n] = (numbers, str(numbers))
    return out


def _legend(fig: Figure, page: _Page, x_in: float, y_in: float, title: str, rows: list, width: int) -> None:
    """A legend at (`x_in`, `y_in` from the top): each row a key (`("dot", colour)`, `("line",
    colour, width, dash)` or `("ring", colour, dash)`) and its text, wrapped to `width` characters."""
    if not rows:
        return
    fig.text(x_in / WIDTH_IN, page.y(y_in), title, fontsize=FONT_LEGEND_TITLE, fontweight="bold", va="top")
    y = y_in + FONT_LEGEND_TITLE * 1.6 / 72
    line = LINE
    inches = fig.dpi_scale_trans
    for key, text in rows:
        lines = wrap(text, width)
        centre = page.height - (y + line / 2)  # inches from the bottom
        if key[0] == "dot":
            fig.add_artist(Circle((x_in + 0.15, centre), 0.045, transform=inches, facecolor=key[1],
                                  edgecolor="white"))
        elif key[0] == "ring":
            fig.add_artist(Circle((x_in + 0.15, centre), 0.06, transform=inches, facecolor="none",
                                  edgecolor=key[1], linewidth=1.8, linestyle=key[2]))
        else:
            fig.add_artist(Line2D([x_in, x_in + 0.3], [centre, centre], transform=inches, color=key[1],
                                  linewidth=key[2], linestyle=key[3]))
        fig.text((x_in + 0.4) / WIDTH_IN, page.y(y), "\n".join(lines), fontsize=FONT_LEGEND, va="top",
                 linespacing=1.15)
        y += line * len(lines) + 0.05


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
