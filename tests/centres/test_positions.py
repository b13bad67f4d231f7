"""The centres' positions on the clauses of an agreement under deliberation: recorded through the
API (who may, for which centre, what is refused), replaced with the earlier kept, and the roll-up
counting only the latest position of each centre."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from govtrack.agreements.models import Clause
from govtrack.agreements.services import transition_agreement
from govtrack.centres.models import CentrePosition
from govtrack.extensions import db
from tests.conftest import ROSTER_TODAY


def body(centre, clauses, *items, present=3, date="2026-11-20"):
    return {"centre_id": centre.id, "date": date, "members_present": present,
            "positions": [{"clause_id": clauses[i].id, "position": p, **({"text": t} if t else {})}
                          for i, p, t in items]}


def test_positions_are_recorded_and_rolled_up(api_as, deliberation):
    a, (melati, mawar, kenanga), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    board = api_as("board")
    url = f"/api/v1/agreements/{a.id}/positions"
    resp = board.post(url, json=body(melati, cl, (0, "support", None), (1, "amend", "Tenor 36 bulan."),
                                     (2, "oppose", None), present=4))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"recorded": 3}
    board.post(url, json=body(mawar, cl, (0, "support", None), (1, "amend", "  tenor 36   BULAN. "), present=3))
    board.post(url, json=body(kenanga, cl, (1, "amend", "Tenor 30 bulan."), present=2))
    roll = board.get(url).get_json()
    assert roll["agreement_id"] == a.id and roll["deliberation"] == 1
    first, second, third = roll["clauses"]
    assert first == {"clause_id": cl[0].id, "number": 1, "support": {"centres": 2, "members": 7},
                     "amend": {"centres": 0, "members": 0, "texts": []}, "oppose": {"centres": 0, "members": 0},
                     "not_heard": 1, "not_heard_by_region": [{"region": None, "centres": 1}]}
    # identical proposals (case and spaces aside) merged, the most supported first
    assert second["amend"] == {"centres": 3, "members": 9, "texts": [{"text": "Tenor 36 bulan.", "centres": 2},
                                                                    {"text": "Tenor 30 bulan.", "centres": 1}]}
    assert second["not_heard"] == 0
    assert third["oppose"] == {"centres": 1, "members": 4} and third["not_heard"] == 2


def test_a_later_position_replaces_the_earlier_which_is_kept(api_as, deliberation):
    a, (melati, *_), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    board = api_as("board")
    url = f"/api/v1/agreements/{a.id}/positions"
    board.post(url, json=body(melati, cl, (0, "oppose", None), (1, "support", None), present=4))
    board.post(url, json=body(melati, cl, (0, "amend", "Bunga 7 %."), present=3, date="2026-11-27"))
    roll = board.get(url).get_json()["clauses"]
    # point 1: only the latest counts; point 2 was not spoken to again and stays
    assert roll[0]["oppose"]["centres"] == 0 and roll[0]["amend"]["centres"] == 1
    assert roll[0]["amend"]["members"] == 3
    assert roll[1]["support"] == {"centres": 1, "members": 4}
    rows = list(db.session.scalars(select(CentrePosition).where(CentrePosition.clause_id == cl[0].id)
                                   .order_by(CentrePosition.id)))
    assert [(r.position, r.superseded_at is not None, r.held_on) for r in rows] == [
        ("oppose", True, dt.date(2026, 11, 20)), ("amend", False, dt.date(2026, 11, 27))]


def test_a_new_deliberation_starts_without_the_earlier_positions(api_as, deliberation):
    a, (melati, *_), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    board = api_as("board")
    url = f"/api/v1/agreements/{a.id}/positions"
    board.post(url, json=body(melati, cl, (0, "oppose", None), present=4))
    transition_agreement(actor="test", agreement=a, to="draft")
    db.session.commit()
    assert board.post(url, json=body(melati, cl, (0, "support", None))).status_code == 409
    transition_agreement(actor="test", agreement=a, to="under_deliberation")
    db.session.commit()
    roll = board.get(url).get_json()
    assert roll["deliberation"] == 2 and roll["clauses"][0]["oppose"]["centres"] == 0
    assert board.post(url, json=body(melati, cl, (0, "support", None))).status_code == 201
    assert db.session.scalar(select(func.count()).select_from(CentrePosition)) == 2


def test_a_field_officer_records_only_for_their_own_centres(api_as, deliberation):
    a, (melati, mawar, kenanga), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    officer = api_as(deliberation["officer"])
    url = f"/api/v1/agreements/{a.id}/positions"
    assert officer.post(url, json=body(melati, cl, (0, "support", None))).status_code == 201
    resp = officer.post(url, json=body(kenanga, cl, (0, "support", None), present=2))
    assert resp.status_code == 403 and "centre_id" in resp.get_json()["error"]["fields"]
    other_officer = api_as("officer")
    assert other_officer.post(url, json=body(mawar, cl, (0, "support", None))).status_code == 403
    assert api_as("member").post(url, json=body(melati, cl, (0, "support", None))).status_code == 403
    assert api_as("manager").post(url, json=body(melati, cl, (0, "support", None))).status_code == 403
    assert api_as("member").get(url).status_code == 403
    assert api_as(None).get(url).status_code == 401
    assert officer.get(url).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(CentrePosition)) == 1


@pytest.mark.parametrize("change, field", [
    ({"members_present": 0}, "members_present"),
    ({"members_present": 5}, "members_present"),  # Melati has 4 members
    ({"date": "2099-01-01"}, "date"),
    ({"positions": []}, "positions"),
    ({"positions": [{"clause_id": 999999, "position": "support"}]}, "positions.0.clause_id"),
    ({"positions": [{"clause_id": "FIRST", "position": "maybe"}]}, "positions.0.position"),
    ({"positions": [{"clause_id": "FIRST", "position": "amend"}]}, "positions.0.text"),
    ({"positions": [{"clause_id": "FIRST", "position": "support", "text": "Lain."}]}, "positions.0.text"),
    ({"positions": [{"clause_id": "FIRST", "position": "support"}, {"clause_id": "FIRST", "position": "oppose"}]},
     "positions.1.clause_id"),
    ({"centre_id": 999999}, "centre_id"),
])
def test_bad_positions_are_refused_naming_the_field_and_nothing_is_written(api_as, deliberation, change, field):
    a, (melati, *_), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    data = body(melati, cl, (0, "support", None), present=4)
    data.update(change)
    for p in data["positions"]:
        if p.get("clause_id") == "FIRST":
            p["clause_id"] = cl[0].id
    resp = api_as("board").post(f"/api/v1/agreements/{a.id}/positions", json=data)
    assert resp.status_code == 422, resp.get_json()
    fields = resp.get_json()["error"]["fields"]
    assert any(k == field or k.startswith(field + ".") for k in fields), fields
    assert db.session.scalar(select(func.count()).select_from(CentrePosition)) == 0


def test_positions_only_while_under_deliberation_and_in_the_readers_language(api_as, make_agreement, make_centre,
                                                                            make_member):
    agreement = make_agreement("Hibah", clauses=["Satu."], status="approved")
    centre = make_centre("Rembug Melati")
    make_member("Siti", group="Rembug Melati")
    clause_id = db.session.scalar(select(Clause.id))
    board = api_as("board")
    resp = board.client.post(f"/api/v1/agreements/{agreement.id}/positions",
                             json={"centre_id": centre.id, "date": str(ROSTER_TODAY), "members_present": 1,
                                   "positions": [{"clause_id": clause_id, "position": "support"}]},
                             headers={**board.headers, "Accept-Language": "id"})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["message"] == "Posisi hanya dicatat selama perjanjian dalam musyawarah."
    assert board.get("/api/v1/agreements/999999/positions").status_code == 404


def test_a_field_officer_sees_no_agreement_that_is_not_under_deliberation(api_as, client, sign_in, make_agreement,
                                                                        deliberation):
    internal = make_agreement("Rancangan internal", clauses=["Rahasia."])  # a draft
    officer = api_as(deliberation["officer"])
    assert officer.get(f"/api/v1/agreements/{internal.id}/positions").status_code == 404
    assert api_as("manager").get(f"/api/v1/agreements/{internal.id}/positions").status_code == 200
    sign_in(deliberation["officer"])
    resp = client.get(f"/centres/positions/{internal.id}")
    assert resp.status_code == 404 and "Rahasia." not in resp.get_data(as_text=True)
    assert client.get(f"/centres/positions/{deliberation['agreement'].id}").status_code == 200
