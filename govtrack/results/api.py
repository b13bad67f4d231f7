"""Results frameworks API: an agreement's results with indicators, baselines and targets; actuals,
their submission and verification; the import of actuals. Permissions as the pages: reading needs
`agreements.view`, writing `results.edit`, verifying `results.verify`."""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from govtrack.agreements.queries import load_agreement
from govtrack.api import created_links, exempt
from govtrack.api.schemas import (
    BoundedAwareDateTime,
    BoundedDate,
    IdField,
    StrictSchema,
    WholeNumber,
)
from govtrack.auth.permissions import permission_required
from govtrack.core import clock
from govtrack.core.money import AMOUNT_PATTERN, AmountError, parse_amount
from govtrack.errors import NotFound
from govtrack.extensions import db
from govtrack.results import importer, queries, services
from govtrack.results.models import Actual, ActualStatus, Indicator, Measure, Result, ResultKind

blp = exempt(Blueprint("results_api", __name__, url_prefix="/api/v1",
                       description="Results frameworks: results, indicators, targets, actuals"))


class FigureField(fields.Field):
    """A figure: a JSON number or a decimal string, zero or more, at most two decimals (a
    percentage at most 100, checked with its indicator). Answered as a decimal string."""

    default_error_messages = {"invalid": "A number of zero or more with at most two decimals, e.g. 1250 or "
                                         "\"87.5\"."}

    def __init__(self, **kwargs):
        metadata = {"oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": AMOUNT_PATTERN}],
                    "example": "1250.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.make_error("invalid")
        try:
            return parse_amount(value if isinstance(value, str) else str(value))
        except AmountError as err:
            raise ValidationError(str(err.message)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"


class TargetSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    period_start = BoundedDate(required=True)
    period_end = BoundedDate(required=True)
    value = FigureField(required=True)

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError("The period ends before it starts.", "period_end")


class BaselineSchema(StrictSchema):
    year = WholeNumber(required=True, validate=validate.Range(1900, 2200))
    value = FigureField(required=True)


class ActualSchema(StrictSchema):
    """An actual: `dimensions` `{NAME: VALUE}` (`sex`: `female`/`male`, `region`, any other the
    cooperative adds; none: the total), `document_ids` the agreement's documents that are its
    evidence, `corrects_id` the verified actual it corrects. `counts` says whether it is the figure
    that counts for its indicator, period and dimensions."""

    id = fields.Integer(dump_only=True)
    indicator_id = fields.Integer(dump_only=True)
    period_start = BoundedDate(required=True)
    period_end = BoundedDate(required=True)
    value = FigureField(required=True)
    dimensions = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)),
                             values=fields.String(validate=validate.Length(1, 120)), load_default=dict)
    document_ids = fields.List(IdField(), load_default=list, validate=validate.Length(max=50))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    corrects_id = IdField(load_default=None, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ActualStatus]})
    submitted_at = BoundedAwareDateTime(dump_only=True, allow_none=True)
    verified_at = BoundedAwareDateTime(dump_only=True, allow_none=True)
    counts = fields.Boolean(dump_only=True)


class ActualPatchSchema(ActualSchema):
    """The fields of an actual to change (a draft or submitted one; it becomes a draft again)."""

    corrects_id = fields.Integer(dump_only=True)


class IndicatorSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    result_id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    unit = fields.String(required=True, validate=validate.Length(1, 60))
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    measure = fields.String(load_default="number", validate=validate.OneOf([m.value for m in Measure]))
    ascending = fields.Boolean(load_default=True, metadata={"description": "true: higher is better."})
    baseline = fields.Nested(BaselineSchema, load_default=None, allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema), load_default=list, validate=validate.Length(max=200))
    actuals = fields.List(fields.Nested(ActualSchema), dump_only=True)


class ResultSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    agreement_id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ResultKind]))
    indicators = fields.List(fields.Nested(IndicatorSchema), load_default=list, validate=validate.Length(max=100))


class ResultList(StrictSchema):
    items = fields.List(fields.Nested(ResultSchema), required=True)
    next = fields.String(allow_none=True, required=True)


class ImportedSchema(StrictSchema):
    imported = fields.Integer(required=True)


def actual_out(actual: Actual, *, gone: set[int] | None = None, counting: set[int] | None = None) -> dict:
    return {"id": actual.id, "indicator_id": actual.indicator_id, "period_start": actual.period_start,
            "period_end": actual.period_end, "value": actual.value,
            "dimensions": {d.name: d.value for d in actual.dimensions},
            "document_ids": [d.id for d in actual.documents], "note": actual.note,
            "corrects_id": actual.corrects_id, "status": actual.status, "submitted_at": actual.submitted_at,
            "verified_at": actual.verified_at,
            "counts": actual.id in counting if counting is not None else actual.id not in (gone or set())}


