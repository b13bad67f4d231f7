"""The texts drawn in the network picture, in the current language (the flow, category and status
names come from govtrack.core.labels; the date is written as the reader's language writes it)."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import gettext as _

from govtrack.core.labels import label, labels


def statuses_of(filters: dict) -> list[str]:
    """The agreement statuses a filter names, as a list (one status, several, or none)."""
    status = filters.get("status")
    if not status:
        return []
    return [status] if isinstance(status, str) else list(status)


def picture_texts(as_of: dt.date, filters: dict) -> dict:
    """Every text drawn in the picture, in the current language."""
    parts = []
    if filters.get("category"):
        parts.append(label("partner_category_plural", filters["category"]))
    if filters.get("flow"):
        parts.append(label("network_flow", filters["flow"]))
    statuses = statuses_of(filters)
    if statuses:
        parts.append(_(" or ").join(label("agreement_status", s) for s in statuses))
    title = _("Who the cooperative depends on, %(date)s", date=format_date(as_of, "long"))
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
        "marks_title": _("Marks"),
        "single_point": _("Single point of failure: without it the network falls apart"),
        "broker": _("Broker: connects parts of the network"),
        "no_value": _("Link with no value recorded (a permit, for example)"),
        "depends_on": _("An agreement needs another"),
        "names_title": _("Numbered partners"),
        "note": _("The largest partners and the brokers are named; a number stands for a name that has no room "
                  "beside its dot. The page lists every single point of failure. Open the SVG to follow a "
                  "partner's link."),
    }
