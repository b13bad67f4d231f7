"""Words for the network: flow and category names, the picture's texts, the plain explanations."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FLOW_LABELS = {
    "funding": _l("Funding (grants)"),
    "liquidity": _l("Liquidity (loans, credit lines)"),
    "guarantee": _l("Guarantees"),
    "supply": _l("Supply and works"),
    "regulation": _l("Regulation (permits)"),
    "cooperation": _l("Other cooperation"),
}
CATEGORY_LABELS = {
    "local_government": _l("Local government"),
    "central_government": _l("Central government"),
    "nonprofit_funder": _l("Non-profit funders"),
    "financial_institution": _l("Financial institutions"),
    "construction_partner": _l("Construction partners"),
    "other": _l("Other partners"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "under_deliberation": _l("Under deliberation"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "completed": _l("Completed"),
    "terminated": _l("Terminated"),
}
LEVEL_LABELS = {
    "high": _l("highly concentrated"),
    "moderate": _l("moderately concentrated"),
    "low": _l("not concentrated"),
    "none": _l("no sources"),
}


def picture_texts(as_of: dt.date, filters: dict) -> dict:
    """Every text drawn in the picture, in the current language."""
    parts = []
    if filters.get("category"):
        parts.append(str(CATEGORY_LABELS.get(filters["category"], filters["category"])))
    if filters.get("flow"):
        parts.append(str(FLOW_LABELS.get(filters["flow"], filters["flow"])))
    if filters.get("status"):
        parts.append(str(STATUS_LABELS.get(filters["status"], filters["status"])))
    title = _("Who the cooperative depends on, %(date)s", date=as_of.isoformat())
    if parts:
        title += " · " + ", ".join(parts)
    return {
        "title": title,
        "empty": _("No agreements in force on this date."),
        "cooperative": _("Cooperative"),
        "categories": {k: str(v) for k, v in CATEGORY_LABELS.items()},
        "flows": {k: str(v) for k, v in FLOW_LABELS.items()},
        "categories_title": _("Partner category (dot size: value)"),
        "flows_title": _("Flow (line width: value)"),
        "note": _("Only the largest partners are named. Open the SVG to follow a partner's link."),
    }
