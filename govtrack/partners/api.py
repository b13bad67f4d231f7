"""Partners API: /api/v1/partners."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from govtrack.api import created_links, exempt
from govtrack.api.schemas import ListArgs, StrictSchema, list_schema
from govtrack.auth.permissions import permission_required
from govtrack.errors import NotFound
from govtrack.extensions import db
from govtrack.partners import queries, services
from govtrack.partners.models import PartnerCategory

blp = exempt(Blueprint("partners_api", __name__, url_prefix="/api/v1/partners", description="Partners"))

CATEGORIES = [c.value for c in PartnerCategory]


class ContactSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    position = fields.String(allow_none=True, validate=validate.Length(max=200))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=50))


class PartnerSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    legal_name = fields.String(allow_none=True, validate=validate.Length(max=300))
    registration_no = fields.String(allow_none=True, validate=validate.Length(max=100))
    region = fields.String(allow_none=True, validate=validate.Length(max=120))
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))
    active = fields.Boolean(load_default=True)
    contacts = fields.List(fields.Nested(ContactSchema), load_default=None)


class PartnerPatchSchema(PartnerSchema):
    """The same fields, all optional (PATCH)."""

    def __init__(self, *args, **kwargs):
        # Only the top level is optional: a nested contact or clause still needs its own fields.
        kwargs.setdefault("partial", tuple(self._declared_fields))
        super().__init__(*args, **kwargs)


class PartnerQuery(ListArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    region = fields.String(load_default=None, validate=validate.Length(max=120))
    active = fields.Boolean(load_default=None)


PartnerList = list_schema(PartnerSchema, "PartnerList")


def _contacts(raw):
    if raw is None:
        return None
    return [services.ContactData(**c) for c in raw]


@blp.route("")
class Partners(MethodView):
    @permission_required("partners.view")
    @blp.arguments(PartnerQuery, location="query")
    @blp.response(200, PartnerList)
    def get(self, args):
        """List partners (keyset-paginated)."""
        page = queries.partner_page(
            cursor=args["cursor"], limit=args["limit"], q=args["q"], category=args["category"],
            region=args["region"], active=args["active"],
        )
        return {"items": page.items, "next": page.next}

    @permission_required("partners.edit")
    @blp.arguments(PartnerSchema)
    @blp.doc(**created_links(getPartner="partner_id", patchPartner="partner_id"))
    @blp.response(201, PartnerSchema)
    def post(self, data):
        """Create a partner."""
        contacts = _contacts(data.pop("contacts", None))
        partner = services.create_partner(
            actor=current_user, data=services.PartnerData(**data, contacts=contacts)
        )
        db.session.commit()
        return queries.get_partner(partner.id)


@blp.route("/<int:partner_id>")
class PartnerItem(MethodView):
    @permission_required("partners.view")
    @blp.response(200, PartnerSchema)
    @blp.doc(operationId="getPartner")
    def get(self, partner_id):
        """One partner."""
        partner = queries.get_partner(partner_id)
        if partner is None:
            raise NotFound("No such partner.")
        return partner

    @permission_required("partners.edit")
    @blp.arguments(PartnerPatchSchema)
    @blp.response(200, PartnerSchema)
    @blp.doc(operationId="patchPartner")
    def patch(self, data, partner_id):
        """Change some fields of a partner; `active: false` deactivates it."""
        partner = queries.get_partner(partner_id)
        if partner is None:
            raise NotFound("No such partner.")
        contacts = _contacts(data.pop("contacts", None))
        services.update_partner(actor=current_user, partner=partner, changes=data, contacts=contacts)
        db.session.commit()
        return queries.get_partner(partner_id)
