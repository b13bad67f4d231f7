"""Reading results frameworks: an agreement's results with everything under them, one indicator or
actual, and the figures a page and a report show (which actual counts, percent achieved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from govtrack.extensions import db
from govtrack.results.models import Actual, ActualStatus, Indicator, Result

PERCENT = Decimal("0.1")


def _actuals_loaded():
    return selectinload(Indicator.actuals).options(
        selectinload(Actual.dimensions), selectinload(Actual.documents), joinedload(Actual.verified_by))


def results_of(agreement_id: int) -> list[Result]:
    """The agreement's results, each with its indicators, targets and actuals (dimensions, evidence)."""
    return list(db.session.scalars(
        select(Result).where(Result.agreement_id == agreement_id).order_by(Result.id)
        .options(selectinload(Result.indicators).options(selectinload(Indicator.targets), _actuals_loaded()))
    ))


def result_count(agreement_id: int) -> tuple[int, int]:
    """How many results and indicators the agreement has (for its page's section)."""
    results = db.session.scalar(select(func.count()).select_from(Result).where(Result.agreement_id == agreement_id))
    indicators = db.session.scalar(select(func.count()).select_from(Indicator)
                                   .where(Indicator.agreement_id == agreement_id))
    return results or 0, indicators or 0


def get_result(result_id: int) -> Result | None:
    return db.session.get(Result, result_id)


def get_indicator(indicator_id: int) -> Indicator | None:
    return db.session.scalar(
        select(Indicator).where(Indicator.id == indicator_id)
        .options(joinedload(Indicator.result), selectinload(Indicator.targets), _actuals_loaded())
    )


def get_actual(actual_id: int) -> Actual | None:
    return db.session.scalar(
        select(Actual).where(Actual.id == actual_id)
        .options(joinedload(Actual.indicator).joinedload(Indicator.result), selectinload(Actual.dimensions),
                 selectinload(Actual.documents), joinedload(Actual.verified_by))
    )


def indicators_of(agreement_id: int) -> list[Indicator]:
    """The agreement's indicators, in the order they were added."""
    return list(db.session.scalars(select(Indicator).where(Indicator.agreement_id == agreement_id)
                                   .order_by(Indicator.id)))


def indicators_by_key(agreement_id: int) -> tuple[dict[int, Indicator], dict[str, Indicator]]:
    """The agreement's indicators by id and by code (an import names them either way)."""
    rows = db.session.scalars(select(Indicator).where(Indicator.agreement_id == agreement_id)).all()
    return {i.id: i for i in rows}, {i.code: i for i in rows if i.code}


def percent_achieved(*, actual: Decimal | None, target: Decimal | None, baseline: Decimal | None) -> Decimal | None:
    """How far the actual went from the baseline toward the target, in percent (one decimal): 100 is
    the target reached, whichever way is better. None when there is no target, no actual, or the
    target is the baseline (no distance to go)."""
    if actual is None or target is None:
        return None
    base = baseline or Decimal(0)
    if target == base:
        return None
    return ((actual - base) / (target - base) * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


def superseded_ids(actuals: list[Actual]) -> set[int]:
    """The actuals a verified correction replaced."""
    return {a.corrects_id for a in actuals if a.corrects_id and a.status == ActualStatus.verified.value}


def counting(actuals: list[Actual]) -> dict[tuple, Actual]:
    """For each (period_start, period_end, dimensions) the actual that counts: the verified one no
    verified correction replaced, else the newest not yet verified."""
    gone = superseded_ids(actuals)
    out: dict[tuple, Actual] = {}
    for a in sorted(actuals, key=lambda a: a.id):
        if a.id in gone:
            continue
        key = (a.period_start, a.period_end, a.dimension_key)
        held = out.get(key)
        if held is None or held.status != ActualStatus.verified.value or a.status == ActualStatus.verified.value:
            out[key] = a
    return out


@dataclass
class PeriodRow:
    """One period of an indicator: its target, the total actual that counts, percent achieved, and
    the splits by dimensions."""

    period_start: dt.date
    period_end: dt.date
    target: Decimal | None
    actual: Actual | None
    percent: Decimal | None
    splits: list[Actual]


def period_rows(indicator: Indicator) -> list[PeriodRow]:
    """The indicator's periods (of its targets and its actuals), earliest first."""
    figures = counting(list(indicator.actuals))
    targets = {(t.period_start, t.period_end): t.value for t in indicator.targets}
    periods = sorted(set(targets) | {(s, e) for s, e, _k in figures})
    rows = []
    for start, end in periods:
        total = figures.get((start, end, ()))
        target = targets.get((start, end))
        splits = sorted((a for (s, e, k), a in figures.items() if (s, e) == (start, end) and k),
                        key=lambda a: a.dimension_key)
        rows.append(PeriodRow(start, end, target, total,
                              percent_achieved(actual=total.value if total else None, target=target,
                                               baseline=indicator.baseline_value), splits))
    return rows


def verified_totals(indicator_ids: list[int]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """For each indicator, the verified totals (no dimensions) that count, as (period_end, value):
    a verified correction counts instead of what it corrected; a draft or submitted one not at all."""
    out: dict[int, list[tuple[dt.date, Decimal]]] = {i: [] for i in indicator_ids}
    if not indicator_ids:
        return out
    actuals = db.session.scalars(
        select(Actual).where(Actual.indicator_id.in_(sorted(set(indicator_ids))),
                             Actual.status == ActualStatus.verified.value)
        .options(selectinload(Actual.dimensions))
    ).all()
    gone = superseded_ids(list(actuals))
    for a in actuals:
        if a.id not in gone and not a.dimensions:
            out[a.indicator_id].append((a.period_end, a.value))
    return out
