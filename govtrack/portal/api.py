"""Public transparency API: /api/v1/public/agreements, for anyone, without a token.

It always answers with the public's view (visibility public; approved, active or completed),
whoever asks, so that what it returns can be cached and shared without leaking anything.
"""

from __future__ import annotations

import json

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from govtrack.agreements.models import AgreementKind
from govtrack.agreements.queries import clauses_of
from govtrack.api import exempt
from govtrack.api.schemas import (
    IdField,
    ListArgs,
    MoneySchema,
    StrictSchema,
    list_schema,
    money_out,
)
from govtrack.core.cache import get_cache
from govtrack.core.web import external_url
from govtrack.errors import NotFound
from govtrack.forums.queries import DecisionSummary, published_decisions
from govtrack.partners.models import PartnerCategory
from govtrack.portal import iati, ocds, queries

blp = exempt(
    Blueprint(
        "public_api",
        __name__,
        url_prefix="/api/v1/public",
        description="Public transparency: published agreements and the decisions behind them, no token needed.",
    )
)


class PublicPartySchema(StrictSchema):
    partner = fields.String(required=True)
    category = fields.String(required=True)
    role = fields.String(required=True)


class PublicClauseVersionSchema(StrictSchema):
    version = fields.Integer(required=True)
    text = fields.String(required=True)
    status = fields.String(required=True)
    decision_id = IdField(allow_none=True)


class PublicClauseSchema(StrictSchema):
    number = fields.Integer(required=True)
    text = fields.String(required=True)
    status = fields.String(required=True)
    proposed_by = fields.String(required=True)
    versions = fields.List(fields.Nested(PublicClauseVersionSchema), required=True)


