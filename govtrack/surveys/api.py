"""Needs surveys API: /api/v1/surveys, their responses (in batches, with idempotency keys, or
imported as CSV), results; survey evidence on motions is under the forums' API."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from govtrack.api import exempt
from govtrack.api.schemas import BoundedDate, IdField, ListArgs, StrictSchema, list_schema
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.errors import json_error
from govtrack.db import MAX_ID
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Member
from govtrack.portal.queries import audience
from govtrack.surveys import importer, queries, services
from govtrack.surveys.models import Channel, SurveyEvidence
from govtrack.surveys.views import TARGETS, capture_bundle_data, capture_centre, evidence_target

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


class QuestionSchema(StrictSchema):
    key = fields.String(required=True, validate=validate.Length(max=40), metadata={
        "description": "a-z, 0-9 and _, starting with a letter: the question's column in uploaded files."})
    kind = fields.String(required=True, metadata={"description": "yes_no, single, multiple, number or text"})
    text = fields.String(required=True, validate=validate.Length(max=services.QUESTION_MAX))
    choices = fields.List(fields.String(validate=validate.Length(max=services.CHOICE_MAX)), load_default=list,
                          validate=validate.Length(max=services.CHOICES_MAX),
                          metadata={"description": "For single and multiple: at least two; none for the others."})
    required = fields.Boolean(load_default=True)


class PopulationField(fields.Field):
    """"all", {"regions": [names]} or {"centre_ids": [ids]}."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all":
            return {"kind": "all"}
        if isinstance(value, dict) and len(value) == 1:
            (name, items), = value.items()
            if name == "regions" and isinstance(items, list) and all(isinstance(r, str) and len(r) <= 120 for r in items) \
                    and len(items) <= 1000:
                return {"kind": "regions", "regions": items}
            if name == "centre_ids" and isinstance(items, list) and len(items) <= 20000 and all(
                    isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in items):
                return {"kind": "centres", "centre_ids": items}
        raise ValidationError(_('"all", {"regions": [names]} or {"centre_ids": [ids]}.'))


class SampleSchema(StrictSchema):
    size = fields.Integer(required=True, validate=validate.Range(1, 10_000_000))
    seed = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 2**62 - 1), metadata={
        "description": "The same seed draws the same members again; left out, the server picks one and records it."})


class SurveySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(max=services.TITLE_MAX))
    purpose = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=services.PURPOSE_MAX))
    questions = fields.List(fields.Nested(QuestionSchema), required=True,
                            validate=validate.Length(max=services.QUESTIONS_MAX))
    population = PopulationField(required=True, metadata={
        "description": '"all" (every active member), {"regions": [names]} or {"centre_ids": [ids]}',
        "oneOf": [{"type": "string", "enum": ["all"]},
                  {"type": "object", "properties": {"regions": {"type": "array", "items": {"type": "string"}}}},
                  {"type": "object", "properties": {"centre_ids": {"type": "array", "items": {"type": "integer"}}}}]})
    sample = fields.Nested(SampleSchema, allow_none=True, load_default=None, metadata={
        "description": "null: everyone in the population; else a random sample stratified by centre."})
    opens_on = BoundedDate(required=True)
    closes_on = BoundedDate(required=True)
    visibility = fields.String(load_default="internal", metadata={"description": "internal, members or public"})
    population_size = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "Active members in the population when the sample was drawn (N)."})
    drawn_at = fields.DateTime(dump_only=True, allow_none=True)
    sample_drawn = fields.Integer(dump_only=True, metadata={"description": "Members drawn (n of the sample)."})
    responses = fields.Integer(dump_only=True)
    response_rate = fields.Float(dump_only=True, allow_none=True, metadata={"description": "responses / sample_drawn"})
    state = fields.String(dump_only=True, metadata={"description": "not_open, open or closed (by the dates)"})


