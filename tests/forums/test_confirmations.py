"""Nothing irreversible by one click: closing a vote, closing a meeting and approving minutes go
through a confirmation page that states the consequence (for a vote, the outcome it would compute,
with the counts) and whose form posts the action; minutes stay editable after the meeting closes
until they are approved; a `next` that leaves the site is ignored."""

from __future__ import annotations

import re

from govtrack.extensions import db
from govtrack.forums.models import Meeting, Motion
from tests.conftest import csrf_token


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _form_action(html: str) -> str:
    m = re.search(r'<form method="post" action="([^"]+)"', _main(html))
    assert m, html[-3000:]
    return m.group(1)


def test_closing_a_vote_asks_first_and_states_the_outcome_with_the_counts(client, sign_in, make_forum, make_members,
                                                                          make_meeting, make_motion, vote):
    sign_in("board")
    members = make_members(5)
    meeting = make_meeting(make_forum(), present=members[:4])
    motion = make_motion(meeting, title="Kas desa")
    vote(motion, {members[0]: "yes", members[1]: "yes", members[2]: "no", members[3]: "abstain"})
    page = client.get(f"/forums/motions/{motion.id}").get_data(as_text=True)
    # the motion page's button leads to the confirmation, it does not post the close
    assert f'href="/forums/motions/{motion.id}/close"' in page
    assert f'action="/forums/motions/{motion.id}/close"' not in page

    resp = client.get(f"/forums/motions/{motion.id}/close")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Outcome if the vote is closed now" in html
    assert re.search(r"<strong>Carried</strong>\s*— 2 yes, 1 no, 1 abstaining", html)
    assert "Present (in person or by proxy): 4 of 5 eligible; 3 needed for a quorum." in html
    assert "Closing the vote is final" in html
    assert _form_action(html) == f"/forums/motions/{motion.id}/close"
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).status == "open"  # asking changed nothing

    resp = client.post(f"/forums/motions/{motion.id}/close", data={"csrf_token": csrf_token(client, f"/forums/motions/{motion.id}/close")})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/forums/motions/{motion.id}"
    db.session.expire_all()
    closed = db.session.get(Motion, motion.id)
    assert (closed.status, closed.outcome, closed.yes, closed.no) == ("closed", "carried", 2, 1)


