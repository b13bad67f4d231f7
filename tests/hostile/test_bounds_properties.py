"""Properties of the bounds, through every door: any date, id or recurrence rule sent through a form,
the API or the members CSV import answers 2xx or 4xx, never 5xx, and a 4xx writes nothing.

BOUNDS_EXAMPLES sets the examples per test (25 by default; set it higher for a long run)."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from govtrack.db import MAX_ID
from tests.hostile.conftest import parse_forms, table_counts
from tests.obligations.test_recurrence import RULES

EXAMPLES = int(os.environ.get("BOUNDS_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate])

EDGE_DATES = ["1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "9999-12-31", "0001-01-01", "2027-02-30",
              "10000-01-01", "+2027-03-15", "2027-1-1", "20270315", "2027-03-15T09:00", "", "null"]
date_text = st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(dt.date.isoformat),
                      st.text(max_size=12))
date_time_text = st.one_of(
    st.builds(lambda d, off: f"{d.isoformat()}T23:30:00{off}", st.dates(),
              st.sampled_from(["+00:00", "-05:00", "+14:00", "-12:00", "Z", ""])),
    date_text)
id_value = st.one_of(
    st.integers(-2, 3), st.sampled_from([MAX_ID, MAX_ID + 1, 2**63, -(2**63), 10**30]),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
    st.integers(-5, 10**12).map(str), st.floats(allow_nan=False).map(str), st.text(max_size=8),
    st.lists(st.integers(1, 5), max_size=2))
counter = itertools.count(1)


def _unique() -> str:
    return f"B{next(counter):05d}"


def _check(resp, before: dict) -> None:
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    if resp.status_code >= 400:
        assert table_counts() == before


@pytest.fixture
def api(world, api_as):
    return api_as(world.admin)


# ---- the API ----

def _api_date_targets(world) -> list[tuple[str, str, dict, str]]:
    """(method, path, body without the date, the date field)."""
    ids, objects = world.ids, world.objects
    party = [{"partner_id": ids["partner_id"], "role": "funder"}]
    return [
        ("POST", "/api/v1/agreements", {"title": "Dated", "kind": "grant", "parties": party}, "start_date"),
        ("POST", "/api/v1/agreements", {"title": "Dated", "kind": "grant", "parties": party}, "end_date"),
        ("PATCH", f"/api/v1/agreements/{ids['agreement_id']}", {}, "end_date"),
        ("POST", "/api/v1/members", {"name": "Dated"}, "joined_on"),
        ("POST", "/api/v1/obligations", {"agreement_id": objects["active"].id, "owed_by": "cooperative",
                                         "kind": "report", "title": "Dated"}, "due_date"),
        ("POST", "/api/v1/obligations", {"agreement_id": objects["active"].id, "owed_by": "cooperative",
                                         "kind": "report", "title": "Dated", "rrule": "FREQ=YEARLY"}, "starts_on"),
        ("POST", f"/api/v1/obligations/{ids['obligation_id']}/fulfil", {"note": "n"}, "date"),
        ("POST", "/api/v1/meetings", {"forum_id": objects["forum"].id, "title": "Dated"}, "starts_at"),
    ]


def test_any_date_through_the_api_is_taken_or_refused_without_a_write(world, api):
    targets = _api_date_targets(world)

    @SETTINGS
    @given(target=st.sampled_from(range(len(targets))), value=st.one_of(date_text, date_time_text))
    def run(target, value):
        method, path, body, field = targets[target]
        body = {**body, field: None if value == "null" else value}
        if path == "/api/v1/members":
            body["number"] = _unique()
        before = table_counts()
        resp = api.client.open(path, method=method, json=body, headers=api.headers)
        _check(resp, before)
        if resp.status_code == 422 and field in resp.get_json()["error"].get("fields", {}):
            assert resp.get_json()["error"]["fields"][field]

    run()


def test_any_date_in_a_query_filter_is_answered_without_a_5xx(sign_in, world, api, client):
    urls = ["/api/v1/obligations?due_before={}", "/api/v1/network?as_of={}", "/api/v1/network?since={}",
            "/api/v1/network/impact?partner_id=1&as_of={}", "/obligations/?due_before={}",
            "/obligations/list?due_from={}", "/network/?as_of={}", "/network/?since={}"]
    sign_in(world.admin)

    @SETTINGS
    @given(url=st.sampled_from(urls), value=date_text)
    def run(url, value):
        resp = client.get(url.format(value), headers=api.headers if url.startswith("/api/") else {})
        assert resp.status_code < 500, (url, value)

    run()


def _api_id_targets(world) -> list[tuple[str, str, dict, str]]:
    ids, objects = world.ids, world.objects
    ob = {"agreement_id": objects["active"].id, "owed_by": "cooperative", "kind": "report", "title": "Ids",
          "due_date": "2027-06-30"}
    return [
        ("POST", "/api/v1/agreements", {"title": "Ids", "kind": "grant", "parties": "PARTY"}, "partner_id"),
        ("POST", "/api/v1/agreements", {"title": "Ids", "kind": "grant",
                                        "parties": [{"partner_id": ids["partner_id"], "role": "funder"}]},
         "depends_on"),
        ("POST", "/api/v1/obligations", ob, "agreement_id"),
        ("POST", "/api/v1/obligations", ob, "partner_id"),
        ("POST", "/api/v1/obligations", ob, "clause_id"),
        ("POST", "/api/v1/obligations", ob, "responsible_id"),
        ("POST", f"/api/v1/obligations/{ids['obligation_id']}/fulfil", {"date": "2027-03-15"}, "occurrence_id"),
        ("POST", f"/api/v1/obligations/{ids['obligation_id']}/waive", {"reason": "r"}, "decision_id"),
        ("POST", "/api/v1/meetings", {"title": "Ids", "starts_at": "2027-06-01T09:00:00+07:00"}, "forum_id"),
        ("POST", f"/api/v1/members/{ids['member_id']}/interests", {"note": "n"}, "partner_id"),
        ("PUT", f"/api/v1/meetings/{ids['meeting_id']}/attendance", "ATTENDANCE", "member_id"),
        ("POST", "/api/v1/forums", {"name": "Ids", "kind": "board", "voters": "VOTERS"}, "voters"),
    ]


def test_any_id_through_the_api_is_taken_or_refused_without_a_write(world, api):
    targets = _api_id_targets(world)

    @SETTINGS
    @given(target=st.sampled_from(range(len(targets))), value=id_value)
    def run(target, value):
        method, path, body, field = targets[target]
        if body == "ATTENDANCE":
            body = [{"member_id": value, "status": "present"}]
        elif body.get("parties") == "PARTY":
            body = {**body, "parties": [{"partner_id": value, "role": "funder"}]}
        elif body.get("voters") == "VOTERS":
            body = {**body, "voters": [value]}
        elif field == "depends_on":
            body = {**body, field: [value]}
        else:
            body = {**body, field: value}
        before = table_counts()
        resp = api.client.open(path, method=method, json=body, headers=api.headers)
        _check(resp, before)
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
            assert resp.status_code in (400, 409, 422), (path, field, value, resp.status_code)

    run()


def test_any_rule_through_the_api_is_taken_or_refused_without_a_write(world, api):
    @SETTINGS
    @given(rule=RULES, starts_on=st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), st.dates()))
    def run(rule, starts_on):
        before = table_counts()
        resp = api.post("/api/v1/obligations", json={
            "agreement_id": world.objects["active"].id, "owed_by": "cooperative", "kind": "report",
            "title": "Ruled", "rrule": rule, "starts_on": starts_on.isoformat()})
        _check(resp, before)

    run()


# ---- the forms ----

def _form(client, page: str) -> dict:
    """The page's own form values (the richest POST form on it), with the CSRF token."""
    html = client.get(page).get_data(as_text=True)
    spec = max(parse_forms(client.application, page, html), key=lambda s: len(s.fields))
    data = {}
    for name, field in spec.fields.items():
        if field["kind"] in ("button", "file"):
            continue
        if field["kind"] == "select" and not field["value"] and field.get("options"):
            data[name] = next((o for o in field["options"] if o), "")
        else:
            data[name] = field["value"] or ""
    return data


