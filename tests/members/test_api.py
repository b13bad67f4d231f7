"""The members API: validation naming fields, permissions, pagination, import, interests, links."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.members.models import Centre, Member
from tests.members.conftest import csv_bytes

GOOD = {"number": "ksp-001", "name": "Siti Rahmawati", "group": "Rembug Melati", "joined_on": "2019-04-12"}


def fields_of(resp) -> dict:
    return resp.get_json()["error"].get("fields", {})


def member_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


def test_create_answers_201_with_the_member(api_as):
    resp = api_as("board").post("/api/v1/members", json=GOOD)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body == {
        "id": body["id"], "number": "KSP-001", "name": "Siti Rahmawati", "group": "Rembug Melati",
        "centre_id": body["centre_id"], "joined_on": "2019-04-12", "active": True, "investor": False, "user_id": None,
    }
    # the group named no centre yet: it is one now, and the member is in it
    centre = db.session.get(Centre, body["centre_id"])
    assert (centre.name, centre.code) == ("Rembug Melati", "RP-00001")


def test_create_errors_name_the_fields(api_as):
    api = api_as("board")
    resp = api.post("/api/v1/members", json={"number": "A B", "joined_on": "12/04/2019", "colour": "red"})
    assert resp.status_code == 422
    assert {"name", "joined_on", "colour"} <= set(fields_of(resp))
    resp = api.post("/api/v1/members", json={**GOOD, "number": "A B"})
    assert resp.status_code == 422 and set(fields_of(resp)) == {"number"}
    resp = api.post("/api/v1/members", json={**GOOD, "joined_on": "2999-01-01"})
    assert resp.status_code == 422 and set(fields_of(resp)) == {"joined_on"}
    resp = api.post("/api/v1/members", json={**GOOD, "active": "maybe"})
    assert resp.status_code == 422 and set(fields_of(resp)) == {"active"}
    assert member_count() == 0


def test_a_taken_number_is_a_conflict(api_as):
    api = api_as("board")
    assert api.post("/api/v1/members", json=GOOD).status_code == 201
    resp = api.post("/api/v1/members", json={**GOOD, "number": "KSP-001", "name": "Other"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "duplicate"
    assert set(fields_of(resp)) == {"number"}


def test_list_filters_and_cursor_pages(api_as, make_member):
    for i in range(5):
        make_member(f"Budi {i}", number=f"B-1{i}", group="Rembug Mawar", investor=i == 4)
    make_member("Citra", number="C-1", group="Rembug Melati", active=False)
    api = api_as("manager")  # managers read the roster
    first = api.get("/api/v1/members?group=Rembug%20Mawar&limit=3").get_json()
    assert [m["name"] for m in first["items"]] == ["Budi 0", "Budi 1", "Budi 2"] and first["next"]
    second = api.get(f"/api/v1/members?group=Rembug%20Mawar&limit=3&cursor={first['next']}").get_json()
    assert [m["name"] for m in second["items"]] == ["Budi 3", "Budi 4"] and second["next"] is None
    assert [m["number"] for m in api.get("/api/v1/members?q=b-1").get_json()["items"]] == [f"B-1{i}" for i in range(5)]
    assert [m["name"] for m in api.get("/api/v1/members?active=false").get_json()["items"]] == ["Citra"]
    assert [m["name"] for m in api.get("/api/v1/members?investor=true").get_json()["items"]] == ["Budi 4"]
    assert [m["name"] for m in api.get("/api/v1/members?q=itr&contains=true").get_json()["items"]] == ["Citra"]
    bad = api.get("/api/v1/members?limit=501")
    assert bad.status_code == 422 and "limit" in fields_of(bad)
    assert api.get("/api/v1/members?cursor=@@@").status_code == 422


def test_the_list_costs_the_same_queries_for_a_bigger_page(api_as, make_member, make_user, count_queries):
    api = api_as("manager")
    for i in range(30):
        make_member(number=f"Q-{i:02d}")
    api.get("/api/v1/members?limit=5")  # warm up: the token's user is loaded and cached
    with count_queries() as small:
        api.get("/api/v1/members?limit=5")
    with count_queries() as big:
        assert len(api.get("/api/v1/members?limit=30").get_json()["items"]) == 30
    assert big.count == small.count


def test_get_and_patch_one_member(api_as, make_member):
    member = make_member("Dewi", number="D-1")
    api = api_as("board")
    assert api.get(f"/api/v1/members/{member.id}").get_json()["name"] == "Dewi"
    assert api.get("/api/v1/members/999999").status_code == 404
    resp = api.patch(f"/api/v1/members/{member.id}", json={"group": "Rembug Anggrek", "active": False})
    assert resp.status_code == 200
    assert (resp.get_json()["group"], resp.get_json()["active"], resp.get_json()["name"]) == ("Rembug Anggrek", False, "Dewi")
    resp = api.patch(f"/api/v1/members/{member.id}", json={"name": ""})
    assert resp.status_code == 422 and set(fields_of(resp)) == {"name"}
    resp = api.patch(f"/api/v1/members/{member.id}", json={})
    assert resp.status_code == 422
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "member")))
    assert actions == ["member.create", "member.update"]


def test_patch_to_a_taken_number_is_a_conflict(api_as, make_member):
    make_member(number="E-1")
    other = make_member(number="E-2")
    resp = api_as("board").patch(f"/api/v1/members/{other.id}", json={"number": "e-1"})
    assert resp.status_code == 409


def test_user_id_links_and_unlinks_a_login(api_as, make_member, make_user):
    member, other = make_member(number="F-1"), make_member(number="F-2")
    login = make_user("member")
    api = api_as("admin")
    resp = api.patch(f"/api/v1/members/{member.id}", json={"user_id": login.id})
    assert resp.status_code == 200 and resp.get_json()["user_id"] == login.id
    taken = api.patch(f"/api/v1/members/{other.id}", json={"user_id": login.id})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "user_linked"
    unknown = api.patch(f"/api/v1/members/{other.id}", json={"user_id": 999999})
    assert unknown.status_code == 422 and set(fields_of(unknown)) == {"user_id"}
    resp = api.patch(f"/api/v1/members/{member.id}", json={"user_id": None})
    assert resp.status_code == 200 and resp.get_json()["user_id"] is None
    assert api.patch(f"/api/v1/members/{other.id}", json={"user_id": login.id}).get_json()["user_id"] == login.id
    listed = api.get("/api/v1/members").get_json()["items"]
    assert {m["number"]: m["user_id"] for m in listed} == {"F-1": None, "F-2": login.id}


def test_create_with_a_user_id_links_it(api_as, make_user):
    login = make_user("member")
    resp = api_as("board").post("/api/v1/members", json={**GOOD, "user_id": login.id})
    assert resp.status_code == 201 and resp.get_json()["user_id"] == login.id


def test_permissions(api_as, make_member):
    member = make_member()
    assert api_as(None).get("/api/v1/members").status_code == 401
    assert api_as("member").get("/api/v1/members").status_code == 403
    assert api_as("member").get(f"/api/v1/members/{member.id}").status_code == 403
    assert api_as("member").get(f"/api/v1/members/{member.id}/interests").status_code == 403
    manager = api_as("manager")
    assert manager.get("/api/v1/members").status_code == 200
    assert manager.post("/api/v1/members", json=GOOD).status_code == 403
    assert manager.patch(f"/api/v1/members/{member.id}", json={"name": "X"}).status_code == 403
    assert manager.post("/api/v1/members/import", data=csv_bytes(), content_type="text/csv").status_code == 403
    assert api_as(None).post("/api/v1/members/import", data=csv_bytes(), content_type="text/csv").status_code == 401


def test_import_answers_the_counts(api_as, make_member):
    make_member("Old Name", number="G-1")
    resp = api_as("board").post(
        "/api/v1/members/import",
        data=csv_bytes("G-1,New Name,G,,1,0", "G-2,Gita,G,,1,0", newline="\r\n", bom=True),
        content_type="text/csv; charset=utf-8",
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"created": 1, "updated": 1, "unchanged": 0, "rows": 2, "errors": []}
    assert db.session.scalar(select(Member.name).where(Member.number == "G-1")) == "New Name"


def test_import_of_a_bad_file_answers_422_with_each_line_and_writes_nothing(api_as):
    resp = api_as("board").post(
        "/api/v1/members/import",
        data=csv_bytes("H-1,Hana,G,,1,0", "H-2,,G,,1,0", "H-3,Hadi,G,2020-02-30,1,0"),
        content_type="text/csv",
    )
    assert resp.status_code == 422
    body = resp.get_json()
    assert [e["line"] for e in body["errors"]] == [3, 4]
    assert body["errors"][0]["message"].startswith("name:")
    assert (body["created"], body["updated"], body["error_count"]) == (0, 0, 2)
    assert body["error"]["code"] == "invalid" and body["error"]["fields"]["file"]
    assert member_count() == 0
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "member.import")) == 0


def test_import_wants_csv(api_as):
    resp = api_as("board").post("/api/v1/members/import", json={"number": "X"})
    assert resp.status_code == 415


def test_import_header_errors_are_422(api_as):
    resp = api_as("board").post("/api/v1/members/import", data=b"nomor,nama\n1,Ani\n", content_type="text/csv")
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["line"] == 1


def test_interests_declare_list_duplicate_unknown_withdraw(api_as, make_member, make_partner):
    member, partner = make_member("Indah"), make_partner("Bank Sejahtera", category="financial_institution")
    api = api_as("board")
    url = f"/api/v1/members/{member.id}/interests"
    resp = api.post(url, json={"partner_id": partner.id, "note": "Brother works there"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert (body["partner_id"], body["partner_name"], body["note"]) == (partner.id, "Bank Sejahtera", "Brother works there")
    again = api.post(url, json={"partner_id": partner.id})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate"
    unknown = api.post(url, json={"partner_id": 999999})
    assert unknown.status_code == 422 and set(fields_of(unknown)) == {"partner_id"}
    missing = api.post(url, json={"note": "x"})
    assert missing.status_code == 422 and set(fields_of(missing)) == {"partner_id"}
    assert api.post("/api/v1/members/999999/interests", json={"partner_id": partner.id}).status_code == 404
    listed = api_as("manager").get(url).get_json()
    assert [i["partner_name"] for i in listed["items"]] == ["Bank Sejahtera"] and listed["next"] is None
    assert api_as("manager").delete(f"{url}/{body['id']}").status_code == 403
    assert api.delete(f"{url}/{body['id']}").status_code == 204
    assert api.get(url).get_json()["items"] == []
    assert api.delete(f"{url}/{body['id']}").status_code == 404
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("member.interest%"))))
    assert actions == ["member.interest_declare", "member.interest_withdraw"]
