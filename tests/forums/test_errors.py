"""Refusals that say what is wrong: every refusal of the meeting, attendance, roll-call, proxy,
tally, vote and motion forms names the field, the row (member number and name) and the reason, on
the page beside the field and in the API's `fields`; a form with rows reports all of them at once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums.models import Attendance, Motion, Vote
from tests.conftest import csrf_token


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def _who(member) -> str:
    return f"{member.name} (member no. {member.number})"


def _row(html: str, member_id: int) -> str:
    """The roll-call screen's row of one member."""
    m = re.search(rf'<tr id="row-{member_id}"[^>]*>.*?</tr>', html, re.S)
    assert m, f"no row for member {member_id}"
    return m.group(0)


# --- the tally ----------------------------------------------------------------------------------

def test_a_tally_larger_than_the_attendance_is_named_beside_the_counts(client, sign_in, make_forum, make_members,
                                                                       make_meeting, make_motion):
    sign_in("board")
    members = make_members(5)
    meeting = make_meeting(make_forum(), present=members[:3])
    motion = make_motion(meeting, title="Kas desa")
    url = f"/forums/motions/{motion.id}"
    resp = client.post(url + "/tally", data={"csrf_token": csrf_token(client, url), "yes": "4", "no": "1",
                                            "abstain": "0"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    reason = "The tally counts 5 votes (4 yes, 1 no, 0 abstaining) but only 3 members are present"
    # beside the counts, which are marked invalid and described by it; and in the message on top
    assert re.search(r'<div id="tally-errors" class="invalid-feedback d-block[^"]*" role="alert"><div>' + re.escape(reason),
                     html), html[-4000:]
    for name in ("yes", "no", "abstain"):
        field = re.search(rf'<input[^>]*id="{name}"[^>]*>', html).group(0)
        assert "is-invalid" in field and "tally-errors" in field, field
    assert "Please correct: " + reason in html
    assert "Some values are not valid." not in html
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).method is None


def test_a_tally_larger_than_the_attendance_in_the_api_names_the_field(api_as, make_forum, make_members,
                                                                      make_meeting, make_motion):
    api = api_as("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(), present=members[:2])
    motion = make_motion(meeting)
    resp = api.post(f"/api/v1/motions/{motion.id}/votes", json={"tally": {"yes": 2, "no": 1, "abstain": 0}})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields == {"tally": ["The tally counts 3 votes (2 yes, 1 no, 0 abstaining) but only 2 members are "
                                "present in person or by proxy: a count cannot be larger than the attendance."]}


def test_the_tally_error_is_in_indonesian_for_an_indonesian_reader(client, sign_in, make_forum, make_members,
                                                                   make_meeting, make_motion):
    sign_in("board")
    members = make_members(3)
    meeting = make_meeting(make_forum(), present=members[:1])
    motion = make_motion(meeting)
    url = f"/forums/motions/{motion.id}"
    resp = client.post(url + "/tally", data={"csrf_token": csrf_token(client, url), "yes": "2", "no": "0",
                                            "abstain": "0"}, headers={"Accept-Language": "id"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Beberapa isian tidak sah." not in html
    assert "2 suara" in html and "hanya 1 anggota yang hadir" in html


# --- attendance and proxies, on the roll-call screen ---------------------------------------------

def test_roll_call_names_every_bad_proxy_row_at_once(client, sign_in, make_forum, make_members, make_meeting,
                                                     make_motion):
    sign_in("board")
    members = make_members(6)
    meeting = make_meeting(make_forum())
    url = f"/forums/meetings/{meeting.id}/roll-call"
    data = {"csrf_token": csrf_token(client, url), "row": [str(m.id) for m in members]}
    data[f"att-{members[0].id}"] = "present"
    data[f"att-{members[1].id}"] = "proxy"
    data[f"holder-{members[1].id}"] = "Z9999999"  # filled in, but nobody has this number
    data[f"att-{members[2].id}"] = "proxy"  # no holder given
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    unknown = _row(html, members[1].id)
    assert "table-danger" in unknown and "is-invalid" in unknown
    assert f"No member has the number “Z9999999” (the proxy holder given for {_who(members[1])})." in unknown
    missing = _row(html, members[2].id)
    assert "table-danger" in missing
    assert f"{_who(members[2])} is represented by proxy: give the member number of the proxy holder." in missing
    assert "table-danger" not in _row(html, members[0].id)
    # the summary on top links to both rows; nothing of the submit was recorded
    assert f'href="#row-{members[1].id}"' in html and f'href="#row-{members[2].id}"' in html
    assert "Nothing was recorded." in html
    assert _count(Attendance, meeting_id=meeting.id) == 0


def test_an_absent_proxy_holder_is_named_with_the_row_highlighted(client, sign_in, make_forum, make_members,
                                                                  make_meeting):
    sign_in("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(proxy_limit=1), absent=[members[0]])
    url = f"/forums/meetings/{meeting.id}/roll-call"
    token = csrf_token(client, url)
    data = {"csrf_token": token, "row": [str(m.id) for m in members],
            f"att-{members[1].id}": "proxy", f"holder-{members[1].id}": members[0].number}
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    row = _row(html, members[1].id)
    assert "table-danger" in row and f'aria-describedby="err-holder-{members[1].id}"' in row
    assert (f"{_who(members[0])} holds the proxy of {_who(members[1])} but is marked absent; a proxy holder must "
            "be present in person.") in row
    assert "anggota 89" not in html and f"member {members[1].id} " not in html

    # One holder for two proxies where the forum allows one: both rows say so, naming all three.
    data = {"csrf_token": token, "row": [str(m.id) for m in members], f"att-{members[0].id}": "present",
            f"att-{members[2].id}": "proxy", f"holder-{members[2].id}": members[0].number,
            f"att-{members[3].id}": "proxy", f"holder-{members[3].id}": members[0].number}
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    limit = (f"{_who(members[0])} would hold 2 proxies (for {_who(members[2])}, {_who(members[3])}); this forum "
             "allows 1.")
    assert limit in _row(html, members[2].id) and limit in _row(html, members[3].id)
    assert _count(Attendance, meeting_id=meeting.id) == 1


def test_a_refused_vote_on_the_roll_call_is_shown_in_its_row(client, sign_in, make_forum, make_members,
                                                             make_member, make_meeting, make_motion):
    sign_in("board")
    members = make_members(3)
    investor = make_member("Pak Investor", investor=True)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting)
    url = f"/forums/meetings/{meeting.id}/roll-call?motion={motion.id}"
    data = {"csrf_token": csrf_token(client, url), "row": [str(members[0].id), str(investor.id)],
            f"att-{members[0].id}": "present", f"vote-{members[0].id}": "yes", f"vote-{investor.id}": "yes"}
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    # the investor is not on the screen (not a voter), so the refusal is in the summary, by name
    assert f"{_who(investor)} is an investor; investors have no vote." in html
    assert _count(Vote, motion_id=motion.id) == 0


# --- the API's fields ---------------------------------------------------------------------------

def test_attendance_api_names_each_entry_member_and_reason_all_at_once(api_as, make_forum, make_members,
                                                                      make_member, make_meeting):
    api = api_as("board")
    board = make_members(3)
    outsider = make_member("Bu Luar")
    inactive = make_member("Pak Pindah")
    forum = make_forum("board", voters=[*board, inactive])
    inactive.active = False  # left the cooperative after being named (a new list would refuse them)
    db.session.commit()
    meeting = make_meeting(forum)
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[
        {"member_id": board[0].id, "status": "proxy", "proxy_holder_id": board[0].id},
        {"member_id": outsider.id, "status": "present"},
        {"member_id": board[1].id, "status": "proxy"},
        {"member_id": inactive.id, "status": "present"},
        {"member_id": board[2].id, "status": "absent", "proxy_holder_id": board[1].id},
        {"member_id": 2_000_000, "status": "present"},
    ])
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields == {
        "0.proxy_holder_id": [f"{_who(board[0])} cannot hold their own proxy."],
        "1.member_id": [f"{_who(outsider)} is not a voter of this forum: not on this forum's list of voters."],
        "2.proxy_holder_id": [f"{_who(board[1])} is represented by proxy: give the proxy holder."],
        "3.member_id": [f"{_who(inactive)} is not a voter of this forum: not an active member."],
        "4.proxy_holder_id": [f"{_who(board[2])} is not represented by proxy, so has no proxy holder."],
        "5.member_id": ["No member has id 2000000."],
    }
    assert _count(Attendance, meeting_id=meeting.id) == 0


def test_marking_a_holder_absent_names_the_proxies_it_breaks(api_as, make_forum, make_members, make_meeting):
    api = api_as("board")
    m = make_members(3)
    meeting = make_meeting(make_forum(), present=[m[0]], proxies={m[1]: m[0]})
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[{"member_id": m[0].id, "status": "absent"}])
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "proxy_rule"
    assert err["fields"] == {"0.status": [f"{_who(m[0])} holds the proxy of {_who(m[1])} but is marked absent; a "
                                          "proxy holder must be present in person."]}


def test_refused_votes_name_the_member_by_name_and_number(api_as, make_forum, make_members, make_member,
                                                         make_meeting, make_motion):
    api = api_as("board")
    voters = make_members(2)
    absent = make_member("Bu Absen")
    meeting = make_meeting(make_forum(), present=voters, absent=[absent])
    motion = make_motion(meeting)
    resp = api.post(f"/api/v1/motions/{motion.id}/votes", json={"votes": [
        {"member_id": voters[0].id, "choice": "yes"}, {"member_id": absent.id, "choice": "yes"},
        {"member_id": voters[0].id, "choice": "no"}]})
    assert resp.status_code == 409
    fields = resp.get_json()["error"]["fields"]
    assert fields == {
        "votes.1.member_id": [f"{_who(absent)} is neither present nor represented by a proxy."],
        "votes.2.member_id": [f"{_who(voters[0])} has already voted on this motion."],
    }


# --- motions, agenda, forums, meetings -----------------------------------------------------------

def test_motion_form_names_every_bad_amendment_line(client, sign_in, make_forum, make_meeting, make_agreement):
    sign_in("board")
    agreement = make_agreement(reference="PKS/9/2026", clauses=["Margin 8%", "Jangka waktu 2 tahun"])
    meeting = make_meeting(make_forum())
    from govtrack.forums import services

    services.add_agenda_item(actor="test", meeting=meeting, title="Pembiayaan", agreement_id=agreement.id)
    db.session.commit()
    url = f"/forums/meetings/{meeting.id}/motions/new"
    base = {"csrf_token": csrf_token(client, url), "title": "Ubah", "text": "Usul perubahan",
            "effect": "approve_with_amendments", "agreement_id": "PKS/9/2026"}
    resp = client.post(url, data={**base, "amendments": "1: Margin 7%\nmargin tujuh persen\n1: lagi"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Line 2 (“margin tujuh persen”): write the clause number, a colon, then the new text." in html
    assert "Line 3: clause 1 is amended twice." in html
    resp = client.post(url, data={**base, "amendments": "1: Margin 7%\n7: Tidak ada\n9: Juga tidak"})
    assert resp.status_code == 422
    assert "The agreement has no clause 7, 9." in resp.get_data(as_text=True)
    assert _count(Motion) == 0


def test_agenda_form_names_the_missing_clause_numbers(client, sign_in, make_forum, make_meeting, make_agreement):
    sign_in("board")
    make_agreement(reference="PKS/7/2026", clauses=["Satu", "Dua"])
    meeting = make_meeting(make_forum(), open=False)
    url = f"/forums/meetings/{meeting.id}"
    resp = client.post(url + "/agenda", data={"csrf_token": csrf_token(client, url), "title": "Bahas",
                                             "agreement_id": "PKS/7/2026", "clause_numbers": "1, 5, 6"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    m = re.search(r'id="clause_numbers-errors"[^>]*>\s*<div>([^<]*)</div>', html)
    assert m and m.group(1) == "The agreement has no clause 5, 6.", html[-3000:]


def test_forum_form_names_the_unknown_voter_numbers(client, sign_in, make_members):
    sign_in("admin")
    known = make_members(1)[0]
    token = csrf_token(client, "/forums/new")
    resp = client.post("/forums/new", data={
        "csrf_token": token, "name": "Pengurus", "kind": "board", "code": "PG", "voter_numbers":
        f"{known.number}\nX-404\nX-405", "quorum_numerator": "1", "quorum_denominator": "2",
        "threshold": "simple_majority", "proxy_limit": "0"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert re.search(r'id="voter_numbers-errors"[^>]*>\s*<div>Line 2: no member has the number “X-404”\.</div>\s*'
                     r'<div>Line 3: no member has the number “X-405”\.</div>', html)


def test_closing_a_meeting_with_open_motions_names_them(api_as, make_forum, make_meeting, make_motion):
    api = api_as("board")
    meeting = make_meeting(make_forum())
    make_motion(meeting, title="Kas desa")
    make_motion(meeting, title="Sumur bor")
    resp = api.post(f"/api/v1/meetings/{meeting.id}/close")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["message"] == ("Close or withdraw every motion before closing the meeting; "
                                                   "still open: “Kas desa”, “Sumur bor”.")


def test_one_submit_reports_unreadable_holders_and_the_services_refusals_together(client, sign_in, make_forum,
                                                                                  make_members, make_meeting):
    sign_in("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(), absent=[members[0]])
    url = f"/forums/meetings/{meeting.id}/roll-call"
    data = {"csrf_token": csrf_token(client, url), "row": [str(m.id) for m in members],
            f"att-{members[1].id}": "proxy", f"holder-{members[1].id}": "TIDAK-ADA",  # unknown number
            f"att-{members[2].id}": "proxy", f"holder-{members[2].id}": members[0].number,  # holder absent
            f"att-{members[3].id}": "present"}
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "No member has the number “TIDAK-ADA”" in _row(html, members[1].id)
    assert f"{_who(members[0])} holds the proxy of {_who(members[2])} but is marked absent" in _row(html, members[2].id)
    assert "table-danger" not in _row(html, members[3].id)
    assert _count(Attendance, meeting_id=meeting.id) == 1  # only the absence recorded before
