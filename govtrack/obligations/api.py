"""Obligations API: /api/v1/obligations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import abort, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from govtrack.api import created_links, exempt
from govtrack.api.schemas import (
    AmountField,
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
from govtrack.core import clock
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums.queries import waiver_decision
from govtrack.obligations import queries, recurrence, services
from govtrack.obligations.models import ObligationKind, OccurrenceStatus, OwedBy

blp = exempt(Blueprint("obligations_api", __name__, url_prefix="/api/v1/obligations",
                       description="Obligations owed by the cooperative or by partners"))


def _values(enum_cls) -> list[str]:
    return [e.value for e in enum_cls]


class EvidenceSchema(StoredFileSchema):
    """An evidence file of a fulfilment (its own name keeps the OpenAPI component `Evidence`)."""


class PaymentSchema(StrictSchema):
    """A recorded fulfilment (a payment, or the marking of an obligation without amount as done)."""

    id = fields.Integer(dump_only=True)
    paid_on = fields.Date(dump_only=True)
    amount = fields.Dict(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    reversed = fields.Boolean(dump_only=True, metadata={
        "description": "Reversed payments stay in the history and no longer count."})
    reversed_at = fields.DateTime(dump_only=True, allow_none=True)
    reversal_reason = fields.String(dump_only=True, allow_none=True)


class OccurrenceSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    due_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": _values(OccurrenceStatus)})
    amount = fields.Dict(dump_only=True, allow_none=True)
    paid = fields.Dict(dump_only=True, allow_none=True)
    remaining = fields.Dict(dump_only=True, allow_none=True)
    fulfilled_on = fields.Date(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    waived = fields.Boolean(dump_only=True)
    waived_decision_id = fields.Integer(dump_only=True, allow_none=True)
    waive_reason = fields.String(dump_only=True, allow_none=True)
    payments = fields.List(fields.Nested(PaymentSchema), dump_only=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), dump_only=True)


class ScheduleSchema(StrictSchema):
    """The recurrence builder of the form, for a common series without writing RRULE text."""

    pattern = fields.String(required=True, validate=validate.OneOf(recurrence.PATTERNS), metadata={
        "description": "monthly or quarterly on a day of the month (the start date's, or `day`); yearly on the "
                       "start date's day and month; weekly on the start date's weekday."})
    day = WholeNumber(load_default=None, allow_none=True, validate=validate.Range(1, 31), metadata={
        "description": "Monthly and quarterly: the day of the month, 1 to 31 (29 to 31 fall on a shorter "
                       "month's last day). Default: the start date's day."})
    until = BoundedDate(load_default=None, allow_none=True, metadata={
        "description": "The last date the series may fall on (not before starts_on)."})
    count = WholeNumber(load_default=None, allow_none=True, validate=validate.Range(1, recurrence.MAX_COUNT),
                        metadata={"description": "How many occurrences (instead of until)."})


class ConditionSchema(StrictSchema):
    """A condition of a tranche: the indicator (of the same agreement) reaches at least `at_least`
    by a verified total over a period that ends by `by`."""

    indicator_id = IdField(required=True)
    at_least = AmountField(required=True, metadata={"description": "The value to reach (a decimal string)."})
    by = BoundedDate(required=True)
    reached = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The highest verified total of the indicator over a period ending by `by`."})
    met = fields.Boolean(dump_only=True)
    projected = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Not yet met: where the trend of the verified totals (least squares) leads by `by`; "
                       "null when met or with fewer than two verified periods."})
    on_track = fields.Boolean(dump_only=True, allow_none=True, metadata={
        "description": "Whether `projected` reaches `at_least` (null without a projection)."})


class ConditionsSchema(StrictSchema):
    conditions = fields.List(fields.Nested(ConditionSchema), required=True, validate=validate.Length(max=10))


class ObligationSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    agreement_id = IdField(required=True)
    clause_id = IdField(load_default=None, allow_none=True)
    owed_by = fields.String(required=True, validate=validate.OneOf(_values(OwedBy)))
    partner_id = IdField(
        load_default=None, allow_none=True,
        metadata={"description": "The other side, a party to the agreement: who owes (owed_by "
                                 "partner, required) or who is owed (owed_by cooperative)."},
    )
    kind = fields.String(required=True, validate=validate.OneOf(_values(ObligationKind)))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    amount = fields.Nested(MoneySchema, load_default=None, allow_none=True)
    due_date = BoundedDate(load_default=None, allow_none=True,
                           metadata={"description": "A one-off obligation's due date (or give rrule)."})
    rrule = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=500),
        metadata={"description": "An RFC 5545 RRULE (daily to yearly), e.g. FREQ=MONTHLY;BYMONTHDAY=15, "
                                 "with starts_on. Occurrences are generated up to the rule's own end, the "
                                 "agreement's end date, or a rolling 24-month horizon, whichever is first."},
    )
    schedule = fields.Nested(
        ScheduleSchema, load_default=None, allow_none=True, load_only=True,
        metadata={"description": "Instead of rrule: a common series built as the form builds it, e.g. "
                                 '{"pattern": "monthly", "day": 10} with starts_on. Answers show the rrule built.'},
    )
    starts_on = BoundedDate(load_default=None, allow_none=True, metadata={
        "description": "The first day of a series (rrule or schedule): required with either."})
    responsible_id = IdField(load_default=None, allow_none=True)
    status = fields.String(
        dump_only=True, metadata={"enum": _values(OccurrenceStatus),
                                  "description": "The status of the next open occurrence as of today "
                                                 "(overdue, due_soon, pending); fulfilled or waived when "
                                                 "nothing is open."},
    )
    next_due = fields.Date(dump_only=True, allow_none=True)
    generated_until = fields.Date(dump_only=True, allow_none=True)
    waived_decision_id = fields.Integer(dump_only=True, allow_none=True)
    conditions = fields.List(fields.Nested(ConditionSchema), dump_only=True, metadata={
        "description": "A disbursement owed by a partner may wait for results (PUT …/conditions)."})
    claimable = fields.Boolean(dump_only=True, allow_none=True, metadata={
        "description": "With conditions: true once a verified actual meets every one (or a carried decision "
                       "waived them); null without conditions."})
    conditions_waived_decision_id = fields.Integer(dump_only=True, allow_none=True)
    occurrences = fields.List(fields.Nested(OccurrenceSchema), dump_only=True)

    @validates_schema
    def _schedule(self, data, **kwargs):
        given = [k for k in ("due_date", "rrule", "schedule") if data.get(k)]
        if len(given) != 1:
            raise ValidationError("Give one of due_date, rrule (with starts_on) or schedule (with starts_on).",
                                  given[1] if len(given) > 1 else "due_date")
        if given[0] != "due_date" and data.get("starts_on") is None:
            raise ValidationError("A recurrence needs starts_on: its first day.", "starts_on")


class ObligationQuery(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(_values(OccurrenceStatus)))
    partner_id = IdArg(load_default=None)
    partner_name = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "Only obligations with a partner whose name or legal name contains this (any case)."})
    owed_by = fields.String(load_default=None, validate=validate.OneOf(_values(OwedBy)))
    due_before = BoundedDate(load_default=None, metadata={
        "description": "Only obligations whose next open occurrence is due before this date."})
    agreement_id = IdArg(load_default=None)


class FulfilSchema(StrictSchema):
    date = BoundedDate(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    amount = AmountField(positive=True, load_default=None, allow_none=True, metadata={
        "description": "A decimal string (at most 15 digits before the point and 2 after): a partial "
                       "payment. Without it the whole remaining amount is paid (or, with no amount on the "
                       "obligation, it is marked done)."})
    occurrence_id = IdField(load_default=None, allow_none=True, metadata={
        "description": "The occurrence to fulfil; without it, the earliest open occurrence."})


class FulfilFormSchema(FulfilSchema):
    """The same fields sent as multipart/form-data, where every value arrives as text."""

    occurrence_id = IdArg(load_default=None, allow_none=True)


class FulfilmentCorrectionSchema(StrictSchema):
    date = BoundedDate(required=True, metadata={"description": "The date it was really fulfilled."})
    amount = AmountField(positive=True, load_default=None, allow_none=True, metadata={
        "description": "The amount really paid; without it the amount stays as recorded."})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    reason = fields.String(required=True, validate=validate.Length(1, 5000),
                           metadata={"description": "Why it is corrected (kept in the audit log)."})


class FulfilmentReversalSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(1, 5000),
                           metadata={"description": "Why it is reversed (kept with the payment and audited)."})


class WaiveSchema(StrictSchema):
    decision_id = IdField(required=True, allow_none=True)
    reason = fields.String(required=True, validate=validate.Length(1, 5000))
    occurrence_id = IdField(load_default=None, allow_none=True, metadata={
        "description": "Waive this occurrence only; without it, every open occurrence (and no more are "
                       "generated)."})


ObligationList = list_schema(ObligationSchema, "ObligationList")


def _occurrence(o, today: dt.date, currency: str, days: int, *, full: bool) -> dict:
    out = {
        "id": o.id,
        "due_on": o.due_on,
        "status": queries.status_of(o.due_on, o.fulfilled_on, o.waived, today, days),
        "amount": money_out(o.amount, currency),
        "paid": money_out(o.paid_amount if o.amount is not None else None, currency),
        "remaining": money_out(o.remaining, currency),
        "fulfilled_on": o.fulfilled_on,
        "note": o.note,
        "waived": o.waived,
        "waived_decision_id": o.waived_decision_id,
        "waive_reason": o.waive_reason,
    }
    if full:
        out["payments"] = [
            {"id": p.id, "paid_on": p.paid_on, "amount": money_out(p.amount, currency), "note": p.note,
             "reversed": p.reversed_at is not None, "reversed_at": p.reversed_at,
             "reversal_reason": p.reversal_reason}
            for p in o.payments
        ]
        out["evidence"] = o.evidence
    return out


def _conditions(tranche) -> list[dict]:
    if tranche is None:
        return []
    return [{"indicator_id": c.condition.indicator_id, "at_least": f"{c.condition.at_least:.2f}",
             "by": c.condition.by_date, "reached": f"{c.reached:.2f}" if c.reached is not None else None,
             "met": c.met, "projected": f"{c.projected:.2f}" if c.projected is not None else None,
             "on_track": c.on_track} for c in tranche.conditions]


def serialise(obligations, *, today: dt.date, full: bool = False) -> list[dict]:
    statuses = queries.obligation_statuses([o.id for o in obligations], today)
    days = queries.due_soon_days()
    tranches = queries.tranches([o.id for o in obligations])
    return [
        {
            "id": ob.id,
            "agreement_id": ob.agreement_id,
            "clause_id": ob.clause_id,
            "owed_by": ob.owed_by,
            "partner_id": ob.partner_id,
            "kind": ob.kind,
            "title": ob.title,
            "amount": money_out(ob.amount, ob.currency),
            "due_date": ob.due_date,
            "rrule": ob.rrule,
            "starts_on": ob.starts_on,
            "responsible_id": ob.responsible_id,
            "status": statuses[ob.id]["status"],
            "next_due": statuses[ob.id]["next_due"],
            "generated_until": ob.generated_until,
            "waived_decision_id": ob.waived_decision_id,
            "conditions": _conditions(tranches.get(ob.id)),
            "claimable": tranches[ob.id].claimable if ob.id in tranches else None,
            "conditions_waived_decision_id": ob.conditions_waived_decision_id,
            "occurrences": [_occurrence(o, today, ob.currency, days, full=full) for o in ob.occurrences],
        }
        for ob in obligations
    ]


def _load(obligation_id: int):
    ob = queries.load_obligation(obligation_id)
    if ob is None:
        raise NotFound("No such obligation.")
    return ob


@blp.route("")
class Obligations(MethodView):
    @permission_required("obligations.view")
    @blp.arguments(ObligationQuery, location="query")
    @blp.response(200, ObligationList)
    def get(self, args):
        """List obligations (keyset-paginated), filtered by computed status as of today."""
        today = clock.today()
        page = queries.obligation_page(today=today, cursor=args.pop("cursor"), limit=args.pop("limit"), **args)
        return {"items": serialise(page.items, today=today), "next": page.next}

    @permission_required("obligations.edit")
    @blp.arguments(ObligationSchema)
    @blp.doc(**created_links(getObligation="obligation_id"))
    @blp.response(201, ObligationSchema)
    def post(self, data):
        """Create an obligation: once (due_date) or a series (rrule or schedule, with starts_on)."""
        money = data.pop("amount")
        schedule = data.pop("schedule")
        if schedule:
            try:
                data["rrule"] = recurrence.build_rule(schedule["pattern"], data["starts_on"], day=schedule["day"],
                                                      until=schedule["until"], count=schedule["count"])
            except ValidationFailed as err:
                # The builder names its own inputs; here they sit inside `schedule`.
                raise ValidationFailed(err.message, fields={
                    (name if name == "starts_on" else f"schedule.{'pattern' if name == 'schedule' else name}"): m
                    for name, m in err.fields.items()}) from None
        try:
            ob = services.create_obligation(
                actor=current_user,
                data=services.ObligationData(
                    **data,
                    amount=Decimal(money["amount"]) if money else None,
                    currency=money["currency"] if money else "IDR",
                ),
                today=clock.today(),
            )
        except ValidationFailed as err:
            if schedule and "rrule" in err.fields:  # the rule was built, not sent: its fault is the schedule
                err.fields = {("schedule" if k == "rrule" else k): v for k, v in err.fields.items()}
            raise
        db.session.commit()
        return serialise([_load(ob.id)], today=clock.today(), full=True)[0]


@blp.route("/<int:obligation_id>")
class ObligationItem(MethodView):
    @permission_required("obligations.view")
    @blp.response(200, ObligationSchema)
    @blp.doc(operationId="getObligation")
    def get(self, obligation_id):
        """One obligation with its occurrences, their computed statuses, payments and evidence."""
        return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]


def _fulfil_input() -> tuple[dict, object]:
    if request.mimetype == "multipart/form-data":
        raw = {k: v for k, v in request.form.items() if k != "evidence"}
        file = request.files.get("evidence") or request.files.get("file")
    else:
        raw = request.get_json(silent=True)
        if not isinstance(raw, dict):
            abort(400)
        file = None
    try:
        data = (FulfilFormSchema if file is not None or request.mimetype == "multipart/form-data"
                else FulfilSchema)().load(raw)
    except ValidationError as err:
        raise ValidationFailed("Some values are not valid.",
                               fields={k: v if isinstance(v, list) else [str(v)]
                                       for k, v in err.messages.items()}) from None
    return data, file


@blp.route("/<int:obligation_id>/conditions", methods=["PUT"])
@permission_required("obligations.edit")
@blp.arguments(ConditionsSchema)
@blp.response(200, ObligationSchema)
def put_conditions(data, obligation_id):
    """Replace a tranche's conditions (a disbursement owed by a partner; each an indicator of the
    same agreement). Until it is claimable, fulfilling it is refused with 409 `not_claimable`."""
    ob = _load(obligation_id)
    services.set_conditions(actor=current_user, obligation=ob, conditions=[
        services.ConditionData(indicator_id=c["indicator_id"], at_least=c["at_least"], by_date=c["by"])
        for c in data["conditions"]])
    db.session.commit()
    db.session.expire_all()
    return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]


@blp.route("/<int:obligation_id>/fulfil", methods=["POST"])
@permission_required("obligations.edit")
@blp.doc(requestBody={
    "description": "JSON {date, note, amount?, occurrence_id?}, or multipart/form-data with the same "
                   "fields and an `evidence` file (checked by content; 413 past the size limit, 422 for a "
                   "refused type; nothing is recorded then). Fulfils the given occurrence_id, or else the "
                   "earliest open occurrence.",
    "content": {
        "application/json": {"schema": FulfilSchema},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "date": {"type": "string", "format": "date"}, "note": {"type": "string"},
            "amount": {"type": "string"}, "occurrence_id": {"type": "integer"},
            "evidence": {"type": "string", "format": "binary"}}}},
    },
})
@blp.response(200, ObligationSchema)
def fulfil(obligation_id):
    """Record a fulfilment (full or partial payment, note, evidence) of one occurrence."""
    ob = _load(obligation_id)
    data, file = _fulfil_input()
    services.fulfil(
        actor=current_user, obligation=ob, on=data["date"], note=data.get("note"),
        amount=Decimal(data["amount"]) if data.get("amount") is not None else None,
        occurrence_id=data.get("occurrence_id"), file=file,
    )
    db.session.commit()
    db.session.expire_all()
    return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]


@blp.route("/<int:obligation_id>/waive", methods=["POST"])
@permission_required("obligations.edit")
@blp.arguments(WaiveSchema)
@blp.response(200, ObligationSchema)
def waive(data, obligation_id):
    """Waive by a carried `waive_obligation` decision; 409 `decision_required` without one."""
    ob = _load(obligation_id)
    services.waive_obligation(actor=current_user, obligation=ob, decision=waiver_decision(data["decision_id"]),
                              reason=data["reason"], occurrence_id=data.get("occurrence_id"))
    db.session.commit()
    db.session.expire_all()
    return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]


@blp.route("/<int:obligation_id>/fulfilments/<int:fulfilment_id>", methods=["PATCH"])
@permission_required("obligations.edit")
@blp.arguments(FulfilmentCorrectionSchema)
@blp.response(200, ObligationSchema)
def fulfilment_correct(data, obligation_id, fulfilment_id):
    """Correct a recorded fulfilment (one of `occurrences[].payments[]`): its date, amount or note,
    with a reason. A reversed fulfilment answers 409 `fulfilment_reversed`; the occurrence is open
    again when the corrected payments no longer cover it."""
    ob = _load(obligation_id)
    services.correct_fulfilment(
        actor=current_user, obligation=ob, payment_id=fulfilment_id, on=data["date"],
        amount=Decimal(data["amount"]) if data.get("amount") is not None else None,
        note=data.get("note"), reason=data["reason"],
    )
    db.session.commit()
    db.session.expire_all()
    return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]


@blp.route("/<int:obligation_id>/fulfilments/<int:fulfilment_id>/reverse", methods=["POST"])
@permission_required("obligations.edit")
@blp.arguments(FulfilmentReversalSchema)
@blp.response(200, ObligationSchema)
def fulfilment_reverse(data, obligation_id, fulfilment_id):
    """Reverse a recorded fulfilment with a reason: it stays in the history (`reversed`), no longer
    counts, and its occurrence is open again unless other payments still cover it. A second
    reversal answers 409 `already_reversed`."""
    ob = _load(obligation_id)
    services.reverse_fulfilment(actor=current_user, obligation=ob, payment_id=fulfilment_id, reason=data["reason"])
    db.session.commit()
    db.session.expire_all()
    return serialise([_load(obligation_id)], today=clock.today(), full=True)[0]
