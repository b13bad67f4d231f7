"""The roll-up chart: per clause, a bar of the active centres split into what they said and who
was not heard yet. Matplotlib through Figure() and the Agg canvas, never pyplot (as the maturity
wall); the page's table says the same in text."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from govtrack.centres.models import POSITIONS
from govtrack.centres.queries import ClauseRollup
from govtrack.core.labels import label

# Colour-blind safe (Okabe-Ito): green, orange, vermilion, grey for "not heard".
COLOURS = {"support": "#009E73", "amend": "#E69F00", "oppose": "#D55E00", "not_heard": "#BBBBBB"}


WIDTH, DPI = 4.2, 160  # inches: 672 px, drawn for a phone's width (a desktop shows it at that size)


def chart_size(clauses: int) -> tuple[int, int]:
    """The picture's size in pixels for `clauses` bars (the page reserves it before it arrives)."""
    return round(WIDTH * DPI), round(_height(clauses) * DPI)


def _height(clauses: int) -> float:
    return 1.25 + 0.4375 * max(1, clauses)  # 200 px and 70 px per bar: whole pixels


def rollup_chart(rows: list[ClauseRollup]) -> bytes:
    """Horizontal stacked bars, one per clause (point 1 on top), in centres; PNG."""
    n = max(1, len(rows))
    fig = Figure(figsize=(WIDTH, _height(n)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ys = list(range(n))
    names = [_("Point %(n)d", n=r.clause.number) for r in rows] or [""]
    left = [0] * n
    parts = [(p, label("centre_position", p), [r.tallies[p].centres for r in rows]) for p in POSITIONS]
    parts.append(("not_heard", _("Not heard yet"), [r.not_heard for r in rows]))
    for key, text, values in parts:
        values = values or [0]
        ax.barh(ys, values, left=left, color=COLOURS[key], label=text, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(ys)
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # centres come whole
    ax.set_xlabel(_("Centres"))
    ax.grid(axis="x", alpha=0.3)
    ax.tick_params(labelsize=8)
    ax.xaxis.label.set_size(8)
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
