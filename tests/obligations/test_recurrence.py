"""Recurrence edges: the 31st, 29 February, an end that cuts a series, an agreement whose end
moves, the rolling horizon, and rules refused."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# ---- hostile rules: each is refused, or answered quickly with a bounded number of dates ----

START = D(2027, 1, 1)  # a Friday
BYHOUR_ALL = "BYHOUR=" + ",".join(str(h) for h in range(1, 24))
BYMINUTE_ALL = "BYMINUTE=" + ",".join(str(m) for m in range(60))
HOSTILE_RULES = [
    "FREQ=DAILY;COUNT=100000000",
    f"FREQ=DAILY;COUNT=100000000;{BYHOUR_ALL};{BYMINUTE_ALL}",
    f"FREQ=DAILY;{BYHOUR_ALL}",
    "FREQ=WEEKLY;COUNT=10000000;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    "FREQ=DAILY;BYHOUR=0", "FREQ=DAILY;BYMINUTE=0", "FREQ=DAILY;BYSECOND=0", "FREQ=YEARLY;BYEASTER=0",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYSETPOS=-1;BYMONTHDAY=30;BYMONTH=2",
    "FREQ=DAILY;BYYEARDAY=1;BYMONTH=2",
    "FREQ=YEARLY;BYYEARDAY=1;BYMONTH=2",
    "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # from 2027 it never meets a leap year
    "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # from a Friday, every 7th day is a Friday
    "FREQ=MONTHLY;BYSETPOS=40;BYMONTHDAY=1",
    "FREQ=MONTHLY;INTERVAL=12;BYMONTH=2",  # from January, only Januaries
    "FREQ=DAILY;INTERVAL=1000000000", "FREQ=WEEKLY;INTERVAL=99999999999999999999;BYDAY=MO",
    "FREQ=YEARLY;INTERVAL=1000000000",
    "FREQ=YEARLY;UNTIL=99991231", "FREQ=DAILY;UNTIL=99991231T235959Z", "FREQ=MONTHLY;UNTIL=18991231",
    "FREQ=YEARLY;COUNT=1000;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
    "FREQ=MONTHLY;COUNT=1000;BYDAY=5MO;BYMONTH=2",
    "FREQ=YEARLY;COUNT=1000;BYWEEKNO=53;BYDAY=MO",
    "FREQ=YEARLY;BYWEEKNO=53;BYYEARDAY=1",
    "FREQ=MONTHLY;COUNT=0", "FREQ=MONTHLY;COUNT=-1", "FREQ=DAILY;COUNT=99999999999999999999999",
    "FREQ=DAILY;BYDAY=" + ",".join(["MO"] * 120),
]


def _generate(text: str) -> list[dt.date] | ValidationFailed:
    """What creating and generating a series does with a rule: parse, find its limit, list its dates."""
    try:
        rule = recurrence.parse_rule(text, START)
    except ValidationFailed as err:
        return err
    limit = recurrence.generation_limit(rule, agreement_end=None, today=D(2200, 12, 31), months=0)
    return recurrence.dates_between(rule, limit)


@pytest.fixture
def yields(monkeypatch) -> dict:
    """Count every date dateutil hands out, whoever asks for it."""
    from dateutil import rrule as dateutil_rrule

    counter = {"n": 0}
    original = dateutil_rrule.rrule._iter

    def counting(self):
        for when in original(self):
            counter["n"] += 1
            yield when

    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counting)
    return counter


@pytest.mark.parametrize("text", HOSTILE_RULES)
def test_a_hostile_rule_is_refused_or_answered_quickly_with_few_dates(text, yields):
    started = time.perf_counter()
    result = _generate(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{text} took {elapsed:.2f} s"
    assert yields["n"] <= 3 * recurrence.MAX_COUNT + 10
    if isinstance(result, ValidationFailed):
        assert result.fields["rrule"] and all(result.fields["rrule"])
    else:
        assert len(result) <= recurrence.MAX_OCCURRENCES


@pytest.mark.parametrize("part", ["BYHOUR=1", "BYMINUTE=0", "BYSECOND=30", "BYHOUR=0;BYMINUTE=0", "BYEASTER=0"])
def test_time_of_day_parts_and_easter_are_refused(part):
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule(f"FREQ=DAILY;{part}", START)
    assert part.split("=")[0] in err.value.fields["rrule"][0]


def test_count_up_to_its_cap_is_taken_and_one_more_is_refused():
    cap = recurrence.MAX_COUNT
    rule = recurrence.parse_rule(f"FREQ=DAILY;COUNT={cap}", START)
    assert recurrence.rule_end(rule) == START + dt.timedelta(days=cap - 1)
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule(f"FREQ=DAILY;COUNT={cap + 1}", START)
    assert str(cap) in err.value.fields["rrule"][0]


def test_until_up_to_the_last_date_is_taken_and_one_day_later_is_refused():
    from govtrack.core import dates

    last = dates.MAX_DATE.strftime("%Y%m%d")
    rule = recurrence.parse_rule(f"FREQ=YEARLY;UNTIL={last}", START)
    assert recurrence.rule_end(rule) == dates.MAX_DATE
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule(f"FREQ=YEARLY;UNTIL={int(last) + 10000}", START)
    assert dates.MAX_DATE.isoformat() in err.value.fields["rrule"][0]


def test_a_series_whose_count_runs_past_the_last_date_is_refused():
    from govtrack.core import dates

    # Yearly from 2027, the 174th date is in 2200: taken; the 175th would be in 2201.
    rule = recurrence.parse_rule("FREQ=YEARLY;COUNT=174", START)
    assert recurrence.rule_end(rule) == D(2200, 1, 1)
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule("FREQ=YEARLY;COUNT=175", START)
    assert dates.MAX_DATE.isoformat() in err.value.fields["rrule"][0]


def test_a_rule_that_never_falls_on_a_date_is_refused_quickly():
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as err:
        recurrence.parse_rule("FREQ=DAILY;INTERVAL=7;BYDAY=MO", START)
    assert time.perf_counter() - started < 1.0
    assert "never" in err.value.fields["rrule"][0]


def test_a_rare_rule_is_still_taken():
    # 29 February on a Monday: 2044, 2072, ...
    rule = recurrence.parse_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", START)
    assert recurrence.dates_between(rule, D(2080, 1, 1)) == [D(2044, 2, 29), D(2072, 2, 29)]


def test_the_series_limit_does_not_walk_a_long_count(yields):
    rule = recurrence.parse_rule(f"FREQ=DAILY;COUNT={recurrence.MAX_COUNT}", START)
    yields["n"] = 0
    limit = recurrence.generation_limit(rule, agreement_end=None, today=START, months=1)
    assert limit == D(2027, 2, 1)
    assert yields["n"] <= 40


# ---- any rule at all: built part by part from the grammar, with values in and far out of range ----

def _values(numbers) -> st.SearchStrategy[str]:
    return st.lists(numbers, min_size=1, max_size=6).map(lambda xs: ",".join(str(x) for x in xs))


WEEKDAYS = st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])
ORDINAL_DAY = st.tuples(st.one_of(st.just(""), st.integers(-60, 60).map(str)), WEEKDAYS).map("".join)
RULE_PARTS = {
    "INTERVAL": st.integers(-2, 10**12).map(str),
    "COUNT": st.one_of(st.integers(-2, 3000), st.integers(0, 10**20)).map(str),
    "UNTIL": st.one_of(
        st.dates(D(1, 1, 1), D(9999, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
        st.dates(D(1890, 1, 1), D(2210, 12, 31)).map(lambda d: d.strftime("%Y%m%dT235959Z"))),
    "BYDAY": st.lists(ORDINAL_DAY, min_size=1, max_size=8).map(",".join),
    "BYMONTHDAY": _values(st.integers(-40, 40)),
    "BYMONTH": _values(st.integers(0, 13)),
    "BYYEARDAY": _values(st.integers(-400, 400)),
    "BYWEEKNO": _values(st.integers(-60, 60)),
    "BYSETPOS": _values(st.integers(-400, 400)),
    "BYHOUR": _values(st.integers(0, 25)),
    "BYMINUTE": _values(st.integers(0, 61)),
    "BYSECOND": _values(st.integers(0, 61)),
    "BYEASTER": st.integers(-400, 400).map(str),
    "WKST": WEEKDAYS,
}
RULES = st.builds(
    lambda freq, parts: ";".join([f"FREQ={freq}"] + [f"{key}={value}" for key, value in parts]),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY"]),
    st.lists(st.sampled_from(sorted(RULE_PARTS)).flatmap(lambda key: RULE_PARTS[key].map(lambda v: (key, v))),
             max_size=5, unique_by=lambda kv: kv[0]),
)


@given(text=RULES, starts_on=st.dates(D(1900, 1, 1), D(2200, 12, 31)))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_rule_is_refused_with_a_field_error_or_answered_quickly_with_few_dates(text, starts_on):
    started = time.perf_counter()
    try:
        rule = recurrence.parse_rule(text, starts_on)
    except ValidationFailed as err:
        assert err.fields.get("rrule"), err.fields
    else:
        limit = recurrence.generation_limit(rule, agreement_end=None, today=D(2200, 12, 31), months=0)
        assert len(recurrence.dates_between(rule, limit)) <= recurrence.MAX_OCCURRENCES
    assert time.perf_counter() - started < 2.0, text  # generous: a loaded CI machine
