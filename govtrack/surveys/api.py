"""Needs surveys API: /api/v1/surveys, their responses (in batches, with idempotency keys, or
imported as CSV), results; survey evidence on motions is under the forums' API."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import IdField, StrictSchema
from govtrack.auth.permissions import permission_required
from govtrack.extensions import db
from govtrack.surveys import queries, services
from govtrack.surveys.models import Channel

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



