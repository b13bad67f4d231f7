"""Writes for results frameworks: results, indicators, targets, actuals and their moves from draft
to submitted to verified. Each records its audit event in the caller's transaction.

A verified actual never changes. A later figure for the same indicator, period and dimensions is a
correction: a new actual naming it (`corrects_id`), which goes through the same moves; once it is
verified it counts instead, and the earlier one stays (shown as corrected, and in the audit log).
Evidence files are the agreement's documents, stored by the agreements area with its upload rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govtrack.agreements.models import Agreement, Document
from govtrack.agreements.services import add_document
from govtrack.audit.services import record
from govtrack.core import dates
from govtrack.core.actor import Actor, acting_user_id
from govtrack.core.clock import utcnow
from govtrack.core.money import AmountError, check_amount
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.results.models import (
    Actual,
    ActualDimension,
    ActualStatus,
    Indicator,
    Measure,
    Result,
    ResultKind,
    Target,
)

TITLE_MAX = 300
UNIT_MAX = 60
CODE_MAX = 40
NOTE_MAX = 2000
DIMENSION_NAME_MAX = 60
DIMENSION_VALUE_MAX = 120
DIMENSIONS_MAX = 10
HUNDRED = Decimal(100)
# The dimensions every funder asks for; their values (and `sex`'s codes) have labels.
SEX = "sex"
REGION = "region"
SEX_VALUES = ("female", "male")


@dataclass
class TargetData:
    period_start: dt.date | None
    period_end: dt.date | None
    value: Decimal | str | None


@dataclass
class IndicatorData:
    title: str
    unit: str
    measure: str = Measure.number.value
    ascending: bool = True
    code: str | None = None
    baseline_year: int | None = None
    baseline_value: Decimal | str | None = None
    targets: list[TargetData] = field(default_factory=list)


@dataclass
class ActualData:
    period_start: dt.date | None
    period_end: dt.date | None
    value: Decimal | str | None
    dimensions: dict[str, str] = field(default_factory=dict)
    document_ids: list[int] = field(default_factory=list)
    note: str | None = None
    corrects_id: int | None = None


class _Errors:
    """Field errors gathered over a whole request, raised together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message) -> None:
        self.fields.setdefault(name, []).append(str(message))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed(str(_l("Some values are not valid.")), fields=self.fields)


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_text(errors: _Errors, name: str, value: str | None, limit: int, *, required: bool = True) -> str | None:
    text = _text(value)
    if not text:
        if required:
            errors.add(name, _l("Required."))
        return None
    if len(text) > limit:
        errors.add(name, _l("At most %(n)d characters.", n=limit))
    return text


