"""The roll of voters is fixed when a meeting opens (issue 17, point 2): importing members, making a
voter inactive or an investor, or editing the forum's list while a meeting is open moves neither its
quorum base nor who may vote; a closed meeting's numbers never move; a scheduled meeting follows the
roster until it opens. The roll is shown as a printable register and in the API."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import func, select, update

from govtrack.audit.models import AuditEvent
from govtrack.core.paging import encode_cursor
from govtrack.extensions import db
from govtrack.forums import queries, services, views
from govtrack.forums.models import Attendance, MeetingVoter
from govtrack.members.models import Member
from tests.forums.conftest import NOW
from tests.members.conftest import csv_bytes


def _roll(meeting_id: int) -> set[int]:
    return set(db.session.scalars(select(MeetingVoter.member_id).where(MeetingVoter.meeting_id == meeting_id)))


def _import(api, n: int, prefix: str = "NEW") -> None:
    rows = [f"{prefix}-{i:03d},Anggota Baru {i},Rembug Baru,,1,0" for i in range(n)]
    resp = api.post("/api/v1/members/import", data=csv_bytes(*rows), content_type="text/csv")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["created"] == n


def test_importing_members_while_a_meeting_is_open_moves_neither_its_quorum_base_nor_its_result(
        api_as, client, sign_in, make_forum, make_members, make_meeting, make_motion, vote):
    """The issue's story: 110 voters, 56 present (a quorum: at least half), 30 members imported
    while the meeting is open. Before: 140 eligible and "not quorate". Now: still 110, still quorate,
    and the motion is carried against 110."""
    board = api_as("board")
    members = make_members(110)
    meeting = make_meeting(make_forum(quorum=(1, 2)), present=members[:56])
    motion = make_motion(meeting, title="Sumur bor")
    vote(motion, {m: "yes" for m in members[:40]} | {m: "no" for m in members[40:50]})
    sign_in("board")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "56 of 110 eligible voters" in page and "Quorate." in page and 'id="roster-changed"' not in page

    _import(board, 30)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Member)) == 140
    assert queries.meeting_eligible_count(meeting, queries.get_forum(meeting.forum_id)) == 110

    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "56 of 110 eligible voters" in page and "Quorate." in page and "Not quorate." not in page
    notice = re.search(r'<div class="alert alert-info small" id="roster-changed">(.*?)</div>', page, re.S).group(1)
    assert ("Since the meeting opened, 30 members have been added to the roster of voters; they are not on the "
            "roll of voters of this meeting.") in notice
    assert "left" not in notice
    # the API says the same, and the close counts the roll fixed at opening
    assert board.get(f"/api/v1/meetings/{meeting.id}").get_json()["attendance"]["eligible"] == 110
    result = board.post(f"/api/v1/motions/{motion.id}/close").get_json()
    assert (result["outcome"], result["present"], result["eligible"], result["yes"], result["no"]) == (
        "carried", 56, 110, 40, 10)


def test_a_member_imported_after_opening_is_not_a_voter_of_that_meeting(api_as, make_forum, make_members,
                                                                       make_meeting, make_motion):
    board = api_as("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(), present=members[:2])
    _import(board, 1, prefix="LATE")
    late = db.session.scalar(select(Member).where(Member.number == "LATE-000"))
    resp = board.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[{"member_id": late.id, "status": "present"}])
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"0.member_id": [
        f"{late.name} (member no. {late.number}) is not a voter of this forum: not on the roll of voters fixed "
        "when the meeting opened."]}
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.member_id == late.id)) == 0
    # a meeting of the same forum opened afterwards has them on its roll
    later = services.create_meeting(actor="test", forum=queries.get_forum(meeting.forum_id), title="Rapat berikut",
                                    starts_at=meeting.starts_at)
    services.open_meeting(actor="test", meeting=later)
    db.session.commit()
    assert late.id in _roll(later.id) and late.id not in _roll(meeting.id)


def test_a_voter_made_inactive_or_investor_while_the_meeting_is_open_stays_on_its_roll(
        api_as, client, sign_in, make_forum, make_members, make_meeting, make_motion):
    board = api_as("board")
    members = make_members(6)
    meeting = make_meeting(make_forum(), present=members[:3])
    motion = make_motion(meeting)
    db.session.execute(update(Member).where(Member.id == members[0].id).values(active=False))
    db.session.execute(update(Member).where(Member.id == members[4].id).values(investor=True))
    db.session.commit()
    # still counted, still a voter: present members vote, an absent one can still be marked present
    resp = board.put(f"/api/v1/meetings/{meeting.id}/attendance",
                     json=[{"member_id": members[4].id, "status": "present"}])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["eligible"] == 6 and resp.get_json()["present"] == 4
    resp = board.post(f"/api/v1/motions/{motion.id}/votes",
                      json={"votes": [{"member_id": members[0].id, "choice": "yes"},
                                      {"member_id": members[4].id, "choice": "no"}]})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["yes"], resp.get_json()["no"]) == (1, 1)
    sign_in("board")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "4 of 6 eligible voters" in page
    assert ("Since the meeting opened, 2 voters have left the roster of voters (no longer active, investors, or "
            "taken off the forum’s list); they stay on the roll of voters of this meeting.") in page


def test_a_closed_meetings_numbers_never_move(api_as, client, sign_in, make_forum, make_members, make_meeting,
                                              make_motion, close):
    board = api_as("board")
    members = make_members(10)
    forum = make_forum("board", voters=members, quorum=(1, 2), strict=True)
    meeting = make_meeting(forum, present=members[:6])
    motion = make_motion(meeting)
    services.consensus(actor="test", motion=motion)
    services.close_meeting(actor="test", meeting=meeting)
    db.session.commit()
    before = board.get(f"/api/v1/meetings/{meeting.id}").get_json()
    # the forum's list is cut to three (two of them absent), members leave, others join
    resp = board.patch(f"/api/v1/forums/{forum.id}", json={"voters": [members[0].id, members[8].id, members[9].id]})
    assert resp.status_code == 200, resp.get_json()
    db.session.execute(update(Member).where(Member.id.in_([m.id for m in members[1:4]])).values(active=False))
    db.session.commit()
    _import(board, 5)
    after = board.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert after["attendance"]["eligible"] == before["attendance"]["eligible"] == 10
    assert after["motions"][0]["eligible"] == 10 and after["motions"][0]["present"] == 6
    sign_in("board")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "6 of 10 eligible voters" in page and "Quorate." in page
    # the meetings register's export counts the same roll (the forum's list now has three names)
    rows = list(csv.reader(io.StringIO(client.get("/forums/meetings/export.csv").get_data(as_text=True))))
    row = next(r for r in rows[1:] if r[1] == meeting.title)
    assert row[5:8] == ["6", "10", "Quorate"], row


def test_a_scheduled_meeting_follows_the_roster_until_it_opens(api_as, make_forum, make_members):
    board = api_as("board")
    make_members(4)
    forum = make_forum()
    meeting = services.create_meeting(actor="test", forum=forum, title="Rapat", starts_at=NOW)
    db.session.commit()
    voters = board.get(f"/api/v1/meetings/{meeting.id}/voters").get_json()
    assert (voters["fixed"], voters["fixed_at"], voters["count"], len(voters["items"])) == (False, None, 4, 4)
    assert _roll(meeting.id) == set()
    _import(board, 3)
    assert board.get(f"/api/v1/meetings/{meeting.id}").get_json()["attendance"]["eligible"] == 7
    assert board.post(f"/api/v1/meetings/{meeting.id}/open").status_code == 200
    voters = board.get(f"/api/v1/meetings/{meeting.id}/voters").get_json()
    assert (voters["fixed"], voters["count"]) == (True, 7) and voters["fixed_at"].endswith("+07:00")
    assert len(_roll(meeting.id)) == 7


def test_opening_writes_the_roll_in_one_statement_whatever_its_size(app_context, make_forum, make_members,
                                                                    count_queries):
    def open_one(n: int) -> int:
        make_members(n)
        forum = make_forum()
        meeting = services.create_meeting(actor="test", forum=forum, title="Rapat", starts_at=NOW)
        db.session.commit()
        with count_queries() as q:
            services.open_meeting(actor="test", meeting=meeting, now=NOW)
        db.session.commit()
        inserts = [s for s in q.statements if "INSERT INTO meeting_voters" in s]
        assert len(inserts) == 1 and "SELECT" in inserts[0]
        return q.count

    small, large = open_one(5), open_one(1500)
    assert small == large
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.open")
                               .order_by(AuditEvent.id.desc())).first()
    assert json.loads(event.after)["voters"] == 1505


def test_the_voters_api_pages_through_the_roll_by_member_number(api_as, make_forum, make_members, make_meeting):
    board = api_as("board")
    members = make_members(7)
    meeting = make_meeting(make_forum(), present=members[:2], absent=[members[2]], proxies={members[3]: members[0]})
    first = board.get(f"/api/v1/meetings/{meeting.id}/voters?limit=5").get_json()
    assert [i["position"] for i in first["items"]] == [1, 2, 3, 4, 5] and first["count"] == 7
    assert first["items"][0] == {"position": 1, "member_id": members[0].id, "number": members[0].number,
                                 "name": members[0].name, "group": "Rembug Mawar", "attendance": "present",
                                 "proxy_holder_id": None}
    assert first["items"][3]["attendance"] == "proxy" and first["items"][3]["proxy_holder_id"] == members[0].id
    assert first["items"][4]["attendance"] is None
    rest = board.get(f"/api/v1/meetings/{meeting.id}/voters?limit=5&cursor={first['next']}").get_json()
    assert [i["position"] for i in rest["items"]] == [6, 7] and rest["next"] is None
    assert [i["member_id"] for i in first["items"] + rest["items"]] == [m.id for m in members]
    # edges: a bad cursor is a 422 naming it; no meeting is a 404; a member may not read it
    bad = board.get(f"/api/v1/meetings/{meeting.id}/voters?cursor=WyJ4Il0")
    assert bad.status_code == 422 and "cursor" in bad.get_json()["error"]["fields"]
    assert board.get("/api/v1/meetings/999999/voters").status_code == 404
    assert api_as("member").get(f"/api/v1/meetings/{meeting.id}/voters").status_code == 403


def test_the_register_of_voters_prints_number_name_group_and_attendance(client, sign_in, make_forum, make_members,
                                                                       make_meeting, count_queries):
    sign_in("board")
    members = make_members(8)
    meeting = make_meeting(make_forum(), present=members[:3], absent=[members[3]])
    resp = client.get(f"/forums/meetings/{meeting.id}/voters", headers={"Accept-Language": "id"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Daftar pemilih" in html and "data-print" in html
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]*)</td>\s*<td>(.*?)</td>\s*</tr>",
                      html, re.S)
    assert [(int(n), num) for n, num, *_ in rows] == [(i + 1, m.number) for i, m in enumerate(members)]
    assert rows[0][2] == members[0].name and rows[0][3] == "Rembug Mawar" and rows[0][4] == "Hadir"
    assert rows[3][4] == "Tidak hadir" and "belum dicatat" in rows[5][4]
    assert "8 pemilih" in html
    # the page's cost does not grow with the roll
    url = f"/forums/meetings/{meeting.id}/voters"
    with count_queries() as few:
        client.get(url)
    make_members(40)
    url = f"/forums/meetings/{make_meeting(make_forum(), present=[]).id}/voters"
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count <= 12


def test_the_register_before_attendance_has_a_column_to_sign_and_pages(client, sign_in, make_forum, make_members,
                                                                      make_meeting, monkeypatch):
    monkeypatch.setattr(views, "VOTERS_PAGE", 3)
    sign_in("board")
    make_members(5)
    meeting = make_meeting(make_forum())
    html = client.get(f"/forums/meetings/{meeting.id}/voters").get_data(as_text=True)
    assert "Signature" in html and 'class="signature-cell"' in html
    nxt = re.search(r'href="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    html = client.get(nxt).get_data(as_text=True)
    assert re.findall(r"<tr><td>(\d+)</td>", html) == ["4", "5"]
    assert client.get(f"/forums/meetings/{meeting.id}/voters?cursor=garbage!").status_code == 400
    assert client.get("/forums/meetings/999999/voters").status_code == 404


def test_the_register_of_one_group_offers_a_list_or_a_box_by_how_many_groups(client, sign_in, make_forum,
                                                                            make_members, make_meeting, monkeypatch):
    sign_in("board")
    mawar = make_members(3)
    melati = make_members(2, group="Rembug Melati")
    meeting = make_meeting(make_forum(), present=[melati[0]])
    url = f"/forums/meetings/{meeting.id}/voters"
    html = client.get(url).get_data(as_text=True)
    assert '<option value="Rembug Melati"' in html and '<option value="Rembug Mawar"' in html
    html = client.get(url, query_string={"group": "  Rembug   Melati "}).get_data(as_text=True)
    numbers = re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", html)
    assert numbers == [m.number for m in melati] and mawar[0].number not in numbers
    monkeypatch.setattr(views, "GROUP_CHOICES", 1)
    html = client.get(url, query_string={"group": "Rembug Mawar"}).get_data(as_text=True)
    assert '<input id="group" name="group" class="form-control" value="Rembug Mawar"' in html
    assert "<option" not in html.split('id="group"')[1].split("</form>")[0]
    assert re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", html) == [m.number for m in mawar]
    html = client.get(url, query_string={"group": "Rembug Tidak Ada"}).get_data(as_text=True)
    assert "No voters." in html


def test_a_meeting_opened_with_nobody_to_vote_has_an_empty_roll_and_no_quorum(api_as, client, sign_in, make_member,
                                                                             make_forum):
    board = api_as("board")
    gone = make_member("Bu Pindah")
    forum = make_forum("board", voters=[gone])
    gone.active = False  # left before the meeting opened
    db.session.commit()
    meeting = services.create_meeting(actor="test", forum=forum, title="Rapat", starts_at=NOW)
    services.open_meeting(actor="test", meeting=meeting)
    db.session.commit()
    body = board.get(f"/api/v1/meetings/{meeting.id}/voters").get_json()
    assert (body["items"], body["next"], body["count"], body["fixed"]) == ([], None, 0, True)
    sign_in("board")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "0 of 0 eligible voters" in page and "Not quorate." in page
    assert "No voters." in client.get(f"/forums/meetings/{meeting.id}/voters").get_data(as_text=True)
    # and the cursor's edges: a boolean or a negative position is refused, not read
    for bad in (["A", True], ["A", -1], [1, 2], ["A"]):
        resp = board.get(f"/api/v1/meetings/{meeting.id}/voters", query_string={"cursor": encode_cursor(bad)})
        assert resp.status_code == 422, bad
