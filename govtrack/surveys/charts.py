"""A survey question's result as a picture: one horizontal bar per answer with its 95 % margin of
error as an error bar, through matplotlib's Figure and the Agg canvas (never pyplot), as the
maturity wall is drawn. The caller passes the words in the reader's language and caches the bytes
by the data versions (govtrack.surveys.views)."""

from __future__ import annotations

import io
import textwrap
import threading

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WIDTH_IN = 4.8  # read on a phone: drawn near the size it is shown
BAR_IN = 0.42
DPI = 110
BAR_COLOUR = "#2b6cb0"
HIDDEN_COLOUR = "#bbbbbb"
# Matplotlib's global settings (rcParams) and font cache are not thread-safe (as govtrack.network.render).
_LOCK = threading.Lock()


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)[:3]) or text


def question_chart(question: dict, *, labels: list[str], texts: dict[str, str]) -> bytes:
    """The PNG of one question: `labels` are the answers' words (in the order of `question["counts"]`),
    `texts` the axis title, the word for a hidden cell and the note under the bars."""
    keys = list(question["counts"])
    shares = [(question["shares"] or {}).get(k) for k in keys]
    margins = [(question["margin"] or {}).get(k) for k in keys]
    n = max(1, len(keys))
    height = 1.3 + BAR_IN * n + 0.25 * sum(label.count("\n") for label in labels)
    with _LOCK, rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ys = list(range(len(keys)))[::-1]
        values = [s * 100 if s is not None else 0 for s in shares]
        errors = [m * 100 if (m is not None and s is not None) else 0 for s, m in zip(shares, margins, strict=True)]
        colours = [BAR_COLOUR if s is not None else HIDDEN_COLOUR for s in shares]
        ax.barh(ys, values, xerr=errors, color=colours, height=0.6, capsize=4,
                error_kw={"ecolor": "#222222", "elinewidth": 1.2})
        ax.set_yticks(ys)
        ax.set_yticklabels([_wrap(lbl, 16) for lbl in labels])
        top = max([v + e for v, e in zip(values, errors, strict=True)] + [10])
        ax.set_xlim(0, min(100, top * 1.25 + 5) if top < 80 else 105)
        for y, v, s in zip(ys, values, shares, strict=True):
            text = f"{v:.0f}%" if s is not None else texts["hidden"]
            ax.text(v + 1, y + 0.32, text, va="center", fontsize=8, color="#111111")
        ax.set_xlabel(texts["axis"])
        ax.set_title(_wrap(question["text"], 50), fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        fig.text(0.01, 0.005, texts["note"], fontsize=7.5, ha="left", va="bottom", color="#333333")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
