"""Roster pages: who may see them, the forms (with CSRF), the import page, query counts."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.auth.models import User
from govtrack.extensions import db
from govtrack.members.models import Member, MemberInterest
from tests.conftest import csrf_token
from tests.members.conftest import csv_bytes


def test_anonymous_is_sent_to_sign_in(client):
    resp = client.get("/members/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_member_login_cannot_read_the_roster(client, make_user, sign_in, make_member):
    member = make_member()
    sign_in("member")
    assert client.get("/members/").status_code == 403
    assert client.get(f"/members/{member.id}").status_code == 403
    assert client.get("/members/import").status_code == 403


def test_a_manager_reads_but_does_not_edit(client, make_user, sign_in, make_member):
    member = make_member("Siti Aminah")
    sign_in("manager")
    html = client.get("/members/").get_data(as_text=True)
    assert "Siti Aminah" in html and "/members/new" not in html and "/members/import" not in html
    detail = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Siti Aminah" in detail and "Declare an interest" not in detail
    assert client.get("/members/new").status_code == 403
    assert client.get(f"/members/{member.id}/edit").status_code == 403


def test_search_page_finds_and_pages(client, make_user, sign_in, make_member):
    for i in range(55):
        make_member(f"Anggota {i:02d}", number=f"P-{i:03d}", group="Rembug Melati")
    make_member("Siti Aminah", number="S-1", group="Rembug Kenanga")
    sign_in("board")
    html = client.get("/members/?q=siti").get_data(as_text=True)
    assert "Siti Aminah" in html and "Anggota 01" not in html
    first = client.get("/members/?group=Rembug+Melati").get_data(as_text=True)
    assert "55 member(s) in this group." in first and "Anggota 49" in first and "Anggota 50" not in first
    assert "Next page" in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&")[0]
    second = client.get(f"/members/?group=Rembug+Melati&cursor={cursor}").get_data(as_text=True)
    assert "Anggota 50" in second and "Anggota 49" not in second
    assert client.get("/members/?cursor=garbage").status_code == 400


def test_a_surname_is_found_by_default_in_a_fixed_number_of_queries(client, sign_in, make_member, count_queries):
    """Issue 17: "Komariah" finds "Sri Komariah" with nothing ticked; there is nothing to tick."""
    sign_in("board")
    make_member("Sri Komariah", number="K-1")
    make_member("Budi Santoso", number="K-2")
    with count_queries() as few:
        resp = client.get("/members/?q=Komariah", headers={"Accept-Language": "id"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Sri Komariah" in html and "Budi Santoso" not in html
    assert 'name="contains"' not in html and "Komariah menemukan Sri Komariah" in html
    for i in range(60):
        make_member(f"Anggota{i} Komariah", number=f"K-{100 + i}")
    with count_queries() as many:
        html = client.get("/members/?q=komariah").get_data(as_text=True)
    assert "Anggota0 Komariah" in html and "Next page" in html
    assert many.count == few.count


def test_the_list_page_costs_a_fixed_number_of_queries(client, make_user, sign_in, make_member, count_queries):
    sign_in("board")
    for i in range(3):
        make_member(number=f"C-{i}")
    with count_queries() as few:
        client.get("/members/")
    for i in range(3, 60):
        make_member(number=f"C-{i}")
    with count_queries() as many:
        client.get("/members/")
    assert many.count == few.count


def test_create_and_edit_through_the_forms(client, make_user, sign_in, make_centre):
    anggrek, mawar = make_centre("Rembug Anggrek", code="RP-A"), make_centre("Rembug Mawar", code="RP-M")
    sign_in("board")
    token = csrf_token(client, "/members/new")
    resp = client.post(
        "/members/new",
        data={"csrf_token": token, "number": "ksp-77", "name": "Rina Wati", "centre": "rp-a",
              "joined_on": "2020-05-01", "active": "y"},
    )
    assert resp.status_code == 302
    member = db.session.scalar(select(Member).where(Member.number == "KSP-77"))
    assert (member.name, member.centre_id, member.group_name, member.active, member.investor) == (
        "Rina Wati", anggrek.id, "Rembug Anggrek", True, False)
    edit_url = f"/members/{member.id}/edit"
    assert 'value="RP-A"' in client.get(edit_url).get_data(as_text=True)
    resp = client.post(
        edit_url,
        data={"csrf_token": csrf_token(client, edit_url), "number": "KSP-77", "name": "Rina Wati",
              "centre": "RP-M", "investor": "y"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert (member.centre_id, member.group_name, member.active, member.investor) == (mawar.id, "Rembug Mawar", False, True)
    # an unknown code is an error beside the field, and changes nothing
    resp = client.post(
        edit_url,
        data={"csrf_token": csrf_token(client, edit_url), "number": "KSP-77", "name": "Rina Wati",
              "centre": "RP-ZZ", "investor": "y"},
    )
    assert resp.status_code == 422
    assert "No centre has the code RP-ZZ." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).centre_id == mawar.id
    # no code: the member is in no centre
    resp = client.post(edit_url, data={"csrf_token": csrf_token(client, edit_url), "number": "KSP-77",
                                       "name": "Rina Wati", "centre": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Member, member.id).centre_id, db.session.get(Member, member.id).group_name) == (None, None)


def test_form_errors_are_shown(client, make_user, sign_in, make_member):
    make_member(number="KSP-1")
    sign_in("board")
    token = csrf_token(client, "/members/new")
    resp = client.post("/members/new", data={"csrf_token": token, "number": "ksp-1", "name": "Dup"})
    assert resp.status_code == 409 and "Already in use." in resp.get_data(as_text=True)
    resp = client.post("/members/new", data={"csrf_token": token, "number": "", "name": ""})
    assert resp.status_code == 422
    resp = client.post("/members/new", data={"csrf_token": token, "number": "K 2", "name": "Ani"})
    assert resp.status_code == 422 and "Letters, digits" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1


def test_forms_refuse_a_post_without_the_csrf_token(client, make_user, sign_in, make_member, make_partner):
    from govtrack.members.services import declare_interest

    member, partner = make_member(), make_partner()
    interest = declare_interest(actor="test", member=member, partner_id=make_partner().id)
    db.session.commit()
    other = make_user("member")
    sign_in("admin")
    posts = {
        f"/members/{member.id}/interests/{interest.id}/withdraw": {},
        "/members/new": {"number": "Z-1", "name": "Zaki"},
        f"/members/{member.id}/edit": {"number": member.number, "name": "Changed"},
        "/members/import": {"file": (io.BytesIO(csv_bytes("Z-2,Zul,G,,1,0")), "m.csv")},
        f"/members/{member.id}/interests": {"partner_id": str(partner.id)},
        f"/members/{member.id}/user": {"user_id": str(other.id)},
        f"/members/{member.id}/user/unlink": {},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 400, url
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1
    assert db.session.scalar(select(func.count()).select_from(MemberInterest)) == 1
    assert db.session.get(User, other.id).member_id is None


def test_import_page_imports_a_good_file(client, make_user, sign_in):
    sign_in("board")
    token = csrf_token(client, "/members/import")
    resp = client.post(
        "/members/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv_bytes("I-1,Ika,G,,1,0", "I-2,Iwan,G,,1,0")), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    assert "2 new, 0 updated" in client.get("/members/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Member)) == 2


def test_import_page_lists_each_bad_line_and_writes_nothing(client, make_user, sign_in):
    sign_in("board")
    token = csrf_token(client, "/members/import")
    data = csv_bytes("J-1,Joko,G,,1,0", "J-2,,G,,1,0", "J-3,Jaya,G,,1,0", "J-4,Juli,G,31-12-2020,1,0")
    resp = client.post(
        "/members/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "2 line(s) to correct" in html
    assert "<td>3</td><td>name: Required.</td>" in html
    assert "<td>5</td><td>joined_on: Not a date" in html
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_import_page_needs_a_file(client, make_user, sign_in):
    sign_in("board")
    resp = client.post("/members/import", data={"csrf_token": csrf_token(client, "/members/import")})
    assert resp.status_code == 422 and "Choose a file." in resp.get_data(as_text=True)


def test_interests_on_the_member_page(client, make_user, sign_in, make_member, make_partner):
    member = make_member("Lina")
    partner = make_partner("CV Air Bersih", category="construction_partner")
    sign_in("board")
    url = f"/members/{member.id}"
    token = csrf_token(client, url)
    resp = client.post(f"{url}/interests", data={"csrf_token": token, "partner_id": partner.id, "note": "Owner's cousin"})
    assert resp.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "CV Air Bersih" in html and "Owner&#39;s cousin" in html
    again = client.post(f"{url}/interests", data={"csrf_token": token, "partner_id": partner.id})
    assert again.status_code == 409 and "already declared" in again.get_data(as_text=True)
    interest_id = db.session.scalar(select(MemberInterest.id))
    resp = client.post(f"{url}/interests/{interest_id}/withdraw", data={"csrf_token": token})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MemberInterest)) == 0
    assert client.post(f"{url}/interests/{interest_id}/withdraw", data={"csrf_token": token}).status_code == 404
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"member.interest_declare", "member.interest_withdraw"} <= actions


def test_linking_a_login_on_the_member_page(client, make_user, sign_in, make_member):
    member = make_member("Maya")
    maya = make_user("member", name="Maya Login")
    sign_in("admin")
    url = f"/members/{member.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Maya Login" in html  # offered in the link form
    token = csrf_token(client, url)
    assert client.post(f"{url}/user", data={"csrf_token": token, "user_id": maya.id}).status_code == 302
    assert db.session.get(User, maya.id).member_id == member.id
    assert "Linked to Maya Login &lt;" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/user/unlink", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, maya.id).member_id is None


def test_the_detail_page_costs_a_fixed_number_of_queries(client, make_user, sign_in, make_member, make_partner, count_queries):
    from govtrack.members.services import declare_interest

    member = make_member()
    sign_in("board")
    declare_interest(actor="test", member=member, partner_id=make_partner().id)
    db.session.commit()
    with count_queries() as one:
        client.get(f"/members/{member.id}")
    for _ in range(5):
        declare_interest(actor="test", member=member, partner_id=make_partner().id)
    db.session.commit()
    with count_queries() as six:
        assert client.get(f"/members/{member.id}").status_code == 200
    assert six.count == one.count


def test_unknown_member_pages_are_404(client, make_user, sign_in):
    sign_in("board")
    assert client.get("/members/424242").status_code == 404
    assert client.get("/members/424242/edit").status_code == 404


def test_every_row_says_its_status_in_words(client, make_user, sign_in, make_member):
    """An active member's status reads "aktif", not an empty cell; an inactive one and an investor
    carry their badges."""
    make_member("Sri Aktif", number="A-1")
    make_member("Tuti Keluar", number="A-2", active=False)
    make_member("Wati Modal", number="A-3", investor=True)
    sign_in("manager")
    html = client.get("/members/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    rows = {m.group(1): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(2))).strip()
            for m in re.finditer(r"<tr>.*?(A-\d).*?</td>(.*?)</tr>", html, re.S)}
    assert rows["A-1"].endswith("aktif") and "tidak aktif" not in rows["A-1"], rows
    assert rows["A-2"].endswith("tidak aktif"), rows
    assert rows["A-3"].endswith("aktif investor"), rows
