"""Network API: /api/v1/network (node-link JSON with metrics), /network/impact, and the picture
(.png, .svg) and exports (.graphml, .gexf) with the same filters."""

from __future__ import annotations

import io

import networkx as nx
from flask import Response, current_app
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from govtrack.agreements.models import AgreementStatus
from govtrack.api import exempt
from govtrack.api.schemas import BoundedDate, IdArg, IdField, StrictSchema
from govtrack.auth.permissions import permission_required
from govtrack.core import clock
from govtrack.core.cache import get_cache
from govtrack.errors import NotFound
from govtrack.network import graph, mapdata, queries
from govtrack.network.labels import picture_texts
from govtrack.network.render import mark_risks, picture_key, render
from govtrack.partners.models import PartnerCategory

blp = exempt(Blueprint("network_api", __name__, url_prefix="/api/v1", description="Dependency network"))

# The SVG keeps its styles inline (matplotlib writes them so); it runs no script and loads nothing.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


STATUSES = [s.value for s in AgreementStatus]


def _known_statuses(values: list[str]) -> None:
    """Every `status` must be an agreement status; the refusal names the wrong ones, in the
    reader's language (marshmallow's own messages are English only)."""
    wrong = [v for v in values if v not in STATUSES]
    if wrong:
        raise ValidationError(gettext("Not an agreement status: %(values)s. Choose from: %(choices)s.",
                                      values=", ".join(wrong), choices=", ".join(STATUSES)))


class NetworkQuery(StrictSchema):
    as_of = BoundedDate(load_default=None, metadata={"description": "Default: today."})
    category = fields.String(load_default=None, validate=validate.OneOf([c.value for c in PartnerCategory]))
    flow = fields.String(load_default=None, validate=validate.OneOf(list(graph.FLOWS)))
    status = fields.List(
        fields.String(metadata={"enum": STATUSES}), load_default=None, validate=_known_statuses,
        metadata={"description": (
            "Agreement statuses to include; repeat the argument for several "
            "(`?status=active&status=suspended` is the agreements in force). Default, when none is given: "
            "in force (active, suspended), under deliberation and approved. The metrics' `totals.statuses` "
            "says which statuses the answer holds."
        )},
    )
    agreements = fields.Boolean(load_default=False, metadata={"description": "Agreement nodes too."})


class NetworkJsonQuery(NetworkQuery):
    since = BoundedDate(
        load_default=None,
        metadata={"description": "Compare with this date (default: the last members' meeting)."},
    )


class ImpactQuery(NetworkQuery):
    partner_id = IdArg(required=True)


class NetworkSchema(StrictSchema):
    directed = fields.Boolean()
    multigraph = fields.Boolean()
    graph = fields.Dict()
    nodes = fields.List(fields.Dict())
    edges = fields.List(fields.Dict())
    metrics = fields.Dict()
    comparison = fields.Dict(allow_none=True)


class ImpactSchema(StrictSchema):
    partner_id = IdField()
    partner_name = fields.String()
    as_of = fields.String()
    direct = fields.List(fields.Dict())
    through_dependencies = fields.List(fields.Dict())
    value_at_risk = fields.Dict()
    value_at_risk_total = fields.String()
    obligations = fields.List(fields.Dict())
    concentration = fields.Dict()


