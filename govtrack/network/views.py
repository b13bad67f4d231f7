"""Network page: the picture, the metrics in plain words, the what-if control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import format_date, format_decimal, format_percent
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.labels import labels
from govtrack.network import mapdata, queries
from govtrack.network.board import board_summary
from govtrack.network.forms import NetworkFilterForm, WhatIfForm

bp = Blueprint("network", __name__, url_prefix="/network")

FILTERS = ("as_of", "category", "flow", "status")


def _prefix(endpoint: str, key: str, path: str) -> str:
    """The address of an object's page without its id, built once per request: the page links to
    hundreds of partners and agreements, and building each address through the URL map cost more
    than the rest of a warm page."""
    cache = g.setdefault("network_link_prefixes", {})
    if endpoint not in cache:
        if endpoint in current_app.view_functions:
            cache[endpoint] = url_for(endpoint, **{key: 0})[:-1]
        else:
            cache[endpoint] = f"{request.script_root}{path}"
    return cache[endpoint]


def partner_url(partner_id: int) -> str:
    return f"{_prefix('partners.detail', 'partner_id', '/partners/')}{int(partner_id)}"


def agreement_url(agreement_id: int) -> str:
    return f"{_prefix('agreements.detail', 'agreement_id', '/agreements/')}{int(agreement_id)}"


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
    # The network's JSON and its twins differ only by the path's extension: one address built
    # through the URL map (each url_for with a list of statuses costs about a millisecond).
    json_url = url_for("network_api.network", **shown)
    path, mark, query = json_url.partition("?")
    exports = {"json_url": json_url, **{f"{ext}_url": f"{path}.{ext}{mark}{query}" for ext in ("png", "svg", "graphml", "gexf")}}
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
        **exports,
        partner_url=partner_url,
        agreement_url=agreement_url,
        money=money,
        flow_labels=labels("network_flow"),
        category_labels=labels("partner_category_plural"),
        level_labels=labels("concentration_level"),
        board=board_summary(user=current_user, as_of=as_of, summary=summary, filters=filters, today=clock.today(),
                            impact=impact),
    ), (200 if valid else 422)


# ---- the interactive map: the filters it reads, the partner panel it opens ----

MAP_FILTERS = ("as_of", "category", "flow", "status")


def map_filters() -> tuple[dt.date, dict, dict]:
    """The page's filters read as the page reads them (invalid filters: the network unfiltered,
    as the page then shows it): (as_of, the filters for the queries, the query args for links)."""
    form = NetworkFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    args = {name: getattr(form, name).data or None for name in MAP_FILTERS} if valid else {}
    if args.get("status") and tuple(args["status"]) == queries.DEFAULT_STATUSES:
        args["status"] = None  # the default, as the page reads it
    as_of = args.get("as_of") or queries.default_as_of()
    # As the queries name them in cache keys, so that the map shares the page's cached metrics.
    filters = queries.filters_for(**{k: args.get(k) for k in ("category", "flow", "status")})
    link_args = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in args.items() if v}
    return as_of, filters, link_args


def _flow_bar(flow: str, c: dict) -> dict:
    """One flow's concentration as the map's bar shows it, in the user's language."""
    top = c["sources"][0] if c["sources"] else None
    return {
        "flow": flow, "label": labels("network_flow").get(flow, flow), "hhi": c["hhi"],
        "hhi_text": format_decimal(c["hhi"], format="#,##0") if c["hhi"] is not None else "—",
        "level_text": labels("concentration_level")[c["level"]],
        "top": f"{top['name']} {format_percent(top['share'] / 100, format='#,##0.0%')}" if top else None,
    }


@bp.app_template_global()
def network_map(metrics: dict | None = None) -> dict:
    """What templates/network/_map.html needs: the map's JSON and panel addresses for the page's
    filters, its colours and shapes, and the concentration per flow (`metrics`: the page's, which
    carry it; else the cached metrics, read whole)."""
    as_of, filters, link_args = map_filters()
    if metrics is None:
        metrics = queries.metrics_at(user=current_user, as_of=as_of, **filters)
    return {
        "src": url_for("network_api.network_map", **link_args),
        # The script puts the partner's id in place of the 0.
        "panel": url_for("network.partner_panel", partner_id=0, **link_args),
        "flows": [_flow_bar(flow, c) for flow, c in metrics["concentration"]["flows"].items()],
        "shapes": mapdata.FLOW_SHAPES,
        "colours": {**mapdata.CATEGORY_COLOURS},
        "style": {"spof": mapdata.SPOF_COLOUR, "broker": mapdata.BROKER_COLOUR,
                  "dependency": mapdata.DEPENDENCY_COLOUR, "tie": mapdata.TIE_COLOUR},
    }


def _partner_page(partner_id: int, template: str):
    as_of, filters, link_args = map_filters()
    panel = mapdata.partner_panel(
        user=current_user, as_of=as_of, partner_id=partner_id, filters=filters, today=clock.today(),
        scorecard=can(current_user, "obligations.view"),
    )
    if panel is None:
        abort(404)
    return render_template(
        template, **panel, as_of=as_of, link_args=link_args, partner_url=partner_url, agreement_url=agreement_url,
        flow_labels=labels("network_flow"), level_labels=labels("concentration_level"),
        page=template == "network/partner.html", num=_number, pct=_percent, day=_day,
    )


def _number(value) -> str:
    return format_decimal(value, format="#,##0")


def _percent(value: float) -> str:
    return format_percent(value, format="#,##0%")


def _day(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso))


@bp.get("/partners/<int:partner_id>/panel")
@permission_required("network.view")
def partner_panel(partner_id: int):
    """The map's side panel for one partner (an HTML fragment the map's script fetches): its
    agreements, obligations both ways, scorecard and what fails if it leaves."""
    return _partner_page(partner_id, "network/_partner_panel.html")


@bp.get("/partners/<int:partner_id>")
@permission_required("network.view")
def partner(partner_id: int):
    """The same as a page of its own (the panel's link; works without JavaScript)."""
    return _partner_page(partner_id, "network/partner.html")