class SurveyPatchSchema(SurveySchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


SurveyList = list_schema(SurveySchema, "SurveyList")


def _own() -> set[int] | None:
    return services.officer_centre_ids(current_user)


def _visible_survey(survey_id: int):
    survey = queries.get(survey_id)
    own = _own()
    if survey is None or (own is not None and not queries.touches_centres(survey, own)):
        raise NotFound(_("No such survey."))
    return survey


def serialise_surveys(surveys) -> list[dict]:
    counts = queries.counts(s.id for s in surveys)
    questions = queries.questions_by_survey(s.id for s in surveys)
    today = clock.today()
    out = []
    for s in surveys:
        drawn, answered = counts.get(s.id, (0, 0))
        if s.population_kind == "regions":
            population = {"regions": list(s.population)}
        elif s.population_kind == "centres":
            population = {"centre_ids": list(s.population)}
        else:
            population = "all"
        out.append({
            "id": s.id, "title": s.title, "purpose": s.purpose,
            "questions": [{"key": q.key, "kind": q.kind, "text": q.text, "choices": list(q.choices or []),
                           "required": q.required} for q in questions[s.id]],
            "population": population,
            "sample": None if s.sample_size is None else {"size": s.sample_size, "seed": s.sample_seed},
            "opens_on": s.opens_on, "closes_on": s.closes_on, "visibility": s.visibility,
            "population_size": s.population_size, "drawn_at": s.drawn_at, "sample_drawn": drawn,
            "responses": answered, "response_rate": (answered / drawn) if drawn else None,
            "state": queries.state(s, today),
        })
    return out


def _input(data: dict) -> services.SurveyInput:
    population = data["population"]
    sample = data.get("sample")
    if sample is not None and "size" not in sample:
        raise ValidationFailed(_("Some values are not valid."), fields={"sample.size": [_("Required.")]})
    return services.SurveyInput(
        title=data["title"], purpose=data.get("purpose"),
        # .get: a PATCH loads its questions partially (marshmallow passes `partial` on to nested schemas)
        questions=[services.QuestionInput(key=q.get("key", ""), kind=q.get("kind", ""), text=q.get("text", ""),
                                          choices=q.get("choices", []), required=q.get("required", True))
                   for q in data["questions"]],
        population_kind=population["kind"], regions=population.get("regions", []),
        centre_ids=population.get("centre_ids", []),
        sample_size=sample["size"] if sample else None, sample_seed=sample.get("seed") if sample else None,
        opens_on=data["opens_on"], closes_on=data["closes_on"], visibility=data["visibility"])


def _as_loaded(survey) -> dict:
    """The survey as a POST body would load it, for a PATCH to change some fields of."""
    current = serialise_surveys([survey])[0]
    population = current["population"]
    return {
        "title": current["title"], "purpose": current["purpose"], "questions": current["questions"],
        "population": {"kind": "all"} if population == "all" else (
            {"kind": "regions", "regions": population["regions"]} if "regions" in population
            else {"kind": "centres", "centre_ids": population["centre_ids"]}),
        "sample": current["sample"], "opens_on": survey.opens_on, "closes_on": survey.closes_on,
        "visibility": survey.visibility}


@blp.route("/surveys")
class Surveys(MethodView):
    @permission_required("surveys.view")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, SurveyList)
    def get(self, args):
        """The surveys, newest first (keyset-paginated); a field officer's: those whose sample has members of
        their centres."""
        page = queries.survey_page(centre_ids=_own(), cursor=args["cursor"], limit=args["limit"])
        return {"items": serialise_surveys(page.items), "next": page.next}

    @permission_required("surveys.edit")
    @blp.arguments(SurveySchema)
    @blp.response(201, SurveySchema)
    def post(self, data):
        """Create a survey; its sample is drawn at once (the seed, when not given, is picked and recorded).
        Errors name the field: `questions.{i}.key`, `population`, `sample.size`..."""
        survey = services.create_survey(actor=current_user, data=_input(data), today=clock.today())
        db.session.commit()
        return serialise_surveys([survey])[0]