def _check_value(errors: _Errors, name: str, value, measure: str, *, required: bool = True) -> Decimal | None:
    """A figure: zero or more, two decimals at most; a percentage at most 100."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(name, _l("Required."))
        return None
    try:
        number = check_amount(value)
    except AmountError as err:
        errors.add(name, err.message)
        return None
    if measure == Measure.percentage.value and number > HUNDRED:
        errors.add(name, _l("A percentage is from 0 to 100."))
        return None
    return number


def _check_period(errors: _Errors, prefix: str, start: dt.date | None, end: dt.date | None,
                  agreement: Agreement) -> None:
    """Both dates, in range, the end not before the start, and inside the agreement's dates when it
    has them (a target or an actual of the agreement is about its life)."""
    if start is None:
        errors.add(f"{prefix}period_start", _l("Required."))
    if end is None:
        errors.add(f"{prefix}period_end", _l("Required."))
    if start is None or end is None:
        return
    for name, day in ((f"{prefix}period_start", start), (f"{prefix}period_end", end)):
        if not dates.in_range(day):
            errors.add(name, dates.range_message())
            return
    if end < start:
        errors.add(f"{prefix}period_end", _l("The period ends before it starts."))
        return
    if agreement.start_date and start < agreement.start_date:
        errors.add(f"{prefix}period_start", _l("The period starts before the agreement does (%(day)s).",
                                               day=agreement.start_date.isoformat()))
    if agreement.end_date and end > agreement.end_date:
        errors.add(f"{prefix}period_end", _l("The period ends after the agreement does (%(day)s).",
                                             day=agreement.end_date.isoformat()))


def _check_indicator(errors: _Errors, data: IndicatorData, agreement: Agreement, *, prefix: str = "",
                     own_id: int | None = None) -> dict:
    values: dict = {}
    values["title"] = _check_text(errors, f"{prefix}title", data.title, TITLE_MAX)
    values["unit"] = _check_text(errors, f"{prefix}unit", data.unit, UNIT_MAX)
    code = _check_text(errors, f"{prefix}code", data.code, CODE_MAX, required=False)
    if code is not None:
        taken = db.session.scalar(select(Indicator.id).where(Indicator.agreement_id == agreement.id,
                                                             Indicator.code == code))
        if taken is not None and taken != own_id:
            errors.add(f"{prefix}code", _l("Another indicator of this agreement has the code %(code)s.", code=code))
    values["code"] = code
    if data.measure not in {m.value for m in Measure}:
        errors.add(f"{prefix}measure", _l("A number or a percentage."))
        measure = Measure.number.value
    else:
        measure = data.measure
    values["measure"] = measure
    values["ascending"] = bool(data.ascending)
    year, base = data.baseline_year, data.baseline_value
    has_base = not (base is None or (isinstance(base, str) and not base.strip()))
    if (year is None) != (not has_base):
        missing = "baseline_year" if year is None else "baseline_value"
        errors.add(f"{prefix}{missing}", _l("A baseline has both a year and a value."))
    if year is not None and not (dates.MIN_DATE.year <= year <= dates.MAX_DATE.year):
        errors.add(f"{prefix}baseline_year", _l("A year from %(first)d to %(last)d.", first=dates.MIN_DATE.year,
                                                last=dates.MAX_DATE.year))
    values["baseline_year"] = year
    values["baseline_value"] = _check_value(errors, f"{prefix}baseline_value", base, measure, required=False)
    return values


def _check_targets(errors: _Errors, targets: list[TargetData], measure: str, agreement: Agreement, *,
                   prefix: str = "targets.", existing: set[tuple[dt.date, dt.date]] = frozenset()) -> list[dict]:
    out, seen = [], set(existing)
    for i, t in enumerate(targets):
        p = f"{prefix}{i}."
        _check_period(errors, p, t.period_start, t.period_end, agreement)
        value = _check_value(errors, f"{p}value", t.value, measure)
        key = (t.period_start, t.period_end)
        if None not in key and key in seen:
            errors.add(f"{p}period_start", _l("The indicator has a target for this period already."))
        seen.add(key)
        out.append({"period_start": t.period_start, "period_end": t.period_end, "value": value})
    return out


def _target_audit(t: Target | dict) -> list:
    get = t.get if isinstance(t, dict) else lambda k: getattr(t, k)
    return [get("period_start"), get("period_end"), get("value")]


def create_result(*, actor: Actor, agreement: Agreement, kind: str, title: str,
                  indicators: list[IndicatorData] = ()) -> Result:
    """A result of the agreement, with its indicators (each with baseline and targets) at once."""
    errors = _Errors()
    if kind not in {k.value for k in ResultKind}:
        errors.add("kind", _l("An output or an outcome."))
    title = _check_text(errors, "title", title, TITLE_MAX)
    checked, codes = [], set()
    for i, data in enumerate(indicators):
        prefix = f"indicators.{i}."
        values = _check_indicator(errors, data, agreement, prefix=prefix)
        if values["code"] is not None:
            if values["code"] in codes:
                errors.add(f"{prefix}code", _l("Another indicator of this agreement has the code %(code)s.",
                                               code=values["code"]))
            codes.add(values["code"])
        targets = _check_targets(errors, data.targets, values["measure"], agreement, prefix=f"{prefix}targets.")
        checked.append((values, targets))
    errors.raise_any()
    result = Result(agreement_id=agreement.id, kind=kind, title=title)
    db.session.add(result)
    db.session.flush()
    record("result.create", actor=actor, object_type="result", object_id=result.id,
           after={"agreement_id": agreement.id, "kind": kind, "title": title})
    for values, targets in checked:
        _insert_indicator(actor, result, values, targets)
    return result


def update_result(*, actor: Actor, result: Result, kind: str, title: str) -> Result:
    errors = _Errors()
    if kind not in {k.value for k in ResultKind}:
        errors.add("kind", _l("An output or an outcome."))
    title = _check_text(errors, "title", title, TITLE_MAX)
    errors.raise_any()
    before = {"kind": result.kind, "title": result.title}
    result.kind, result.title = kind, title
    after = {"kind": kind, "title": title}
    if before != after:
        db.session.flush()
        record("result.update", actor=actor, object_type="result", object_id=result.id,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return result


def _insert_indicator(actor: Actor, result: Result, values: dict, targets: list[dict]) -> Indicator:
    indicator = Indicator(result_id=result.id, agreement_id=result.agreement_id, **values)
    db.session.add(indicator)
    db.session.flush()
    for t in targets:
        db.session.add(Target(indicator_id=indicator.id, **t))
    record("indicator.create", actor=actor, object_type="indicator", object_id=indicator.id,
           after={**values, "result_id": result.id, "targets": [_target_audit(t) for t in targets]})
    return indicator


def add_indicator(*, actor: Actor, result: Result, agreement: Agreement, data: IndicatorData) -> Indicator:
    """A new indicator of a result (with its targets)."""
    errors = _Errors()
    values = _check_indicator(errors, data, agreement)
    targets = _check_targets(errors, data.targets, values["measure"], agreement)
    errors.raise_any()
    return _insert_indicator(actor, result, values, targets)


INDICATOR_FIELDS = ("title", "unit", "code", "measure", "ascending", "baseline_year", "baseline_value")


def update_indicator(*, actor: Actor, indicator: Indicator, agreement: Agreement, data: IndicatorData) -> Indicator:
    """Change an indicator's words, measure, direction and baseline (its targets are added and
    removed one by one). A percentage indicator's targets and actuals stay within 0-100."""
    errors = _Errors()
    values = _check_indicator(errors, data, agreement, own_id=indicator.id)
    if values["measure"] == Measure.percentage.value and indicator.measure != values["measure"]:
        over = db.session.scalar(select(Target.id).where(Target.indicator_id == indicator.id, Target.value > HUNDRED)
                                 .limit(1)) or db.session.scalar(
            select(Actual.id).where(Actual.indicator_id == indicator.id, Actual.value > HUNDRED).limit(1))
        if over is not None:
            errors.add("measure", _l("Some targets or actuals are over 100, so this indicator cannot be a percentage."))
    errors.raise_any()
    before = {k: getattr(indicator, k) for k in INDICATOR_FIELDS}
    for k, v in values.items():
        setattr(indicator, k, v)
    changed = [k for k in INDICATOR_FIELDS if before[k] != values[k]]
    if changed:
        db.session.flush()
        record("indicator.update", actor=actor, object_type="indicator", object_id=indicator.id,
               before={k: before[k] for k in changed}, after={k: values[k] for k in changed})
    return indicator


