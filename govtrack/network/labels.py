"""The texts drawn in the network picture, in the current language (the flow and category names come
from govtrack.core.labels)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from govtrack.core.labels import label, labels


def picture_texts(as_of: dt.date, filters: dict) -> dict:
    """Every text drawn in the picture, in the current language."""
    parts = []
    if filters.get("category"):
        parts.append(label("partner_category_plural", filters["category"]))
    if filters.get("flow"):
        parts.append(label("network_flow", filters["flow"]))
    statuses = filters.get("status")
    if statuses:
        # One status or several (the network's filter takes several): each named, in their order.
        names = [label("agreement_status", s) for s in ([statuses] if isinstance(statuses, str) else statuses)]
        parts.append(", ".join(names))
    title = _("Who the cooperative depends on, %(date)s", date=as_of.isoformat())
    if parts:
        title += " · " + ", ".join(parts)
    return {
        "title": title,
        "empty": _("No agreements with these statuses on this date."),
        "cooperative": _("Cooperative"),
        "categories": labels("partner_category_plural"),
        "flows": labels("network_flow"),
        "categories_title": _("Partner category (dot size: value)"),
        "flows_title": _("Flow (line width: value)"),
        "note": _("Only the largest partners are named. Open the SVG to follow a partner's link."),
    }
