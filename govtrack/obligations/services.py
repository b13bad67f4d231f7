"""Writes for obligations: create, generate and extend occurrences, fulfil (with partial payments
and evidence), waive by decision, calendar feeds. Each records its audit event in the caller's
transaction; none commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from govtrack.agreements.models import Agreement, AgreementParty, Clause
from govtrack.audit.services import record
from govtrack.auth.models import User
from govtrack.core import clock, uploads
from govtrack.core.actor import Actor, acting_user_id
from govtrack.core.clock import utcnow
from govtrack.core.money import AmountError, check_amount
from govtrack.db import ZERO
from govtrack.errors import Conflict, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.obligations import recurrence
from govtrack.obligations.models import (
    EvidenceFile,
    IcalFeed,
    Obligation,
    ObligationKind,
    Occurrence,
    OwedBy,
    Payment,
    ReminderLog,
    TrancheCondition,
)
from govtrack.obligations.queries.tranches import tranches as tranche_states
from govtrack.results.models import Measure
from govtrack.results.queries import get_indicator


@dataclass
class ObligationData:
    agreement_id: int
    owed_by: str
    kind: str
    title: str
    partner_id: int | None = None
    clause_id: int | None = None
    amount: Decimal | None = None
    currency: str = "IDR"
    due_date: dt.date | None = None
    rrule: str | None = None
    starts_on: dt.date | None = None
    responsible_id: int | None = None


def _invalid(fields: dict[str, list]) -> ValidationFailed:
    return ValidationFailed(
        str(_l("Some values are not valid.")), fields={k: [str(m) for m in v] for k, v in fields.items()}
    )


def snapshot(ob: Obligation) -> dict:
    return {
        name: getattr(ob, name)
        for name in (
            "agreement_id", "clause_id", "owed_by", "partner_id", "kind", "title", "amount", "currency",
            "due_date", "rrule", "starts_on", "responsible_id",
        )
    }


def _validate(data: ObligationData) -> Agreement:
    errors: dict[str, list] = {}
    agreement = db.session.get(Agreement, data.agreement_id)
    if agreement is None:
        raise _invalid({"agreement_id": [_l("No agreement with id %(id)s.", id=data.agreement_id)]})
    if data.owed_by not in {o.value for o in OwedBy}:
        errors["owed_by"] = [_l("Must be cooperative or partner.")]
    if data.kind not in {k.value for k in ObligationKind}:
        errors["kind"] = [_l("Not a known kind of obligation.")]
    if not (data.title or "").strip():
        errors["title"] = [_l("Required.")]
    if data.partner_id is not None:
        is_party = db.session.scalar(
            select(AgreementParty.id).where(
                AgreementParty.agreement_id == agreement.id, AgreementParty.partner_id == data.partner_id
            ).limit(1)
        )
        if is_party is None:
            errors["partner_id"] = [_l("This partner is not a party to the agreement.")]
    elif data.owed_by == OwedBy.partner:
        errors["partner_id"] = [_l("Name the partner who owes this.")]
    if data.clause_id is not None:
        clause_agreement = db.session.scalar(select(Clause.agreement_id).where(Clause.id == data.clause_id))
        if clause_agreement != agreement.id:
            errors["clause_id"] = [_l("This clause is not part of the agreement.")]
    if data.amount is not None:
        try:
            check_amount(data.amount)
        except AmountError as err:
            errors["amount"] = [err.message]
    cur = data.currency or ""
    if len(cur) != 3 or not cur.isalpha() or not cur.isupper():
        errors["amount"] = [_l("Currency must be three capital letters, e.g. IDR.")]
    if (data.due_date is None) == (not data.rrule):
        errors["due_date"] = [_l("Give either a due date or a recurrence, not both.")]
    elif data.rrule:
        if data.starts_on is None:
            errors["starts_on"] = [_l("A recurrence needs a start date.")]
        else:
            try:
                recurrence.parse_rule(data.rrule, data.starts_on)
            except ValidationFailed as err:
                errors.update(err.fields)
    if data.responsible_id is not None:
        user = db.session.get(User, data.responsible_id)
        if user is None or not user.active:
            errors["responsible_id"] = [_l("No active user with this id.")]
    if errors:
        raise _invalid(errors)
    return agreement


def create_obligation(*, actor: Actor, data: ObligationData, today: dt.date | None = None) -> Obligation:
    """Create an obligation and its occurrences (a series up to the agreement's end or the horizon)."""
    agreement = _validate(data)
    ob = Obligation(
        agreement_id=agreement.id,
        clause_id=data.clause_id,
        owed_by=data.owed_by,
        partner_id=data.partner_id,
        kind=data.kind,
        title=data.title.strip(),
        amount=check_amount(data.amount) if data.amount is not None else None,
        currency=data.currency,
        due_date=data.due_date if not data.rrule else None,
        rrule=recurrence.clean_rule(data.rrule) if data.rrule else None,
        starts_on=data.starts_on if data.rrule else None,
        responsible_id=data.responsible_id,
    )
    db.session.add(ob)
    db.session.flush()
    if ob.rrule:
        added, _removed = _sync_series(ob, agreement_end=agreement.end_date, today=today or clock.today(), existing=[])
    else:
        db.session.add(Occurrence(obligation_id=ob.id, due_on=ob.due_date, amount=ob.amount, paid_amount=ZERO))
        added = 1
    db.session.flush()
    record("obligation.create", actor=actor, object_type="obligation", object_id=ob.id,
           after={**snapshot(ob), "occurrences": added})
    return ob


def _sync_series(ob: Obligation, *, agreement_end: dt.date | None, today: dt.date,
                 existing: list[tuple[int, dt.date, bool]]) -> tuple[int, int]:
    """Make a series' occurrences match its rule cut at the limit: add missing dates, and remove
    untouched ones past the limit (the agreement's end moved earlier). `existing` is
    [(occurrence id, due_on, untouched)]. Returns (added, removed)."""
    rule = recurrence.parse_rule(ob.rrule, ob.starts_on)
    limit = recurrence.generation_limit(rule, agreement_end=agreement_end, today=today)
    wanted = set(recurrence.dates_between(rule, limit))
    have = {due for _id, due, _u in existing}
    added = 0
    if ob.waived_decision_id is None:
        for due in sorted(wanted - have):
            db.session.add(Occurrence(obligation_id=ob.id, due_on=due, amount=ob.amount, paid_amount=ZERO))
            added += 1
    stale = [occ_id for occ_id, due, untouched in existing if due > limit and untouched]
    if stale:
        db.session.execute(Occurrence.__table__.delete().where(Occurrence.id.in_(stale)))
    ob.generated_until = limit
    return added, len(stale)


def _existing(ob_ids: list[int]) -> dict[int, list[tuple[int, dt.date, bool]]]:
    out: dict[int, list] = {i: [] for i in ob_ids}
    if not ob_ids:
        return out
    # An occurrence with any payment, even one reversed since, is history: never removed.
    has_payments = select(Payment.id).where(Payment.occurrence_id == Occurrence.id).exists()
    rows = db.session.execute(
        select(Occurrence.id, Occurrence.obligation_id, Occurrence.due_on, Occurrence.fulfilled_on,
               Occurrence.waived, Occurrence.paid_amount, has_payments).where(Occurrence.obligation_id.in_(ob_ids))
    )
    for occ_id, ob_id, due, fulfilled, waived, paid, paid_once in rows:
        out[ob_id].append((occ_id, due, fulfilled is None and not waived and not (paid or ZERO) and not paid_once))
    return out


def _resync(obligations: list[Obligation], *, today: dt.date) -> tuple[int, int]:
    ends = dict(db.session.execute(
        select(Agreement.id, Agreement.end_date).where(
            Agreement.id.in_({o.agreement_id for o in obligations}))
    ).all()) if obligations else {}
    existing = _existing([o.id for o in obligations])
    added = removed = 0
    for ob in obligations:
        a, r = _sync_series(ob, agreement_end=ends.get(ob.agreement_id), today=today, existing=existing[ob.id])
        added, removed = added + a, removed + r
    return added, removed


def extend_occurrences(*, actor: Actor, today: dt.date, batch: int = 500) -> int:
    """Generate the occurrences of every series up to its limit as of `today` (the rolling horizon
    moves on with time). Idempotent; returns how many occurrences were added."""
    total = 0
    last_id = 0
    target = recurrence.horizon(today)
    while True:
        obs = list(db.session.scalars(
            select(Obligation).where(
                Obligation.id > last_id,
                Obligation.rrule.is_not(None),
                Obligation.waived_decision_id.is_(None),
                (Obligation.generated_until.is_(None)) | (Obligation.generated_until < target),
            ).order_by(Obligation.id).limit(batch)
        ))
        if not obs:
            break
        added, _removed = _resync(obs, today=today)
        total += added
        last_id = obs[-1].id
        db.session.flush()
    if total:
        record("obligation.extend", actor=actor, object_type="obligation", object_id=None,
               after={"today": today, "added": total})
    return total


def sync_agreement_end(*, actor: Actor, agreement_id: int, today: dt.date | None = None) -> tuple[int, int]:
    """The agreement's end date moved: add the occurrences now inside it, remove untouched ones
    past it (fulfilled, paid or waived ones stay). Returns (added, removed)."""
    obs = list(db.session.scalars(
        select(Obligation).where(Obligation.agreement_id == agreement_id, Obligation.rrule.is_not(None))
        .order_by(Obligation.id)
    ))
    if not obs:
        return 0, 0
    added, removed = _resync(obs, today=today or clock.today())
    db.session.flush()
    if added or removed:
        record("obligation.agreement_end", actor=actor, object_type="agreement", object_id=agreement_id,
               after={"added": added, "removed": removed})
    return added, removed


def follow_agreement(agreement: Agreement, *, actor: Actor, before: dict) -> None:
    """Receiver of agreements.services.agreement_updated: series end with their agreement."""
    if before.get("end_date") != agreement.end_date:
        sync_agreement_end(actor=actor, agreement_id=agreement.id)


# ---- fulfilment ----

def _lock_obligation(ob: Obligation) -> None:
    """Lock the obligation row: fulfilments and waivers of one obligation take turns, and each one
    then reads its occurrences as the previous one left them (not two payments of the same debt).
    A no-op on SQLite, where a writing request already holds the write lock (BEGIN IMMEDIATE)."""
    db.session.execute(select(Obligation.id).where(Obligation.id == ob.id).with_for_update())


def _open_occurrence(ob: Obligation, occurrence_id: int | None) -> Occurrence:
    _lock_obligation(ob)
    # Re-read after the lock: the request may have loaded these rows before another one paid.
    stmt = (select(Occurrence).where(Occurrence.obligation_id == ob.id)
            .execution_options(populate_existing=True))
    if occurrence_id is not None:
        occ = db.session.scalar(stmt.where(Occurrence.id == occurrence_id))
        if occ is None:
            raise NotFound(str(_l("No such occurrence of this obligation.")))
    else:
        occ = db.session.scalar(
            stmt.where(Occurrence.fulfilled_on.is_(None), Occurrence.waived.is_(False))
            .order_by(Occurrence.due_on).limit(1)
        )
        if occ is None:
            raise Conflict(str(_l("Nothing is open on this obligation.")), code="nothing_open")
    if occ.waived:
        raise Conflict(str(_l("This occurrence was waived.")), code="waived")
    if occ.fulfilled_on is not None:
        raise Conflict(str(_l("This occurrence is already fulfilled.")), code="already_fulfilled")
    return occ


def fulfil(
    *,
    actor: Actor,
    obligation: Obligation,
    on: dt.date,
    note: str | None = None,
    amount: Decimal | None = None,
    occurrence_id: int | None = None,
    file=None,
) -> Occurrence:
    """Record a fulfilment of the given occurrence, or of the earliest open one. With an amount the
    payment may be partial: the occurrence is fulfilled once paid in full. Without an amount, the
    remaining amount is paid (or, for an obligation with no amount, it is marked done). An
    evidence file is checked before anything is written."""
    occ = _open_occurrence(obligation, occurrence_id)
    _check_claimable(obligation)
    if on is None:
        raise _invalid({"date": [_l("Required.")]})
    if amount is not None:
        if occ.amount is None:
            raise _invalid({"amount": [_l("This obligation has no amount; mark it done without one.")]})
        try:
            amount = check_amount(amount, positive=True)
        except AmountError as err:
            raise _invalid({"amount": [err.message]}) from None
        if amount > occ.remaining:
            raise _invalid({"amount": [_l("More than the %(r)s still owed.", r=occ.remaining)]})
    elif occ.amount is not None:
        amount = occ.remaining
    stored = uploads.store_upload(file, field="evidence") if file is not None and file.filename else None
    try:
        before = {"paid_amount": occ.paid_amount, "fulfilled_on": occ.fulfilled_on}
        payment = Payment(occurrence_id=occ.id, paid_on=on, amount=amount or None,
                          note=(note or "").strip() or None, recorded_by_id=acting_user_id(actor))
        db.session.add(payment)
        if amount is not None:
            occ.paid_amount = (occ.paid_amount or ZERO) + amount
        if occ.amount is None or occ.paid_amount >= occ.amount:
            occ.fulfilled_on = on
        if payment.note:
            occ.note = payment.note if not occ.note else f"{occ.note}\n{payment.note}"
        db.session.flush()
        if stored is not None:
            db.session.add(EvidenceFile(occurrence_id=occ.id, payment_id=payment.id, **stored.columns(),
                                        uploaded_by_id=acting_user_id(actor)))
        record("obligation.fulfil", actor=actor, object_type="obligation", object_id=obligation.id,
               before={"occurrence": occ.id, **before},
               after={"occurrence": occ.id, "paid_amount": occ.paid_amount, "fulfilled_on": occ.fulfilled_on,
                      "payment": amount, "on": on,
                      "evidence": stored.sha256 if stored else None})
    except Exception:
        if stored is not None:
            uploads.discard(stored.stored_name)
        raise
    return occ


# ---- corrections and reversals of a recorded fulfilment ----

def _payment_for_update(obligation: Obligation, payment_id: int) -> tuple[Payment, Occurrence]:
    """The payment (of this obligation) and its occurrence with every payment, re-read under the
    obligation's lock."""
    _lock_obligation(obligation)
    payment = db.session.scalar(
        select(Payment).join(Occurrence, Occurrence.id == Payment.occurrence_id)
        .where(Payment.id == payment_id, Occurrence.obligation_id == obligation.id)
        .execution_options(populate_existing=True)
    )
    if payment is None:
        raise NotFound(str(_l("No such fulfilment of this obligation.")))
    occ = db.session.scalar(
        select(Occurrence).where(Occurrence.id == payment.occurrence_id)
        .options(selectinload(Occurrence.payments)).execution_options(populate_existing=True)
    )
    return payment, occ


def _occurrence_state(occ: Occurrence) -> dict:
    return {"occurrence": occ.id, "paid_amount": occ.paid_amount, "fulfilled_on": occ.fulfilled_on}


def _payment_state(p: Payment) -> dict:
    return {"payment": p.id, "paid_on": p.paid_on, "amount": p.amount, "note": p.note}


def _recompute(occ: Occurrence) -> None:
    """The occurrence as the payments that stand make it: paid amount, fulfilment date (the last
    standing payment's, once paid in full) and note. Reversed payments count for nothing."""
    standing = [p for p in occ.payments if p.reversed_at is None]
    occ.paid_amount = sum((p.amount or ZERO for p in standing), ZERO)
    done = bool(standing) if occ.amount is None else occ.paid_amount >= occ.amount and bool(standing)
    occ.fulfilled_on = max(p.paid_on for p in standing) if done else None
    occ.note = "\n".join(p.note for p in standing if p.note) or None


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise _invalid({"reason": [_l("Say why (it is kept in the audit log).")]})
    if len(text) > 5000:
        raise _invalid({"reason": [_l("At most 5,000 characters.")]})
    return text


def correct_fulfilment(*, actor: Actor, obligation: Obligation, payment_id: int, on: dt.date,
                       amount: Decimal | None, note: str | None, reason: str) -> Occurrence:
    """Correct a recorded fulfilment's date, amount or note (a typing mistake). A reversed one is
    not corrected (record a new fulfilment instead). The occurrence follows: it is open again when
    the corrected payments no longer cover it."""
    reason = _reason(reason)
    payment, occ = _payment_for_update(obligation, payment_id)
    if payment.reversed_at is not None:
        raise Conflict(str(_l("This fulfilment was reversed; it is kept as it was. Record a new fulfilment "
                              "instead.")), code="fulfilment_reversed")
    if occ.waived:
        raise Conflict(str(_l("This occurrence was waived.")), code="waived")
    errors: dict[str, list] = {}
    if on is None:
        errors["date"] = [_l("Required.")]
    if occ.amount is None:
        if amount is not None:
            errors["amount"] = [_l("This obligation has no amount; mark it done without one.")]
    elif amount is None:
        amount = payment.amount
    else:
        try:
            amount = check_amount(amount, positive=True)
        except AmountError as err:
            errors["amount"] = [err.message]
        else:
            others = sum((p.amount or ZERO for p in occ.payments if p.reversed_at is None and p.id != payment.id), ZERO)
            if others + amount > occ.amount:
                errors["amount"] = [_l("More than the %(r)s owed on this occurrence (other payments: %(o)s).",
                                       r=occ.amount - others, o=others)]
    if errors:
        raise _invalid(errors)
    before = {**_payment_state(payment), **_occurrence_state(occ)}
    payment.paid_on, payment.amount, payment.note = on, amount, (note or "").strip() or None
    _recompute(occ)
    db.session.flush()
    record("obligation.fulfilment_correct", actor=actor, object_type="obligation", object_id=obligation.id,
           before=before, after={**_payment_state(payment), **_occurrence_state(occ), "reason": reason})
    return occ


def reverse_fulfilment(*, actor: Actor, obligation: Obligation, payment_id: int, reason: str,
                       now: dt.datetime | None = None) -> Occurrence:
    """Reverse a recorded fulfilment (recorded by mistake, a payment that bounced): it stays in the
    history, marked reversed with who, when and why, and no longer counts; the occurrence is open
    again unless other payments still cover it."""
    reason = _reason(reason)
    payment, occ = _payment_for_update(obligation, payment_id)
    if payment.reversed_at is not None:
        raise Conflict(str(_l("This fulfilment is already reversed.")), code="already_reversed")
    before = {**_payment_state(payment), **_occurrence_state(occ)}
    payment.reversed_at = now or utcnow()
    payment.reversed_by_id = acting_user_id(actor)
    payment.reversal_reason = reason
    _recompute(occ)
    db.session.flush()
    record("obligation.fulfilment_reverse", actor=actor, object_type="obligation", object_id=obligation.id,
           before=before, after={**_occurrence_state(occ), "payment": payment.id, "reversed": True,
                                 "reason": reason})
    return occ


# ---- waivers: only by a forum decision ----

def _apply_waiver(*, actor: Actor, obligation: Obligation, decision_id: int, reason: str,
                  occurrence_id: int | None) -> int:
    _lock_obligation(obligation)
    stmt = select(Occurrence).where(
        Occurrence.obligation_id == obligation.id, Occurrence.fulfilled_on.is_(None),
        Occurrence.waived.is_(False),
    ).execution_options(populate_existing=True)
    if occurrence_id is not None:
        stmt = stmt.where(Occurrence.id == occurrence_id)
    occs = list(db.session.scalars(stmt))
    if occurrence_id is not None and not occs:
        raise Conflict(str(_l("This occurrence is not open.")), code="not_open")
    for occ in occs:
        occ.waived, occ.waived_decision_id, occ.waive_reason = True, decision_id, reason
    if occurrence_id is None:
        # The whole obligation is waived: no further occurrences of a series are generated.
        obligation.waived_decision_id = decision_id
    record("obligation.waive", actor=actor, object_type="obligation", object_id=obligation.id,
           after={"decision_id": decision_id, "reason": reason, "occurrences": [o.id for o in occs]})
    return len(occs)


@dataclass(frozen=True)
class WaiverDecision:
    """A carried forum decision to waive one obligation, as the forums area reads it from its own
    records (`forums.queries.waiver_decision`): the obligations area never takes a bare id on trust."""

    id: int
    obligation_id: int


def waive_obligation(*, actor: Actor, obligation: Obligation, decision: WaiverDecision | None, reason: str,
                     occurrence_id: int | None = None) -> int:
    """Waive the open occurrences (or one) of an obligation; only a carried `waive_obligation`
    decision naming this obligation allows it (409 `decision_required` otherwise). Returns how many
    were waived. The forums call it when such a motion is carried, inside the closing transaction."""
    if not (reason or "").strip():
        raise _invalid({"reason": [_l("Required.")]})
    if decision is None or decision.obligation_id != obligation.id:
        raise Conflict(
            str(_l("Only a carried forum decision to waive this obligation can waive it.")),
            code="decision_required",
            fields={"decision_id": [str(_l("No carried waive_obligation decision for this obligation."))]},
        )
    tranche = tranche_states([obligation.id]).get(obligation.id)
    if tranche is not None and not tranche.claimable and occurrence_id is None:
        # A tranche whose conditions are not met: the decision waives its conditions, so that it
        # may be received; the money stays owed.
        _lock_obligation(obligation)
        obligation.conditions_waived_decision_id = decision.id
        db.session.flush()
        record("obligation.conditions_waive", actor=actor, object_type="obligation", object_id=obligation.id,
               after={"decision_id": decision.id, "reason": reason.strip()})
        return 0
    return _apply_waiver(actor=actor, obligation=obligation, decision_id=decision.id,
                         reason=reason.strip(), occurrence_id=occurrence_id)


# ---- tranches: disbursements that wait for results ----

@dataclass
class ConditionData:
    indicator_id: int | None
    at_least: Decimal | str | None
    by_date: dt.date | None


def _check_claimable(obligation: Obligation) -> None:
    """A tranche is received only once claimable (its conditions met, or waived by a decision)."""
    tranche = tranche_states([obligation.id]).get(obligation.id)
    if tranche is None or tranche.claimable:
        return
    unmet = "; ".join(
        str(_l("%(indicator)s at least %(value)s by %(day)s (reached: %(reached)s)",
               indicator=c.condition.indicator.title, value=c.condition.at_least, day=c.condition.by_date.isoformat(),
               reached=c.reached if c.reached is not None else "—"))
        for c in tranche.conditions if not c.met)
    raise Conflict(str(_l("This tranche is not claimable yet: %(unmet)s. Only a carried forum decision can waive "
                          "its conditions.", unmet=unmet)), code="not_claimable")


def set_conditions(*, actor: Actor, obligation: Obligation, conditions: list[ConditionData]) -> list[TrancheCondition]:
    """Replace the conditions of a tranche: a disbursement owed by a partner, each condition an
    indicator of the same agreement, a value (0-100 for a percentage) and a date. No conditions:
    an ordinary disbursement again."""
    errors: dict[str, list] = {}
    if conditions and (obligation.kind != "disbursement" or obligation.owed_by != "partner"):
        raise _invalid({"conditions": [_l("Only a disbursement owed by a partner waits for conditions.")]})
    rows, seen = [], set()
    for i, c in enumerate(conditions):
        indicator = get_indicator(c.indicator_id) if c.indicator_id else None
        if indicator is None or indicator.agreement_id != obligation.agreement_id:
            errors[f"conditions.{i}.indicator_id"] = [_l("Choose an indicator of this obligation's agreement.")]
        elif indicator.id in seen:
            errors[f"conditions.{i}.indicator_id"] = [_l("This indicator is named twice.")]
        else:
            seen.add(indicator.id)
        value = None
        try:
            value = check_amount(c.at_least) if c.at_least is not None else None
        except AmountError as err:
            errors[f"conditions.{i}.at_least"] = [err.message]
        if value is None and f"conditions.{i}.at_least" not in errors:
            errors[f"conditions.{i}.at_least"] = [_l("Required.")]
        elif value is not None and indicator is not None and indicator.measure == Measure.percentage.value \
                and value > 100:
            errors[f"conditions.{i}.at_least"] = [_l("A percentage is from 0 to 100.")]
        if c.by_date is None:
            errors[f"conditions.{i}.by_date"] = [_l("Required.")]
        rows.append((indicator, value, c.by_date))
    if errors:
        raise _invalid(errors)
    _lock_obligation(obligation)
    earlier = db.session.scalars(
        select(TrancheCondition).where(TrancheCondition.obligation_id == obligation.id).order_by(TrancheCondition.id)
    ).all()
    before = [[c.indicator_id, c.at_least, c.by_date] for c in earlier]
    for c in earlier:  # through the session, which may hold them (a reused id must not meet a stale one)
        db.session.delete(c)
    db.session.flush()
    made = []
    for indicator, value, by_date in rows:
        made.append(TrancheCondition(obligation_id=obligation.id, indicator_id=indicator.id, at_least=value,
                                     by_date=by_date))
        db.session.add(made[-1])
    db.session.flush()
    record("obligation.conditions", actor=actor, object_type="obligation", object_id=obligation.id,
           before={"conditions": before}, after={"conditions": [[c.indicator_id, c.at_least, c.by_date] for c in made]})
    return made


# ---- calendar feeds ----

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed(*, actor: Actor, user) -> str:
    """A new secret feed token for `user` (the previous one stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalar(select(IcalFeed).where(IcalFeed.user_id == user.id))
    if feed is None:
        feed = IcalFeed(user_id=user.id, token_hash=token_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash, feed.revoked_at, feed.created_at = token_hash(token), None, utcnow()
    record("obligation.feed_issue", actor=actor, object_type="user", object_id=user.id)
    return token


def revoke_feed(*, actor: Actor, user) -> None:
    """The feed URL stops working (404)."""
    feed = db.session.scalar(select(IcalFeed).where(IcalFeed.user_id == user.id))
    if feed is None or feed.revoked_at is not None:
        return
    feed.revoked_at = utcnow()
    record("obligation.feed_revoke", actor=actor, object_type="user", object_id=user.id)


def load_for_update(obligation_id: int) -> Obligation:
    ob = db.session.scalar(
        select(Obligation).where(Obligation.id == obligation_id).options(selectinload(Obligation.occurrences))
    )
    if ob is None:
        raise NotFound(str(_l("No such obligation.")))
    return ob



def log_reminder(*, actor: Actor, user_id: int, day: dt.date, items: int) -> bool:
    """Claim today's digest for a user; False when it was already sent (the unique (user, day) key
    decides, so two runs at once cannot both send)."""
    if db.session.scalar(select(ReminderLog.id).where(ReminderLog.user_id == user_id, ReminderLog.day == day)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReminderLog(user_id=user_id, day=day, items=items))
    except IntegrityError:
        return False
    record("obligation.remind", actor=actor, object_type="user", object_id=user_id,
           after={"day": day, "items": items})
    return True

