"""Network page: the picture, the metrics in plain words, the what-if control."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from govtrack.auth.permissions import permission_required
from govtrack.network import graph, queries
from govtrack.network.forms import NetworkFilterForm, WhatIfForm
from govtrack.network.labels import CATEGORY_LABELS, FLOW_LABELS, LEVEL_LABELS

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


def money(amount: str | None) -> str:
    return format_decimal(Decimal(amount or 0), format="#,##0")


@bp.get("/")
@permission_required("network.view")
def index():
    form = NetworkFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    args = {name: getattr(form, name).data or None for name in FILTERS} if valid else {}
    data = queries.load_for(current_user, args)
    metrics = queries.metrics_for(data)
    last_meeting = queries.last_members_meeting_date()
    since = (form.since.data if valid else None) or last_meeting
    comparison = (
        queries.compare(user=current_user, as_of=data.as_of, since=since, category=args.get("category"),
                        flow=args.get("flow"), status=args.get("status"), after=metrics)
        if since else None
    )
    what_if = WhatIfForm(formdata=request.args)
    partners = sorted(data.partners, key=lambda p: p.name.lower())
    what_if.partner_id.choices = [(0, "—")] + [(p.id, p.name) for p in partners]
    impact = None
    partner_id = request.args.get("partner_id", type=int)
    chosen = next((p for p in data.partners if p.id == partner_id), None)
    if chosen is not None:
        impact = graph.impact(data, chosen.id)
        failed = [a["id"] for a in impact["direct"] + impact["through_dependencies"]]
        impact["obligations"] = queries.obligations_affected(failed)
        impact["partner_name"] = chosen.name
    filters = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in args.items() if v}
    filters.setdefault("as_of", data.as_of.isoformat())
    return render_template(
        "network/index.html",
        form=form,
        what_if=what_if,
        data=data,
        metrics=metrics,
        comparison=comparison,
        last_meeting=last_meeting,
        impact=impact,
        filters=filters,
        png_url=url_for("network_api.network_png", **filters),
        svg_url=url_for("network_api.network_svg", **filters),
        graphml_url=url_for("network_api.network_graphml", **filters),
        gexf_url=url_for("network_api.network_gexf", **filters),
        json_url=url_for("network_api.network", **filters),
        partner_url=partner_url,
        agreement_url=agreement_url,
        money=money,
        flow_labels=FLOW_LABELS,
        category_labels=CATEGORY_LABELS,
        level_labels=LEVEL_LABELS,
        high_hhi=graph.HIGH_HHI,
        moderate_hhi=graph.MODERATE_HHI,
    ), (200 if valid else 422)
