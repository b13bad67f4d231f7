"""The funder's report as JSON: GET /api/v1/agreements/{id}/report?period_start=&period_end=."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validates_schema

from govtrack.agreements.queries import load_agreement
from govtrack.api.schemas import BoundedDate, StrictSchema, money_out
from govtrack.auth.permissions import permission_required
from govtrack.core import clock
from govtrack.errors import NotFound, ValidationFailed
from govtrack.reports import queries

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1/agreements",
                description="The funder's report of an agreement over a period.")


class DecimalText(fields.Field):
    """A figure answered as a decimal string ("1250.00", "87.5"), exactly as it is kept."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "example": "1250.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class ReportQuery(StrictSchema):
    period_start = BoundedDate(load_default=None, metadata={"description": "Default: the last whole quarter."})
    period_end = BoundedDate(load_default=None)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError("The period ends before it starts.", "period_end")


class SplitSchema(StrictSchema):
    dimensions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    value = DecimalText(required=True)
    status = fields.String(required=True)


class ReportPeriodSchema(StrictSchema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    target = DecimalText(allow_none=True)
    actual = DecimalText(allow_none=True)
    actual_status = fields.String(allow_none=True)
    percent = DecimalText(allow_none=True, metadata={
        "description": "Percent of the way from the baseline to the target the actual covered."})
    splits = fields.List(fields.Nested(SplitSchema), required=True)


class ReportIndicatorSchema(StrictSchema):
    result_id = fields.Integer(required=True)
    result_title = fields.String(required=True)
    result_kind = fields.String(required=True)
    indicator_id = fields.Integer(required=True)
    title = fields.String(required=True)
    unit = fields.String(required=True)
    measure = fields.String(required=True)
    ascending = fields.Boolean(required=True)
    baseline_year = fields.Integer(allow_none=True)
    baseline_value = DecimalText(allow_none=True)
    periods = fields.List(fields.Nested(ReportPeriodSchema), required=True)


class ReportRowSchema(StrictSchema):
    occurrence_id = fields.Integer(required=True)
    obligation_id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    owed_by = fields.String(required=True)
    partner = fields.String(allow_none=True)
    due_on = fields.Date(required=True)
    amount = fields.Raw(allow_none=True, metadata={"description": '`{"amount", "currency"}` or null'})
    paid = fields.Raw(allow_none=True)
    fulfilled_on = fields.Date(allow_none=True)
    status = fields.String(required=True)


class ReportConditionSchema(StrictSchema):
    indicator_id = fields.Integer(required=True)
    indicator = fields.String(required=True)
    at_least = DecimalText(required=True)
    by = fields.Date(required=True)
    reached = DecimalText(allow_none=True)
    met = fields.Boolean(required=True)
    projected = DecimalText(allow_none=True, metadata={
        "description": "Not yet met: where the trend of the verified totals leads by `by`."})
    on_track = fields.Boolean(allow_none=True)


class ReportTrancheSchema(ReportRowSchema):
    claim_state = fields.String(allow_none=True, metadata={
        "description": "waiting, claimable or late for an open tranche with conditions; else null"})
    conditions = fields.List(fields.Nested(ReportConditionSchema), required=True)


class ReportDecisionSchema(StrictSchema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    date = fields.Date(required=True)
    forum = fields.String(required=True)
    effect = fields.String(allow_none=True)
    method = fields.String(required=True)
    yes = fields.Integer(allow_none=True)
    no = fields.Integer(allow_none=True)
    abstain = fields.Integer(allow_none=True)
    text = fields.String(allow_none=True)


class ReportSchema(StrictSchema):
    agreement = fields.Dict(required=True, metadata={"description": (
        '`{"id", "title", "reference", "kind", "status", "value": {"amount", "currency"} or null, '
        '"start_date", "end_date", "funders"}`')})
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    indicators = fields.List(fields.Nested(ReportIndicatorSchema), required=True)
    tranches = fields.List(fields.Nested(ReportTrancheSchema), required=True)
    received = fields.Raw(required=True, metadata={"description": '`{"amount", "currency"}`: tranches received'})
    obligations = fields.List(fields.Nested(ReportRowSchema), required=True)
    decisions = fields.List(fields.Nested(ReportDecisionSchema), required=True)
    narrative = fields.String(allow_none=True)


def _row(r: dict) -> dict:
    return {**{k: v for k, v in r.items() if k not in ("amount", "paid_amount", "currency")},
            "amount": money_out(r["amount"], r["currency"]),
            "paid": money_out(r["paid_amount"], r["currency"]) if r["amount"] is not None else None}


def report_out(report: dict) -> dict:
    a = report["agreement"]
    return {
        **{k: v for k, v in report.items() if k not in ("narrative_updated_at",)},
        "agreement": {**{k: v for k, v in a.items() if k not in ("value", "currency")},
                      "start_date": a["start_date"].isoformat() if a["start_date"] else None,
                      "end_date": a["end_date"].isoformat() if a["end_date"] else None,
                      "value": money_out(a["value"], a["currency"])},
        "tranches": [_row(r) for r in report["tranches"]],
        "obligations": [_row(r) for r in report["obligations"]],
        "received": money_out(report["received"], a["currency"]),
    }


@blp.route("/<int:agreement_id>/report", methods=["GET"])
@permission_required("agreements.view")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, ReportSchema)
def funder_report(args, agreement_id):
    """The funder's report of the agreement over a period: indicators (baseline, targets, actuals,
    percent achieved, splits), tranches, obligations of the period both ways, decisions, narrative."""
    agreement = load_agreement(agreement_id)
    if agreement is None:
        raise NotFound("No such agreement.")
    today = clock.today()
    start, end = queries.default_period(today)
    start, end = args.get("period_start") or start, args.get("period_end") or end
    if end < start:
        raise ValidationFailed("The period ends before it starts.", fields={"period_end": ["Before period_start."]})
    return report_out(queries.funder_report(agreement, start=start, end=end, today=today))
