"""Network page: the picture, the metrics in plain words, the what-if control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.auth.permissions import permission_required
from govtrack.core import clock
from govtrack.core.labels import labels
from govtrack.network import queries
from govtrack.network.forms import NetworkFilterForm, WhatIfForm

bp = Blueprint("network", __name__, url_prefix="/network")

FILTERS = ("as_of", "category", "flow", "status")


def _link(endpoint: str, path: str, **kw) -> str:
    """The page of a partner or agreement (its endpoint when that area has one, else its path)."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **kw)
    return f"{request.script_root}{path}"


def partner_url(partner_id: int) -> str:
    return _link("partners.detail", f"/partners/{partner_id}", partner_id=partner_id)


def agreement_url(agreement_id: int) -> str:
    return _link("agreements.detail", f"/agreements/{agreement_id}", agreement_id=agreement_id)


class QueryArgs(dict):
    """The page's filters for links and hidden fields: `url_for(..., **args)` repeats a list's
    values (`status=active&status=approved`), and `.items()` gives one (name, value) pair per value,
    so a form's hidden inputs carry each status as the filter form sent it."""

    def items(self):
        return [(k, item) for k, v in super().items() for item in (v if isinstance(v, list | tuple) else [v])]


def money(amount: str | None) -> str:
    return format_decimal(Decimal(amount or 0), format="#,##0")


@bp.get("/")
@permission_required("network.view")
def index():
    form = NetworkFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    args = {name: getattr(form, name).data or None for name in FILTERS} if valid else {}
    if args.get("status") and tuple(args["status"]) == queries.DEFAULT_STATUSES:
        args["status"] = None  # the default: links need not spell it out
    as_of = args.get("as_of") or queries.default_as_of()
    filters = queries.filters_for(**{k: args.get(k) for k in ("category", "flow", "status")})
    # One cached entry (while none of the network's tables changes): metrics, comparison, the last
    # members' meeting and the largest partners; the network itself is not loaded.
    summary = queries.summary(user=current_user, as_of=as_of, since=form.since.data if valid else None, **filters)
    last_meeting = dt.date.fromisoformat(summary["last_meeting"]) if summary["last_meeting"] else None

    what_if = WhatIfForm(formdata=request.args)
    partner_id = request.args.get("partner_id", type=int)
    text = (request.args.get("partner_q") or "").strip()[:200]
    matches = None
    if text and not partner_id:
        found, total = queries.partners_named(user=current_user, as_of=as_of, text=text, **filters)
        if total == 1:
            partner_id = found[0]["id"]
        else:
            matches = {"partners": found, "total": total, "text": text}
    impact = None
    if partner_id:
        impact = queries.impact_of(user=current_user, as_of=as_of, partner_id=partner_id, **filters)
        if impact is not None:
            failed = [a["id"] for a in impact["direct"] + impact["through_dependencies"]]
            impact = {**impact, "obligations": queries.obligations_affected(failed, clock.today())}
    choices = [SelectChoice(0, "—"), *(SelectChoice(p["id"], p["name"]) for p in summary["largest"])]
    if impact is not None and all(c.value != impact["partner_id"] for c in choices):
        choices.append(SelectChoice(impact["partner_id"], impact["partner_name"]))  # found by name: keep it shown
    what_if.partner_id.choices = choices
    if impact is not None:
        what_if.partner_id.data = impact["partner_id"]

    # What the links carry: the filters as the query string spells them (several statuses: `status`
    # repeated).
    shown = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in args.items() if v}
    shown.setdefault("as_of", as_of.isoformat())
    keep = QueryArgs(shown)  # what the what-if forms and the search results carry along
    if request.args.get("since"):
        keep["since"] = request.args.get("since")
    return render_template(
        "network/index.html",
        form=form,
        what_if=what_if,
        as_of=as_of,
        metrics=summary["metrics"],
        comparison=summary["comparison"],
        last_meeting=last_meeting,
        largest_shown=len(summary["largest"]),
        partners_total=summary["partners_total"],
        statuses=summary["statuses"],
        impact=impact,
        matches=matches,
        keep=keep,
        png_url=url_for("network_api.network_png", **shown),
        svg_url=url_for("network_api.network_svg", **shown),
        graphml_url=url_for("network_api.network_graphml", **shown),
        gexf_url=url_for("network_api.network_gexf", **shown),
        json_url=url_for("network_api.network", **shown),
        partner_url=partner_url,
        agreement_url=agreement_url,
        money=money,
        flow_labels=labels("network_flow"),
        category_labels=labels("partner_category_plural"),
        level_labels=labels("concentration_level"),
    ), (200 if valid else 422)