def indicator_out(indicator: Indicator) -> dict:
    counting = {a.id for a in queries.counting(list(indicator.actuals)).values()}
    return {"id": indicator.id, "result_id": indicator.result_id, "title": indicator.title, "unit": indicator.unit,
            "code": indicator.code, "measure": indicator.measure, "ascending": indicator.ascending,
            "baseline": ({"year": indicator.baseline_year, "value": indicator.baseline_value}
                         if indicator.baseline_year is not None else None),
            "targets": indicator.targets,
            "actuals": [actual_out(a, counting=counting) for a in indicator.actuals]}


def result_out(result: Result) -> dict:
    return {"id": result.id, "agreement_id": result.agreement_id, "title": result.title, "kind": result.kind,
            "indicators": [indicator_out(i) for i in result.indicators]}


def _agreement(agreement_id: int):
    agreement = load_agreement(agreement_id)
    if agreement is None:
        raise NotFound("No such agreement.")
    return agreement


def _indicator(indicator_id: int) -> Indicator:
    indicator = queries.get_indicator(indicator_id)
    if indicator is None:
        raise NotFound("No such indicator.")
    return indicator


def _actual(actual_id: int) -> Actual:
    actual = queries.get_actual(actual_id)
    if actual is None:
        raise NotFound("No such actual.")
    return actual


def _targets(rows: list[dict]) -> list[services.TargetData]:
    return [services.TargetData(t["period_start"], t["period_end"], t["value"]) for t in rows]


def _indicator_data(data: dict) -> services.IndicatorData:
    baseline = data.get("baseline") or {}
    return services.IndicatorData(
        title=data["title"], unit=data["unit"], code=data.get("code"), measure=data["measure"],
        ascending=data["ascending"], baseline_year=baseline.get("year"), baseline_value=baseline.get("value"),
        targets=_targets(data.get("targets", [])))


def _result_loaded(agreement_id: int, result_id: int) -> dict:
    db.session.expire_all()
    return result_out(next(r for r in queries.results_of(agreement_id) if r.id == result_id))


@blp.route("/agreements/<int:agreement_id>/results")
class Results(MethodView):
    @permission_required("agreements.view")
    @blp.response(200, ResultList)
    def get(self, agreement_id):
        """The agreement's results framework: results, indicators (baseline, targets, actuals)."""
        agreement = _agreement(agreement_id)
        return {"items": [result_out(r) for r in queries.results_of(agreement.id)], "next": None}

    @permission_required("results.edit")
    @blp.arguments(ResultSchema)
    @blp.doc(**created_links(getResult="result_id"))
    @blp.response(201, ResultSchema)
    def post(self, data, agreement_id):
        """Add a result with its indicators, baselines and targets (422 naming each field:
        `indicators.0.targets.1.period_end`)."""
        agreement = _agreement(agreement_id)
        result = services.create_result(actor=current_user, agreement=agreement, kind=data["kind"],
                                        title=data["title"],
                                        indicators=[_indicator_data(i) for i in data["indicators"]])
        db.session.commit()
        return _result_loaded(agreement.id, result.id)


@blp.route("/results/<int:result_id>", methods=["GET"])
@permission_required("agreements.view")
@blp.response(200, ResultSchema)
@blp.doc(operationId="getResult")
def get_result(result_id):
    """One result with its indicators."""
    result = queries.get_result(result_id)
    if result is None:
        raise NotFound("No such result.")
    return _result_loaded(result.agreement_id, result.id)


@blp.route("/results/<int:result_id>/indicators", methods=["POST"])
@permission_required("results.edit")
@blp.arguments(IndicatorSchema)
@blp.doc(**created_links(getIndicator="indicator_id", recordActual="indicator_id"))
@blp.response(201, IndicatorSchema)
def add_indicator(data, result_id):
    """Add an indicator (with baseline and targets) to a result."""
    result = queries.get_result(result_id)
    if result is None:
        raise NotFound("No such result.")
    indicator = services.add_indicator(actor=current_user, result=result, agreement=_agreement(result.agreement_id),
                                       data=_indicator_data(data))
    db.session.commit()
    db.session.expire_all()
    return indicator_out(_indicator(indicator.id))


@blp.route("/indicators/<int:indicator_id>", methods=["GET"])
@permission_required("agreements.view")
@blp.response(200, IndicatorSchema)
@blp.doc(operationId="getIndicator")
def get_indicator(indicator_id):
    """One indicator with its baseline, targets and actuals."""
    return indicator_out(_indicator(indicator_id))


