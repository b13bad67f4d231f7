"""Members API: /api/v1/members, the CSV import, and declared interests."""

from __future__ import annotations

import shutil
import tempfile

from flask import abort, jsonify, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import (
    BoundedAwareDateTime,
    BoundedDate,
    IdArg,
    IdField,
    ListArgs,
    StrictSchema,
    list_schema,
)
from govtrack.auth.permissions import permission_required
from govtrack.core.errors import json_error
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.members import importer, queries, services
from govtrack.members.views import import_max_bytes

blp = exempt(
    Blueprint(
        "members_api", __name__, url_prefix="/api/v1/members",
        description="The member roster, its CSV import, and conflict-of-interest declarations",
    )
)


@blp.url_value_preprocessor
def _import_body_limit(endpoint, values):
    # Before every before_request function: the check for NUL bytes reads request.form, which
    # size-checks the body against the document limit before the handler could raise it.
    if endpoint == "members_api.import_csv":
        request.max_content_length = import_max_bytes()


CSV_TYPES = frozenset({"text/csv", "application/csv"})


class MemberSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    number = fields.String(required=True, validate=validate.Length(1, services.NUMBER_MAX))
    name = fields.String(required=True, validate=validate.Length(1, services.NAME_MAX))
    group = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=services.GROUP_MAX),
        metadata={"description": "The name of the member's centre (rembug pusat). Written, it names the centre "
                                "by its name (case and spaces aside); a name no centre has makes a new centre. "
                                "`centre_id` wins over it."},
    )
    centre_id = IdField(allow_none=True, metadata={"description": "The member's centre (rembug pusat); null: none."})
    joined_on = BoundedDate(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)
    investor = fields.Boolean(load_default=False, metadata={"description": "Investors have no vote."})
    user_id = IdField(
        allow_none=True, load_default=None,
        metadata={"description": "The login linked to this member; null unlinks (409 when taken)."},
    )


class MemberPatchSchema(MemberSchema):
    """Every field optional. (Marshmallow has no `partial` Meta option: it is a load argument.)"""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class MemberQuery(ListArgs):
    q = fields.String(
        load_default=None, validate=validate.Length(max=200),
        metadata={"description": "A member number (or its beginning), or words of a name: each word "
                                "typed begins a word of the name (`komariah` finds Sri Komariah)."},
    )
    group = fields.String(load_default=None, validate=validate.Length(max=services.GROUP_MAX))
    centre_id = IdArg(load_default=None, metadata={"description": "The members of this centre, by name."})
    active = fields.Boolean(load_default=None)
    investor = fields.Boolean(load_default=None)
    contains = fields.Boolean(
        load_default=False, metadata={"description": "Match `q` anywhere in the name, not only at its start."}
    )


MemberList = list_schema(MemberSchema, "MemberList")


class LineErrorSchema(Schema):
    line = fields.Integer(required=True)
    message = fields.String(required=True)


class ImportResultSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    rows = fields.Integer(required=True)
    errors = fields.List(fields.Nested(LineErrorSchema), required=True)


class ImportRejectedSchema(ImportResultSchema):
    error = fields.Dict(required=True)
    error_count = fields.Integer(required=True)


class InterestSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    partner_id = IdField(required=True)
    partner_name = fields.Method("_partner_name", dump_only=True)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=services.NOTE_MAX))
    declared_at = BoundedAwareDateTime(dump_only=True)

    def _partner_name(self, obj):
        return obj.partner.name


InterestList = list_schema(InterestSchema, "InterestList")


def serialise(members) -> list[dict]:
    """Members as the API shows them (their linked logins in one query)."""
    users = queries.linked_users(m.id for m in members)
    return [
        {
            "id": m.id,
            "number": m.number,
            "name": m.name,
            "group": m.group_name,
            "centre_id": m.centre_id,
            "joined_on": m.joined_on,
            "active": m.active,
            "investor": m.investor,
            "user_id": users[m.id].id if m.id in users else None,
        }
        for m in members
    ]


def _member(member_id: int):
    member = queries.get_member(member_id)
    if member is None:
        raise NotFound(_("No such member."))
    return member


