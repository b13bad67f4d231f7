"""A forum's named list of voters (issue 17, point 3): an investor or an inactive member is refused
with a field error naming them (form and API); the list is typed or pasted one member a line, by
number or full name, each line that names no one reported by its number; the forum page shows the
list and who on it cannot vote now; the picker's search answers a dozen members as one types."""

from __future__ import annotations

import re

from sqlalchemy import select

from govtrack.extensions import db
from govtrack.forums.models import Forum, ForumVoter
from tests.conftest import csrf_token


def _who(member) -> str:
    return f"{member.name} (member no. {member.number})"


def _listed(forum_id: int) -> list[int]:
    return sorted(db.session.scalars(select(ForumVoter.member_id).where(ForumVoter.forum_id == forum_id)))


def _form(**extra) -> dict:
    return {"name": "Pengurus", "kind": "board", "code": "PG", "quorum_numerator": "1", "quorum_denominator": "2",
            "threshold": "simple_majority", "proxy_limit": "0", **extra}


# --- the API ------------------------------------------------------------------------------------

def test_the_api_refuses_an_investor_and_an_inactive_member_naming_each(api_as, make_member):
    api = api_as("board")
    siti, budi = make_member("Siti Aminah"), make_member("Budi Santoso")
    investor = make_member("Pak Modal", investor=True)
    gone = make_member("Bu Pindah", active=False)
    resp = api.post("/api/v1/forums", json={"name": "Pengurus", "kind": "board",
                                            "voters": [siti.id, investor.id, budi.id, gone.id, 2_000_000]})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {
        "voters.1": [f"{_who(investor)} is an investor; investors have no vote."],
        "voters.3": [f"{_who(gone)} is not an active member; only active members vote."],
        "voters.4": ["No member with id 2000000."],
    }
    assert db.session.scalar(select(Forum.id)) is None
    # the same list without them is accepted, and GET shows it
    resp = api.post("/api/v1/forums", json={"name": "Pengurus", "kind": "board", "voters": [budi.id, siti.id]})
    assert resp.status_code == 201, resp.get_json()
    forum_id = resp.get_json()["id"]
    assert api.get(f"/api/v1/forums/{forum_id}").get_json()["voters"] == sorted([siti.id, budi.id])


