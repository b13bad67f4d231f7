"""Centres API: /api/v1/centres (rembug pusat), and the centres' positions on an agreement's clauses."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import IdArg, IdField, ListArgs, StrictSchema, list_schema
from govtrack.auth.permissions import permission_required
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.members import queries as members
from govtrack.members import services

blp = exempt(
    Blueprint(
        "centres_api", __name__, url_prefix="/api/v1",
        description="Rembug pusat (centres): the standing groups of members, their chairs and field officers",
    )
)


class CentreSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(
        validate=validate.Length(1, services.CODE_MAX),
        metadata={"description": "Unique; stored in capitals. Left out on POST: the next RP-number."},
    )
    name = fields.String(required=True, validate=validate.Length(1, services.GROUP_MAX))
    region = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=services.REGION_MAX),
                           metadata={"description": "Kecamatan / kabupaten."})
    chair_member_id = IdField(allow_none=True, metadata={
        "description": "The chair (ketua): an active member of this centre. Not on POST (a new centre has no members)."})
    officer_id = IdField(allow_none=True, load_default=None,
                         metadata={"description": "The field officer's login (role `officer`)."})
    active = fields.Boolean(load_default=True)
    members = fields.Integer(dump_only=True, metadata={"description": "How many members it has."})
    active_members = fields.Integer(dump_only=True)


class CentrePatchSchema(CentreSchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class CentreQuery(ListArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "The beginning of a code, or any part of the name."})
    region = fields.String(load_default=None, validate=validate.Length(max=services.REGION_MAX))
    active = fields.Boolean(load_default=None)
    officer_id = IdArg(load_default=None)


CentreList = list_schema(CentreSchema, "CentreList")


def serialise(centres) -> list[dict]:
    counts = members.member_counts(c.id for c in centres)
    return [
        {
            "id": c.id, "code": c.code, "name": c.name, "region": c.region, "chair_member_id": c.chair_member_id,
            "officer_id": c.officer_id, "active": c.active,
            "members": counts.get(c.id, (0, 0))[0], "active_members": counts.get(c.id, (0, 0))[1],
        }
        for c in centres
    ]


def _centre(centre_id: int):
    centre = members.get_centre(centre_id)
    if centre is None:
        raise NotFound(_("No such centre."))
    return centre


@blp.route("/centres")
class Centres(MethodView):
    @permission_required("centres.view")
    @blp.arguments(CentreQuery, location="query")
    @blp.response(200, CentreList)
    def get(self, args):
        """The centres by name (keyset-paginated), searched and filtered."""
        page = members.centre_page(q=args["q"], region=args["region"], active=args["active"],
                                   officer_id=args["officer_id"], cursor=args["cursor"], limit=args["limit"])
        return {"items": serialise(page.items), "next": page.next}

    @permission_required("centres.edit")
    @blp.arguments(CentreSchema)
    @blp.response(201, CentreSchema)
    def post(self, data):
        """Add a centre (409 when its code or name is taken)."""
        if data.get("chair_member_id") is not None:
            raise ValidationFailed(_("Some values are not valid."), fields={
                "chair_member_id": [_("The chair must be a member of this centre.")]})
        data.pop("chair_member_id", None)
        centre = services.create_centre(actor=current_user, values=data)
        db.session.commit()
        return serialise([centre])[0]


@blp.route("/centres/<int:centre_id>")
class CentreItem(MethodView):
    @permission_required("centres.view")
    @blp.response(200, CentreSchema)
    def get(self, centre_id):
        """One centre."""
        return serialise([_centre(centre_id)])[0]

    @permission_required("centres.edit")
    @blp.arguments(CentrePatchSchema)
    @blp.response(200, CentreSchema)
    def patch(self, data, centre_id):
        """Change some fields; a new name is the new `group` of its members."""
        centre = _centre(centre_id)
        if not data:
            raise ValidationFailed(_("Nothing to change."), fields={"body": [_("Give at least one field.")]})
        centre = services.update_centre(actor=current_user, centre=centre, changes=data)
        db.session.commit()
        return serialise([centre])[0]
