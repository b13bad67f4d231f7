"""Agreements API: /api/v1/agreements."""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from govtrack.agreements import queries, services
from govtrack.agreements.models import (
    WATER_SECTORS,
    AgreementKind,
    AgreementStatus,
    ClauseStatus,
    PartyRole,
    ProposedBy,
    Visibility,
)
from govtrack.api import created_links, exempt
from govtrack.api.schemas import (
    BoundedAwareDateTime,
    BoundedDate,
    IdArg,
    IdField,
    ListArgs,
    MoneySchema,
    StoredFileSchema,
    StrictSchema,
    WholeNumber,
    list_schema,
    money_out,
)
from govtrack.auth.permissions import permission_required
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums.queries import approval_path, decision_ids_for, next_step_words

blp = exempt(Blueprint("agreements_api", __name__, url_prefix="/api/v1/agreements", description="Agreements"))


def _values(enum_cls) -> list[str]:
    return [e.value for e in enum_cls]


class PartySchema(StrictSchema):
    partner_id = IdField(required=True)
    role = fields.String(required=True, validate=validate.OneOf(_values(PartyRole)))
    partner_name = fields.Method("_partner_name", dump_only=True)

    def _partner_name(self, obj):
        return obj.partner.name


class ClauseSchema(StrictSchema):
    id = IdField(load_default=None)
    number = WholeNumber(load_default=None, validate=validate.Range(min=1, max=100000))
    text = fields.String(required=True, validate=validate.Length(1, 20000))
    proposed_by = fields.String(load_default="cooperative", validate=validate.OneOf(_values(ProposedBy)))
    status = fields.String(dump_only=True, metadata={"enum": _values(ClauseStatus)})
    versions = fields.Method("_versions", dump_only=True)

    def _versions(self, obj):
        if isinstance(obj, dict):  # a row from queries.clauses_of
            return obj["versions"]
        return [
            {"version": v.version, "text": v.text, "status": v.status, "decision_id": v.decision_id}
            for v in obj.versions
        ]


class DocumentVersionSchema(StoredFileSchema):
    """An earlier file of a document, kept when a new file replaced it."""

    replaced_at = BoundedAwareDateTime(dump_only=True)


class DocumentSchema(StoredFileSchema):
    """An agreement's document (its own name keeps the OpenAPI component `Document`): the current
    file, whether it was removed (when and why), and its earlier files, newest first."""

    removed = fields.Boolean(dump_only=True)
    removed_at = BoundedAwareDateTime(dump_only=True, allow_none=True)
    removal_reason = fields.String(dump_only=True, allow_none=True)
    versions = fields.List(fields.Nested(DocumentVersionSchema), dump_only=True)


class RemoveDocumentSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(1, services.REASON_MAX),
                           metadata={"description": "Why the document is removed (kept and shown with it)."})


class AgreementSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    reference = fields.String(allow_none=True, validate=validate.Length(max=100))
    kind = fields.String(required=True, validate=validate.OneOf(_values(AgreementKind)))
    status = fields.String(dump_only=True, metadata={"enum": _values(AgreementStatus)})
    parties = fields.List(fields.Nested(PartySchema), required=True, validate=validate.Length(min=1))
    value = fields.Nested(MoneySchema, allow_none=True)
    start_date = BoundedDate(allow_none=True)
    end_date = BoundedDate(allow_none=True)
    summary = fields.String(allow_none=True, validate=validate.Length(max=50000))
    visibility = fields.String(load_default="internal", validate=validate.OneOf(_values(Visibility)))
    sector = fields.String(allow_none=True, validate=validate.OneOf(WATER_SECTORS), metadata={"description": (
        "What it finances, as an OECD DAC purpose code (IATI sector): 14030 drinking water and sanitation, "
        "14031 drinking water, 14032 sanitation; null: not said. May change at any stage.")})
    depends_on = fields.List(IdField(), load_default=list)
    clauses = fields.List(fields.Nested(ClauseSchema), load_default=list)
    decisions = fields.List(fields.Integer(), dump_only=True)
    documents = fields.List(fields.Nested(DocumentSchema), dump_only=True)
    approval_path = fields.Dict(dump_only=True, metadata={"description": (
        "One agreement only (GET /agreements/{id}): each forum kind the approval policy requires, "
        '`{"forum_kind", "decided", "decision": {"id", "number", "date", "outcome", "forum", "motion_id", '
        '"meeting_id"} or null, "last_motion": {"motion_id", "outcome", "closed_at", "meeting_id"} or null, '
        '"upcoming_meeting": {"id", "title", "starts_at", "status"} or null}` in `steps`; `complete` '
        "(every required forum has decided) and `next_step`, what it waits for in words.")})

    @validates_schema
    def _dates(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError("The end date is before the start date.", "end_date")


class AgreementPatchSchema(AgreementSchema):
    """The same fields, all optional (PATCH)."""

    def __init__(self, *args, **kwargs):
        # Only the top level is optional: a nested contact or clause still needs its own fields.
        kwargs.setdefault("partial", tuple(self._declared_fields))
        super().__init__(*args, **kwargs)


class AgreementQuery(ListArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    status = fields.String(load_default=None, validate=validate.OneOf(_values(AgreementStatus)))
    kind = fields.String(load_default=None, validate=validate.OneOf(_values(AgreementKind)))
    partner_id = IdArg(load_default=None)
    visibility = fields.String(load_default=None, validate=validate.OneOf(_values(Visibility)))


class TransitionSchema(StrictSchema):
    to = fields.String(required=True, validate=validate.OneOf(_values(AgreementStatus)))


AgreementList = list_schema(AgreementSchema, "AgreementList")

def serialise(agreements, *, with_documents: bool = False, clauses: dict | None = None) -> list[dict]:
    """Agreements as the API shows them (parties loaded by the query; clauses from `clauses`, rows
    of queries.clauses_of, or else the loaded relationship)."""
    ids = [a.id for a in agreements]
    deps = queries.dependency_ids(ids)
    decisions = decision_ids_for(ids)
    out = []
    for a in agreements:
        out.append(
            {
                "id": a.id,
                "title": a.title,
                "reference": a.reference,
                "kind": a.kind,
                "status": a.status,
                "parties": a.parties,
                "value": money_out(a.value_amount, a.value_currency),
                "start_date": a.start_date,
                "end_date": a.end_date,
                "summary": a.summary,
                "visibility": a.visibility,
                "sector": a.sector,
                "depends_on": deps[a.id],
                "clauses": clauses[a.id] if clauses is not None else a.clauses,
                "decisions": decisions.get(a.id, []),
                **({"documents": a.documents} if with_documents else {}),
            }
        )
    return out


def _iso(value) -> str | None:
    # Inside a free-form dict field marshmallow does not format dates: ISO 8601 as everywhere else.
    return value.isoformat() if value is not None else None


def approval_path_out(path) -> dict:
    steps = []
    for step in path.steps:
        last = step.last
        steps.append({
            "forum_kind": step.forum_kind,
            "decided": step.decided,
            "decision": {"id": last.decision_id, "number": last.number, "date": _iso(last.decided_on),
                         "outcome": last.effect, "forum": last.forum_name, "motion_id": last.motion_id,
                         "meeting_id": last.meeting_id} if step.decided else None,
            "last_motion": {"motion_id": last.motion_id, "outcome": last.outcome, "closed_at": _iso(last.closed_at),
                            "meeting_id": last.meeting_id} if last is not None else None,
            "upcoming_meeting": {"id": step.upcoming.id, "title": step.upcoming.title,
                                 "starts_at": _iso(step.upcoming.starts_at), "status": step.upcoming.status}
            if step.upcoming is not None else None,
        })
    return {"steps": steps, "complete": not path.missing, "next_step": next_step_words(path)}


def _load_visible(agreement_id: int):
    agreement = queries.load_agreement(agreement_id)
    if agreement is None or not queries.can_see(current_user, agreement):
        raise NotFound("No such agreement.")
    return agreement


def _split(data: dict) -> tuple[dict, dict]:
    """Split API input into scalar changes and the relationship lists."""
    rel = {k: data.pop(k) for k in ("parties", "clauses", "depends_on") if k in data}
    if "value" in data:
        value = data.pop("value")
        data["value_amount"] = Decimal(value["amount"]) if value else None
        if value:
            data["value_currency"] = value["currency"]
    if "parties" in rel:
        rel["parties"] = [services.PartyData(partner_id=p["partner_id"], role=p["role"]) for p in rel["parties"]]
    if "clauses" in rel:
        rel["clauses"] = [services.ClauseData(**c) for c in rel["clauses"]]
    return data, rel


@blp.route("")
class Agreements(MethodView):
    @permission_required("agreements.view")
    @blp.arguments(AgreementQuery, location="query")
    @blp.response(200, AgreementList)
    def get(self, args):
        """List agreements (keyset-paginated)."""
        page = queries.agreement_page(
            user=current_user, cursor=args.pop("cursor"), limit=args.pop("limit"), **args
        )
        ids = [a.id for a in page.items]
        return {"items": serialise(page.items, clauses=queries.clauses_of(ids)), "next": page.next}

    @permission_required("agreements.edit")
    @blp.arguments(AgreementSchema)
    @blp.doc(**created_links(getAgreement="agreement_id", transitionAgreement="agreement_id"))
    @blp.response(201, AgreementSchema)
    def post(self, data):
        """Create a draft agreement."""
        scalars, rel = _split(data)
        agreement = services.create_agreement(
            actor=current_user,
            data=services.AgreementData(**scalars, **rel),
        )
        db.session.commit()
        return serialise([queries.load_agreement(agreement.id)], with_documents=True)[0]


@blp.route("/<int:agreement_id>")
class AgreementItem(MethodView):
    @permission_required("agreements.view")
    @blp.response(200, AgreementSchema)
    @blp.doc(operationId="getAgreement")
    def get(self, agreement_id):
        """One agreement with its parties, clauses (and their history), documents, decisions and its
        approval path (which forums must still decide, and what comes next)."""
        agreement = _load_visible(agreement_id)
        out = serialise([agreement], with_documents=True)[0]
        out["approval_path"] = approval_path_out(approval_path(agreement.id, agreement.kind, agreement.status))
        return out

    @permission_required("agreements.edit")
    @blp.arguments(AgreementPatchSchema)
    @blp.response(200, AgreementSchema)
    def patch(self, data, agreement_id):
        """Edit an agreement: terms while draft; visibility, summary and sector at any time."""
        agreement = _load_visible(agreement_id)
        if not data:
            raise ValidationFailed("Nothing to change.", fields={"body": ["Give at least one field."]})
        scalars, rel = _split(data)
        services.update_agreement(actor=current_user, agreement=agreement, changes=scalars, **rel)
        db.session.commit()
        db.session.expire_all()
        return serialise([queries.load_agreement(agreement_id)], with_documents=True)[0]


@blp.route("/<int:agreement_id>/transition", methods=["POST"])
@permission_required("agreements.transition")
@blp.arguments(TransitionSchema)
@blp.response(200, AgreementSchema)
@blp.doc(operationId="transitionAgreement")
def transition(data, agreement_id):
    """Move the agreement to another status (409 `decision_required` or `invalid_transition`)."""
    agreement = _load_visible(agreement_id)
    services.transition_agreement(actor=current_user, agreement=agreement, to=data["to"])
    db.session.commit()
    return serialise([queries.load_agreement(agreement_id)], with_documents=True)[0]


@blp.route("/<int:agreement_id>/documents", methods=["POST"])
@permission_required("agreements.edit")
@blp.response(201, DocumentSchema)
def upload_document(agreement_id):
    """Attach a document (multipart field `file`); 413 past the size limit."""
    agreement = _load_visible(agreement_id)
    doc = services.add_document(actor=current_user, agreement=agreement, file=request.files.get("file"))
    db.session.commit()
    return _document_out(agreement_id, doc.id)


@blp.route("/<int:agreement_id>/documents/<int:document_id>", methods=["GET"])
@blp.response(200, description="The file, as a download.")
def download_document(agreement_id, document_id):
    """Download a document of an agreement the caller may see (a removed one: staff only)."""
    doc = queries.get_document(document_id)
    if doc is None or doc.agreement_id != agreement_id or not queries.may_download(current_user, doc):
        raise NotFound("No such document.")
    return doc.download()


def _document_for_update(agreement_id: int, document_id: int):
    agreement = _load_visible(agreement_id)
    doc = next((d for d in agreement.documents if d.id == document_id), None)
    if doc is None:
        raise NotFound("No such document.")
    return doc


def _document_out(agreement_id: int, document_id: int):
    db.session.expire_all()
    return next(d for d in queries.load_agreement(agreement_id).documents if d.id == document_id)


@blp.route("/<int:agreement_id>/documents/<int:document_id>/replace", methods=["POST"])
@permission_required("agreements.edit")
@blp.response(200, DocumentSchema)
def replace_document(agreement_id, document_id):
    """Replace a document's file (multipart field `file`, the checks of an upload; 413 past the
    size limit). The earlier file is kept in `versions`; 409 `document_removed` for a removed one."""
    doc = _document_for_update(agreement_id, document_id)
    services.replace_document(actor=current_user, document=doc, file=request.files.get("file"))
    db.session.commit()
    return _document_out(agreement_id, document_id)


@blp.route("/<int:agreement_id>/documents/<int:document_id>/remove", methods=["POST"])
@permission_required("agreements.edit")
@blp.arguments(RemoveDocumentSchema)
@blp.response(200, DocumentSchema)
def remove_document(data, agreement_id, document_id):
    """Remove a document with a reason: it stays listed with `removed`, `removed_at` and
    `removal_reason`, its files are served to staff only; a second removal is 409 `already_removed`."""
    doc = _document_for_update(agreement_id, document_id)
    services.remove_document(actor=current_user, document=doc, reason=data["reason"])
    db.session.commit()
    return _document_out(agreement_id, document_id)


@blp.route("/<int:agreement_id>/documents/<int:document_id>/versions/<int:version_id>", methods=["GET"])
@permission_required("agreements.view")
@blp.response(200, description="The earlier file, as a download.")
def download_document_version(agreement_id, document_id, version_id):
    """Download an earlier file of a document (staff, who may see every agreement)."""
    version = queries.get_document_version(version_id)
    if (version is None or version.document_id != document_id or version.document.agreement_id != agreement_id
            or not queries.may_see_history(current_user)):
        raise NotFound("No such file.")
    return version.download()