@blp.route("")
class Members(MethodView):
    @permission_required("members.view")
    @blp.arguments(MemberQuery, location="query")
    @blp.response(200, MemberList)
    def get(self, args):
        """Search the roster (keyset-paginated; no total count)."""
        page = queries.member_page(
            q=args["q"], group=args["group"], active=args["active"], investor=args["investor"],
            contains=args["contains"], cursor=args["cursor"], limit=args["limit"], centre_id=args["centre_id"],
        )
        return {"items": serialise(page.items), "next": page.next}

    @permission_required("members.edit")
    @blp.arguments(MemberSchema)
    @blp.response(201, MemberSchema)
    def post(self, data):
        """Add a member (409 when the number is taken)."""
        user_id = data.pop("user_id", None)
        member = services.create_member(actor=current_user, data=services.MemberData(**data))
        if user_id is not None:
            services.link_user_by_id(actor=current_user, member=member, user_id=user_id)
        db.session.commit()
        return serialise([member])[0]


@blp.route("/<int:member_id>")
class MemberItem(MethodView):
    @permission_required("members.view")
    @blp.response(200, MemberSchema)
    def get(self, member_id):
        """One member."""
        return serialise([_member(member_id)])[0]

    @permission_required("members.edit")
    @blp.arguments(MemberPatchSchema)
    @blp.response(200, MemberSchema)
    def patch(self, data, member_id):
        """Change some fields; `user_id` links a login (null unlinks)."""
        member = _member(member_id)
        if not data:
            raise ValidationFailed(_("Nothing to change."), fields={"body": [_("Give at least one field.")]})
        link = "user_id" in data
        user_id = data.pop("user_id", None)
        services.update_member(actor=current_user, member=member, changes=data)
        if link:
            services.link_user_by_id(actor=current_user, member=member, user_id=user_id)
        db.session.commit()
        return serialise([member])[0]


@blp.route("/import", methods=["POST"])
@permission_required("members.edit")
@blp.doc(
    requestBody={
        "required": True,
        "description": "CSV, UTF-8, first line `number,name,group,joined_on,active,investor`; the centre by its "
                       "code in a column `centre` (or `centre_code`) instead of `group`: an unknown code is an error "
                       "of its line.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
)
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, schema=ImportRejectedSchema, description="Bad lines; nothing was written.")
def import_csv():
    """Import members from CSV: every line is checked first; any bad line and nothing is written."""
    if request.mimetype not in CSV_TYPES:
        abort(415)
    request.max_content_length = import_max_bytes()
    # Spooled to disk past 1 MB: the import reads the file twice (check, then write).
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as body:
        shutil.copyfileobj(request.stream, body, 64 * 1024)
        try:
            result = importer.import_members(actor=current_user, source=body)
        except importer.ImportRejected as err:
            db.session.rollback()
            response, status = json_error(err.status, err.message, code=err.code, fields=err.fields)
            payload = response.get_json()
            payload.update(_result(err.result))
            payload["error_count"] = err.result.error_count
            return jsonify(payload), status
    db.session.commit()
    return _result(result)


def _result(result: importer.ImportResult) -> dict:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rows": result.rows,
        "errors": [{"line": e.line, "message": e.message} for e in result.errors],
    }


@blp.route("/<int:member_id>/interests")
class Interests(MethodView):
    @permission_required("members.view")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, InterestList)
    def get(self, args, member_id):
        """The member's declared interests in partners."""
        _member(member_id)
        page = queries.interest_page(member_id, cursor=args["cursor"], limit=args["limit"])
        return {"items": page.items, "next": page.next}

    @permission_required("members.edit")
    @blp.arguments(InterestSchema)
    @blp.response(201, InterestSchema)
    def post(self, data, member_id):
        """Declare an interest (409 when already declared; 422 for an unknown partner)."""
        member = _member(member_id)
        interest = services.declare_interest(
            actor=current_user, member=member, partner_id=data["partner_id"], note=data["note"]
        )
        db.session.commit()
        return queries.get_interest_with_partner(member_id, interest.id)


@blp.route("/<int:member_id>/interests/<int:interest_id>", methods=["DELETE"])
@permission_required("members.edit")
@blp.response(204)
def withdraw_interest(member_id, interest_id):
    """Withdraw a declaration (the audit log keeps it)."""
    interest = queries.get_interest(member_id, interest_id)
    if interest is None:
        raise NotFound(_("No such interest."))
    services.withdraw_interest(actor=current_user, interest=interest)
    db.session.commit()