def test_the_vote_confirmation_in_indonesian_says_the_outcome(client, sign_in, make_forum, make_members,
                                                              make_meeting, make_motion, vote):
    sign_in("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(), present=members[:1])
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes"})
    html = client.get(f"/forums/motions/{motion.id}/close", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Tidak kuorum" in html and "1 setuju, 0 tidak setuju, 0 abstain" in html
    assert "Ya, tutup pemungutan suara" in html


def test_a_tally_past_the_attendance_cannot_be_confirmed(client, sign_in, make_forum, make_members, make_meeting,
                                                         make_motion):
    from govtrack.forums import services

    sign_in("board")
    members = make_members(3)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting)
    services.record_tally(actor="test", motion=motion, yes=2, no=1, abstain=0)
    db.session.commit()
    services.set_attendance(actor="test", meeting=db.session.get(Meeting, meeting.id),
                            entries=[services.AttendanceEntry(members[2].id, "absent")])
    db.session.commit()
    html = client.get(f"/forums/motions/{motion.id}/close").get_data(as_text=True)
    assert "This cannot be done now:" in html and "only 2 members are present" in html
    assert 'method="post"' not in _main(html)


def test_closing_a_meeting_asks_first(client, sign_in, make_forum, make_meeting, make_motion, close):
    sign_in("board")
    meeting = make_meeting(make_forum())
    motion = make_motion(meeting, title="Kas desa")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/forums/meetings/{meeting.id}/close"' in page
    html = client.get(f"/forums/meetings/{meeting.id}/close").get_data(as_text=True)
    assert "still open: “Kas desa”" in html and 'method="post"' not in _main(html)
    close(motion)
    html = client.get(f"/forums/meetings/{meeting.id}/close").get_data(as_text=True)
    assert "Closing is final: attendance, the agenda, motions and votes of this meeting change no more." in html
    assert _form_action(html) == f"/forums/meetings/{meeting.id}/close"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "open"
    token = csrf_token(client, f"/forums/meetings/{meeting.id}/close")
    resp = client.post(f"/forums/meetings/{meeting.id}/close", data={"csrf_token": token})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "closed"


def test_minutes_are_written_after_the_close_until_approved_and_approval_asks(client, sign_in, api_as, make_forum,
                                                                               make_meeting):
    api = api_as("board")
    sign_in("board")
    meeting = make_meeting(make_forum())
    assert api.post(f"/api/v1/meetings/{meeting.id}/close").status_code == 200
    # after the close: the page still has the minutes form, and both doors save
    url = f"/forums/meetings/{meeting.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="/forums/meetings/{meeting.id}/minutes"' in page
    resp = client.post(url + "/minutes", data={"csrf_token": csrf_token(client, url), "minutes": "## Pembukaan"})
    assert resp.status_code == 302
    resp = api.put(f"/api/v1/meetings/{meeting.id}/minutes", json={"minutes": "## Pembukaan\n\nRapat dibuka."})
    assert resp.status_code == 200 and resp.get_json()["minutes"] == "## Pembukaan\n\nRapat dibuka."
    # approving asks first, showing what will be approved
    page = client.get(url).get_data(as_text=True)
    assert f'href="/forums/meetings/{meeting.id}/minutes/approve"' in page
    html = client.get(url + "/minutes/approve").get_data(as_text=True)
    assert "Approved minutes are final: nobody can edit them afterwards." in html and "Rapat dibuka." in html
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_status == "draft"
    resp = client.post(_form_action(html), data={"csrf_token": csrf_token(client, url + "/minutes/approve")})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_status == "approved"
    # approved: final, through every door
    assert f'action="/forums/meetings/{meeting.id}/minutes"' not in client.get(url).get_data(as_text=True)
    resp = api.put(f"/api/v1/meetings/{meeting.id}/minutes", json={"minutes": "rewritten"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "minutes_approved"
    resp = client.post(url + "/minutes", data={"csrf_token": csrf_token(client, url), "minutes": "rewritten"})
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes == "## Pembukaan\n\nRapat dibuka."


def test_after_a_confirmed_action_a_local_next_is_followed_and_an_off_site_one_ignored(
        client, sign_in, make_forum, make_meeting, make_motion):
    sign_in("board")
    meeting = make_meeting(make_forum())
    first, second, third = (make_motion(meeting, title=t) for t in ("Satu", "Dua", "Tiga"))
    back = "/forums/meetings?status=open"
    html = client.get(f"/forums/motions/{first.id}/close?next=/forums/meetings%3Fstatus%3Dopen").get_data(as_text=True)
    assert f'name="next" value="{back}"' in html
    token = csrf_token(client, f"/forums/motions/{first.id}/close")
    resp = client.post(f"/forums/motions/{first.id}/close", data={"csrf_token": token, "next": back})
    assert resp.headers["Location"] == back
    for target, motion in (("https://evil.example/", second), ("//evil.example/x", third)):
        resp = client.post(f"/forums/motions/{motion.id}/close", data={"csrf_token": token, "next": target})
        assert resp.status_code == 302 and resp.headers["Location"] == f"/forums/motions/{motion.id}", target
    html = client.get(f"/forums/meetings/{meeting.id}/close?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in _main(html)


def test_confirmation_pages_are_for_those_who_run_meetings(client, sign_in, make_forum, make_meeting, make_motion):
    meeting = make_meeting(make_forum())
    motion = make_motion(meeting)
    sign_in("manager")
    for url in (f"/forums/motions/{motion.id}/close", f"/forums/meetings/{meeting.id}/close",
                f"/forums/meetings/{meeting.id}/minutes/approve"):
        assert client.get(url).status_code == 403, url


def test_consensus_asks_first_and_refuses_without_a_quorum(client, sign_in, make_forum, make_members, make_meeting,
                                                           make_motion):
    sign_in("board")
    members = make_members(4)
    quorate = make_meeting(make_forum(), present=members[:3])
    motion = make_motion(quorate, title="Kas desa")
    page = client.get(f"/forums/motions/{motion.id}").get_data(as_text=True)
    assert f'href="/forums/motions/{motion.id}/consensus"' in page
    assert f'action="/forums/motions/{motion.id}/consensus"' not in page
    html = client.get(f"/forums/motions/{motion.id}/consensus").get_data(as_text=True)
    assert "carried by consensus (mufakat), with no objection, and closed for good" in html
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).status == "open"
    resp = client.post(_form_action(html), data={"csrf_token": csrf_token(client, f"/forums/motions/{motion.id}/consensus")})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Motion, motion.id).outcome, db.session.get(Motion, motion.id).method) == ("carried", "consensus")

    thin = make_meeting(make_forum(), present=members[:1])
    other = make_motion(thin)
    html = client.get(f"/forums/motions/{other.id}/consensus").get_data(as_text=True)
    assert "No quorum: 1 of 4 eligible present" in html and 'method="post"' not in _main(html)
