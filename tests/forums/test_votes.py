"""Meetings, attendance, motions and votes through the API: quorum, thresholds, refusals."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums.models import Vote


def _votes_in(motion_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.motion_id == motion_id))


def test_forum_created_through_the_api_keeps_its_exact_rules(api_as, make_member):
    api = api_as("board")
    a, b = make_member(), make_member()
    resp = api.post("/api/v1/forums", json={
        "name": "Dewan Pengawas Syariah", "kind": "sharia_supervisory",
        "quorum": {"numerator": 2, "denominator": 3, "strict": True}, "threshold": "unanimous",
        "voters": [a.id, b.id], "proxy_limit": 0,
    })
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["quorum"] == {"numerator": 2, "denominator": 3, "strict": True}
    assert body["voters"] == [a.id, b.id] and body["code"] == "DPS"
    listed = api.get("/api/v1/forums").get_json()["items"]
    assert [f["name"] for f in listed] == ["Dewan Pengawas Syariah"]
    bad = api.post("/api/v1/forums", json={"name": "X", "kind": "board",
                                           "quorum": {"numerator": 3, "denominator": 2}})
    assert bad.status_code == 422


def test_meeting_flow_through_the_api(api_as, make_forum, make_member):
    api = api_as("board")
    forum = make_forum()
    members = [make_member() for _ in range(3)]
    resp = api.post("/api/v1/meetings", json={"forum_id": forum.id, "title": "Rembug Maret",
                                              "starts_at": "2026-03-14T09:00:00+07:00", "location": "Balai"})
    assert resp.status_code == 201 and resp.get_json()["status"] == "scheduled"
    mid = resp.get_json()["id"]
    assert api.post(f"/api/v1/meetings/{mid}/open").get_json()["status"] == "open"
    att = api.put(f"/api/v1/meetings/{mid}/attendance", json=[
        {"member_id": members[0].id, "status": "present"},
        {"member_id": members[1].id, "status": "proxy", "proxy_holder_id": members[0].id},
        {"member_id": members[2].id, "status": "absent"},
    ])
    assert att.status_code == 200, att.get_json()
    assert att.get_json()["present"] == 2 and att.get_json()["eligible"] == 3
    motion = api.post(f"/api/v1/meetings/{mid}/motions", json={"title": "Kas", "text": "Open a fund."})
    assert motion.status_code == 201
    motion_id = motion.get_json()["id"]
    votes = api.post(f"/api/v1/motions/{motion_id}/votes", json={"votes": [
        {"member_id": members[0].id, "choice": "yes"}, {"member_id": members[1].id, "choice": "yes"}]})
    assert votes.status_code == 200 and votes.get_json()["yes"] == 2
    closed = api.post(f"/api/v1/motions/{motion_id}/close")
    assert closed.status_code == 200
    body = closed.get_json()
    assert {k: body[k] for k in ("outcome", "yes", "no", "abstain", "present", "eligible")} == {
        "outcome": "carried", "yes": 2, "no": 0, "abstain": 0, "present": 2, "eligible": 3}
    assert re.fullmatch(rf"{forum.code}-\d{{4}}-001", body["decision"]["number"])
    got = api.get(f"/api/v1/motions/{motion_id}").get_json()
    assert got["outcome"] == "carried" and len(got["votes"]) == 2
    cast_by = {v["member_id"]: v["cast_by_id"] for v in got["votes"]}
    assert cast_by == {members[0].id: None, members[1].id: members[0].id}  # the proxy holder cast it
    assert api.post(f"/api/v1/meetings/{mid}/close").get_json()["status"] == "closed"
    decisions = api.get("/api/v1/decisions").get_json()["items"]
    assert len(decisions) == 1 and decisions[0]["motion_id"] == motion_id


@pytest.mark.parametrize(
    ("eligible", "present", "quorum", "strict", "outcome"),
    [
        (10, 5, (1, 2), False, "carried"),    # quorum exactly met
        (10, 4, (1, 2), False, "no_quorum"),  # one short
        (10, 5, (1, 2), True, "no_quorum"),   # exactly half is not more than half
        (10, 6, (1, 2), True, "carried"),
    ],
)
def test_quorum_at_close(make_forum, make_members, make_meeting, make_motion, vote, close,
                         eligible, present, quorum, strict, outcome):
    members = make_members(eligible)
    forum = make_forum(quorum=quorum, strict=strict)
    meeting = make_meeting(forum, present=members[:present])
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes"})
    m = close(motion)
    assert (m.outcome, m.present, m.eligible) == (outcome, present, eligible)


def test_proxies_count_toward_quorum(make_forum, make_members, make_meeting, make_motion, vote, close):
    members = make_members(10)
    forum = make_forum(quorum=(1, 2), strict=True, proxy_limit=2)
    # 4 in person + 2 by proxy = 6 of 10: more than half.
    meeting = make_meeting(forum, present=members[:4], proxies={members[4]: members[0], members[5]: members[0]})
    motion = make_motion(meeting)
    vote(motion, {members[4]: "yes"})  # a proxy holder casts the vote of the member they represent
    m = close(motion)
    assert (m.outcome, m.present) == ("carried", 6)
    cast_by = db.session.scalar(select(Vote.cast_by_id).where(Vote.member_id == members[4].id))
    assert cast_by == members[0].id


@pytest.mark.parametrize(
    ("threshold", "choices", "outcome"),
    [
        ("simple_majority", ["yes", "yes", "no", "no", "abstain"], "defeated"),  # tie
        ("simple_majority", ["abstain"] * 5, "defeated"),                        # all abstain
        ("two_thirds", ["yes", "yes", "no", "abstain", "abstain"], "carried"),   # exactly two thirds
        ("three_quarters", ["yes", "yes", "no", "abstain", "abstain"], "defeated"),
        ("unanimous", ["yes", "yes", "yes", "yes", "no"], "defeated"),           # unanimous with one no
        ("unanimous", ["yes", "yes", "abstain", "abstain", "abstain"], "carried"),
    ],
)
def test_thresholds_at_close(make_forum, make_members, make_meeting, make_motion, vote, close,
                             threshold, choices, outcome):
    members = make_members(5)
    meeting = make_meeting(make_forum(threshold=threshold), present=members)
    motion = make_motion(meeting)
    vote(motion, dict(zip(members, choices, strict=True)))
    m = close(motion)
    assert m.outcome == outcome
    assert (m.yes, m.no, m.abstain) == (choices.count("yes"), choices.count("no"), choices.count("abstain"))


def test_proxy_limit_exceeded_is_refused(api_as, make_forum, make_members, make_meeting):
    api = api_as("board")
    m = make_members(4)
    meeting = make_meeting(make_forum(proxy_limit=1), present=[m[0]])
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[
        {"member_id": m[1].id, "status": "proxy", "proxy_holder_id": m[0].id},
        {"member_id": m[2].id, "status": "proxy", "proxy_holder_id": m[0].id},
    ])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "proxy_rule"
    # A holder who is not present in person cannot hold a proxy; nobody holds their own.
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[
        {"member_id": m[1].id, "status": "proxy", "proxy_holder_id": m[3].id}])
    assert resp.status_code == 409
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[
        {"member_id": m[1].id, "status": "proxy", "proxy_holder_id": m[1].id}])
    assert resp.status_code == 422
    ok = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[
        {"member_id": m[1].id, "status": "proxy", "proxy_holder_id": m[0].id}])
    assert ok.status_code == 200 and ok.get_json()["present"] == 2


def test_refused_votes_answer_409_and_record_nothing(api_as, make_forum, make_member, make_members,
                                                     make_meeting, make_motion, make_agreement, make_partner):
    api = api_as("board")
    partner = make_partner()
    agreement = make_agreement(parties=[(partner, "funder")])
    voters = make_members(3)
    investor = make_member(investor=True)
    recused = make_member(interests=[partner])
    absent = make_member()
    meeting = make_meeting(make_forum(), present=[*voters, recused], absent=[absent])
    motion = make_motion(meeting, effect="approve", agreement=agreement)
    url = f"/api/v1/motions/{motion.id}/votes"

    for bad, code in [(investor, "not_eligible"), (recused, "recused"), (absent, "not_present")]:
        resp = api.post(url, json={"votes": [{"member_id": voters[0].id, "choice": "yes"},
                                             {"member_id": bad.id, "choice": "yes"}]})
        assert resp.status_code == 409, resp.get_json()
        err = resp.get_json()["error"]
        assert err["code"] == code and "votes.1.member_id" in err["fields"]
        assert _votes_in(motion.id) == 0  # not even the good vote of that request

    assert api.post(url, json={"votes": [{"member_id": voters[0].id, "choice": "yes"}]}).status_code == 200
    dup = api.post(url, json={"votes": [{"member_id": voters[1].id, "choice": "no"},
                                        {"member_id": voters[0].id, "choice": "no"}]})
    assert dup.status_code == 409 and dup.get_json()["error"]["code"] == "duplicate_vote"
    twice = api.post(url, json={"votes": [{"member_id": voters[2].id, "choice": "no"},
                                          {"member_id": voters[2].id, "choice": "yes"}]})
    assert twice.status_code == 409
    assert _votes_in(motion.id) == 1
    assert db.session.scalar(select(Vote.choice).where(Vote.member_id == voters[0].id)) == "yes"


def test_a_non_listed_member_cannot_vote_in_a_forum_with_named_voters(api_as, make_forum, make_member,
                                                                     make_meeting, make_motion):
    api = api_as("board")
    board = [make_member(), make_member()]
    outsider = make_member()
    forum = make_forum("board", voters=board)
    meeting = make_meeting(forum, present=board)
    resp = api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[{"member_id": outsider.id, "status": "present"}])
    assert resp.status_code == 422
    motion = make_motion(meeting)
    resp = api.post(f"/api/v1/motions/{motion.id}/votes", json={"votes": [{"member_id": outsider.id, "choice": "yes"}]})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_eligible"


def test_vote_on_a_closed_motion_is_refused(api_as, make_forum, make_members, make_meeting, make_motion, vote, close):
    api = api_as("board")
    members = make_members(3)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes"})
    close(motion)
    for body in ({"votes": [{"member_id": members[1].id, "choice": "no"}]}, {"tally": {"yes": 0, "no": 3}}):
        resp = api.post(f"/api/v1/motions/{motion.id}/votes", json=body)
        assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "motion_closed"
    assert _votes_in(motion.id) == 1
    again = api.post(f"/api/v1/motions/{motion.id}/close")
    assert again.status_code == 409


def test_tally_and_roll_call_never_mix(api_as, make_forum, make_members, make_meeting, make_motion):
    api = api_as("board")
    members = make_members(6)
    meeting = make_meeting(make_forum(), present=members)
    tallied = make_motion(meeting)
    assert api.post(f"/api/v1/motions/{tallied.id}/votes", json={"tally": {"yes": 4, "no": 1, "abstain": 1}}).status_code == 200
    resp = api.post(f"/api/v1/motions/{tallied.id}/votes", json={"votes": [{"member_id": members[0].id, "choice": "yes"}]})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "mixed_methods"
    too_many = api.post(f"/api/v1/motions/{tallied.id}/votes", json={"tally": {"yes": 7, "no": 0, "abstain": 0}})
    assert too_many.status_code == 422
    closed = api.post(f"/api/v1/motions/{tallied.id}/close").get_json()
    assert (closed["outcome"], closed["yes"], closed["no"], closed["abstain"]) == ("carried", 4, 1, 1)

    rolled = make_motion(meeting)
    api.post(f"/api/v1/motions/{rolled.id}/votes", json={"votes": [{"member_id": members[0].id, "choice": "yes"}]})
    resp = api.post(f"/api/v1/motions/{rolled.id}/votes", json={"tally": {"yes": 1, "no": 0, "abstain": 0}})
    assert resp.status_code == 409
    both = api.post(f"/api/v1/motions/{rolled.id}/votes", json={"tally": {"yes": 1, "no": 0},
                                                                "votes": [{"member_id": members[1].id, "choice": "yes"}]})
    assert both.status_code == 422


def test_consensus_needs_a_quorate_meeting(api_as, make_forum, make_members, make_meeting, make_motion):
    api = api_as("board")
    members = make_members(10)
    meeting = make_meeting(make_forum(quorum=(1, 2), strict=True), present=members[:5])
    motion = make_motion(meeting)
    resp = api.post(f"/api/v1/motions/{motion.id}/consensus")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "no_quorum"
    api.put(f"/api/v1/meetings/{meeting.id}/attendance", json=[{"member_id": members[5].id, "status": "present"}])
    ok = api.post(f"/api/v1/motions/{motion.id}/consensus")
    assert ok.status_code == 200
    assert (ok.get_json()["outcome"], ok.get_json()["present"], ok.get_json()["method"]) == ("carried", 6, "consensus")
    assert ok.get_json()["decision"]["number"]


def test_voting_needs_an_open_meeting(api_as, make_forum, make_members, make_meeting, make_motion):
    api = api_as("board")
    members = make_members(2)
    meeting = make_meeting(make_forum(), open=False, present=members)
    motion = make_motion(meeting)
    resp = api.post(f"/api/v1/motions/{motion.id}/votes", json={"votes": [{"member_id": members[0].id, "choice": "yes"}]})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "meeting_not_open"


def test_anonymous_reads_nothing(client):
    assert client.get("/api/v1/decisions").status_code == 401
    assert client.get("/api/v1/meetings").status_code == 401


def test_permissions(api_as, make_forum):
    forum = make_forum()
    assert api_as("manager").post("/api/v1/meetings", json={"forum_id": forum.id, "title": "x",
                                                            "starts_at": "2026-03-01T09:00:00Z"}).status_code == 403
    assert api_as("member").get("/api/v1/meetings").status_code == 403
    assert api_as("manager").get("/api/v1/meetings").status_code == 200
    assert api_as("board").post("/api/v1/forums", json={"name": "y", "kind": "board"}).status_code == 201


def test_meeting_read_and_motion_read_use_few_queries(api_as, make_forum, make_members, make_meeting, make_motion,
                                                     vote, count_queries):
    api = api_as("board")
    members = make_members(40)
    meeting = make_meeting(make_forum(), present=members)
    motions = [make_motion(meeting, title=f"Usul {i}") for i in range(4)]
    for m in motions:
        vote(m, {x: "yes" for x in members})
    with count_queries() as q:
        assert api.get(f"/api/v1/meetings/{meeting.id}").status_code == 200
    assert q.count <= 15
    with count_queries() as q:
        assert api.get(f"/api/v1/motions/{motions[0].id}").status_code == 200
    assert q.count <= 12