class PublicDecisionSchema(StrictSchema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    date = fields.Date(required=True)
    forum = fields.String(required=True)
    outcome = fields.String(required=True)
    method = fields.String(required=True)
    effect = fields.String(allow_none=True)
    yes = fields.Integer(allow_none=True)
    no = fields.Integer(allow_none=True)
    abstain = fields.Integer(allow_none=True)


class PublicDocumentSchema(StrictSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    url = fields.String(required=True)


class PublicAgreementSchema(StrictSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    reference = fields.String(allow_none=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    parties = fields.List(fields.Nested(PublicPartySchema), required=True)
    value = fields.Nested(MoneySchema, allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    summary = fields.String(allow_none=True)
    clauses = fields.List(fields.Nested(PublicClauseSchema), required=True)
    decisions = fields.List(fields.Nested(PublicDecisionSchema), required=True)
    documents = fields.List(fields.Nested(PublicDocumentSchema), required=True)
    url = fields.String(required=True, metadata={"description": "The agreement's public page."})


class PublicQuery(ListArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    kind = fields.String(load_default=None, validate=validate.OneOf([k.value for k in AgreementKind]))
    category = fields.String(load_default=None, validate=validate.OneOf([c.value for c in PartnerCategory]))
    year = fields.Integer(load_default=None, validate=validate.Range(1900, 2200))


PublicAgreementList = list_schema(PublicAgreementSchema, "PublicAgreementList")

# Only decided clauses are published: a proposal still under deliberation is not a term.
_DECIDED = ("accepted", "amended", "rejected")


def _decision(d: DecisionSummary) -> dict:
    return {
        "id": d.id, "number": d.number, "date": d.decided_on, "forum": d.forum_name,
        "outcome": d.outcome, "method": d.method, "effect": d.effect,
        "yes": d.yes, "no": d.no, "abstain": d.abstain,
    }


def _public_clauses(agreement) -> list[dict]:
    """The decided clauses of an agreement whose clauses (and versions) are loaded, as rows."""
    return [
        {
            "number": c.number, "text": c.text, "status": c.status, "proposed_by": c.proposed_by,
            "versions": [
                {"version": v.version, "text": v.text, "status": v.status, "decision_id": v.decision_id}
                for v in c.versions
            ],
        }
        for c in agreement.clauses
        if c.status in _DECIDED
    ]


def public_view(agreements, *, clauses: dict[int, list[dict]] | None = None) -> list[dict]:
    """Agreements as the public reads them (parties and documents loaded by the query; the clauses
    from `clauses`, rows of clauses_of(..., statuses=_DECIDED), or else the loaded relationship)."""
    decisions = published_decisions([a.id for a in agreements])
    return [
        {
            "id": a.id,
            "title": a.title,
            "reference": a.reference,
            "kind": a.kind,
            "status": a.status,
            "parties": [
                {"partner": p.partner.name, "category": p.partner.category, "role": p.role} for p in a.parties
            ],
            "value": money_out(a.value_amount, a.value_currency),
            "start_date": a.start_date,
            "end_date": a.end_date,
            "summary": a.summary,
            "clauses": clauses[a.id] if clauses is not None else _public_clauses(a),
            "decisions": [_decision(d) for d in decisions[a.id]],
            "documents": [
                {
                    "id": doc.id, "name": doc.original_name, "content_type": doc.content_type,
                    "size": doc.size, "sha256": doc.sha256,
                    "url": external_url("agreements_api.download_document", agreement_id=a.id,
                                        document_id=doc.id),
                }
                for doc in a.documents
                if not doc.removed  # its file is no longer served to members or the public
            ],
            "url": external_url("portal.agreement", agreement_id=a.id),
        }
        for a in agreements
    ]


@blp.route("/agreements")
class PublicAgreements(MethodView):
    @blp.doc(security=[])
    @blp.arguments(PublicQuery, location="query")
    @blp.response(200, PublicAgreementList)
    def get(self, args):
        """Agreements published to the public, newest first, with their decisions (keyset-paginated)."""
        page = queries.published_page_full(user=None, cursor=args.pop("cursor"), limit=args.pop("limit"), **args)
        clauses = clauses_of([a.id for a in page.items], statuses=_DECIDED)
        return {"items": public_view(page.items, clauses=clauses), "next": page.next}


@blp.route("/agreements/<int:agreement_id>")
class PublicAgreement(MethodView):
    @blp.doc(security=[])
    @blp.response(200, PublicAgreementSchema)
    def get(self, agreement_id):
        """One public agreement; any other id (internal, members-only, unpublished, none) answers 404."""
        agreement = queries.published_agreement(agreement_id, user=None)
        if agreement is None:
            raise NotFound("No such agreement.")
        return public_view([agreement])[0]


@blp.route("/ocds.json", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, description=(
    "An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/): one release per "
    "agreement published to the public with a construction partner, with its parties, award, "
    "contract (value, period, documents, amendments decided by the forums) and implementation "
    "(milestones, payments). Validates against the OCDS 1.1 release-package schema."
))
def ocds_package():
    """Published construction agreements as open contracting data (OCDS 1.1 release package)."""
    cooperative = current_app.config["ORG_NAME"]
    cache = get_cache()
    key = ocds.cache_key(cooperative=cooperative)
    body = cache.get(key)
    if body is None:
        package = ocds.release_package(cooperative=cooperative)
        body = (json.dumps(package, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        cache.put(key, body)
    return Response(body, mimetype="application/json")


@blp.route("/iati.xml", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, description=(
    "IATI 2.03 `iati-activities` (https://iatistandard.org/en/iati-standard/203/): one activity per "
    "agreement published to the public with a funder or lender, with its participating organisations, "
    "status, dates, country, locations, sector, budget, transactions (commitment and funds received) "
    "and public documents. Streamed; validates against the IATI 2.03 activities schema."
))
def iati_activities():
    """Published funder and lender agreements as IATI 2.03 activities (XML, streamed)."""
    body = iati.activities_xml(cooperative=current_app.config["ORG_NAME"])
    return Response(stream_with_context(body), mimetype="application/xml")