def _form_targets(world) -> list[tuple[str, dict, str]]:
    """(page, values over the page's own, the date or rule field)."""
    active = world.objects["active"].id
    once = {"agreement_id": str(active), "owed_by": "cooperative", "kind": "report", "title": "Form dated",
            "schedule": "once", "due_date": "2027-06-30", "currency": "IDR"}
    series = {**once, "schedule": "monthly", "day": "15", "starts_on": "2027-01-15"}
    return [
        ("/agreements/new", {"title": "Form dated", "kind": "grant",
                             "parties-0-partner": str(world.ids["partner_id"]), "parties-0-role": "funder"},
         "start_date"),
        ("/agreements/new", {"title": "Form dated", "kind": "grant",
                             "parties-0-partner": str(world.ids["partner_id"]), "parties-0-role": "funder"},
         "end_date"),
        ("/members/new", {"name": "Form dated"}, "joined_on"),
        ("/obligations/new", once, "due_date"),
        ("/obligations/new", series, "starts_on"),
        ("/obligations/new", series, "until"),
        (f"/obligations/occurrences/{world.ids['occurrence_id']}/fulfil", {}, "date"),
        ("/forums/meetings/new", {"title": "Form dated"}, "starts_at"),
    ]


def test_any_date_through_the_forms_is_taken_or_refused_without_a_write(sign_in, world, client):
    sign_in(world.admin)
    targets = _form_targets(world)
    pages = {page: _form(client, page) for page, _values, _field in targets}

    local_time = st.dates().map(lambda d: f"{d.isoformat()}T23:30")  # the form's datetime-local

    @SETTINGS
    @given(target=st.sampled_from(range(len(targets))), value=st.one_of(date_text, date_time_text, local_time))
    def run(target, value):
        page, values, field = targets[target]
        data = {**pages[page], **values, field: value}
        if page == "/members/new":
            data["number"] = _unique()
        before = table_counts()
        resp = client.post(page, data=data)
        _check(resp, before)
        if resp.status_code == 422 and value in ("2201-01-01", "9999-12-31", "1899-12-31") and field != "starts_at":
            assert "2200-12-31" in resp.get_data(as_text=True), (page, field, value)

    run()