def test_patch_refuses_adding_an_ineligible_member_but_keeps_one_who_became_so(api_as, make_member, make_forum):
    api = api_as("board")
    siti, budi = make_member("Siti Aminah"), make_member("Budi Santoso")
    investor = make_member("Pak Modal", investor=True)
    forum = make_forum("board", voters=[siti, budi])
    resp = api.patch(f"/api/v1/forums/{forum.id}", json={"voters": [siti.id, budi.id, investor.id]})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {
        "voters.2": [f"{_who(investor)} is an investor; investors have no vote."]}
    assert _listed(forum.id) == sorted([siti.id, budi.id])
    # Budi leaves the cooperative: renaming the forum is not refused for him, and he stays listed
    budi.active = False
    db.session.commit()
    resp = api.patch(f"/api/v1/forums/{forum.id}", json={"name": "Pengurus Koperasi"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["voters"] == sorted([siti.id, budi.id])


# --- the form -----------------------------------------------------------------------------------

def test_the_paste_box_reads_numbers_names_and_both_and_names_every_unknown_line(client, sign_in, make_member):
    sign_in("admin")
    siti = make_member("Siti Aminah", number="A0001")
    sri = make_member("Sri Komariah", number="A0002")
    budi = make_member("Budi Santoso", number="A0003")
    make_member("Dewi Lestari", number="A0004")
    make_member("Dewi Lestari", number="A0005")
    token = csrf_token(client, "/forums/new")
    pasted = "\n".join([
        "A0001",                   # 1: a number
        "  sri   komariah ",       # 2: a name with spaces, any case and spacing: one member, not two numbers
        "A0003 Budi Santoso",      # 3: number and name, as the picker writes them
        "",                        # 4: blank lines are skipped
        "Sri Komariyah",           # 5: nobody has this name
        "A9999",                   # 6: nobody has this number
        "Dewi Lestari",            # 7: two members share the name
        "A0001 Budi Santoso",      # 8: the number is someone else's
    ])
    resp = client.post("/forums/new", data={"csrf_token": token, **_form(voter_numbers=pasted)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    errors = html[html.index('id="voter_numbers-errors"'):]
    assert re.findall(r"<div>(Line \d+: .*?)</div>", errors) == [
        "Line 5: “Sri Komariyah” not found.",
        "Line 6: no member has the number “A9999”.",
        "Line 7: 2 members are called “Dewi Lestari” (A0004, A0005); give the member number.",
        "Line 8: member no. A0001 is Siti Aminah, not “Budi Santoso”.",
    ]
    assert "A0003 Budi Santoso" in html  # what was pasted is kept
    assert db.session.scalar(select(Forum.id)) is None

    fixed = "A0001\nsri   komariah\nA0003 Budi Santoso\n\nA0005\nA0001 Siti Aminah\n"
    resp = client.post("/forums/new", data={"csrf_token": token, **_form(voter_numbers=fixed)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    forum = db.session.scalar(select(Forum))
    assert len(_listed(forum.id)) == 4 and {siti.id, sri.id, budi.id} <= set(_listed(forum.id))


def test_the_form_refuses_an_investor_and_an_inactive_member_by_line_in_indonesian(client, sign_in, make_member):
    sign_in("admin")
    make_member("Siti Aminah", number="A0001")
    investor = make_member("Pak Modal", number="A0002", investor=True)
    gone = make_member("Bu Pindah", number="A0003", active=False)
    token = csrf_token(client, "/forums/new")
    resp = client.post("/forums/new", data={"csrf_token": token, **_form(voter_numbers="A0001\nPak Modal\nA0003")},
                       headers={"Accept-Language": "id"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert (f"Baris 2: {investor.name} (no. anggota {investor.number}) adalah investor; investor tidak punya hak "
            "suara.") in html
    assert f"Baris 3: {gone.name} (no. anggota {gone.number}) bukan anggota aktif" in html
    assert db.session.scalar(select(Forum.id)) is None


def test_the_edit_form_lists_the_voters_by_number_and_name_and_saves_them(client, sign_in, make_member, make_forum):
    sign_in("admin")
    siti = make_member("Siti Aminah", number="A0001")
    budi = make_member("Budi Santoso", number="A0002")
    forum = make_forum("board", name="Pengurus", code="PG", voters=[budi, siti])
    url = f"/forums/{forum.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "A0001 Siti Aminah\nA0002 Budi Santoso" in html
    assert "data-voter-picker" in html and "js/voter-picker.js" in html
    resp = client.post(url, data={"csrf_token": csrf_token(client, url),
                                  **_form(voter_numbers="A0001 Siti Aminah\n")})
    assert resp.status_code == 302
    assert _listed(forum.id) == [siti.id]


# --- the forum page -----------------------------------------------------------------------------

def test_the_forum_page_lists_the_voters_and_who_cannot_vote_now(client, sign_in, make_member, make_forum):
    sign_in("board")
    siti = make_member("Siti Aminah", number="A0001", group="Rembug Mawar")
    budi = make_member("Budi Santoso", number="A0002")
    dewi = make_member("Dewi Lestari", number="A0003")
    forum = make_forum("board", voters=[siti, budi, dewi])
    budi.active, dewi.investor = False, True
    db.session.commit()
    html = client.get(f"/forums/{forum.id}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "3 anggota yang ditunjuk" in html
    assert "2 di antaranya tidak dapat memberi suara saat ini (lihat di bawah), jadi forum ini punya 1 pemilik hak" in html
    table = re.search(r'<details id="voters-list"[^>]*>(.*?)</details>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>\s*<td>([^<]*)</td></tr>", table)
    assert rows == [("A0001", "Siti Aminah", "Rembug Mawar", "boleh memberi suara"),
                    ("A0002", "Budi Santoso", "Rembug Melati", "tidak dapat memberi suara: bukan anggota aktif"),
                    ("A0003", "Dewi Lestari", "Rembug Melati", "tidak dapat memberi suara: investor")]


# --- the picker's search -------------------------------------------------------------------------

def test_the_picker_finds_members_by_any_word_of_the_name_or_the_number(client, sign_in, make_member,
                                                                       count_queries):
    sign_in("board")
    sri = make_member("Sri Komariah", number="KSP-0001", group="Rembug Mawar")
    make_member("Komang Ayu", number="KSP-0002", investor=True)
    make_member("Budi Santoso", number="KSP-0003")
    body = client.get("/forums/voters/search?q=koma").get_json()
    by_name = {i["name"]: i for i in body["items"]}
    assert set(by_name) == {"Sri Komariah", "Komang Ayu"}
    assert by_name["Sri Komariah"] == {"id": sri.id, "number": "KSP-0001", "name": "Sri Komariah",
                                       "group": "Rembug Mawar", "line": "KSP-0001 Sri Komariah",
                                       "eligible": True, "why": None}
    assert by_name["Komang Ayu"]["eligible"] is False
    assert by_name["Komang Ayu"]["why"] == "an investor; investors have no vote"
    assert [i["name"] for i in client.get("/forums/voters/search?q=KSP-0003").get_json()["items"]] == [
        "Budi Santoso"]
    # edges: nothing typed, a word nobody has, punctuation only, a very long query
    for q in ("", "zzzz", "%_*\"'", "a" * 5000):
        resp = client.get("/forums/voters/search", query_string={"q": q})
        assert resp.status_code == 200 and resp.get_json() == {"items": []}, q


def test_the_picker_answers_at_most_a_dozen_in_a_fixed_number_of_queries(client, sign_in, make_members,
                                                                        count_queries):
    sign_in("board")
    make_members(40)
    url = "/forums/voters/search?q=anggota"
    client.get(url)
    with count_queries() as q:
        items = client.get(url).get_json()["items"]
    assert len(items) == 12
    assert q.count <= 6


def test_the_picker_is_for_those_who_manage_forums(client, sign_in, make_member):
    make_member("Siti Aminah")
    assert client.get("/forums/voters/search?q=siti").status_code in (302, 401)
    sign_in("manager")
    assert client.get("/forums/voters/search?q=siti").status_code == 403
