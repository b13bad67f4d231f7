"""Bounds on values through every door: JSON nested too deep, ids that are not integers, dates far
outside any cooperative's life, and recurrence rules that would tie up a worker. Each is refused with a
message naming the field (or the body), and writes nothing."""

from __future__ import annotations

import io

import pytest

from govtrack.core import dates
from govtrack.db import MAX_ID
from govtrack.obligations import recurrence
from tests.hostile.conftest import table_counts

LAST = dates.MAX_DATE.isoformat()
FIRST = dates.MIN_DATE.isoformat()


@pytest.fixture
def api(world, api_as):
    return api_as(world.admin)


def _fields(resp) -> dict:
    return resp.get_json()["error"].get("fields", {})


# ---- 4. JSON nested too deep ----

def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _write_routes(world) -> list[tuple[str, str]]:
    ids = world.ids
    return [
        ("POST", "/api/v1/partners"),
        ("PATCH", f"/api/v1/partners/{ids['partner_id']}"),
        ("POST", "/api/v1/agreements"),
        ("POST", f"/api/v1/agreements/{ids['agreement_id']}/transition"),
        ("POST", "/api/v1/obligations"),
        ("POST", "/api/v1/members"),
        ("PUT", f"/api/v1/meetings/{ids['meeting_id']}/attendance"),
        ("POST", f"/api/v1/obligations/{ids['obligation_id']}/fulfil"),
    ]


@pytest.mark.parametrize("route", range(8))
def test_a_body_nested_thousands_deep_is_refused_with_400_before_it_is_parsed(world, api, route):
    method, url = _write_routes(world)[route]
    before = table_counts()
    body = '{"name": ' + _nested(5000) + "}"
    resp = api.client.open(url, method=method, data=body, content_type="application/json", headers=api.headers)
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    error = resp.get_json()["error"]
    assert error["code"] == "too_deep"
    assert "32" in error["message"]
    assert error["fields"]["body"]
    assert table_counts() == before


def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused(world, api):
    # The object itself is one level: 31 more fit, 32 more do not.
    ok = api.client.post("/api/v1/partners", data='{"name": ' + _nested(31) + "}",
                         content_type="application/json", headers=api.headers)
    assert ok.status_code == 422 and "name" in _fields(ok)
    deep = api.client.post("/api/v1/partners", data='{"name": ' + _nested(32) + "}",
                           content_type="application/json", headers=api.headers)
    assert deep.status_code == 400 and deep.get_json()["error"]["code"] == "too_deep"


def test_brackets_inside_strings_are_text_not_nesting(world, api):
    name = '[{"\\"' + "[" * 150
    resp = api.post("/api/v1/partners", json={"name": name, "category": "other"})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["name"] == name


# ---- 12a. ids are JSON integers ----

@pytest.mark.parametrize("bad", [1.5, 1.0, "1", "1.5", True, 0, -1, MAX_ID + 1, None])
def test_an_id_that_is_not_a_positive_json_integer_is_refused_naming_the_field(world, api, bad):
    before = table_counts()
    resp = api.post("/api/v1/agreements", json={
        "title": "Ids", "kind": "grant", "parties": [{"partner_id": bad, "role": "funder"}]})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert "parties.0.partner_id" in _fields(resp)
    assert table_counts() == before


@pytest.mark.parametrize("bad", [1.5, 1.0, "1", True])
def test_an_obligations_partner_id_of_1_5_is_not_taken_as_1(world, api, bad):
    before = table_counts()
    resp = api.post("/api/v1/obligations", json={
        "agreement_id": world.objects["active"].id, "owed_by": "partner", "partner_id": bad,
        "kind": "report", "title": "Report", "due_date": "2027-06-30"})
    assert resp.status_code == 422
    assert "partner_id" in _fields(resp)
    assert table_counts() == before


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/obligations/{obligation_id}/fulfil", "occurrence_id"),
    ("/api/v1/obligations/{obligation_id}/waive", "occurrence_id"),
])
def test_occurrence_ids_are_integers_too(world, api, path, field):
    before = table_counts()
    body = {"date": "2027-03-15", field: 1.5} if "fulfil" in path else {
        "decision_id": world.objects["decision"].id, "reason": "r", field: 1.5}
    resp = api.post(path.format(**world.ids), json=body)
    assert resp.status_code == 422
    assert field in _fields(resp)
    assert table_counts() == before