def add_target(*, actor: Actor, indicator: Indicator, agreement: Agreement, data: TargetData) -> Target:
    errors = _Errors()
    existing = set(db.session.execute(select(Target.period_start, Target.period_end)
                                      .where(Target.indicator_id == indicator.id)).tuples())
    [values] = _check_targets(errors, [data], indicator.measure, agreement, prefix="", existing=existing)
    # The fields of one target are named without a row prefix ("0." from the list above).
    errors.fields = {k.removeprefix("0."): v for k, v in errors.fields.items()}
    errors.raise_any()
    target = Target(indicator_id=indicator.id, **values)
    db.session.add(target)
    db.session.flush()
    record("target.add", actor=actor, object_type="indicator", object_id=indicator.id,
           after={"targets": [_target_audit(values)]})
    return target


def remove_target(*, actor: Actor, target: Target) -> None:
    indicator_id, before = target.indicator_id, _target_audit(target)
    db.session.delete(target)
    db.session.flush()
    record("target.remove", actor=actor, object_type="indicator", object_id=indicator_id,
           before={"targets": [before]})


# ---- actuals ----

def _check_dimensions(errors: _Errors, dimensions: dict[str, str], prefix: str = "dimensions") -> dict[str, str]:
    out: dict[str, str] = {}
    if len(dimensions) > DIMENSIONS_MAX:
        errors.add(prefix, _l("At most %(n)d dimensions.", n=DIMENSIONS_MAX))
        return out
    for raw_name, raw_value in dimensions.items():
        name = _text(raw_name).lower()
        value = _text(raw_value if isinstance(raw_value, str) else None)
        where = f"{prefix}.{name or raw_name}"
        if not name or len(name) > DIMENSION_NAME_MAX:
            errors.add(where, _l("A dimension's name has 1 to %(n)d characters.", n=DIMENSION_NAME_MAX))
            continue
        if not value or len(value) > DIMENSION_VALUE_MAX:
            errors.add(where, _l("A dimension's value has 1 to %(n)d characters.", n=DIMENSION_VALUE_MAX))
            continue
        if name == SEX and value not in SEX_VALUES:
            errors.add(where, _l("The sex of the household head is female or male."))
            continue
        if name in out:
            errors.add(where, _l("This dimension is given twice."))
            continue
        out[name] = value
    return out


