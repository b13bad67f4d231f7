"""The maturity-wall chart: matplotlib through Figure() and the Agg canvas, never pyplot."""

from __future__ import annotations

import io

from flask_babel import format_date
from flask_babel import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}


def maturity_chart(months, *, fmt: str = "png") -> tuple[bytes, str]:
    """A bar per month (a group of bars when several currencies), amounts in millions."""
    currencies = sorted({c for m in months for c in m.amounts}) or ["IDR"]
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / len(currencies)
    xs = range(len(months))
    for i, cur in enumerate(currencies):
        values = [float(m.amounts.get(cur, 0)) / 1_000_000 for m in months]
        ax.bar([x - 0.4 + width * (i + 0.5) for x in xs], values, width=width, label=cur)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([format_date(m.start, "MMM yy") for m in months], rotation=60, fontsize=8)
    ax.set_ylabel(_("Millions (per currency)"))
    ax.set_title(_("What the cooperative must pay and repay, by month"))
    if len(currencies) > 1:
        ax.legend(title=_("Currency"))
    ax.grid(axis="y", alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=100)
    return buf.getvalue(), MIMETYPES[fmt]