def test_the_largest_id_is_a_valid_id_that_names_nothing(world, api):
    resp = api.post("/api/v1/agreements", json={
        "title": "Ids", "kind": "grant", "parties": [{"partner_id": MAX_ID, "role": "funder"}]})
    assert resp.status_code == 422
    assert "parties.0.partner_id" not in _fields(resp) or "integer" not in str(_fields(resp))


@pytest.mark.parametrize("query", ["partner_id=1.5", "partner_id=1.0", "partner_id=true", "partner_id=1e3",
                                   f"partner_id={MAX_ID + 1}", "partner_id=%EF%BC%91", "partner_id=1_0"])
def test_an_id_in_a_query_string_is_digits(world, api, query):
    resp = api.get(f"/api/v1/obligations?{query}")
    assert resp.status_code == 422
    assert "partner_id" in _fields(resp)


def test_an_id_in_a_query_string_as_digits_is_taken(world, api):
    assert api.get(f"/api/v1/obligations?partner_id={world.ids['partner_id']}").status_code == 200


# ---- 12b. dates within 1900-01-01 .. 2200-12-31 ----

@pytest.mark.parametrize("day", ["9999-12-31", "2201-01-01", "1899-12-31", "0001-01-01"])
def test_a_payment_dated_far_away_is_refused(world, api, day):
    before = table_counts()
    resp = api.post(f"/api/v1/obligations/{world.ids['obligation_id']}/fulfil", json={"date": day})
    assert resp.status_code == 422
    assert FIRST in _fields(resp)["date"][0] and LAST in _fields(resp)["date"][0]
    assert table_counts() == before


def test_a_payment_dated_far_away_through_multipart_is_refused(world, api):
    before = table_counts()
    resp = api.client.post(f"/api/v1/obligations/{world.ids['obligation_id']}/fulfil",
                           data={"date": "9999-12-31", "evidence": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "e.pdf")},
                           content_type="multipart/form-data", headers=api.headers)
    assert resp.status_code == 422
    assert "date" in _fields(resp)
    assert table_counts() == before


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/agreements", {"title": "T", "kind": "grant", "parties": [{"partner_id": "P", "role": "funder"}],
                            "start_date": "9999-12-31"}, "start_date"),
    ("/api/v1/agreements", {"title": "T", "kind": "grant", "parties": [{"partner_id": "P", "role": "funder"}],
                            "end_date": "2201-01-01"}, "end_date"),
    ("/api/v1/members", {"number": "M-9", "name": "N", "joined_on": "1899-12-31"}, "joined_on"),
    ("/api/v1/obligations", {"agreement_id": "A", "owed_by": "cooperative", "kind": "report", "title": "T",
                             "due_date": "9999-12-31"}, "due_date"),
    ("/api/v1/obligations", {"agreement_id": "A", "owed_by": "cooperative", "kind": "report", "title": "T",
                             "rrule": "FREQ=MONTHLY", "starts_on": "1899-12-31"}, "starts_on"),
    ("/api/v1/meetings", {"forum_id": "F", "title": "T", "starts_at": "9999-12-31T23:00:00+00:00"}, "starts_at"),
    ("/api/v1/meetings", {"forum_id": "F", "title": "T", "starts_at": "9999-12-31T23:59:00-05:00"}, "starts_at"),
])
def test_a_date_out_of_range_is_refused_through_the_api(world, api, path, body, field):
    body = dict(body)
    if "parties" in body:
        body["parties"] = [{"partner_id": world.ids["partner_id"], "role": "funder"}]
    body = {k: {"A": world.objects["active"].id, "F": world.objects["forum"].id}.get(v, v)
            if isinstance(v, str) else v for k, v in body.items()}
    before = table_counts()
    resp = api.post(path, json=body)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert LAST in _fields(resp)[field][0]
    assert table_counts() == before


