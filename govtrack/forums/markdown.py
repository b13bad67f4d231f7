"""Minutes in Markdown, rendered by markdown-it-py and sanitised by nh3 (no raw HTML survives)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render(text: str | None) -> Markup:
    """Safe HTML for a Markdown text."""
    if not text:
        return Markup("")
    html = _md.render(text)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"})
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)
