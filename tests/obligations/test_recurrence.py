"""Recurrence edges: the 31st, 29 February, an end that cuts a series, an agreement whose end
moves, the rolling horizon, and rules refused."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.obligations import recurrence
from tests.obligations.conftest import occurrences_of

D = dt.date


def _dates(ob_id):
    return [o.due_on for o in occurrences_of(ob_id)]


def test_monthly_on_the_31st_falls_on_each_months_last_day(make_obligation, setting):
    rule = recurrence.build_rule("monthly", D(2027, 1, 31), day=31, until=D(2027, 6, 30))
    ob = make_obligation(rrule=rule, starts_on=D(2027, 1, 31), amount="500000", kind="repayment",
                         owed_by="cooperative", partner_id=setting["lender"].id)
    assert _dates(ob.id) == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30),
                             D(2027, 5, 31), D(2027, 6, 30)]


def test_a_raw_rrule_on_the_31st_keeps_rfc_5545_meaning_and_skips_short_months(make_obligation):
    ob = make_obligation(rrule="RRULE:FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20270630", starts_on=D(2027, 1, 1))
    assert _dates(ob.id) == [D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31)]


def test_quarterly_on_day_30_falls_on_28_february(make_obligation):
    rule = recurrence.build_rule("quarterly", D(2026, 11, 30), day=30, count=3)
    ob = make_obligation(rrule=rule, starts_on=D(2026, 11, 30))
    assert _dates(ob.id) == [D(2026, 11, 30), D(2027, 2, 28), D(2027, 5, 30)]


def test_yearly_from_29_february_falls_on_28_february_in_common_years(make_obligation, make_agreement):
    agreement = make_agreement("Long permit", kind="permit", end_date=D(2033, 1, 1))
    from sqlalchemy import select

    from govtrack.agreements.models import AgreementParty

    partner_id = db.session.scalar(select(AgreementParty.partner_id).where(AgreementParty.agreement_id == agreement.id))
    rule = recurrence.build_rule("yearly", D(2028, 2, 29))
    ob = make_obligation(agreement_id=agreement.id, partner_id=partner_id, rrule=rule,
                         starts_on=D(2028, 2, 29), kind="report", today=D(2031, 1, 1))
    assert _dates(ob.id) == [D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28), D(2032, 2, 29)]


def test_a_raw_yearly_rule_from_29_february_only_meets_leap_years():
    rule = recurrence.parse_rule("FREQ=YEARLY", D(2028, 2, 29))
    assert recurrence.dates_between(rule, D(2036, 12, 31)) == [D(2028, 2, 29), D(2032, 2, 29), D(2036, 2, 29)]


def test_the_agreements_end_cuts_a_series_on_its_last_day(make_obligation, setting):
    # The agreement ends 2028-12-31: a monthly series on the 31st stops exactly there.
    ob = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=1", starts_on=D(2028, 10, 1), today=D(2028, 1, 1))
    assert _dates(ob.id) == [D(2028, 10, 1), D(2028, 11, 1), D(2028, 12, 1)]
    ob2 = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=31", starts_on=D(2028, 11, 1), today=D(2028, 1, 1),
                          title="Last day")
    assert _dates(ob2.id) == [D(2028, 12, 31)]


def test_the_rules_own_until_cuts_before_the_agreements_end(make_obligation):
    ob = make_obligation(rrule="FREQ=WEEKLY;UNTIL=20270122", starts_on=D(2027, 1, 1))
    assert _dates(ob.id) == [D(2027, 1, 1), D(2027, 1, 8), D(2027, 1, 15), D(2027, 1, 22)]


def test_an_endless_series_stops_at_the_horizon_and_extends_as_time_passes(app, make_obligation, make_agreement):
    from govtrack.obligations.services import extend_occurrences

    open_ended = make_agreement("Open-ended MoU", kind="mou")  # no end date
    from sqlalchemy import select

    from govtrack.agreements.models import AgreementParty

    partner_id = db.session.scalar(select(AgreementParty.partner_id).where(AgreementParty.agreement_id == open_ended.id))
    ob = make_obligation(agreement_id=open_ended.id, partner_id=partner_id, rrule="FREQ=MONTHLY",
                         starts_on=D(2027, 1, 10), kind="report", today=D(2027, 1, 1))
    dates = _dates(ob.id)
    assert dates[0] == D(2027, 1, 10) and dates[-1] == D(2028, 12, 10) and len(dates) == 24

    assert extend_occurrences(actor="test", today=D(2027, 4, 1)) == 3
    db.session.commit()
    assert _dates(ob.id)[-1] == D(2029, 3, 10)
    # Idempotent: the same day again adds nothing.
    assert extend_occurrences(actor="test", today=D(2027, 4, 1)) == 0


def test_when_the_agreements_end_moves_occurrences_follow_but_fulfilled_ones_stay(
    app, make_agreement, make_partner, make_obligation, today
):
    from govtrack.agreements.queries import load_agreement
    from govtrack.agreements.services import update_agreement
    from govtrack.obligations.services import fulfil, load_for_update

    partner = make_partner("Dinas PU")
    draft = make_agreement("Draft works", kind="construction", parties=[(partner, "contractor")],
                           start_date=D(2027, 1, 1), end_date=D(2027, 4, 30))
    ob = make_obligation(agreement_id=draft.id, partner_id=partner.id, kind="construction_milestone",
                         rrule=recurrence.build_rule("monthly", D(2027, 1, 31), day=31), starts_on=D(2027, 1, 31))
    assert _dates(ob.id) == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    march = occurrences_of(ob.id)[2]
    fulfil(actor="test", obligation=load_for_update(ob.id), occurrence_id=march.id, on=D(2027, 3, 30))
    db.session.commit()

    update_agreement(actor="test", agreement=load_agreement(draft.id), changes={"end_date": D(2027, 2, 15)})
    db.session.commit()
    # February and April are gone; March stays because it was fulfilled.
    assert _dates(ob.id) == [D(2027, 1, 31), D(2027, 3, 31)]

    update_agreement(actor="test", agreement=load_agreement(draft.id), changes={"end_date": D(2027, 6, 30)})
    db.session.commit()
    assert _dates(ob.id) == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30),
                             D(2027, 5, 31), D(2027, 6, 30)]


@pytest.mark.parametrize("text", [
    "FREQ=HOURLY;COUNT=3", "not a rule", "DTSTART:20270101\nRRULE:FREQ=DAILY", "FREQ=MONTHLY;BYMONTHDAY=40", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "",
])
def test_bad_rules_are_refused_with_a_field_error(text):
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule(text, D(2027, 1, 1))
    assert "rrule" in err.value.fields


def test_a_bad_rule_through_the_service_writes_nothing(app, make_obligation):
    from sqlalchemy import func, select

    from govtrack.obligations.models import Obligation

    with pytest.raises(ValidationFailed) as err:
        make_obligation(rrule="FREQ=SECONDLY", starts_on=D(2027, 1, 1))
    db.session.rollback()
    assert "rrule" in err.value.fields
    assert db.session.scalar(select(func.count()).select_from(Obligation)) == 0
