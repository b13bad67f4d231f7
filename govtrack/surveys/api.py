"""Needs surveys API: /api/v1/surveys, their responses (in batches, with idempotency keys, or
imported as CSV), results; survey evidence on motions is under the forums' API."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import IdField, StrictSchema
from govtrack.auth.permissions import can, permission_required
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.portal.queries import audience
from govtrack.surveys import queries, services
from govtrack.surveys.models import Channel, SurveyEvidence
from govtrack.surveys.views import TARGETS, evidence_target

blp = exempt(
    Blueprint("surveys_api", __name__, url_prefix="/api/v1",
              description="Needs surveys (survei kebutuhan): questions, samples, responses, results")
)


# --- responses in batches ------------------------------------------------------------------------


class ResponseItem(StrictSchema):
    key = fields.String(load_default=None, validate=validate.Length(8, services.KEY_MAX), metadata={
        "description": "Made by the client once per response (a UUID, say): a key already stored for this survey is "
                       "counted as a duplicate and not stored again."})
    member_id = IdField(required=True)
    answered_on = fields.Date(load_default=None, metadata={"description": "The day of the interview; today if left out."})
    answers = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "Question key → answer: true/false (yes_no), a choice (single), a list of choices (multiple), "
                       "a number, a text."})


class ResponseBatch(StrictSchema):
    responses = fields.List(fields.Nested(ResponseItem), required=True,
                            validate=validate.Length(1, services.BATCH_MAX))


class BatchResult(StrictSchema):
    created = fields.Integer()
    duplicates = fields.Integer()


def _survey_or_404(survey_id: int):
    survey = queries.get(survey_id)
    if survey is None:
        abort(404)
    return survey


@blp.route("/surveys/<int:survey_id>/responses")
class Responses(MethodView):
    @permission_required("surveys.record")
    @blp.arguments(ResponseBatch)
    @blp.response(200, BatchResult)
    def post(self, body, survey_id: int):
        """Record a batch of responses, all or nothing (errors under `responses.{i}.…`); a key already stored is a
        duplicate, not an error. A field officer records only for members of their centres."""
        survey = _survey_or_404(survey_id)
        items = [services.ResponseInput(member_id=r["member_id"], answers=r["answers"], key=r["key"],
                                        answered_on=r["answered_on"]) for r in body["responses"]]
        created, duplicates = services.record_responses(actor=current_user, survey=survey, items=items,
                                                        channel=Channel.api)
        db.session.commit()
        return {"created": created, "duplicates": duplicates}


# --- surveys: list, create, read, change; import of responses (helper: surveys) ------------------


# --- results (helper: results) -------------------------------------------------------------------
# Results: staff with surveys.view read the whole result (by centre too); members and the public
# what `queries.published` keeps, of surveys published to them; any other survey answers 404,
# exactly as a missing one.


class GroupResult(StrictSchema):
    region = fields.String(metadata={"description": "A region's name (\"\" for centres without one)."})
    centre_id = fields.Integer(allow_none=True)
    code = fields.String()
    name = fields.String()
    sample = fields.Integer(metadata={"description": "Members drawn in this group."})
    respondents = fields.Integer(allow_none=True, metadata={"description": "null: fewer than 5 (published)."})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    shares = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    margin = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), metadata={
        "description": "The 95 % margin of error of each share (a proportion: 0.043 is 4.3 points), with the "
                       "finite-population correction."})
    mean = fields.Float()
    median = fields.Float()
    min = fields.Float()
    max = fields.Float()
    suppressed = fields.Boolean(metadata={"description": "Some cells are hidden (null): under 5 respondents."})


class QuestionResult(GroupResult):
    key = fields.String()
    kind = fields.String()
    text = fields.String()
    choices = fields.List(fields.String())
    by_region = fields.List(fields.Nested(GroupResult))
    by_centre = fields.List(fields.Nested(GroupResult), metadata={"description": "Staff only."})


class RegionResponses(StrictSchema):
    region = fields.String()
    sample = fields.Integer()
    responses = fields.Integer(allow_none=True)


class SurveyResults(StrictSchema):
    survey_id = fields.Integer()
    responses = fields.Integer()
    sample = fields.Integer()
    population = fields.Integer()
    response_rate = fields.Float(allow_none=True)
    regions = fields.List(fields.Nested(RegionResponses))
    questions = fields.List(fields.Nested(QuestionResult))


@blp.route("/surveys/<int:survey_id>/results")
class Results(MethodView):
    @blp.response(200, SurveyResults)
    def get(self, survey_id: int):
        """A survey's results: counts, shares and 95 % margins of error per question, by region (and by
        centre, for staff). Members and the public read only surveys published to them, as aggregates
        with every cell under 5 respondents null and no text questions; others answer 404."""
        survey = queries.get(survey_id)
        if survey is not None and can(current_user, "surveys.view"):
            return queries.results(survey)
        if survey is None or survey.visibility not in audience(current_user):
            abort(404)
        return queries.published(queries.summary(survey))


# Evidence: a survey's result on a motion, an agenda item or a clause.


class EvidenceIn(StrictSchema):
    survey_id = IdField(required=True)
    question_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40), metadata={
        "description": "One question's key; null: the whole survey."})
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120), metadata={
        "description": "One region of the survey's sample; null: every region."})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=services.NOTE_MAX))


class EvidenceOut(StrictSchema):
    id = fields.Integer()
    survey_id = fields.Integer()
    survey_title = fields.String()
    question_key = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    agenda_item_id = fields.Integer(allow_none=True)
    motion_id = fields.Integer(allow_none=True)
    clause_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


def _evidence_out(evidence: SurveyEvidence, survey_title: str) -> dict:
    return {name: getattr(evidence, name) for name in (
        "id", "survey_id", "question_key", "region", "note", "agenda_item_id", "motion_id", "clause_id", "created_at",
    )} | {"survey_title": survey_title}


def _evidence_list(kind: str, target_id: int) -> list[dict]:
    evidence_target(kind, target_id)  # 404 unless it exists and the user may read it
    return [_evidence_out(e, e.survey.title) for e in queries.evidence_for(**{f"{TARGETS[kind]}s": [target_id]})]


def _attach(kind: str, target_id: int, body: dict) -> dict:
    evidence_target(kind, target_id)
    survey = queries.get(body["survey_id"])
    if survey is None:
        raise ValidationFailed(_("Some values are not valid."),
                               fields={"survey_id": [_("No survey has the id %(id)d.", id=body["survey_id"])]})
    evidence = services.attach_evidence(actor=current_user, survey=survey, question_key=body["question_key"],
                                        region=body["region"], note=body["note"], **{TARGETS[kind]: target_id})
    db.session.commit()
    return _evidence_out(evidence, survey.title)


@blp.route("/motions/<int:motion_id>/evidence")
class MotionEvidence(MethodView):
    @permission_required("forums.view")
    @blp.response(200, EvidenceOut(many=True))
    def get(self, motion_id: int):
        """The survey evidence attached to a motion."""
        return _evidence_list("motion", motion_id)

    @permission_required("surveys.edit")
    @blp.arguments(EvidenceIn)
    @blp.response(201, EvidenceOut)
    def post(self, body, motion_id: int):
        """Attach a survey's result (whole or one question; everywhere or one region) to a motion as members'
        needs evidence; the same evidence twice is a 409."""
        return _attach("motion", motion_id, body)


@blp.route("/agenda-items/<int:item_id>/evidence")
class AgendaItemEvidence(MethodView):
    @permission_required("forums.view")
    @blp.response(200, EvidenceOut(many=True))
    def get(self, item_id: int):
        """The survey evidence attached to an agenda item."""
        return _evidence_list("agenda-item", item_id)

    @permission_required("surveys.edit")
    @blp.arguments(EvidenceIn)
    @blp.response(201, EvidenceOut)
    def post(self, body, item_id: int):
        """Attach a survey's result to an agenda item (as for a motion)."""
        return _attach("agenda-item", item_id, body)


@blp.route("/clauses/<int:clause_id>/evidence")
class ClauseEvidence(MethodView):
    @permission_required("agreements.view")
    @blp.response(200, EvidenceOut(many=True))
    def get(self, clause_id: int):
        """The survey evidence attached to a clause (a cooperation point)."""
        return _evidence_list("clause", clause_id)

    @permission_required("surveys.edit")
    @blp.arguments(EvidenceIn)
    @blp.response(201, EvidenceOut)
    def post(self, body, clause_id: int):
        """Attach a survey's result to a clause (as for a motion)."""
        return _attach("clause", clause_id, body)


@blp.route("/evidence/<int:evidence_id>", methods=["DELETE"])
@permission_required("surveys.edit")
@blp.response(204)
def delete_evidence(evidence_id: int):
    """Remove survey evidence (kept in the audit log)."""
    evidence = db.session.get(SurveyEvidence, evidence_id)
    if evidence is None:
        abort(404)
    services.remove_evidence(actor=current_user, evidence=evidence)
    db.session.commit()



# --- capture bundle for the offline page (helper: offline) ---------------------------------------



