"""The obligations API per CONTRACT.md."""

from __future__ import annotations

import datetime as dt

D = dt.date


def _create(api, setting, **kw):
    body = {"agreement_id": setting["agreement"].id, "owed_by": "partner", "partner_id": setting["funder"].id,
            "kind": "disbursement", "title": "Tranche", "due_date": "2027-03-10"}
    body.update(kw)
    return api.post("/api/v1/obligations", json=body)


def test_create_one_off_and_series_and_read_them_back(app, api_as, setting, today):
    api = api_as(setting["manager"])
    resp = _create(api, setting, amount={"amount": "250000000.00", "currency": "IDR"})
    assert resp.status_code == 201, resp.get_json()
    one = resp.get_json()
    assert one["id"] and one["status"] == "overdue" and one["amount"] == {"amount": "250000000.00", "currency": "IDR"}
    assert [o["due_on"] for o in one["occurrences"]] == ["2027-03-10"]

    series = _create(api, setting, due_date=None, rrule="FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4", starts_on="2027-01-01",
                     owed_by="cooperative", partner_id=setting["lender"].id, kind="repayment",
                     amount={"amount": "5000000", "currency": "IDR"}).get_json()
    assert [o["due_on"] for o in series["occurrences"]] == ["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"]
    got = api.get(f"/api/v1/obligations/{series['id']}").get_json()
    assert [o["status"] for o in got["occurrences"]] == ["overdue", "pending", "pending", "pending"]
    assert got["status"] == "overdue" and got["next_due"] == "2027-01-31"


def test_create_refuses_what_the_rules_forbid(app, api_as, setting, make_partner, today):
    api = api_as(setting["manager"])
    outsider = make_partner("Not a party")
    resp = _create(api, setting, partner_id=outsider.id)
    assert resp.status_code == 422 and "partner_id" in resp.get_json()["error"]["fields"]
    both = _create(api, setting, rrule="FREQ=MONTHLY", starts_on="2027-01-01")
    assert both.status_code == 422
    bad_rule = _create(api, setting, due_date=None, rrule="FREQ=MINUTELY", starts_on="2027-01-01")
    assert bad_rule.status_code == 422 and "rrule" in bad_rule.get_json()["error"]["fields"]
    unknown = _create(api, setting, colour="red")
    assert unknown.status_code == 422


def test_list_filters_and_cursor_pagination(app, api_as, setting, today):
    api = api_as(setting["manager"])
    late = _create(api, setting, title="Late", due_date="2027-03-01").get_json()
    soon = _create(api, setting, title="Soon", due_date="2027-03-20").get_json()
    later = _create(api, setting, title="Later", due_date="2027-06-01", owed_by="cooperative",
                    partner_id=setting["lender"].id).get_json()

    def ids(query):
        resp = api.get("/api/v1/obligations" + query)
        assert resp.status_code == 200, resp.get_json()
        return [o["id"] for o in resp.get_json()["items"]]

    assert ids("?status=overdue") == [late["id"]]
    assert ids("?status=due_soon") == [soon["id"]]
    assert ids("?status=pending") == [later["id"]]
    assert ids("?owed_by=cooperative") == [later["id"]]
    assert ids(f"?partner_id={setting['funder'].id}") == [late["id"], soon["id"]]
    assert ids("?due_before=2027-03-20") == [late["id"]]

    first = api.get("/api/v1/obligations?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"]
    rest = api.get(f"/api/v1/obligations?limit=2&cursor={first['next']}").get_json()
    assert [o["id"] for o in rest["items"]] == [later["id"]] and rest["next"] is None
    assert api.get("/api/v1/obligations?status=bogus").status_code == 422


def test_api_permissions(app, api_as, setting, today):
    assert api_as(None).get("/api/v1/obligations").status_code == 401
    assert api_as("member").get("/api/v1/obligations").status_code == 403
    board = api_as("board")
    assert board.get("/api/v1/obligations").status_code == 200
    assert _create(board, setting).status_code == 403
