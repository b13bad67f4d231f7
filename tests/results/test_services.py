"""The rules of a results framework at their edges: percent achieved, periods, percentages,
dimensions, the moves draft → submitted → verified, and corrections of a verified actual."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.results import queries, services
from tests.results.conftest import END, Q1, Q2, TODAY


@pytest.mark.parametrize(("baseline", "target", "actual", "expected"), [
    (Decimal(0), Decimal(100), Decimal(80), Decimal("80.0")),
    (Decimal(0), Decimal(100), Decimal(100), Decimal("100.0")),
    (Decimal(20), Decimal(5), Decimal(10), Decimal("66.7")),  # lower is better: 10 of the way from 20 to 5
    (Decimal(50), Decimal(100), Decimal(40), Decimal("-20.0")),  # worse than the baseline
    (Decimal(7), Decimal(7), Decimal(9), None),  # no distance to go
    (None, Decimal(3), Decimal(1), Decimal("33.3")),
])
def test_percent_achieved_is_the_way_from_baseline_to_target(baseline, target, actual, expected):
    assert queries.percent_achieved(actual=actual, target=target, baseline=baseline) == expected
    assert queries.percent_achieved(actual=None, target=target, baseline=baseline) is None


def test_a_period_must_end_after_it_starts_and_lie_inside_the_agreement(framework):
    agreement, indicator = framework()
    with pytest.raises(ValidationFailed) as err:
        services.add_target(actor="test", indicator=indicator, agreement=agreement,
                            data=services.TargetData(dt.date(2026, 7, 1), dt.date(2026, 6, 30), Decimal(1)))
    assert err.value.fields == {"period_end": ["The period ends before it starts."]}
    with pytest.raises(ValidationFailed) as err:
        services.add_target(actor="test", indicator=indicator, agreement=agreement,
                            data=services.TargetData(dt.date(2027, 10, 1), END + dt.timedelta(days=1), Decimal(1)))
    assert err.value.fields == {"period_end": ["The period ends after the agreement does (2027-12-31)."]}
    # The last day of the agreement is inside it.
    target = services.add_target(actor="test", indicator=indicator, agreement=agreement,
                                 data=services.TargetData(dt.date(2027, 10, 1), END, Decimal(1)))
    assert target.id
    with pytest.raises(ValidationFailed) as err:
        services.add_target(actor="test", indicator=indicator, agreement=agreement,
                            data=services.TargetData(*Q1, Decimal(5)))
    assert "already" in err.value.fields["period_start"][0]


def test_a_percentage_is_from_0_to_100(framework, actual_of):
    agreement, indicator = framework(measure="percentage", baseline=(2025, Decimal("100")), targets=())
    services.add_target(actor="test", indicator=indicator, agreement=agreement,
                        data=services.TargetData(*Q1, Decimal("100")))
    with pytest.raises(ValidationFailed) as err:
        services.add_target(actor="test", indicator=indicator, agreement=agreement,
                            data=services.TargetData(*Q2, Decimal("100.01")))
    assert err.value.fields == {"value": ["A percentage is from 0 to 100."]}
    with pytest.raises(ValidationFailed) as err:
        services.create_result(actor="test", agreement=agreement, kind="outcome", title="Rasio", indicators=[
            services.IndicatorData(title="NPF", unit="%", measure="percentage", baseline_year=2025,
                                   baseline_value="101", targets=[services.TargetData(*Q1, "-1")])])
    assert err.value.fields == {"indicators.0.baseline_value": ["A percentage is from 0 to 100."],
                                "indicators.0.targets.0.value": ["Must be zero or more."]}


def test_a_baseline_has_a_year_and_a_value(framework):
    agreement, _indicator = framework()
    with pytest.raises(ValidationFailed) as err:
        services.create_result(actor="test", agreement=agreement, kind="output", title="X", indicators=[
            services.IndicatorData(title="Y", unit="u", baseline_year=2025)])
    assert err.value.fields == {"indicators.0.baseline_value": ["A baseline has both a year and a value."]}


def test_an_actual_is_refused_for_a_period_not_begun_and_names_bad_dimensions(framework):
    agreement, indicator = framework()
    data = services.ActualData(TODAY + dt.timedelta(days=1), END, Decimal(5), {"sex": "unknown", " ": "x"})
    with pytest.raises(ValidationFailed) as err:
        services.record_actual(actor="test", indicator=indicator, agreement=agreement, data=data, today=TODAY)
    assert err.value.fields["period_start"] == ["This period has not begun; an actual is reported once it has."]
    assert err.value.fields["dimensions.sex"] == ["The sex of the household head is female or male."]
    assert "dimensions. " in err.value.fields
    # Today itself has begun.
    ok = services.record_actual(actor="test", indicator=indicator, agreement=agreement, today=TODAY,
                                data=services.ActualData(TODAY, TODAY, Decimal(5), {"Sex": "female"}))
    assert [(d.name, d.value) for d in ok.dimensions] == [("sex", "female")]


def test_evidence_must_be_a_live_document_of_the_same_agreement(framework, make_agreement, document_of):
    agreement, indicator = framework()
    other = document_of(make_agreement("Lain"))
    mine = document_of(agreement, name="berita-acara.pdf")
    with pytest.raises(ValidationFailed) as err:
        services.record_actual(actor="test", indicator=indicator, agreement=agreement, today=TODAY,
                               data=services.ActualData(*Q1, Decimal(5), document_ids=[mine.id, other.id]))
    assert err.value.fields == {"document_ids.1": [f"No document {other.id} among this agreement's documents."]}
    actual = services.record_actual(actor="test", indicator=indicator, agreement=agreement, today=TODAY,
                                    data=services.ActualData(*Q1, Decimal(5), document_ids=[mine.id]))
    assert [d.original_name for d in actual.documents] == ["berita-acara.pdf"]


def test_moves_are_draft_submitted_verified_and_each_is_audited(framework, actual_of, make_user):
    agreement, indicator = framework()
    entered_by, verifier = make_user("manager"), make_user("board")
    actual = actual_of(indicator, 90, status="draft", by=entered_by)
    with pytest.raises(Conflict) as err:
        services.verify_actual(actor=verifier, actual=actual)
    assert err.value.code == "not_submitted"
    services.submit_actual(actor=entered_by, actual=actual)
    with pytest.raises(Conflict) as err:
        services.submit_actual(actor=entered_by, actual=actual)
    assert err.value.code == "not_draft"
    with pytest.raises(Conflict) as err:
        services.verify_actual(actor=entered_by, actual=actual)
    assert err.value.code == "own_actual"
    services.verify_actual(actor=verifier, actual=actual)
    db.session.commit()
    assert actual.status == "verified" and actual.verified_by_id == verifier.id
    events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.object_type == "actual", AuditEvent.object_id == actual.id).order_by(AuditEvent.id)).all()
    assert events == [("actual.create", entered_by.id), ("actual.submit", entered_by.id),
                      ("actual.verify", verifier.id)]


def test_a_verified_actual_never_changes_and_a_correction_counts_once_verified(framework, actual_of):
    agreement, indicator = framework()
    first = actual_of(indicator, 90)
    with pytest.raises(Conflict) as err:
        services.update_actual(actor="test", actual=first, agreement=agreement, today=TODAY,
                               data=services.ActualData(*Q1, Decimal(95)))
    assert err.value.code == "actual_verified"
    db.session.rollback()
    # A second figure for the same period must say it corrects the verified one.
    with pytest.raises(ValidationFailed) as err:
        services.record_actual(actor="test", indicator=indicator, agreement=agreement, today=TODAY,
                               data=services.ActualData(*Q1, Decimal(95)))
    assert err.value.fields["corrects_id"][0].startswith(f"Actual no. {first.id} for this period")
    # A split by sex is another figure, not a correction.
    actual_of(indicator, 40, dims={"sex": "female"})
    correction = actual_of(indicator, 95, status="submitted", corrects_id=first.id)
    # While the correction waits, the verified figure still counts.
    [row, _q2] = queries.period_rows(queries.get_indicator(indicator.id))
    assert row.actual.id == first.id and row.percent == Decimal("90.0")
    assert [s.value for s in row.splits] == [Decimal("40.00")]
    services.verify_actual(actor="verifier", actual=correction)
    db.session.commit()
    [row, _q2] = queries.period_rows(queries.get_indicator(indicator.id))
    assert row.actual.id == correction.id and row.percent == Decimal("95.0")
    # The earlier figure stays, verified, and its value is in the audit log.
    db.session.refresh(first)
    assert first.status == "verified" and first.value == Decimal("90.00")
    created = db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "actual.create",
                                                               AuditEvent.object_id == first.id))
    assert '"value":"90.00"' in created
    # A correction names the figure that still counts, not the corrected one.
    with pytest.raises(ValidationFailed) as err:
        services.record_actual(actor="test", indicator=indicator, agreement=agreement, today=TODAY,
                               data=services.ActualData(*Q1, Decimal(96), corrects_id=first.id))
    assert "still counts" in err.value.fields["corrects_id"][0]


def test_editing_a_submitted_actual_returns_it_to_draft(framework, actual_of):
    agreement, indicator = framework()
    actual = actual_of(indicator, 90, status="submitted")
    services.update_actual(actor="test", actual=actual, agreement=agreement, today=TODAY,
                           data=services.ActualData(*Q1, Decimal(91), {"region": "Kab. Bogor"}))
    db.session.commit()
    # The same dimension again, with another value (found by schemathesis: a unique-key clash).
    services.update_actual(actor="test", actual=queries.get_actual(actual.id), agreement=agreement, today=TODAY,
                           data=services.ActualData(*Q1, Decimal(91), {"region": "Kab. Bogor", "sex": "male"}))
    db.session.commit()
    assert {d.name: d.value for d in queries.get_actual(actual.id).dimensions} == {"region": "Kab. Bogor",
                                                                                  "sex": "male"}
    assert actual.status == "draft" and actual.submitted_at is None and actual.value == Decimal("91.00")
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "actual.update")
                               .order_by(AuditEvent.id))
    assert '"value":"90.00"' in change.before and '"region":"Kab. Bogor"' in change.after


def test_indicator_codes_are_unique_within_an_agreement(framework):
    agreement, indicator = framework()
    with pytest.raises(ValidationFailed) as err:
        services.create_result(actor="test", agreement=agreement, kind="output", title="X", indicators=[
            services.IndicatorData(title="Y", unit="u", code="TOILET")])
    assert err.value.fields == {"indicators.0.code": ["Another indicator of this agreement has the code TOILET."]}
    # Another agreement may use the same code.
    framework()
