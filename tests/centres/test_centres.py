"""Centres (rembug pusat) as records: their pages, API, permissions, and members named by a centre's
code in the roster's form, API and import."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.members import importer
from govtrack.members.models import Centre, Member
from tests.conftest import csrf_token
from tests.members.conftest import TODAY, csv_bytes


def test_the_list_searches_by_code_or_name_and_filters_by_region_and_active(client, sign_in, make_centre, make_member):
    melati = make_centre("Rembug Melati", code="RP-00010", region="Kec. Cibinong, Kab. Bogor")
    make_centre("Rembug Mawar", code="RP-00011", region="Kec. Citeureup, Kab. Bogor")
    make_centre("Rembug Kenanga", code="KNG-1", region="Kec. Cibinong, Kab. Bogor", active=False)
    for i in range(3):
        make_member(f"Anggota {i}", group="Rembug Melati", active=i != 2)
    sign_in("board")
    html = client.get("/centres/").get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" in html and "Rembug Kenanga" in html
    # three members, two of them active
    assert '<td class="text-end">2 <span class="text-muted">/ 3</span></td>' in html
    html = client.get("/centres/?q=rp-0001").get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" in html and "Rembug Kenanga" not in html
    html = client.get("/centres/?q=mela").get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" not in html
    html = client.get("/centres/?region=Kec.+Cibinong,+Kab.+Bogor&active=yes").get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" not in html and "Rembug Kenanga" not in html
    html = client.get("/centres/?active=no").get_data(as_text=True)
    assert "Rembug Kenanga" in html and "Rembug Melati" not in html
    assert client.get(f"/centres/{melati.id}").status_code == 200
    assert client.get("/centres/999999").status_code == 404
    assert client.get("/centres/?cursor=garbage").status_code == 400


def test_the_list_pages_by_name(client, sign_in, make_centre):
    for i in range(55):
        make_centre(f"Rembug {i:02d}")
    sign_in("manager")
    first = client.get("/centres/").get_data(as_text=True)
    assert "Rembug 00" in first and "Rembug 49" in first and "Rembug 50" not in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&")[0]
    second = client.get(f"/centres/?cursor={cursor}").get_data(as_text=True)
    assert "Rembug 50" in second and "Rembug 54" in second and "Rembug 49" not in second


def test_the_centre_page_shows_its_members_chair_and_officer(client, sign_in, make_user, make_centre, make_member):
    officer = make_user("officer", name="Yusuf Petugas")
    centre = make_centre("Rembug Melati", code="RP-1", officer=officer)
    siti = make_member("Siti Aminah", group="Rembug Melati")
    make_member("Budi Santoso", group="Rembug Melati")
    make_member("Citra Lain", group="Rembug Mawar")
    sign_in("board")
    url = f"/centres/{centre.id}/edit"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Rembug Melati", "code": "RP-1",
                                  "chair_member_id": str(siti.id), "officer_id": str(officer.id), "active": "y"})
    assert resp.status_code == 302
    html = client.get(f"/centres/{centre.id}").get_data(as_text=True)
    assert "Siti Aminah" in html and "Budi Santoso" in html and "Citra Lain" not in html
    assert "Yusuf Petugas" in html and '<span class="badge text-bg-primary">chair</span>' in html
    # the roster filtered by the centre's code
    html = client.get("/members/?centre=rp-1").get_data(as_text=True)
    assert "Siti Aminah" in html and "Citra Lain" not in html and "Members of the centre RP-1." in html
    html = client.get("/members/?centre=NOPE").get_data(as_text=True)
    assert "No centre has the code NOPE." in html and "Siti Aminah" not in html


def test_create_edit_and_their_errors(client, sign_in, make_user, make_centre, make_member):
    manager = make_user("manager")
    sign_in(manager)
    resp = client.post("/centres/new", data={"csrf_token": csrf_token(client, "/centres/new"), "name": " Rembug  Anggrek ",
                                             "region": "Kec. Cibinong", "active": "y"})
    assert resp.status_code == 302
    anggrek = db.session.scalar(select(Centre).where(Centre.name == "Rembug Anggrek"))
    assert anggrek.code == "RP-00001" and anggrek.region == "Kec. Cibinong"
    # the same name in other case and spacing is the same centre: refused, beside the field
    resp = client.post("/centres/new", data={"csrf_token": csrf_token(client, "/centres/new"),
                                             "name": "rembug anggrek", "active": "y"})
    assert resp.status_code == 409
    assert "A centre named rembug anggrek already exists." in resp.get_data(as_text=True)
    resp = client.post("/centres/new", data={"csrf_token": csrf_token(client, "/centres/new"),
                                             "name": "Rembug Baru", "code": "rp 1", "active": "y"})
    assert resp.status_code == 422 and "Letters, digits" in resp.get_data(as_text=True)
    # a chair from another centre, or an officer who is no field officer, is refused naming the field
    other = make_member("Orang Lain", group="Rembug Mawar")
    url = f"/centres/{anggrek.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert f'value="{other.id}"' not in form  # the chair is chosen among the centre's members
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Rembug Anggrek",
                                  "officer_id": str(manager.id), "active": "y"})
    assert resp.status_code == 422
    assert "Not a valid choice" in resp.get_data(as_text=True)
    # renaming the centre renames its members' group
    make_member("Ani", group="Rembug Anggrek")
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Rembug Anggrek Putih",
                                  "code": "", "active": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Centre, anggrek.id).code == "RP-00001"
    assert db.session.scalar(select(Member.group_name).where(Member.name == "Ani")) == "Rembug Anggrek Putih"
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "centre")
                                     .order_by(AuditEvent.id)))
    assert [e.action for e in events][-1] == "centre.update"
    assert json.loads(events[-1].before)["name"] == "Rembug Anggrek"


def test_indonesian_pages_say_rembug_pusat(client, sign_in, make_centre):
    make_centre("Rembug Melati")
    sign_in("board")
    html = client.get("/centres/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Rembug pusat" in html and "Centre" not in html


def test_who_may_see_and_edit_centres(client, sign_in, make_user, make_centre):
    officer = make_user("officer")
    centre = make_centre("Rembug Melati", officer=officer)
    other = make_centre("Rembug Mawar")
    for role, view, edit in [("admin", 200, 200), ("board", 200, 200), ("manager", 200, 200),
                             ("officer", 200, 403), ("member", 403, 403)]:
        client.get("/logout")
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        c = client.application.test_client()
        sign_in(officer if role == "officer" else role, client=c)
        assert c.get("/centres/").status_code == view, role
        assert c.get(f"/centres/{centre.id}").status_code == view, role
        assert c.get(f"/centres/{centre.id}/edit").status_code == edit, role
        assert c.get("/centres/new").status_code == edit, role
        # a field officer reads only the centres assigned to them
        assert c.get(f"/centres/{other.id}").status_code == (404 if role == "officer" else view), role
        if view == 200:
            assert ("Rembug Mawar" in c.get("/centres/").get_data(as_text=True)) == (role != "officer"), role
    anonymous = client.application.test_client()
    assert anonymous.get("/centres/").status_code == 302


def test_the_api_lists_creates_and_patches_centres(api_as, make_user, make_member):
    officer = make_user("officer")
    board = api_as("board")
    resp = board.post("/api/v1/centres", json={"name": "Rembug Melati", "code": "rp-7", "region": "Kab. Bogor",
                                                "officer_id": officer.id})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body == {"id": body["id"], "code": "RP-7", "name": "Rembug Melati", "region": "Kab. Bogor",
                    "chair_member_id": None, "officer_id": officer.id, "active": True, "members": 0,
                    "active_members": 0}
    centre_id = body["id"]
    siti = make_member("Siti", group="Rembug Melati")
    resp = board.patch(f"/api/v1/centres/{centre_id}", json={"chair_member_id": siti.id, "region": None})
    assert resp.status_code == 200
    assert (resp.get_json()["chair_member_id"], resp.get_json()["region"], resp.get_json()["members"]) == (
        siti.id, None, 1)
    assert board.get(f"/api/v1/centres/{centre_id}").get_json()["code"] == "RP-7"
    listed = board.get("/api/v1/centres?q=melati").get_json()
    assert [c["id"] for c in listed["items"]] == [centre_id] and listed["next"] is None
    assert board.get(f"/api/v1/centres?officer_id={officer.id}").get_json()["items"][0]["id"] == centre_id
    # members carry centre_id, and the roster filters by it
    members = board.get(f"/api/v1/members?centre_id={centre_id}").get_json()["items"]
    assert [(m["number"], m["centre_id"], m["group"]) for m in members] == [(siti.number, centre_id, "Rembug Melati")]


def test_the_api_refuses_bad_centres_naming_the_field(api_as, make_user, make_member, make_centre):
    board = api_as("board")
    make_centre("Rembug Melati", code="RP-1")
    other = make_member("Lain", group="Rembug Mawar")
    manager = make_user("manager")
    cases = [
        ({"name": "Rembug  MELATI"}, 409, "name"),
        ({"name": "Baru", "code": "RP-1"}, 409, "code"),
        ({"name": "Baru", "code": "a b"}, 422, "code"),
        ({"name": "Baru", "officer_id": manager.id}, 422, "officer_id"),
        ({"name": "Baru", "officer_id": 99999}, 422, "officer_id"),
        ({"name": "Baru", "chair_member_id": other.id}, 422, "chair_member_id"),
        ({"name": ""}, 422, "name"),
        ({"name": "Baru", "colour": "red"}, 422, "colour"),
    ]
    for body, status, field in cases:
        resp = board.post("/api/v1/centres", json=body)
        assert resp.status_code == status, (body, resp.get_json())
        assert field in resp.get_json()["error"]["fields"], (body, resp.get_json())
    centre = db.session.scalar(select(Centre).where(Centre.code == "RP-1"))
    resp = board.patch(f"/api/v1/centres/{centre.id}", json={"chair_member_id": other.id})
    assert resp.status_code == 422 and "The chair must be a member of this centre." in str(resp.get_json())
    assert board.patch("/api/v1/centres/99999", json={"name": "X"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 2  # Rembug Mawar (the member's) too


def test_api_permissions(api_as, make_user, make_centre):
    officer = make_user("officer")
    centre = make_centre("Rembug Melati", officer=officer)
    other = make_centre("Rembug Mawar")
    assert api_as(None).get("/api/v1/centres").status_code == 401
    assert api_as("member").get("/api/v1/centres").status_code == 403
    own = api_as(officer)
    assert own.get(f"/api/v1/centres/{centre.id}").status_code == 200
    assert own.get(f"/api/v1/centres/{other.id}").status_code == 404
    assert [c["id"] for c in own.get("/api/v1/centres").get_json()["items"]] == [centre.id]
    assert own.get(f"/api/v1/centres?officer_id={officer.id + 1}").get_json()["items"] == []
    assert api_as("officer").get(f"/api/v1/centres/{centre.id}").status_code == 404  # another officer
    assert own.patch(f"/api/v1/centres/{centre.id}", json={"name": "X"}).status_code == 403
    assert own.post("/api/v1/centres", json={"name": "X"}).status_code == 403


def test_members_api_names_the_centre_by_id(api_as, make_centre):
    melati, mawar = make_centre("Rembug Melati"), make_centre("Rembug Mawar")
    board = api_as("board")
    resp = board.post("/api/v1/members", json={"number": "A-1", "name": "Siti", "centre_id": melati.id})
    assert resp.status_code == 201
    assert (resp.get_json()["centre_id"], resp.get_json()["group"]) == (melati.id, "Rembug Melati")
    member_id = resp.get_json()["id"]
    resp = board.patch(f"/api/v1/members/{member_id}", json={"centre_id": mawar.id})
    assert (resp.get_json()["centre_id"], resp.get_json()["group"]) == (mawar.id, "Rembug Mawar")
    resp = board.patch(f"/api/v1/members/{member_id}", json={"centre_id": 99999})
    assert resp.status_code == 422 and "centre_id" in resp.get_json()["error"]["fields"]
    # a group name in other case is the same centre, not a new one
    resp = board.patch(f"/api/v1/members/{member_id}", json={"group": "rembug  melati"})
    assert (resp.get_json()["centre_id"], resp.get_json()["group"]) == (melati.id, "Rembug Melati")
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 2


def test_a_member_who_moves_away_is_no_longer_the_chair(api_as, make_centre, make_member):
    melati = make_centre("Rembug Melati")
    make_centre("Rembug Mawar")
    siti = make_member("Siti", group="Rembug Melati")
    board = api_as("board")
    assert board.patch(f"/api/v1/centres/{melati.id}", json={"chair_member_id": siti.id}).status_code == 200
    board.patch(f"/api/v1/members/{siti.id}", json={"group": "Rembug Mawar"})
    assert board.get(f"/api/v1/centres/{melati.id}").get_json()["chair_member_id"] is None


CENTRE_HEADER = "number,name,centre,joined_on,active,investor"


def test_the_import_takes_the_centre_code(app_context, make_centre, in_request):
    melati = make_centre("Rembug Melati", code="RP-1")
    make_centre("Rembug Mawar", code="RP-2")
    data = csv_bytes("A-1,Siti,rp-1,,1,0", "A-2,Budi,RP-2,,1,0", "A-3,Citra,,,1,0",
                     header="number,name,centre_code,joined_on,active,investor")
    result = importer.import_members(actor="test", source=io.BytesIO(data), today=TODAY)
    db.session.commit()
    assert (result.created, result.rows) == (3, 3)
    rows = {m.number: (m.centre_id, m.group_name) for m in db.session.scalars(select(Member))}
    assert rows["A-1"] == (melati.id, "Rembug Melati") and rows["A-3"] == (None, None)


def test_an_unknown_centre_code_is_an_error_of_its_line_and_nothing_is_written(app_context, make_centre, in_request):
    make_centre("Rembug Melati", code="RP-1")
    data = csv_bytes("A-1,Siti,RP-1,,1,0", "A-2,Budi,RP-9,,1,0", "A-3,Citra,RP-1,,1,0", "A-4,Dewi,RP-9,,1,0",
                     header=CENTRE_HEADER)
    try:
        importer.import_members(actor="test", source=io.BytesIO(data), today=TODAY)
    except importer.ImportRejected as err:
        errors = [(e.line, e.message) for e in err.result.errors]
    else:
        raise AssertionError("the import should be refused")
    db.session.rollback()
    assert errors == [(3, "centre: No centre has the code RP-9."), (5, "centre: No centre has the code RP-9.")]
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_the_import_error_is_in_the_readers_language(api_as, make_centre):
    make_centre("Rembug Melati", code="RP-1")
    board = api_as("board")
    data = csv_bytes("A-1,Siti,RP-9,,1,0", header=CENTRE_HEADER)
    resp = board.client.post("/api/v1/members/import", data=data,
                             headers={**board.headers, "Content-Type": "text/csv", "Accept-Language": "id"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [{"line": 2, "message": "centre: Tidak ada rembug pusat berkode RP-9."}]


def test_import_header_needs_a_group_or_a_centre(app_context, in_request):
    data = csv_bytes("A-1,Siti,,1,0", header="number,name,joined_on,active,investor")
    result = importer.check_import(io.BytesIO(data), today=TODAY)
    assert "missing column(s): group" in result.errors[0].message
    assert "a column centre instead of group" in result.errors[0].message