@blp.route("/surveys/<int:survey_id>")
class SurveyItem(MethodView):
    @permission_required("surveys.view")
    @blp.response(200, SurveySchema)
    def get(self, survey_id):
        """One survey, with its sample's size and response rate."""
        return serialise_surveys([_visible_survey(survey_id)])[0]

    @permission_required("surveys.edit")
    @blp.arguments(SurveyPatchSchema)
    @blp.response(200, SurveySchema)
    def patch(self, data, survey_id):
        """Change some fields. Once members have answered, only the title, purpose, dates and visibility
        (422 naming `questions` or `population` otherwise); before, a change draws the sample again."""
        survey = _visible_survey(survey_id)
        if not data:
            raise ValidationFailed(_("Nothing to change."), fields={"body": [_("Give at least one field.")]})
        merged = {**_as_loaded(survey), **data}
        services.update_survey(actor=current_user, survey=survey, data=_input(merged), today=clock.today())
        db.session.commit()
        return serialise_surveys([survey])[0]


class DrawSchema(StrictSchema):
    seed = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 2**62 - 1), metadata={
        "description": "A new seed (a sample only); left out, the recorded one draws again."})


class DrawResult(StrictSchema):
    sample_drawn = fields.Integer()
    population_size = fields.Integer(allow_none=True)
    seed = fields.Integer(allow_none=True)


@blp.route("/surveys/<int:survey_id>/draw", methods=["POST"])
@permission_required("surveys.edit")
@blp.arguments(DrawSchema)
@blp.response(200, DrawResult)
def draw(data, survey_id):
    """Draw the sample again from the population as it stands now: only while nobody has answered (409)."""
    survey = _visible_survey(survey_id)
    size = services.redraw(actor=current_user, survey=survey, seed=data["seed"])
    db.session.commit()
    return {"sample_drawn": size, "population_size": survey.population_size, "seed": survey.sample_seed}


class StoredResponse(StrictSchema):
    id = fields.Integer()
    member_id = fields.Integer()
    member_number = fields.String()
    centre_id = fields.Integer(allow_none=True)
    key = fields.String()
    channel = fields.String(metadata={"description": "officer, upload, portal or api"})
    answers = fields.Dict(keys=fields.String())
    answered_on = fields.Date()
    recorded_by_id = fields.Integer(allow_none=True)
    recorded_at = fields.DateTime()
    corrected_at = fields.DateTime(allow_none=True)


StoredResponseList = list_schema(StoredResponse, "SurveyResponseList")


def _stored(r, number: str | None = None) -> dict:
    """A stored response; the member's number from `number`, else the loaded `member` (the list joins it)."""
    return {"id": r.id, "member_id": r.member_id, "member_number": number or r.member.number, "centre_id": r.centre_id,
            "key": r.key, "channel": r.channel, "answers": r.answers, "answered_on": r.answered_on,
            "recorded_by_id": r.recorded_by_id, "recorded_at": r.recorded_at, "corrected_at": r.corrected_at}


@blp.route("/surveys/<int:survey_id>/responses", methods=["GET"])
@permission_required("surveys.answers")
@blp.arguments(ListArgs, location="query")
@blp.response(200, StoredResponseList)
def list_responses(args, survey_id):
    """The individual responses (only with the permission to read individual answers), keyset-paginated."""
    survey = _visible_survey(survey_id)
    page = queries.response_page(survey, cursor=args["cursor"], limit=args["limit"])
    return {"items": [_stored(r) for r in page.items], "next": page.next}


class CorrectionSchema(StrictSchema):
    answers = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "Every answer of the response, as in a batch; the earlier ones stay in the audit log."})


