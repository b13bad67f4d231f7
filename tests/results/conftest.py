"""Helpers for the results tests: an agreement with a results framework, built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.extensions import db
from tests.agreements.conftest import MINIMAL_PDF, document_of  # noqa: F401  (the agreements tests' PDF helper)

START, END = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def framework(app_context, make_agreement):
    """framework(measure=, ascending=, baseline=(year, value), targets=) -> (agreement, indicator): a
    grant running 2026-2027 with one output whose indicator (code TOILET) has targets for Q1 and Q2."""
    from govtrack.results import services
    from govtrack.results.models import Indicator

    def make(*, measure: str = "number", ascending: bool = True, baseline=(2025, Decimal("0")),
             targets=((Q1, Decimal("100")), (Q2, Decimal("250"))), code: str = "TOILET", agreement=None):
        agreement = agreement or make_agreement("Hibah Sanitasi", status="active", start_date=START, end_date=END)
        result = services.create_result(
            actor="test", agreement=agreement, kind="output", title="Toilet keluarga terbangun",
            indicators=[services.IndicatorData(
                title="Toilet terbangun", unit="toilet", measure=measure, ascending=ascending, code=code,
                baseline_year=baseline[0] if baseline else None, baseline_value=baseline[1] if baseline else None,
                targets=[services.TargetData(p[0], p[1], v) for p, v in targets])])
        db.session.commit()
        indicator = db.session.scalar(select(Indicator).where(Indicator.result_id == result.id))
        return agreement, indicator

    return make


@pytest.fixture
def actual_of(app_context):
    """actual_of(indicator, value, period=Q1, dims=None, status="verified", by=None, verifier=None)
    records an actual through the services and moves it up to `status`."""
    from govtrack.agreements.queries import load_agreement
    from govtrack.results import queries, services

    def make(indicator, value, *, period=Q1, dims=None, status: str = "verified", corrects_id=None,
             by="test", verifier="verifier"):
        actual = services.record_actual(
            actor=by, indicator=indicator, agreement=load_agreement(indicator.agreement_id),
            data=services.ActualData(period[0], period[1], Decimal(str(value)), dims or {}, corrects_id=corrects_id),
            today=TODAY)
        if status in ("submitted", "verified"):
            services.submit_actual(actor=by, actual=actual)
        if status == "verified":
            services.verify_actual(actor=verifier, actual=actual)
        db.session.commit()
        return queries.get_actual(actual.id)

    return make