@pytest.mark.parametrize("day", [FIRST, LAST])
def test_the_first_and_last_dates_are_taken(world, api, day):
    resp = api.post("/api/v1/members", json={"number": f"M-{day}", "name": "Edge", "joined_on": day})
    assert resp.status_code in (201, 422)
    if resp.status_code == 422:  # a member cannot join in the future: refused for that, not the range
        assert "future" in _fields(resp)["joined_on"][0]
    resp = api.post("/api/v1/agreements", json={
        "title": "Edge", "kind": "grant", "parties": [{"partner_id": world.ids["partner_id"], "role": "funder"}],
        "start_date": day, "end_date": day})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]


@pytest.mark.parametrize("url", [
    "/api/v1/obligations?due_before=9999-12-31", "/api/v1/obligations?due_before=0001-01-01",
    "/api/v1/network?as_of=9999-12-31", "/api/v1/network?since=9999-12-31", "/api/v1/network?as_of=0001-01-01",
    "/api/v1/decisions?year=9999", "/api/v1/decisions?year=1899",
])
def test_a_far_date_in_an_api_filter_is_a_4xx(world, api, url):
    resp = api.get(url)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert url.split("?")[1].split("=")[0] in _fields(resp)


@pytest.mark.parametrize("url", ["/api/v1/decisions?from=9999-12-31", "/api/v1/decisions?to=0001-01-01"])
def test_a_far_date_in_an_unknown_api_filter_is_ignored_or_a_4xx(world, api, url):
    assert api.get(url).status_code < 500


@pytest.mark.parametrize("url", [
    "/obligations/?due_before=9999-12-31", "/obligations/occurrences?due_before=9999-12-31",
    "/obligations/?due_after=0001-01-01", "/network/?as_of=9999-12-31", "/network/?as_of=0001-01-01",
    "/network/?since=9999-12-31", "/forums/decisions?from=9999-12-31", "/admin/audit?date_to=9999-12-31",
])
def test_a_far_date_in_a_page_filter_is_a_4xx_or_ignored(sign_in, world, client, url):
    sign_in(world.admin)
    resp = client.get(url)
    assert resp.status_code < 500, resp.status_code


def test_a_csv_import_refuses_a_far_joined_on_naming_the_line(world, api):
    before = table_counts()
    csv = ("number,name,group,joined_on,active,investor\n"
           "M-10,Ani,G,2020-01-01,yes,no\nM-11,Budi,G,1800-01-01,yes,no\n")
    resp = api.client.post("/api/v1/members/import", data=csv, content_type="text/csv", headers=api.headers)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    errors = resp.get_json()["errors"]
    assert [e["line"] for e in errors] == [3]
    assert FIRST in errors[0]["message"] and LAST in errors[0]["message"]
    assert table_counts() == before


# ---- 3. recurrence rules through the doors ----

@pytest.mark.parametrize("rule", [
    "FREQ=DAILY;COUNT=100000000",
    "FREQ=DAILY;COUNT=100000000;BYHOUR=" + ",".join(str(h) for h in range(1, 24)),
    "FREQ=WEEKLY;COUNT=10000000;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    f"FREQ=MONTHLY;COUNT={recurrence.MAX_COUNT + 1}",
    "FREQ=YEARLY;UNTIL=99991231",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
])
def test_a_hostile_rule_through_the_api_is_refused_with_422_naming_rrule(world, api, rule):
    before = table_counts()
    resp = api.post("/api/v1/obligations", json={
        "agreement_id": world.objects["active"].id, "owed_by": "cooperative", "kind": "report",
        "title": "Daily report", "rrule": rule, "starts_on": "2027-01-01"})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert _fields(resp)["rrule"]
    assert table_counts() == before


def test_the_largest_count_is_taken_through_the_api(world, api):
    resp = api.post("/api/v1/obligations", json={
        "agreement_id": world.objects["active"].id, "owed_by": "cooperative", "kind": "report",
        "title": "Daily report", "rrule": f"FREQ=DAILY;COUNT={recurrence.MAX_COUNT}", "starts_on": "2027-01-01"})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]


