"""Needs surveys API: /api/v1/surveys, their responses (in batches, with idempotency keys, or
imported as CSV), results; survey evidence on motions is under the forums' API."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import IdField, StrictSchema
from govtrack.auth.permissions import permission_required
from govtrack.extensions import db
from govtrack.surveys import queries, services
from govtrack.surveys.models import Channel
from govtrack.surveys.views import capture_bundle_data, capture_centre

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


# --- capture bundle for the offline page (helper: offline) ---------------------------------------
# The capture page (/surveys/{id}/capture) works with a session and a CSRF token; these are the same
# bundle and the same sync for clients with a bearer token (a phone app of the cooperative's own).


class CaptureQuery(StrictSchema):
    centre_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1), metadata={"description": "A centre with members drawn for the survey; a "
                                                                "field officer's own only (another is 404)."})


class CaptureQuestion(Schema):
    key = fields.String()
    kind = fields.String(metadata={"description": "yes_no, single, multiple, number or text"})
    text = fields.String()
    choices = fields.List(fields.String())
    required = fields.Boolean()
    kind_label = fields.String(metadata={"description": "The kind in the reader's language."})


class CaptureSurvey(Schema):
    id = fields.Integer()
    title = fields.String()
    opens_on = fields.String(metadata={"description": "YYYY-MM-DD"})
    closes_on = fields.String(metadata={"description": "YYYY-MM-DD"})
    open = fields.Boolean(metadata={"description": "Whether it takes answers today."})
    questions = fields.List(fields.Nested(CaptureQuestion))


class CaptureCentre(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class CaptureMember(Schema):
    id = fields.Integer()
    number = fields.String()
    name = fields.String()
    answered = fields.Boolean()


class CaptureBundle(Schema):
    survey = fields.Nested(CaptureSurvey)
    centre = fields.Nested(CaptureCentre)
    members = fields.List(fields.Nested(CaptureMember), metadata={"description": "The members drawn at the centre."})
    today = fields.String(metadata={"description": "The cooperative's today, YYYY-MM-DD."})
    strings = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The capture page's words in the reader's language; {n}, {name}... are filled in by the client."})


class Rejected(Schema):
    key = fields.String(allow_none=True)
    member_id = fields.Integer(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Field (member_id, answered_on, key, answers.QUESTION_KEY) → reasons, in the reader's language."})


class SyncResult(Schema):
    created = fields.Integer()
    duplicates = fields.Integer()
    rejected = fields.List(fields.Nested(Rejected))


@blp.route("/surveys/<int:survey_id>/capture")
class CaptureBundleView(MethodView):
    @permission_required("surveys.record")
    @blp.arguments(CaptureQuery, location="query")
    @blp.response(200, CaptureBundle)
    def get(self, args, survey_id: int):
        """What a phone keeps to capture offline at one centre: the survey, its questions, the centre's drawn
        members (answered or not) and the capture page's words."""
        survey = _survey_or_404(survey_id)
        return capture_bundle_data(survey, capture_centre(survey, centre_id=str(args["centre_id"])))


@blp.route("/surveys/<int:survey_id>/capture/sync")
class CaptureSync(MethodView):
    @permission_required("surveys.record")
    @blp.arguments(ResponseBatch)
    @blp.response(200, SyncResult)
    def post(self, body, survey_id: int):
        """Record a phone's unsent responses: unlike `POST /surveys/{id}/responses` (all or nothing), the valid
        ones are stored and each refused one comes back in `rejected` with its reasons, so that one bad response
        does not hold back the rest. A key already stored is a duplicate, not an error: a batch sent twice is
        stored once. A field officer records only for members of their centres."""
        survey = _survey_or_404(survey_id)
        items = [services.ResponseInput(member_id=r["member_id"], answers=r["answers"], key=r["key"],
                                        answered_on=r["answered_on"]) for r in body["responses"]]
        created, duplicates, refused = services.record_responses_partly(
            actor=current_user, survey=survey, items=items, channel=Channel.api)
        db.session.commit()
        return {"created": created, "duplicates": duplicates, "rejected": [
            {"key": body["responses"][i]["key"], "member_id": body["responses"][i]["member_id"], "errors": errors}
            for i, errors in sorted(refused.items())]}