@blp.route("/indicators/<int:indicator_id>/targets", methods=["POST"])
@permission_required("results.edit")
@blp.arguments(TargetSchema)
@blp.response(201, IndicatorSchema)
def add_target(data, indicator_id):
    """Add a target for a period (one per period; inside the agreement's dates)."""
    indicator = _indicator(indicator_id)
    services.add_target(actor=current_user, indicator=indicator, agreement=_agreement(indicator.agreement_id),
                        data=_targets([data])[0])
    db.session.commit()
    db.session.expire_all()
    return indicator_out(_indicator(indicator_id))


def _actual_data(data: dict, corrects_id: int | None) -> services.ActualData:
    return services.ActualData(period_start=data["period_start"], period_end=data["period_end"],
                               value=data["value"], dimensions=data["dimensions"],
                               document_ids=data["document_ids"], note=data.get("note"), corrects_id=corrects_id)


def _actual_loaded(actual_id: int) -> dict:
    db.session.expire_all()
    actual = _actual(actual_id)
    gone = queries.superseded_ids(list(_indicator(actual.indicator_id).actuals))
    return actual_out(actual, gone=gone)


@blp.route("/indicators/<int:indicator_id>/actuals", methods=["POST"])
@permission_required("results.edit")
@blp.arguments(ActualSchema)
@blp.doc(operationId="recordActual", **created_links(getActual="actual_id", submitActual="actual_id"))
@blp.response(201, ActualSchema)
def record_actual(data, indicator_id):
    """Record an actual as a draft (a correction of a verified one names it in `corrects_id`)."""
    indicator = _indicator(indicator_id)
    actual = services.record_actual(actor=current_user, indicator=indicator,
                                    agreement=_agreement(indicator.agreement_id),
                                    data=_actual_data(data, data.get("corrects_id")), today=clock.today())
    db.session.commit()
    return _actual_loaded(actual.id)


@blp.route("/actuals/<int:actual_id>")
class ActualItem(MethodView):
    @permission_required("agreements.view")
    @blp.response(200, ActualSchema)
    @blp.doc(operationId="getActual")
    def get(self, actual_id):
        """One actual."""
        return _actual_loaded(actual_id)

    @permission_required("results.edit")
    @blp.arguments(ActualPatchSchema)
    @blp.response(200, ActualSchema)
    def put(self, data, actual_id):
        """Replace a draft or submitted actual's figures (it becomes a draft again); 409
        `actual_verified` for a verified one, which is corrected by a new actual instead."""
        actual = _actual(actual_id)
        services.update_actual(actor=current_user, actual=actual,
                               agreement=_agreement(actual.indicator.agreement_id),
                               data=_actual_data(data, actual.corrects_id), today=clock.today())
        db.session.commit()
        return _actual_loaded(actual_id)


@blp.route("/actuals/<int:actual_id>/submit", methods=["POST"])
@permission_required("results.edit")
@blp.response(200, ActualSchema)
@blp.doc(operationId="submitActual")
def submit_actual(actual_id):
    """Draft → submitted (409 `not_draft` otherwise)."""
    services.submit_actual(actor=current_user, actual=_actual(actual_id))
    db.session.commit()
    return _actual_loaded(actual_id)


@blp.route("/actuals/<int:actual_id>/verify", methods=["POST"])
@permission_required("results.verify")
@blp.response(200, ActualSchema)
def verify_actual(actual_id):
    """Submitted → verified, by someone other than who entered it (409 `not_submitted`,
    `own_actual`). A verified actual never changes."""
    services.verify_actual(actor=current_user, actual=_actual(actual_id))
    db.session.commit()
    return _actual_loaded(actual_id)


@blp.route("/agreements/<int:agreement_id>/results/import", methods=["POST"])
@permission_required("results.edit")
@blp.doc(requestBody={"required": True, "description": (
    "multipart/form-data with `file`: CSV or .xlsx, first line `indicator,period_start,period_end,value` "
    "(indicator by id or code; then `note` and any dimension columns). Checked whole: one bad line and "
    "nothing is written; 422 `fields.file` names each bad line."),
    "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}}})
@blp.response(200, ImportedSchema)
def import_actuals(agreement_id):
    """Import actuals from the loan system as drafts."""
    agreement = _agreement(agreement_id)
    count = importer.import_actuals(actor=current_user, agreement=agreement, file=request.files.get("file"),
                                    today=clock.today())
    db.session.commit()
    return {"imported": count}
