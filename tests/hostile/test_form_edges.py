"""Edge values the form fuzzing found (kept as plain tests so they never come back)."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import post_form


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-Infinity", "1e999999"])
def test_money_fields_refuse_values_that_are_not_numbers(client, sign_in, world, value):
    sign_in(world.admin)
    ids = world.ids
    resp = post_form(client, "/agreements/new", {"title": "T", "kind": "grant", "visibility": "internal",
                                             "value_currency": "IDR", "value": value,
                                             "parties-0-partner_id": str(ids["partner_id"]),
                                             "parties-0-role": "funder"})
    assert resp.status_code == 422
    resp = post_form(client, "/obligations/new", {"agreement_id": str(world.objects["active"].id),
                                              "owed_by": "partner", "kind": "payment", "title": "T",
                                              "currency": "IDR", "schedule": "once", "due_date": "2027-04-01",
                                              "amount": value})
    assert resp.status_code == 422
    url = f"/obligations/occurrences/{ids['occurrence_id']}/fulfil"
    resp = post_form(client, url, {"date": "2027-03-15", "amount": value})
    assert resp.status_code == 422


@pytest.mark.parametrize("digits", ["²", "١٢", "𝟗"])
def test_digits_that_are_not_ascii_are_refused_not_crashed_on(client, sign_in, world, digits):
    """str.isdigit() is true for "²" and other Unicode digits that int() cannot read (or reads
    as a number the user never typed)."""
    sign_in(world.admin)
    ids = world.ids
    agreement = f"/agreements/{ids['agreement_id']}/edit"
    resp = post_form(client, agreement, {"title": "T", "kind": "grant", "visibility": "internal", "value_currency": "IDR",
                                     "parties-0-partner_id": str(ids["partner_id"]), "parties-0-role": "funder",
                                     "clauses-0-id": digits, "clauses-0-text": "A clause"})
    assert resp.status_code == 422
    motion = f"/forums/meetings/{ids['meeting_id']}/motions/new"
    resp = post_form(client, motion, {"title": "T", "text": "x", "effect": "none", "agreement_id": "0",
                                  "amendments": f"{digits}: new text"})
    assert resp.status_code == 422
    for url in [f"/admin/audit/?object_id={digits}&actor_id={digits}&before={digits}",
                f"/forums/meetings/{ids['meeting_id']}/roll-call?motion={digits}",
                f"/obligations/new?agreement_id={digits}"]:
        assert client.get(url).status_code < 500, url


def test_numbers_past_any_column_are_refused(client, sign_in, world):
    sign_in(world.admin)
    ids = world.ids
    huge = "9" * 25
    meeting = ids["meeting_id"]
    resp = post_form(client, f"/forums/meetings/{meeting}/motions/new",
                 {"title": "T", "text": "x", "effect": "waive_obligation", "agreement_id": "0", "obligation_id": huge,
                  "corrects_motion_id": huge, "amendments": f"{huge}: text"})
    assert resp.status_code == 422
    resp = post_form(client, f"/forums/meetings/{meeting}/agenda", {"title": "T", "clause_numbers": f"1, {huge}",
                                                                "agreement_id": str(ids["agreement_id"])},
                 page=f"/forums/meetings/{meeting}")
    assert resp.status_code == 422
    resp = post_form(client, f"/forums/motions/{ids['motion_id']}/tally", {"yes": huge, "no": "0", "abstain": "0"},
                 page=f"/forums/motions/{ids['motion_id']}")
    assert resp.status_code == 422
    for url in [f"/admin/audit/?object_id={huge}", f"/forums/meetings/{meeting}/roll-call?motion={huge}",
                f"/obligations/new?agreement_id={huge}", f"/forums/decisions?forum_id={huge}",
                f"/obligations/list?partner_id={huge}&agreement_id={huge}&responsible_id={huge}",
                f"/network/?partner_id={huge}"]:
        assert client.get(url).status_code < 500, url


def test_a_huge_roll_call_search_is_cut_not_a_500(client, sign_in, world):
    sign_in(world.admin)
    url = f"/forums/meetings/{world.ids['meeting_id']}/roll-call"
    assert client.get(url, query_string={"q": "%_" * 40000, "group": "x" * 100000}).status_code == 200
    resp = post_form(client, url, {"q": "a" * 60000, "group": "g" * 60000})
    assert resp.status_code in {302, 303}
