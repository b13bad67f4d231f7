"""Search API: GET /api/v1/search?q=&kind= (the page's search, as a list)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import ListArgs, list_schema
from govtrack.auth.permissions import permission_required
from govtrack.search import queries
from govtrack.search.views import hit_url

blp = exempt(Blueprint("search_api", __name__, url_prefix="/api/v1/search", description="Search"))


class SearchArgs(ListArgs):
    q = fields.String(load_default="", metadata={"description": "Words to find; each of two letters or more "
                                                              "matches as a prefix. Punctuation only separates."})
    kind = fields.String(load_default=None, validate=validate.OneOf(queries.KINDS))


class HitSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": list(queries.KINDS)})
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)


HitList = list_schema(HitSchema, "SearchHitList")


@blp.route("")
class Search(MethodView):
    @permission_required("portal.view")
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, HitList)
    def get(self, args):
        """Agreements, partners, members and decisions matching `q` that the caller may open, by kind
        (agreement, partner, member, decision), newest first within a kind; a member finds only
        agreements published to them and the decisions about them."""
        hits, nxt = queries.search(user=current_user, q=args["q"], kind=args["kind"], cursor=args["cursor"],
                                   limit=args["limit"])
        items = [{"kind": h.kind, "id": h.id, "title": h.title, "url": hit_url(h, current_user)} for h in hits]
        return {"items": items, "next": nxt}