@blp.route("/surveys/<int:survey_id>/responses/<int:member_id>", methods=["PUT"])
@permission_required("surveys.record")
@blp.arguments(CorrectionSchema)
@blp.response(200, StoredResponse)
def correct_response(data, survey_id, member_id):
    """Correct a member's response (errors under `answers.{key}`); a field officer only for their centres."""
    survey = _visible_survey(survey_id)
    response = queries.response_of(survey, member_id)
    own = _own()
    if response is None or (own is not None and response.centre_id not in own):
        raise NotFound(_("This member has not answered this survey."))
    services.correct_response(actor=current_user, response=response, survey=survey, answers=data["answers"])
    db.session.commit()
    return _stored(response, db.session.get(Member, member_id).number)


class UploadProblem(Schema):
    line = fields.Integer()
    column = fields.String(metadata={"description": "The column's name; empty for the whole line or file."})
    message = fields.String()


class UploadResultSchema(Schema):
    created = fields.Integer()
    duplicates = fields.Integer()
    rows = fields.Integer()
    errors = fields.List(fields.Nested(UploadProblem))


def _upload_result(result: importer.UploadResult) -> dict:
    return {"created": result.created, "duplicates": result.duplicates, "rows": result.rows,
            "errors": [{"line": p.line, "column": p.column, "message": p.message} for p in result.problems]}


@blp.route("/surveys/<int:survey_id>/responses/import", methods=["POST"])
@permission_required("surveys.record")
@blp.doc(requestBody={
    "required": True,
    "description": "CSV (UTF-8) or Excel (.xlsx), as the body or as the multipart field `file`: first line "
                   "`member_number` and one column per question key, optionally `answered_on` and `key`. "
                   "yes/no as ya/tidak, yes/no, 1/0; several choices separated by `;`; numbers as 25000, 25.000 or 2,5.",
    "content": {"text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {"schema": {"type": "object",
                                                   "properties": {"file": {"type": "string", "format": "binary"}}}}},
})
@blp.response(200, UploadResultSchema)
@blp.alt_response(422, schema=UploadResultSchema, description="Problems by line and column; nothing was written.")
def import_responses(survey_id):
    """Record paper forms from a CSV or XLSX file, all or nothing (channel `upload`); a field officer only for
    members of their centres."""
    survey = _visible_survey(survey_id)
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed(_("Choose a file."), fields={"file": [_("Choose a file.")]})
        data = upload.stream.read(importer.MAX_BYTES + 1)
    elif request.mimetype in CSV_TYPES:
        data = request.get_data(cache=False)[: importer.MAX_BYTES + 1]
    else:
        abort(415)
    try:
        result = importer.import_responses(actor=current_user, survey=survey, data=data, today=clock.today())
    except importer.UploadRefused as err:
        db.session.rollback()
        response, status = json_error(err.status, err.message, code=err.code, fields=err.fields)
        payload = response.get_json()
        payload.update(_upload_result(err.result))
        payload["error_count"] = err.result.problem_count
        return jsonify(payload), status
    db.session.commit()
    return _upload_result(result)


CSV_TYPES = frozenset({"text/csv", "application/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "application/octet-stream"})


@blp.url_value_preprocessor
def _import_body_limit(endpoint, values):
    # Before the before_request functions read the body: an upload is larger than a document.
    if endpoint == "surveys_api.import_responses":
        request.max_content_length = importer.MAX_BYTES + 1024 * 1024



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


class ResultsArgs(StrictSchema):
    centres = fields.Boolean(load_default=False, metadata={
        "description": "Staff only: add each question's `by_centre` table (at thousands of centres, megabytes)."})


@blp.route("/surveys/<int:survey_id>/results")
class Results(MethodView):
    @blp.arguments(ResultsArgs, location="query")
    @blp.response(200, SurveyResults)
    def get(self, args, survey_id: int):
        """A survey's results: counts, shares and 95 % margins of error per question, by region (and by
        centre, for staff, with `centres=true`). Members and the public read only surveys published to
        them, as aggregates with every cell under 5 respondents null and no text questions; others
        answer 404."""
        survey = queries.get(survey_id)
        if survey is not None and can(current_user, "surveys.view"):
            return queries.results(survey) if args["centres"] else queries.summary(survey)
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