def _check_documents(errors: _Errors, document_ids: list[int], agreement: Agreement) -> list[Document]:
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        return []
    found = {d.id: d for d in db.session.scalars(select(Document).where(Document.id.in_(ids)))}
    for i, doc_id in enumerate(ids):
        doc = found.get(doc_id)
        if doc is None or doc.agreement_id != agreement.id:
            errors.add(f"document_ids.{i}", _l("No document %(id)d among this agreement's documents.", id=doc_id))
        elif doc.removed:
            errors.add(f"document_ids.{i}", _l("Document %(name)s was removed; it cannot be evidence.",
                                               name=doc.original_name))
    return [found[i] for i in ids if i in found]


def _same_figure(indicator_id: int, start: dt.date, end: dt.date, key: tuple, *, exclude: int | None) -> list[Actual]:
    """The actuals of the indicator for the same period and dimensions."""
    rows = db.session.scalars(
        select(Actual).where(Actual.indicator_id == indicator_id, Actual.period_start == start,
                             Actual.period_end == end)
        .options(selectinload(Actual.dimensions))
    ).all()
    return [a for a in rows if a.dimension_key == key and a.id != exclude]


def _check_duplicates(errors: _Errors, indicator: Indicator, start, end, dims: dict[str, str],
                      corrects_id: int | None, *, exclude: int | None = None) -> None:
    """One open figure per indicator, period and dimensions: a second one while one is not verified
    is refused; once one is verified, a new figure must name it as the one it corrects."""
    if start is None or end is None or errors.fields.get("period_start") or errors.fields.get("period_end"):
        return
    key = tuple(sorted(dims.items()))
    others = _same_figure(indicator.id, start, end, key, exclude=exclude)
    corrected = {a.corrects_id for a in others if a.status == ActualStatus.verified.value and a.corrects_id}
    current_verified = [a for a in others if a.status == ActualStatus.verified.value and a.id not in corrected]
    open_ = [a for a in others if a.status != ActualStatus.verified.value]
    if open_:
        errors.add("period_start", _l("Actual no. %(id)d for this period and these dimensions is not verified yet; "
                                      "change that one instead.", id=open_[0].id))
        return
    if current_verified and corrects_id is None:
        errors.add("corrects_id", _l("Actual no. %(id)d for this period and these dimensions is verified; a new "
                                     "figure must say that it corrects it.", id=current_verified[0].id))
        return
    if corrects_id is not None and corrects_id not in {a.id for a in current_verified}:
        errors.add("corrects_id", _l("A correction names the verified actual of the same indicator, period and "
                                     "dimensions that still counts."))


def _actual_audit(actual: Actual, dims: dict[str, str], documents: list[Document]) -> dict:
    return {"indicator_id": actual.indicator_id, "period_start": actual.period_start,
            "period_end": actual.period_end, "value": actual.value, "dimensions": dims,
            "documents": [d.original_name for d in documents], "note": actual.note,
            "corrects_id": actual.corrects_id, "status": actual.status}


def _check_actual(errors: _Errors, indicator: Indicator, agreement: Agreement, data: ActualData,
                  today: dt.date) -> tuple[Decimal | None, dict[str, str], list[Document], str | None]:
    _check_period(errors, "", data.period_start, data.period_end, agreement)
    if data.period_start and not errors.fields.get("period_start") and data.period_start > today:
        errors.add("period_start", _l("This period has not begun; an actual is reported once it has."))
    value = _check_value(errors, "value", data.value, indicator.measure)
    dims = _check_dimensions(errors, data.dimensions)
    documents = _check_documents(errors, data.document_ids, agreement)
    note = _check_text(errors, "note", data.note, NOTE_MAX, required=False)
    return value, dims, documents, note


def _attach_files(actor: Actor, agreement: Agreement, files) -> list[Document]:
    """Store each evidence file as a document of the agreement (the agreements area's upload rules)."""
    return [add_document(actor=actor, agreement=agreement, file=f) for f in files if f is not None and f.filename]


