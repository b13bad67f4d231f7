"""The forums pages: meetings as minutes, the roll-call screen, tally, policy, decisions, and a
closed meeting that no page or API route can change."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums.models import Attendance, Meeting, Motion, Vote
from tests.conftest import csrf_token


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def test_board_creates_a_forum_and_schedules_and_opens_a_meeting(client, sign_in, make_user):
    sign_in("board")
    token = csrf_token(client, "/forums/new")
    resp = client.post("/forums/new", data={
        "csrf_token": token, "name": "Forum Rembug Pusat", "kind": "rembug_pusat", "code": "",
        "all_members": "y", "quorum_numerator": "1", "quorum_denominator": "2", "threshold": "simple_majority",
        "proxy_limit": "1",
    })
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2500:]
    html = client.get("/forums/").get_data(as_text=True)
    assert "Forum Rembug Pusat" in html and "at least 1/2" in html
    from govtrack.forums.models import Forum

    forum = db.session.scalar(select(Forum))
    assert forum.code == "RP"
    token = csrf_token(client, "/forums/meetings/new")
    resp = client.post("/forums/meetings/new", data={"csrf_token": token, "forum_id": str(forum.id),
                                                     "title": "Rembug Maret", "starts_at": "2026-03-14T09:00",
                                                     "location": "Balai"})
    assert resp.status_code == 302
    meeting_url = resp.headers["Location"]
    assert "Rembug Maret" in client.get("/forums/meetings").get_data(as_text=True)
    token = csrf_token(client, meeting_url)
    resp = client.post(meeting_url + "/open", data={"csrf_token": token})
    assert resp.status_code == 302
    assert db.session.scalar(select(Meeting.status)) == "open"


def test_roll_call_screen_records_attendance_and_votes_in_one_submit(client, sign_in, make_user, make_forum,
                                                                    make_members, make_meeting, make_motion):
    sign_in("board")
    members = make_members(6, group="Rembug Kenanga")
    make_members(3, group="Rembug Anggrek", prefix="C")
    meeting = make_meeting(make_forum(proxy_limit=1))
    motion = make_motion(meeting)
    url = f"/forums/meetings/{meeting.id}/roll-call?group=Rembug+Kenanga&motion={motion.id}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and members[0].name in html and "Anggota C" not in html
    data = {"csrf_token": csrf_token(client, url), "row": [str(m.id) for m in members]}
    for m in members[:4]:
        data[f"att-{m.id}"] = "present"
    data[f"att-{members[4].id}"] = "proxy"
    data[f"holder-{members[4].id}"] = members[0].number
    data[f"att-{members[5].id}"] = "absent"
    for m, choice in zip(members[:5], ["yes", "yes", "no", "abstain", "yes"], strict=True):
        data[f"vote-{m.id}"] = choice
    resp = client.post(url, data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    assert _count(Attendance, meeting_id=meeting.id) == 6
    assert _count(Vote, motion_id=motion.id) == 5
    html = client.get(url).get_data(as_text=True)
    assert "5 of 9 eligible" in html and "3 yes, 1 no, 1 abstaining" in html

    # Resubmitting a vote for someone who already voted is refused, and nothing of it is recorded.
    again = {"csrf_token": data["csrf_token"], "row": [str(members[0].id), str(members[5].id)],
             f"att-{members[0].id}": "present", f"vote-{members[0].id}": "no",
             f"att-{members[5].id}": "present"}
    resp = client.post(url, data=again)
    assert resp.status_code == 409
    assert _count(Vote, motion_id=motion.id) == 5
    assert db.session.scalar(select(Attendance.status).where(Attendance.member_id == members[5].id)) == "absent"


def test_tally_form_and_close_show_the_outcome(client, sign_in, make_user, make_forum, make_members, make_meeting,
                                              make_motion):
    sign_in("board")
    members = make_members(5)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting, title="Kas desa")
    url = f"/forums/motions/{motion.id}"
    token = csrf_token(client, url)
    resp = client.post(url + "/tally", data={"csrf_token": token, "yes": "9", "no": "0", "abstain": "0"})
    assert resp.status_code == 422
    resp = client.post(url + "/tally", data={"csrf_token": token, "yes": "3", "no": "1", "abstain": "1"})
    assert resp.status_code == 302
    assert "3 yes, 1 no, 1 abstaining" in client.get(url).get_data(as_text=True)
    assert client.post(url + "/close", data={"csrf_token": token}).status_code == 302
    html = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "Carried" in html and re.search(r"F\d+-\d{4}-001", html)
    assert "Kas desa" in client.get("/forums/decisions").get_data(as_text=True)


def test_meeting_page_reads_as_minutes_with_few_queries(client, sign_in, make_user, make_forum, make_members,
                                                       make_member, make_meeting, make_motion, vote, close,
                                                       make_agreement, make_partner, count_queries):
    sign_in("board")
    partner = make_partner()
    agreement = make_agreement(kind="grant", parties=[(partner, "funder")])
    members = make_members(30)
    recused = make_member("Ibu Sari Recused", interests=[partner])
    meeting = make_meeting(make_forum(), present=[*members[:20], recused], absent=members[20:25])
    motions = [make_motion(meeting, title=f"Usul {i}", effect="approve" if i == 0 else "none",
                           agreement=agreement if i == 0 else None) for i in range(3)]
    for m in motions:
        vote(m, {x: "yes" for x in members[:20]})
        close(m)
    from govtrack.forums import services

    services.set_minutes(actor="test", meeting=db.session.get(Meeting, meeting.id),
                         text="## Pembukaan\n\n<script>alert(1)</script> **Rapat dibuka.**")
    db.session.commit()
    with count_queries() as q:
        resp = client.get(f"/forums/meetings/{meeting.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    # 22 for the minutes, attendance, votes and motions; 3 for the centres' roll-up of the agenda item
    # (the centres' fingerprint, the positions' version, the clauses); 1 for the survey evidence.
    assert q.count <= 26, q.statements
    assert "<strong>Rapat dibuka.</strong>" in html and "<script>alert" not in html
    assert "Ibu Sari Recused" in html and "Recused" in html
    assert "21 of 31 eligible" in html and "20 yes, 0 no, 0 abstaining" in html
    assert "forums-print.css" in html


def test_a_large_meeting_links_to_its_register_and_costs_the_same_queries(client, sign_in, make_user, make_forum,
                                                                          make_members, make_meeting,
                                                                          count_queries):
    from govtrack.forums.views import ATTENDANCE_INLINE

    sign_in("board")
    forum = make_forum()
    small_members = make_members(ATTENDANCE_INLINE, prefix="S")
    small = make_meeting(forum, present=small_members[:-1], absent=small_members[-1:])
    big_members = make_members(ATTENDANCE_INLINE + 1, prefix="L")
    big = make_meeting(forum, present=big_members[:-2], proxies={big_members[-2]: big_members[0]},
                       absent=big_members[-1:])
    small_url, big_url = f"/forums/meetings/{small.id}", f"/forums/meetings/{big.id}"
    client.get(small_url)  # the first request after writes may open a write transaction
    with count_queries() as q_small:
        small_html = client.get(small_url).get_data(as_text=True)
    with count_queries() as q_big:
        big_html = client.get(big_url).get_data(as_text=True)
    # Exactly the inline limit: every name on the page. One more: the counts and a link instead.
    assert all(m.name in small_html for m in small_members) and "attendance register" not in small_html
    assert not any(m.name + " " in big_html for m in big_members)
    assert f"/forums/meetings/{big.id}/attendance" in big_html
    assert f"{ATTENDANCE_INLINE - 1} present in person, 1 by proxy" in big_html
    assert q_small.count == q_big.count, (q_small.statements, q_big.statements)
    register = client.get(f"/forums/meetings/{big.id}/attendance").get_data(as_text=True)
    assert all(m.name in register for m in big_members)
    assert "by proxy, held by " + big_members[0].name in register
    # (members and anonymous visitors are refused the register: tests/core/test_authorization_sweep.py)


def test_a_closed_meeting_cannot_be_changed_through_any_route(client, sign_in, make_user, api_as, make_forum,
                                                              make_members, make_meeting, make_motion, vote,
                                                              close, make_agreement):
    api = api_as("board")
    sign_in("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(), present=members[:3])
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes"})
    close(motion)
    from govtrack.forums import services

    services.close_meeting(actor="test", meeting=db.session.get(Meeting, meeting.id))
    db.session.commit()
    grant = make_agreement()
    before = (_count(Attendance), _count(Vote), _count(Motion))
    mid, oid = meeting.id, motion.id

    api_calls = [
        ("put", f"/api/v1/meetings/{mid}/attendance", [{"member_id": members[3].id, "status": "present"}]),
        ("post", f"/api/v1/meetings/{mid}/open", None),
        ("post", f"/api/v1/meetings/{mid}/close", None),
        ("post", f"/api/v1/meetings/{mid}/agenda", {"title": "Late", "agreement_id": grant.id}),
        ("post", f"/api/v1/meetings/{mid}/motions", {"title": "Late", "text": "Late"}),
        ("post", f"/api/v1/motions/{oid}/votes", {"votes": [{"member_id": members[1].id, "choice": "no"}]}),
        ("post", f"/api/v1/motions/{oid}/votes", {"tally": {"yes": 0, "no": 3, "abstain": 0}}),
        ("post", f"/api/v1/motions/{oid}/consensus", None),
        ("post", f"/api/v1/motions/{oid}/close", None),
    ]
    for method, url, body in api_calls:
        resp = getattr(api, method)(url, json=body)
        assert resp.status_code == 409, (url, resp.status_code, resp.get_json())

    token = csrf_token(client, f"/forums/meetings/{mid}")
    page_calls = [
        (f"/forums/meetings/{mid}/open", {}),
        (f"/forums/meetings/{mid}/close", {}),
        (f"/forums/meetings/{mid}/agenda", {"title": "Late", "agreement_id": "0", "clause_numbers": ""}),
        (f"/forums/meetings/{mid}/motions/new", {"title": "Late", "text": "Late", "effect": "none", "agreement_id": "0"}),
        (f"/forums/meetings/{mid}/roll-call?motion={oid}", {"row": [str(members[3].id)], f"att-{members[3].id}": "present",
                                                           f"vote-{members[1].id}": "no"}),
        (f"/forums/motions/{oid}/tally", {"yes": "0", "no": "3", "abstain": "0"}),
        (f"/forums/motions/{oid}/consensus", {}),
        (f"/forums/motions/{oid}/close", {}),
    ]
    for url, data in page_calls:
        resp = client.post(url, data={"csrf_token": token, **data})
        assert resp.status_code in (303, 409), (url, resp.status_code)
    db.session.expire_all()
    assert (_count(Attendance), _count(Vote), _count(Motion)) == before
    m = db.session.get(Meeting, mid)
    assert (m.status, m.minutes) == ("closed", None)
    assert db.session.get(Motion, oid).yes == 1
    # Its minutes are the exception: written up after the meeting, until they are approved
    # (tests/forums/test_confirmations.py).


def test_minutes_are_approved_after_close(api_as, make_meeting):
    api = api_as("board")
    meeting = make_meeting()
    assert api.put(f"/api/v1/meetings/{meeting.id}/minutes", json={"minutes": "Dibuka 09.00"}).status_code == 200
    resp = api.post(f"/api/v1/meetings/{meeting.id}/minutes/approve")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "meeting_not_closed"
    assert api.post(f"/api/v1/meetings/{meeting.id}/close").status_code == 200
    resp = api.post(f"/api/v1/meetings/{meeting.id}/minutes/approve")
    assert resp.status_code == 200 and resp.get_json()["minutes_status"] == "approved"
    assert api.post(f"/api/v1/meetings/{meeting.id}/minutes/approve").status_code == 409


def test_policy_page_is_for_admins_and_saves(client, sign_in, make_user):
    sign_in("admin")
    resp = client.get("/forums/policy")
    assert resp.status_code == 200 and "sharia" in resp.get_data(as_text=True).lower()
    from govtrack.agreements.models import AgreementKind
    from govtrack.forums.queries import DEFAULT_POLICY, policy_table

    data = {"csrf_token": csrf_token(client, "/forums/policy")}
    for k in AgreementKind:
        data[k.value] = list(DEFAULT_POLICY[k.value])
    data["supply"] = ["rembug_pusat", "board"]
    data["permit"] = []
    resp = client.post("/forums/policy", data=data)
    assert resp.status_code == 422  # every kind needs at least one forum
    data["permit"] = ["rembug_pusat"]
    assert client.post("/forums/policy", data=data).status_code == 302
    assert policy_table()["supply"] == ("rembug_pusat", "board")


def test_page_permissions(client, sign_in, make_user, make_meeting):
    meeting = make_meeting()
    sign_in("manager")
    assert client.get(f"/forums/meetings/{meeting.id}").status_code == 200
    assert client.get("/forums/decisions").status_code == 200
    assert client.get(f"/forums/meetings/{meeting.id}/roll-call").status_code == 403
    assert client.get("/forums/policy").status_code == 403
    assert client.get("/forums/new").status_code == 403


def test_decision_trail_partial(app, make_forum, make_agreement, make_members, make_meeting, make_motion, vote,
                                close, client, sign_in, make_user):
    from flask import render_template

    from govtrack.forums.queries import decisions_for_agreement

    members = make_members(3)
    grant = make_agreement(kind="grant")
    meeting = make_meeting(make_forum("rembug_pusat", code="RP"), present=members)
    motion = make_motion(meeting, effect="approve", agreement=grant)
    vote(motion, {m: "yes" for m in members})
    close(motion)
    with app.test_request_context():
        html = render_template("forums/_decision_trail.html", decisions=decisions_for_agreement(grant.id))
    assert "RP-2026-001" in html and "Approved the agreement" in html  # the effect's label, not its code


def test_the_agenda_and_motion_forms_take_an_agreement_by_reference_or_number(client, sign_in, make_user, make_forum,
                                                                              make_meeting, make_agreement):
    from govtrack.forums.models import AgendaItem

    sign_in("board")
    meeting = make_meeting(make_forum(), open=False)
    draft = make_agreement("Hibah sumur", kind="grant", reference="PKS/007/2026", clauses=["Dana", "Laporan"])
    active = make_agreement("Pinjaman lama", kind="loan", status="active")
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    # Awaiting a decision: suggested; in force: not suggested, but may be typed.
    assert '<option value="PKS/007/2026">Hibah sumur</option>' in page and "Pinjaman lama" not in page

    def add(agreement: str, clauses: str = ""):
        return client.post(f"/forums/meetings/{meeting.id}/agenda", data={
            "csrf_token": csrf_token(client, f"/forums/meetings/{meeting.id}"), "title": "Item",
            "agreement_id": agreement, "clause_numbers": clauses})

    assert add("pks/007/2026", "2").status_code == 302
    assert add(f"#{active.id}").status_code == 302
    assert add(str(active.id)).status_code == 302
    assert add("").status_code == 302
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)).all()
    assert [i.agreement_id for i in items] == [draft.id, active.id, active.id, None]
    for unknown in ("PKS/999/2026", "99999", "#2147483648"):
        resp = add(unknown)
        assert resp.status_code == 422
        assert f"No agreement has the reference or number “{unknown}”." in resp.get_data(as_text=True)
    assert _count(AgendaItem, meeting_id=meeting.id) == 4
    motion = client.post(f"/forums/meetings/{meeting.id}/motions/new", data={
        "csrf_token": csrf_token(client, f"/forums/meetings/{meeting.id}/motions/new"), "title": "Setuju",
        "text": "Menyetujui", "effect": "approve", "agreement_id": "PKS/007/2026"})
    assert motion.status_code == 302
    assert db.session.scalar(select(Motion.agreement_id).where(Motion.title == "Setuju")) == draft.id