def _obligation_form(client, world, **overrides) -> dict:
    import lxml.html

    html = client.get(f"/obligations/new?agreement_id={world.objects['active'].id}").get_data(as_text=True)
    token = lxml.html.fromstring(html).xpath('//input[@name="csrf_token"]/@value')[0]
    data = {"csrf_token": token, "agreement_id": str(world.objects["active"].id), "owed_by": "cooperative",
            "partner_id": "0", "kind": "report", "title": "Form report", "currency": "IDR", "schedule": "rrule",
            "starts_on": "2027-01-01", "rrule": "FREQ=MONTHLY", "responsible_id": "0"}
    data.update(overrides)
    return data


def test_a_hostile_rule_through_the_form_is_a_field_error(sign_in, world, client):
    sign_in(world.admin)
    before = table_counts()
    resp = client.post("/obligations/new", data=_obligation_form(
        client, world, rrule="FREQ=DAILY;COUNT=100000000;BYHOUR=1,2,3"))
    assert resp.status_code == 422
    assert "BYHOUR" in resp.get_data(as_text=True)
    assert table_counts() == before


def test_a_far_until_through_the_rule_builder_is_a_field_error(sign_in, world, client):
    sign_in(world.admin)
    before = table_counts()
    resp = client.post("/obligations/new", data=_obligation_form(
        client, world, schedule="monthly", day="15", until="9999-12-31", rrule=""))
    assert resp.status_code == 422
    assert LAST in resp.get_data(as_text=True)
    assert table_counts() == before


def test_a_far_payment_date_through_the_form_is_a_field_error(sign_in, world, client):
    import lxml.html

    sign_in(world.admin)
    url = f"/obligations/occurrences/{world.ids['occurrence_id']}/fulfil"
    token = lxml.html.fromstring(client.get(url).get_data(as_text=True)).xpath(
        '//input[@name="csrf_token"]/@value')[0]
    before = table_counts()
    resp = client.post(url, data={"csrf_token": token, "date": "9999-12-31"})
    assert resp.status_code in (200, 422)
    assert LAST in resp.get_data(as_text=True)
    assert table_counts() == before


def test_a_far_meeting_start_through_the_form_is_a_field_error(sign_in, world, client):
    import lxml.html

    sign_in(world.admin)
    page = client.get("/forums/meetings/new").get_data(as_text=True)
    token = lxml.html.fromstring(page).xpath('//input[@name="csrf_token"]/@value')[0]
    before = table_counts()
    resp = client.post("/forums/meetings/new", data={
        "csrf_token": token, "forum_id": str(world.objects["forum"].id), "title": "Far",
        "starts_at": "9999-12-31T23:00", "location": "Hall"})
    assert resp.status_code == 422
    assert LAST in resp.get_data(as_text=True)
    assert table_counts() == before


# ---- counts and numbers that are not ids are whole JSON numbers too ----

@pytest.mark.parametrize("bad", [1.5, 1.0, "2.5", "２", True])
def test_a_clause_number_or_a_quorum_that_is_not_a_json_integer_is_refused(world, api, bad):
    before = table_counts()
    resp = api.post("/api/v1/agreements", json={
        "title": "Nomor", "kind": "grant", "parties": [{"partner_id": world.ids["partner_id"], "role": "funder"}],
        "clauses": [{"number": bad, "text": "Poin", "proposed_by": "partner"}]})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert "clauses.0.number" in _fields(resp)
    resp = api.post("/api/v1/forums", json={
        "name": "Forum pecahan", "kind": "board", "quorum": {"numerator": bad, "denominator": 2},
        "threshold": "simple_majority", "voters": "all_members"})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert "quorum.numerator" in _fields(resp) or "quorum" in _fields(resp)
    assert table_counts() == before


def test_whole_numbers_are_still_taken(world, api):
    resp = api.post("/api/v1/agreements", json={
        "title": "Nomor utuh", "kind": "grant", "parties": [{"partner_id": world.ids["partner_id"], "role": "funder"}],
        "clauses": [{"number": 2, "text": "Poin", "proposed_by": "partner"},
                    {"number": "3", "text": "Poin tiga", "proposed_by": "partner"}]})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
    assert [c["number"] for c in resp.get_json()["clauses"]] == [2, 3]