def check_new_actual(*, indicator: Indicator, agreement: Agreement, data: ActualData, today: dt.date
                     ) -> tuple[Decimal, dict[str, str], list[Document], str | None]:
    """The checks of a new actual (raises ValidationFailed naming every field); an import runs them
    on each line before it writes any."""
    errors = _Errors()
    value, dims, documents, note = _check_actual(errors, indicator, agreement, data, today)
    _check_duplicates(errors, indicator, data.period_start, data.period_end, dims, data.corrects_id)
    errors.raise_any()
    return value, dims, documents, note


def record_actual(*, actor: Actor, indicator: Indicator, agreement: Agreement, data: ActualData,
                  today: dt.date, files=()) -> Actual:
    """A draft actual of the indicator (a correction when `corrects_id` names a verified one), with
    the documents named and any evidence files uploaded with it."""
    value, dims, documents, note = check_new_actual(indicator=indicator, agreement=agreement, data=data, today=today)
    documents = documents + _attach_files(actor, agreement, files)
    actual = Actual(indicator_id=indicator.id, period_start=data.period_start, period_end=data.period_end,
                    value=value, note=note, corrects_id=data.corrects_id, created_by_id=acting_user_id(actor),
                    status=ActualStatus.draft.value)
    actual.dimensions = [ActualDimension(name=k, value=v) for k, v in sorted(dims.items())]
    actual.documents = documents
    db.session.add(actual)
    db.session.flush()
    record("actual.create", actor=actor, object_type="actual", object_id=actual.id,
           after=_actual_audit(actual, dims, documents))
    return actual


def _not_verified(actual: Actual) -> None:
    if actual.status == ActualStatus.verified.value:
        raise Conflict(str(_l("A verified actual is never changed; record a correction instead.")),
                       code="actual_verified")


def update_actual(*, actor: Actor, actual: Actual, agreement: Agreement, data: ActualData, today: dt.date,
                  files=()) -> Actual:
    """Change a draft or submitted actual (a submitted one goes back to draft: it is submitted again
    once right). `corrects_id` stays what it was."""
    _not_verified(actual)
    indicator = actual.indicator
    errors = _Errors()
    value, dims, documents, note = _check_actual(errors, indicator, agreement, data, today)
    _check_duplicates(errors, indicator, data.period_start, data.period_end, dims, actual.corrects_id,
                      exclude=actual.id)
    errors.raise_any()
    before = _actual_audit(actual, {d.name: d.value for d in actual.dimensions}, list(actual.documents))
    documents = documents + _attach_files(actor, agreement, files)
    actual.period_start, actual.period_end, actual.value, actual.note = (
        data.period_start, data.period_end, value, note)
    actual.status, actual.submitted_at = ActualStatus.draft.value, None
    # The old rows go first: a flush inserts before it deletes, and a name kept would meet itself.
    actual.dimensions = []
    db.session.flush()
    actual.dimensions = [ActualDimension(name=k, value=v) for k, v in sorted(dims.items())]
    actual.documents = documents
    db.session.flush()
    after = _actual_audit(actual, dims, documents)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        record("actual.update", actor=actor, object_type="actual", object_id=actual.id,
               before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return actual


def submit_actual(*, actor: Actor, actual: Actual) -> Actual:
    """Draft → submitted: the figure is ready for verification."""
    if actual.status != ActualStatus.draft.value:
        raise Conflict(str(_l("Only a draft actual is submitted.")), code="not_draft")
    actual.status, actual.submitted_at = ActualStatus.submitted.value, utcnow()
    db.session.flush()
    record("actual.submit", actor=actor, object_type="actual", object_id=actual.id,
           before={"status": ActualStatus.draft.value}, after={"status": ActualStatus.submitted.value})
    return actual


def verify_actual(*, actor: Actor, actual: Actual) -> Actual:
    """Submitted → verified, by someone other than who entered it. Verifying a correction makes it
    count instead of the actual it corrects (which stays, verified, with the correction named)."""
    if actual.status != ActualStatus.submitted.value:
        raise Conflict(str(_l("Only a submitted actual is verified.")), code="not_submitted")
    user_id = acting_user_id(actor)
    if user_id is not None and user_id == actual.created_by_id:
        raise Conflict(str(_l("You entered this actual; someone else verifies it.")), code="own_actual")
    actual.status, actual.verified_at, actual.verified_by_id = ActualStatus.verified.value, utcnow(), user_id
    db.session.flush()
    record("actual.verify", actor=actor, object_type="actual", object_id=actual.id,
           before={"status": ActualStatus.submitted.value},
           after={"status": ActualStatus.verified.value, "corrects_id": actual.corrects_id})
    return actual
