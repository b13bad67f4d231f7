"""Centres API: /api/v1/centres (rembug pusat), and the centres' positions on an agreement's clauses."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import BoundedDate, IdArg, IdField, ListArgs, StrictSchema, list_schema
from govtrack.auth.permissions import can, permission_required
from govtrack.centres import queries as position_queries
from govtrack.centres import services as positions
from govtrack.centres.models import POSITIONS
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


def _own_only() -> int | None:
    """A field officer reads only the centres assigned to them (their id); others read every centre."""
    return current_user.id if current_user.role == "officer" else None


def _centre(centre_id: int):
    centre = members.get_centre(centre_id)
    if centre is None or _own_only() not in (None, centre.officer_id):
        raise NotFound(_("No such centre."))
    return centre


@blp.route("/centres")
class Centres(MethodView):
    @permission_required("centres.view")
    @blp.arguments(CentreQuery, location="query")
    @blp.response(200, CentreList)
    def get(self, args):
        """The centres by name (keyset-paginated), searched and filtered; a field officer's own only."""
        own = _own_only()
        if own is not None and args["officer_id"] not in (None, own):
            return {"items": [], "next": None}
        page = members.centre_page(q=args["q"], region=args["region"], active=args["active"],
                                   officer_id=own or args["officer_id"], cursor=args["cursor"], limit=args["limit"])
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


# ---------------------------------------------------------------------------------------------
# Positions on an agreement's clauses


class ClausePositionSchema(StrictSchema):
    clause_id = IdField(required=True)
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS),
                             metadata={"description": "support (setuju), amend (usul ubah), oppose (tolak)"})
    text = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=positions.TEXT_MAX),
                         metadata={"description": "The amendment proposed: required with amend, only with it."})
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=positions.NOTE_MAX))


class PositionsSchema(StrictSchema):
    centre_id = IdField(required=True)
    date = BoundedDate(required=True, metadata={"description": "The day the centre met."})
    members_present = fields.Integer(required=True, strict=True,
                                     metadata={"description": "From 1 to the centre's members."})
    positions = fields.List(fields.Nested(ClausePositionSchema), required=True, validate=validate.Length(1, 500))


class PositionsRecordedSchema(Schema):
    recorded = fields.Integer(required=True)


class PositionTallySchema(Schema):
    centres = fields.Integer(required=True)
    members = fields.Integer(required=True, metadata={"description": "Members present at those centres' meetings."})


class ProposedTextSchema(Schema):
    text = fields.String(required=True)
    centres = fields.Integer(required=True)


class PositionAmendTallySchema(PositionTallySchema):
    texts = fields.List(fields.Nested(ProposedTextSchema), required=True,
                        metadata={"description": f"Identical texts merged, most centres first (at most "
                                                 f"{position_queries.TEXTS_SHOWN})."})


class RegionNotHeardSchema(Schema):
    region = fields.String(required=True, allow_none=True, metadata={"description": "Kecamatan / kabupaten."})
    centres = fields.Integer(required=True)


class ClausePositionRollupSchema(Schema):
    clause_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    support = fields.Nested(PositionTallySchema, required=True)
    amend = fields.Nested(PositionAmendTallySchema, required=True)
    oppose = fields.Nested(PositionTallySchema, required=True)
    not_heard = fields.Integer(required=True, metadata={"description": "Active centres with no position yet."})
    not_heard_by_region = fields.List(fields.Nested(RegionNotHeardSchema), required=True, metadata={
        "description": "The active centres with no position yet on this clause, counted by region (most first; "
                       "`region` null for centres with no region recorded, last). Regions where every active "
                       "centre was heard are left out; the counts add up to `not_heard`."})


class PositionRollupSchema(Schema):
    agreement_id = fields.Integer(required=True)
    deliberation = fields.Integer(required=True)
    clauses = fields.List(fields.Nested(ClausePositionRollupSchema), required=True)


def rollup_json(agreement) -> dict:
    out = []
    regions = position_queries.not_heard_by_region(agreement)
    for r in position_queries.rollup(agreement):
        t = r.tallies
        out.append({
            "clause_id": r.clause.id, "number": r.clause.number,
            "support": {"centres": t["support"].centres, "members": t["support"].members},
            "amend": {"centres": t["amend"].centres, "members": t["amend"].members,
                      "texts": [{"text": x.text, "centres": x.centres} for x in r.texts]},
            "oppose": {"centres": t["oppose"].centres, "members": t["oppose"].members},
            "not_heard": r.not_heard,
            "not_heard_by_region": [{"region": g.region, "centres": g.centres} for g in regions.get(r.clause.id, [])],
        })
    return {"agreement_id": agreement.id, "deliberation": agreement.deliberation, "clauses": out}


def _agreement(agreement_id: int):
    """The agreement; to a field officer (who may not read agreements) only one under deliberation."""
    agreement = position_queries.get_agreement(agreement_id)
    if agreement is None or (agreement.status != "under_deliberation" and not can(current_user, "agreements.view")):
        raise NotFound(_("No such agreement."))
    return agreement


@blp.route("/agreements/<int:agreement_id>/positions")
class Positions(MethodView):
    @permission_required("centres.view")
    @blp.response(200, PositionRollupSchema)
    def get(self, agreement_id):
        """The roll-up of the centres' current positions in the agreement's current deliberation."""
        return rollup_json(_agreement(agreement_id))

    @permission_required("positions.record")
    @blp.arguments(PositionsSchema)
    @blp.response(201, PositionsRecordedSchema)
    def post(self, data, agreement_id):
        """Record a centre's positions (a field officer: only for the centres assigned to them; 409
        when the agreement is not under deliberation). A later position replaces the centre's
        current one on that clause; the earlier is kept."""
        agreement = _agreement(agreement_id)
        centre = members.get_centre(data["centre_id"])
        if centre is None:
            raise ValidationFailed(_("Some values are not valid."), fields={"centre_id": [_("No such centre.")]})
        made = positions.record_positions(
            actor=current_user, agreement=agreement, centre=centre, held_on=data["date"],
            members_present=data["members_present"],
            positions=[positions.ClausePosition(**p) for p in data["positions"]])
        db.session.commit()
        return {"recorded": len(made)}