def test_any_rule_through_the_form_is_taken_or_refused_without_a_write(sign_in, world, client):
    sign_in(world.admin)
    base = _form(client, "/obligations/new")

    @SETTINGS
    @given(rule=RULES)
    def run(rule):
        data = {**base, "agreement_id": str(world.objects["active"].id), "owed_by": "cooperative",
                "kind": "report", "title": "Form ruled", "schedule": "rrule", "starts_on": "2027-01-01",
                "rrule": rule, "currency": "IDR"}
        before = table_counts()
        resp = client.post("/obligations/new", data=data)
        _check(resp, before)

    run()


# ---- the members CSV import ----

def test_any_joined_on_through_the_csv_import_is_taken_or_refused_by_line_without_a_write(world, api):
    @SETTINGS
    @given(value=date_text.filter(lambda v: "," not in v and "\n" not in v and "\r" not in v and '"' not in v))
    def run(value):
        csv = f"number,name,group,joined_on,active,investor\n{_unique()},Ani,G,{value},yes,no\n"
        before = table_counts()
        resp = api.client.post("/api/v1/members/import", data=csv.encode(), content_type="text/csv",
                               headers=api.headers)
        _check(resp, before)
        if value in ("1899-12-31", "9999-12-31", "0001-01-01"):
            assert resp.status_code == 422
            assert "1900-01-01" in resp.get_json()["errors"][0]["message"]

    run()