def exportable(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML and GEXF can hold (no None, lists as text)."""
    out = nx.MultiDiGraph()
    out.graph.update({k: str(v) for k, v in g.graph.items() if v is not None})

    def clean(d: dict) -> dict:
        return {
            k: (",".join(str(i) for i in v) if isinstance(v, list | tuple) else v)
            for k, v in d.items() if v is not None
        }

    for n, d in g.nodes(data=True):
        out.add_node(n, **clean(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **clean(d))
    return out


def _filters(args: dict) -> dict:
    return queries.filters_for(category=args.get("category"), flow=args.get("flow"), status=args.get("status"))


def picture(args: dict, fmt: str) -> Response:
    """The picture, found without loading the network while its data has not changed: the data
    versions name the picture's own key (a digest of the whole graph, see render.picture_key)."""
    as_of = args.get("as_of") or queries.default_as_of()
    include_agreements = args.get("agreements", False)
    texts = picture_texts(as_of, _filters(args))
    locale = str(get_locale() or "")
    cache = get_cache()
    ref = queries.scope_for(current_user).key(
        "picture", ext="ref", fmt=fmt, as_of=as_of, agreements=include_agreements, texts=texts, locale=locale,
        **_filters(args),
    )
    name = cache.get(ref)
    body = cache.get(name.decode()) if name else None
    if body is None:
        with queries.quiet_gc():
            data = queries.network_data(user=current_user, as_of=as_of, **_filters(args))
        g = graph.build_graph(data, include_agreements=include_agreements, cooperative_name=texts["cooperative"])
        # Ring the risks the page lists, as the map does (the metrics' cache entry, shared with the page).
        mark_risks(g, queries.measured(queries.scope_for(current_user), as_of=as_of, filters=_filters(args),
                                       load=lambda: data))
        key = picture_key(g, fmt=fmt, texts=texts, locale=locale)
        body = render(g, fmt=fmt, texts=texts, locale=locale, cache=cache, key=key)
        cache.put(ref, key.encode())
    resp = Response(body, mimetype="image/svg+xml" if fmt == "svg" else "image/png")
    if fmt == "svg":
        resp.headers["Content-Security-Policy"] = SVG_CSP
    return resp


def _network_body(out: dict) -> bytes:
    """What flask-smorest would send for `out` (NetworkSchema, the app's JSON, compact)."""
    return (current_app.json.dumps(NetworkSchema().dump(out), separators=(",", ":")) + "\n").encode()


@blp.route("/network", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkJsonQuery, location="query")
@blp.response(200, NetworkSchema)
def network(args):
    """The network as node-link JSON (`nodes`, `edges`) with its `metrics` and, with `since` (or
    after a members' meeting), the `comparison` with that date."""
    # The body is cached as bytes (see queries.network_answer): returned as a Response, it is
    # sent as it is; it was dumped through NetworkSchema when it was computed.
    body = queries.network_answer(
        user=current_user, as_of=args.get("as_of") or queries.default_as_of(), since=args.get("since"),
        include_agreements=args["agreements"], serialize=_network_body, **_filters(args),
    )
    return Response(body, mimetype=current_app.json.mimetype)


@blp.route("/network/impact", methods=["GET"])
@permission_required("network.view")
@blp.arguments(ImpactQuery, location="query")
@blp.response(200, ImpactSchema)
def network_impact(args):
    """What would be at risk if a partner left: agreements failing directly and through
    `depends_on`, value at risk per flow, obligations affected, concentration before and after."""
    result = queries.impact_of(user=current_user, as_of=args.get("as_of") or queries.default_as_of(),
                               partner_id=args["partner_id"], **_filters(args))
    if result is None:
        raise NotFound("No such partner in this network.")
    failed = [a["id"] for a in result["direct"] + result["through_dependencies"]]
    return {**result, "obligations": queries.obligations_affected(failed, clock.today())}


@blp.route("/network.png", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkQuery, location="query")
@blp.response(200, description="The network as a PNG picture.")
def network_png(args):
    """The picture of the network (PNG)."""
    return picture(args, "png")


@blp.route("/network.svg", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkQuery, location="query")
@blp.response(200, description="The network as an SVG picture; each partner links to its page.")
def network_svg(args):
    """The picture of the network (SVG, with links to the partners)."""
    return picture(args, "svg")


EXPORT_TYPES = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}


def _export(args: dict, fmt: str) -> Response:
    """GraphML or GEXF of the network, cached like the API's body (queries.export_answer): a
    second download while the network's tables are unchanged reads none of its rows."""
    as_of = args.get("as_of") or queries.default_as_of()
    include_agreements = args.get("agreements", False)

    def write(data: queries.NetworkData) -> bytes:
        g = exportable(graph.build_graph(data, include_agreements=include_agreements))
        buf = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, buf)
        return buf.getvalue()

    body = queries.export_answer(user=current_user, as_of=as_of, include_agreements=include_agreements, fmt=fmt,
                                 write=write, **_filters(args))
    resp = Response(body, mimetype=EXPORT_TYPES[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="network-{as_of.isoformat()}.{fmt}"'
    return resp


@blp.route("/network.graphml", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkQuery, location="query")
@blp.response(200, description="GraphML (Gephi, networkx, yEd).")
def network_graphml(args):
    """The network as GraphML."""
    return _export(args, "graphml")


@blp.route("/network.gexf", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkQuery, location="query")
@blp.response(200, description="GEXF (Gephi).")
def network_gexf(args):
    """The network as GEXF."""
    return _export(args, "gexf")


# ---- the interactive map (static/js/network-map.js) ----


class MapSchema(StrictSchema):
    version = fields.Integer()
    as_of = fields.String()
    partners = fields.List(fields.Dict())
    dependencies = fields.List(fields.List(fields.Integer()))
    totals = fields.Dict()
    style = fields.Dict()


@blp.route("/network/map", methods=["GET"])
@permission_required("network.view")
@blp.arguments(NetworkQuery(exclude=("agreements",)), location="query")  # partners only, at every size
@blp.response(200, MapSchema)
def network_map(args):
    """The network aggregated to partners for the interactive map: each partner with its value,
    flows, risks (single point of failure, broker) and position, and the `depends_on` links
    between agreements as links between their partners (`[from, to, n]`: if `from` leaves, n
    agreements with `to` fail). Positions are computed on the server and stay put."""
    # Cached as bytes (see mapdata.map_answer) and sent as they are.
    body = mapdata.map_answer(user=current_user, as_of=args.get("as_of") or queries.default_as_of(),
                              filters=_filters(args))
    return Response(body, mimetype=current_app.json.mimetype)
