"""The recurrence builder: every missing or contradictory input is a field error naming the field,
through the form and the API, and nothing is written; never a 500 (a monthly series with no start
date and no day crashed in recurrence.build_rule)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govtrack.errors import ValidationFailed
from govtrack.obligations import recurrence
from tests.conftest import csrf_token
from tests.hostile.conftest import table_counts

D = dt.date


# ---- the builder itself ----

@pytest.mark.parametrize(("pattern", "starts_on", "kw", "field"), [
    ("monthly", None, {}, "starts_on"),
    ("monthly", None, {"day": 10}, "starts_on"),
    ("quarterly", None, {}, "starts_on"),
    ("weekly", None, {}, "starts_on"),
    ("yearly", None, {}, "starts_on"),
    ("monthly", D(1899, 12, 31), {}, "starts_on"),
    ("monthly", D(2027, 1, 1), {"day": 0}, "day"),
    ("monthly", D(2027, 1, 1), {"day": 32}, "day"),
    ("quarterly", D(2027, 1, 1), {"day": True}, "day"),
    ("monthly", D(2027, 1, 1), {"until": D(2026, 12, 31)}, "until"),
    ("yearly", D(2027, 1, 1), {"until": D(2201, 1, 1)}, "until"),
    ("weekly", D(2027, 1, 1), {"until": D(2027, 6, 1), "count": 3}, "until"),
    ("weekly", D(2027, 1, 1), {"count": 0}, "count"),
    ("weekly", D(2027, 1, 1), {"count": recurrence.MAX_COUNT + 1}, "count"),
    ("daily", D(2027, 1, 1), {}, "schedule"),
    (None, D(2027, 1, 1), {}, "schedule"),
])
def test_each_missing_or_bad_input_of_the_builder_is_a_field_error(app, pattern, starts_on, kw, field):
    with app.test_request_context(), pytest.raises(ValidationFailed) as err:
        recurrence.build_rule(pattern, starts_on, **kw)
    assert list(err.value.fields) == [field]
    assert err.value.fields[field][0]


def test_the_builder_still_builds_each_pattern(app):
    with app.test_request_context():
        assert recurrence.build_rule("monthly", D(2027, 1, 10)) == "FREQ=MONTHLY;BYMONTHDAY=10"
        assert recurrence.build_rule("quarterly", D(2027, 1, 1), day=31, count=4) == (
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=4")
        assert recurrence.build_rule("yearly", D(2028, 2, 29)) == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
        assert recurrence.build_rule("weekly", D(2027, 1, 4), until=D(2027, 1, 4)) == "FREQ=WEEKLY;UNTIL=20270104"


# ---- the form ----

def _post(client, setting, **fields):
    data = {"csrf_token": csrf_token(client, "/obligations/new"), "agreement_id": setting["agreement"].id,
            "owed_by": "partner", "partner_id": setting["funder"].id, "kind": "report",
            "title": "Laporan bulanan", "currency": "IDR", "responsible_id": setting["manager"].id}
    data.update(fields)
    return client.post("/obligations/new", data=data, headers={"Accept-Language": "id"})


def _error_of(html: str, field: str) -> str:
    m = re.search(rf'id="{field}-errors"[^>]*>\s*<div>([^<]+)</div>', html)
    return m.group(1) if m else ""


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"schedule": "monthly"}, "starts_on", "tanggal mulai"),
    ({"schedule": "monthly", "day": "10"}, "starts_on", "tanggal mulai"),
    ({"schedule": "quarterly"}, "starts_on", "tanggal mulai"),
    ({"schedule": "weekly"}, "starts_on", "tanggal mulai"),
    ({"schedule": "yearly"}, "starts_on", "tanggal mulai"),
    ({"schedule": "rrule", "rrule": "FREQ=MONTHLY;BYMONTHDAY=10"}, "starts_on", "tanggal mulai"),
    ({"schedule": "rrule", "starts_on": "2027-01-01"}, "rrule", "RRULE"),
    ({"schedule": "once"}, "due_date", "tanggal jatuh tempo"),
    ({"schedule": "monthly", "starts_on": "2027-05-01", "until": "2027-04-30"}, "until", "2027-05-01"),
    ({"schedule": "monthly", "starts_on": "2027-05-01", "day": "32"}, "day", "31"),
    ({"schedule": "monthly", "starts_on": "2027-05-01", "day": "31", "until": "2027-05-20"}, "schedule", ""),
])
def test_the_form_names_the_missing_field_in_indonesian_and_writes_nothing(
        client, sign_in, setting, fields, field, words):
    sign_in(setting["manager"])
    before = table_counts()
    resp = _post(client, setting, **fields)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[-1500:]
    message = _error_of(html, field)
    assert message and words in message, (field, message)
    if field != "rrule":  # the custom RRULE field, not typed, is never blamed
        assert not _error_of(html, "rrule")
    assert table_counts() == before


def test_monthly_with_a_start_date_and_no_day_falls_on_the_start_dates_day(client, sign_in, setting):
    sign_in(setting["manager"])
    resp = _post(client, setting, schedule="monthly", starts_on="2027-04-10", until="2027-06-30")
    assert resp.status_code == 302


# ---- the API ----

def _create(api, setting, **body):
    return api.post("/api/v1/obligations", json={
        "agreement_id": setting["agreement"].id, "owed_by": "partner", "partner_id": setting["funder"].id,
        "kind": "report", "title": "Laporan bulanan", **body})


@pytest.mark.parametrize(("body", "field"), [
    ({"schedule": {"pattern": "monthly"}}, "starts_on"),
    ({"schedule": {"pattern": "yearly"}}, "starts_on"),
    ({"schedule": {"pattern": "weekly"}}, "starts_on"),
    ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=10"}, "starts_on"),
    ({"schedule": {"pattern": "fortnightly"}, "starts_on": "2027-01-01"}, "schedule.pattern"),
    ({"schedule": {"pattern": "monthly", "day": 32}, "starts_on": "2027-01-01"}, "schedule.day"),
    ({"schedule": {"pattern": "monthly", "day": 1.5}, "starts_on": "2027-01-01"}, "schedule.day"),
    ({"schedule": {"pattern": "monthly", "until": "2026-12-01"}, "starts_on": "2027-01-01"}, "schedule.until"),
    ({"schedule": {"pattern": "weekly", "until": "2027-06-01", "count": 2}, "starts_on": "2027-01-01"},
     "schedule.until"),
    ({"schedule": {"pattern": "monthly", "day": 31, "until": "2027-01-20"}, "starts_on": "2027-01-05"}, "schedule"),
    ({"schedule": {"pattern": "monthly"}, "rrule": "FREQ=WEEKLY", "starts_on": "2027-01-01"}, "schedule"),
    ({}, "due_date"),
])
def test_the_api_names_the_field_and_writes_nothing(api_as, setting, body, field):
    api = api_as(setting["manager"])
    before = table_counts()
    resp = _create(api, setting, **body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"], resp.get_json()
    assert table_counts() == before


def test_the_api_builds_a_schedule_as_the_form_does(api_as, setting, today):
    api = api_as(setting["manager"])
    resp = _create(api, setting, starts_on="2027-01-31", schedule={"pattern": "monthly", "day": 31, "count": 3})
    assert resp.status_code == 201, resp.get_json()
    ob = resp.get_json()
    assert ob["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=3"
    assert [o["due_on"] for o in ob["occurrences"]] == ["2027-01-31", "2027-02-28", "2027-03-31"]
    assert "schedule" not in ob
