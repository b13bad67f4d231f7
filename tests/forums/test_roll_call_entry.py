"""Roll-call entry (issue 17, point 6): one submit reports every mistake at once beside its row,
naming the member by name and number, whatever kind of mistake each is (a value typed, a proxy
rule, a vote); nothing is recorded and nothing typed is lost; "Everyone present" marks the rows
without a choice present; the save button is at the top and in a sticky bar at the bottom."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums import services
from govtrack.forums.models import Attendance, Vote
from tests.conftest import csrf_token


def _who(member) -> str:
    return f"{member.name} (member no. {member.number})"


def _row(html: str, member_id: int) -> str:
    m = re.search(rf'<tr id="row-{member_id}"[^>]*>.*?</tr>', html, re.S)
    assert m, f"no row for member {member_id}"
    return m.group(0)


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def test_three_kinds_of_mistake_come_back_in_one_submit_each_beside_its_row(client, sign_in, make_forum,
                                                                            make_members, make_meeting,
                                                                            make_motion):
    sign_in("board")
    m = make_members(7)
    meeting = make_meeting(make_forum(proxy_limit=1), present=[m[0]])
    motion = make_motion(meeting, title="Sumur bor")
    url = f"/forums/meetings/{meeting.id}/roll-call?motion={motion.id}"
    data = {
        "csrf_token": csrf_token(client, url), "row": [str(x.id) for x in m],
        f"att-{m[0].id}": "present",
        # a value typed wrong: their own proxy
        f"att-{m[1].id}": "proxy", f"holder-{m[1].id}": m[1].number,
        # a rule: two proxies for one holder where the forum allows one
        f"att-{m[2].id}": "proxy", f"holder-{m[2].id}": m[0].number,
        f"att-{m[3].id}": "proxy", f"holder-{m[3].id}": m[0].number,
        # good rows, kept as typed
        f"att-{m[4].id}": "present", f"vote-{m[4].id}": "yes", f"vote-{m[0].id}": "no",
        # a vote of someone not present
        f"vote-{m[5].id}": "yes",
    }
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert f"{_who(m[1])} cannot hold their own proxy." in _row(html, m[1].id)
    limit = f"{_who(m[0])} would hold 2 proxies (for {_who(m[2])}, {_who(m[3])}); this forum allows 1."
    assert limit in _row(html, m[2].id) and limit in _row(html, m[3].id)
    assert f"{_who(m[5])} is neither present nor represented by a proxy." in _row(html, m[5].id)
    for bad in (m[1], m[2], m[3], m[5]):
        assert "table-danger" in _row(html, bad.id)
        assert f'href="#row-{bad.id}"' in html  # the summary on top links to the row
    for good in (m[0], m[4], m[6]):
        assert "table-danger" not in _row(html, good.id)
    assert "Nothing was recorded." in html and "Some rows need a correction; nothing was recorded." in html
    # what was typed is still there
    assert re.search(rf'id="att-{m[4].id}-present" value="present" checked', _row(html, m[4].id))
    assert re.search(rf'id="vote-{m[4].id}-yes" value="yes" checked', _row(html, m[4].id))
    assert f'value="{m[0].number}"' in _row(html, m[2].id)
    # and nothing of it recorded
    assert _count(Attendance, meeting_id=meeting.id) == 1 and _count(Vote, motion_id=motion.id) == 0

    # corrected in one go, it is recorded
    data[f"holder-{m[1].id}"] = m[4].number
    data[f"holder-{m[3].id}"] = m[6].number
    data[f"att-{m[6].id}"] = "present"
    data.pop(f"vote-{m[5].id}")
    resp = client.post(url, data=data)
    assert resp.status_code == 302
    assert _count(Attendance, meeting_id=meeting.id) == 6 and _count(Vote, motion_id=motion.id) == 2


def test_a_vote_of_a_member_whose_row_is_refused_is_not_reported_twice(client, sign_in, make_forum, make_members,
                                                                       make_meeting, make_motion):
    sign_in("board")
    m = make_members(3)
    meeting = make_meeting(make_forum())
    motion = make_motion(meeting)
    url = f"/forums/meetings/{meeting.id}/roll-call?motion={motion.id}"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "row": [str(m[0].id)],
                                  f"att-{m[0].id}": "proxy", f"holder-{m[0].id}": m[0].number,
                                  f"vote-{m[0].id}": "yes"})
    row = _row(resp.get_data(as_text=True), m[0].id)
    assert resp.status_code == 422
    assert f"{_who(m[0])} cannot hold their own proxy." in row
    assert "neither present" not in row


def test_everyone_present_without_javascript_marks_the_rows_without_a_choice(client, sign_in, make_forum,
                                                                            make_members, make_meeting):
    sign_in("board")
    m = make_members(5)
    meeting = make_meeting(make_forum(), absent=[m[0]])
    url = f"/forums/meetings/{meeting.id}/roll-call"
    page = client.get(url).get_data(as_text=True)
    # the buttons: both at the top, and saving again in the sticky bar at the bottom
    assert page.count('name="fill" value="present"') == 1 and "save-bar-bottom" in page
    assert page.count(">Record attendance and votes</button>") == 2
    assert "js/roll-call.js" in page
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "row": [str(x.id) for x in m],
                                  f"att-{m[0].id}": "absent", f"att-{m[1].id}": "proxy",
                                  f"holder-{m[1].id}": m[2].number, "fill": "present"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-3000:]
    statuses = dict(db.session.execute(select(Attendance.member_id, Attendance.status)
                                       .where(Attendance.meeting_id == meeting.id)).all())
    assert statuses == {m[0].id: "absent", m[1].id: "proxy", m[2].id: "present", m[3].id: "present",
                        m[4].id: "present"}


def test_everyone_present_with_a_mistake_keeps_the_filled_rows_on_the_screen(client, sign_in, make_forum,
                                                                            make_members, make_meeting):
    sign_in("board")
    m = make_members(3)
    meeting = make_meeting(make_forum())
    url = f"/forums/meetings/{meeting.id}/roll-call"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "row": [str(x.id) for x in m],
                                  f"att-{m[0].id}": "proxy", f"holder-{m[0].id}": m[0].number, "fill": "present"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    for other in m[1:]:
        assert re.search(rf'id="att-{other.id}-present" value="present" checked', _row(html, other.id))
    assert _count(Attendance, meeting_id=meeting.id) == 0


def test_a_closed_meeting_has_no_save_bar(client, sign_in, make_forum, make_members, make_meeting):
    sign_in("board")
    make_members(2)
    meeting = make_meeting(make_forum())
    services.close_meeting(actor="test", meeting=meeting)
    db.session.commit()
    page = client.get(f"/forums/meetings/{meeting.id}/roll-call").get_data(as_text=True)
    assert "save-bar" not in page and 'name="fill"' not in page


def test_the_roll_call_screen_costs_the_same_for_10_or_200_rows(client, sign_in, make_forum, make_members,
                                                                make_meeting, make_motion, count_queries):
    sign_in("board")
    forum = make_forum()
    make_members(10)
    url = f"/forums/meetings/{make_meeting(forum).id}/roll-call"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    make_members(190)
    url = f"/forums/meetings/{make_meeting(forum).id}/roll-call"
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count <= 20
