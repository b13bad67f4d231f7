"""A meeting's and a motion's life beyond the happy path: editing and rescheduling a scheduled
meeting, cancelling it with a reason, withdrawing a motion, editing a forum while its decided
meetings keep the rule they were decided under, and the chair and secretary who sign the minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from govtrack.audit.models import AuditEvent
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import services
from govtrack.forums.models import Decision, Meeting, Motion
from govtrack.forums.queries import load_meeting, load_motion
from tests.conftest import csrf_token
from tests.forums.conftest import NOW


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- services ----------------------------------------------------------------------------------

def test_a_scheduled_meeting_is_rescheduled_and_audited(make_meeting):
    meeting = make_meeting(open=False, title="Rapat Maret")
    later = dt.datetime(2026, 3, 21, 2, 0, tzinfo=dt.UTC)
    services.update_meeting(actor="test", meeting=meeting, title="Rapat Maret (diundur)", starts_at=later,
                            location="Balai Desa Sukamaju")
    db.session.commit()
    m = load_meeting(meeting.id)
    assert (m.title, m.starts_at, m.location) == ("Rapat Maret (diundur)", later, "Balai Desa Sukamaju")
    [event] = _events("meeting.update")
    assert event.object_id == meeting.id and "Rapat Maret (diundur)" in event.after and "Rapat Maret" in event.before


def test_a_partial_edit_changes_only_what_is_given(make_meeting):
    meeting = make_meeting(open=False, title="Rapat April")
    services.update_meeting(actor="test", meeting=meeting, location="Aula", changes=frozenset({"location"}))
    db.session.commit()
    m = load_meeting(meeting.id)
    assert (m.title, m.starts_at, m.location) == ("Rapat April", NOW, "Aula")


def test_an_open_meeting_is_not_edited(make_meeting):
    meeting = make_meeting(open=True)
    with pytest.raises(Conflict) as err:
        services.update_meeting(actor="test", meeting=meeting, title="Lain", starts_at=NOW, location=None)
    assert err.value.code == "meeting_not_scheduled" and "already open" in err.value.message
    db.session.rollback()
    assert load_meeting(meeting.id).title == "Rapat"


def test_cancelling_keeps_the_meeting_with_its_reason_and_withdraws_its_motions(make_meeting, make_motion):
    meeting = make_meeting(open=False)
    motion = make_motion(meeting, title="Usul iuran")
    services.cancel_meeting(actor="test", meeting=meeting, reason="Banjir di desa; rapat diundur.")
    db.session.commit()
    m = load_meeting(meeting.id)
    assert m.status == "cancelled" and m.cancel_reason == "Banjir di desa; rapat diundur." and m.cancelled_at
    withdrawn = load_motion(motion.id)
    assert withdrawn.status == "withdrawn" and withdrawn.withdraw_reason == "Banjir di desa; rapat diundur."
    assert [e.object_id for e in _events("meeting.cancel")] == [meeting.id]
    assert [e.object_id for e in _events("motion.withdraw")] == [motion.id]


def test_a_cancellation_needs_a_reason(make_meeting):
    meeting = make_meeting(open=False)
    with pytest.raises(ValidationFailed) as err:
        services.cancel_meeting(actor="test", meeting=meeting, reason="   ")
    assert "reason" in err.value.fields
    db.session.rollback()
    assert load_meeting(meeting.id).status == "scheduled"


def test_a_cancelled_meeting_cannot_be_opened_nor_get_agenda_items_or_motions(make_meeting):
    meeting = make_meeting(open=False)
    services.cancel_meeting(actor="test", meeting=meeting, reason="Tidak kuorum diperkirakan.")
    db.session.commit()
    for attempt in (
        lambda: services.open_meeting(actor="test", meeting=meeting),
        lambda: services.add_agenda_item(actor="test", meeting=meeting, title="Iuran"),
        lambda: services.create_motion(actor="test", meeting=meeting,
                                       data=services.MotionData(title="Usul", text="Teks")),
        lambda: services.cancel_meeting(actor="test", meeting=meeting, reason="lagi"),
        lambda: services.update_meeting(actor="test", meeting=meeting, title="x", starts_at=NOW, location=None),
    ):
        with pytest.raises(Conflict) as err:
            attempt()
        assert err.value.code in {"meeting_cancelled", "meeting_not_scheduled"}
        db.session.rollback()
    assert load_meeting(meeting.id).status == "cancelled"


def test_the_database_refuses_a_cancelled_meeting_without_a_reason(make_meeting):
    meeting = make_meeting(open=False)
    with pytest.raises(IntegrityError):
        db.session.execute(Meeting.__table__.update().where(Meeting.id == meeting.id).values(status="cancelled"))
        db.session.flush()
    db.session.rollback()


def test_withdrawing_a_motion_decides_nothing(make_members, make_forum, make_meeting, make_motion, vote,
                                              make_agreement):
    members = make_members(3)
    agreement = make_agreement("Hibah air", kind="grant")
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting, effect="approve", agreement=agreement)
    vote(motion, {members[0]: "yes"})
    services.withdraw_motion(actor="test", motion=motion, reason="Naskah perjanjian belum final.")
    db.session.commit()
    m = load_motion(motion.id)
    assert (m.status, m.outcome, m.withdraw_reason) == ("withdrawn", None, "Naskah perjanjian belum final.")
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    # The meeting can close: a withdrawn motion is not an open one.
    services.close_meeting(actor="test", meeting=meeting)
    db.session.commit()
    assert load_meeting(meeting.id).status == "closed"
    [event] = _events("motion.withdraw")
    assert "Naskah perjanjian belum final." in event.after


def test_a_withdrawn_motion_takes_no_votes_and_is_not_closed(make_members, make_meeting, make_motion):
    members = make_members(2)
    meeting = make_meeting(present=members)
    motion = make_motion(meeting)
    services.withdraw_motion(actor="test", motion=motion, reason="Diganti usul lain.")
    db.session.commit()
    with pytest.raises(Conflict) as err:
        services.cast_votes(actor="test", motion=motion, votes=[(members[0].id, "yes")])
    assert err.value.code == "motion_withdrawn"
    db.session.rollback()
    with pytest.raises(Conflict):
        services.close_motion(actor="test", motion=motion)
    db.session.rollback()


def test_a_closed_motion_is_not_withdrawn(make_members, make_meeting, make_motion, vote, close):
    members = make_members(3)
    meeting = make_meeting(present=members)
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes", members[1]: "yes"})
    close(motion)
    with pytest.raises(Conflict) as err:
        services.withdraw_motion(actor="test", motion=motion, reason="Terlambat.")
    assert err.value.code == "motion_closed"
    db.session.rollback()
    assert load_motion(motion.id).status == "closed"


def test_a_closed_meetings_outcome_stays_after_the_threshold_is_edited(make_members, make_forum, make_meeting,
                                                                         make_motion, vote, close):
    members = make_members(4)
    forum = make_forum(threshold="simple_majority")
    meeting = make_meeting(forum, present=members)
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes", members[1]: "yes", members[2]: "no"})   # 2 of 3: carried by majority
    assert close(motion).outcome == "carried"
    services.close_meeting(actor="test", meeting=meeting)
    db.session.commit()
    services.update_forum(actor="test", forum=forum, data=services.ForumData(
        name=forum.name, kind=forum.kind, code=forum.code, threshold="three_quarters", quorum_numerator=3,
        quorum_denominator=4, quorum_strict=True, proxy_limit=0))
    db.session.commit()
    m = load_meeting(meeting.id)
    assert (m.rule_threshold, m.rule_quorum_numerator, m.rule_quorum_denominator) == ("simple_majority", 1, 2)
    assert load_motion(motion.id).outcome == "carried"
    [event] = _events("forum.update")
    assert "three_quarters" in event.after and "simple_majority" in event.before


def test_an_open_meeting_decides_under_the_rule_it_opened_with(make_members, make_forum, make_meeting,
                                                                make_motion, vote, close):
    members = make_members(4)
    forum = make_forum(threshold="simple_majority")
    meeting = make_meeting(forum, present=members)
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes", members[1]: "yes", members[2]: "no"})
    # Edited while the meeting is under way: the motion is still decided by the majority it opened with.
    services.update_forum(actor="test", forum=forum, data=services.ForumData(
        name=forum.name, kind=forum.kind, code=forum.code, threshold="unanimous"))
    db.session.commit()
    assert close(motion).outcome == "carried"
    # A meeting opened after the edit takes the new rule.
    later = make_meeting(forum, present=members, title="Rapat berikut")
    second = make_motion(later)
    vote(second, {members[0]: "yes", members[1]: "yes", members[2]: "no"})
    assert close(second).outcome == "defeated"


def test_editing_a_forum_names_its_voters_and_refuses_a_changed_prefix_after_decisions(
        make_members, make_forum, make_meeting, make_motion, vote, close):
    members = make_members(3)
    forum = make_forum(voters=members[:2], code="PG")
    services.update_forum(actor="test", forum=forum, data=services.ForumData(
        name="Rapat Pengurus Baru", kind=forum.kind, code="PG", all_members=False,
        voter_ids=[members[1].id, members[2].id]))
    db.session.commit()
    from govtrack.forums.queries import voter_ids

    assert voter_ids([forum.id])[forum.id] == sorted([members[1].id, members[2].id])
    meeting = make_meeting(forum, present=members[1:])
    motion = make_motion(meeting)
    vote(motion, {members[1]: "yes"})
    close(motion)
    with pytest.raises(Conflict) as err:
        services.update_forum(actor="test", forum=forum, data=services.ForumData(
            name="Rapat Pengurus Baru", kind=forum.kind, code="PGX", all_members=False,
            voter_ids=[members[1].id]))
    assert err.value.code == "code_fixed"
    db.session.rollback()
    with pytest.raises(Conflict) as err:
        services.update_forum(actor="test", forum=forum, data=services.ForumData(
            name="Rapat Pengurus Baru", kind="supervisors", code="PG", all_members=False,
            voter_ids=[members[1].id]))
    assert err.value.code == "kind_fixed"
    db.session.rollback()


def test_the_chair_and_secretary_are_recorded_until_the_minutes_are_approved(make_members, make_meeting):
    chair, secretary = make_members(2)
    meeting = make_meeting(present=[chair, secretary])
    services.set_officers(actor="test", meeting=meeting, chair_member_id=chair.id, secretary_member_id=secretary.id)
    services.set_minutes(actor="test", meeting=meeting, text="Rapat dibuka pukul 09.00.")
    services.close_meeting(actor="test", meeting=meeting)
    services.approve_minutes(actor="test", meeting=meeting)
    db.session.commit()
    assert (load_meeting(meeting.id).chair_member_id, load_meeting(meeting.id).secretary_member_id) == (
        chair.id, secretary.id)
    with pytest.raises(Conflict) as err:
        services.set_officers(actor="test", meeting=meeting, chair_member_id=secretary.id, secretary_member_id=None)
    assert err.value.code == "minutes_approved"
    db.session.rollback()


# --- pages -------------------------------------------------------------------------------------

def test_board_reschedules_a_meeting_through_its_page(client, sign_in, make_meeting):
    sign_in("board")
    meeting = make_meeting(open=False, title="Rembug Mei")
    url = f"/forums/meetings/{meeting.id}/edit"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Rembug Mei"' in page.get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Rembug Mei (diundur)",
                                  "starts_at": "2026-05-16T09:00", "location": "Balai Kenanga"})
    assert resp.status_code == 302
    html = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "Rembug Mei (diundur)" in html and "Balai Kenanga" in html and "May 16, 2026" in html


def test_the_edit_page_refuses_an_open_meeting(client, sign_in, make_meeting):
    sign_in("board")
    meeting = make_meeting(open=True)
    url = f"/forums/meetings/{meeting.id}/edit"
    resp = client.get(url)
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Only a scheduled meeting can be edited: this one is open." in html
    # A form posted from a page opened before the meeting opened: refused, in words, nothing changed.
    token = csrf_token(client, f"/forums/meetings/{meeting.id}")
    refused = client.post(url, data={"csrf_token": token, "title": "Lain", "starts_at": "2026-05-16T09:00",
                                     "location": "Aula"})
    assert refused.status_code == 409
    assert "Editing the meeting is no longer possible: the meeting is already open" in refused.get_data(as_text=True)
    assert load_meeting(meeting.id).title == "Rapat"
    cancel = client.post(f"/forums/meetings/{meeting.id}/cancel", data={"csrf_token": token, "reason": "x"})
    assert cancel.status_code == 409 and load_meeting(meeting.id).status == "open"


def test_a_cancelled_meeting_is_struck_through_with_its_reason(client, sign_in, make_meeting):
    sign_in("board")
    meeting = make_meeting(open=False, title="Rembug Juni")
    url = f"/forums/meetings/{meeting.id}/cancel"
    empty = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": ""})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Ketua sakit."})
    assert resp.status_code == 302
    listing = client.get("/forums/meetings").get_data(as_text=True)
    assert f'<s><a href="/forums/meetings/{meeting.id}">Rembug Juni</a></s>' in listing
    assert "Cancelled: Ketua sakit." in listing
    page = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "<s>Rembug Juni</s>" in page and "Ketua sakit." in page
    assert "Open the meeting" not in page and "Edit or reschedule" not in page
    opened = client.post(f"/forums/meetings/{meeting.id}/open",
                         data={"csrf_token": csrf_token(client, f"/forums/meetings/{meeting.id}")})
    assert opened.status_code == 303
    assert "was cancelled" in client.get(opened.headers["Location"]).get_data(as_text=True)
    assert load_meeting(meeting.id).status == "cancelled"


def test_a_motion_is_withdrawn_from_its_page_with_a_reason(client, sign_in, make_members, make_meeting,
                                                            make_motion):
    sign_in("board")
    meeting = make_meeting(present=make_members(2))
    motion = make_motion(meeting, title="Usul pompa air")
    url = f"/forums/motions/{motion.id}"
    assert "Withdraw the motion" in client.get(url).get_data(as_text=True)
    resp = client.post(url + "/withdraw", data={"csrf_token": csrf_token(client, url), "reason": "Menunggu survei."})
    assert resp.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "<s>Usul pompa air</s>" in html and "Menunggu survei." in html and "Withdraw the motion" not in html
    meeting_html = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert "Withdrawn</strong>: Menunggu survei." in meeting_html


def test_the_forum_page_says_which_meetings_used_which_rule(client, sign_in, make_members, make_forum,
                                                            make_meeting):
    sign_in("board")
    members = make_members(2)
    forum = make_forum(threshold="simple_majority", name="Forum Rembug Pusat")
    make_meeting(forum, present=members, title="Rapat lama")
    url = f"/forums/{forum.id}/edit"
    form = client.get(url)
    assert form.status_code == 200 and 'value="Forum Rembug Pusat"' in form.get_data(as_text=True)
    resp = client.post(url, data={
        "csrf_token": csrf_token(client, url), "name": "Forum Rembug Pusat", "kind": "rembug_pusat",
        "code": forum.code, "all_members": "y", "quorum_numerator": "2", "quorum_denominator": "3",
        "threshold": "two_thirds", "proxy_limit": "2"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-1500:]
    make_meeting(forum, present=members, title="Rapat baru")
    html = client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert "Quorum at least 2/3; threshold: Two thirds of votes cast; at most 2 proxies per holder" in html
    assert "Quorum at least 1/2; threshold: Simple majority (yes &gt; no); at most 1 proxy per holder" in html
    assert "an earlier rule" in html and "the rule now" in html
    assert "Rapat lama" in html and "Rapat baru" in html
    old = client.get(f"/forums/meetings/{load_meeting_by_title('Rapat lama').id}").get_data(as_text=True)
    assert "Simple majority" in old and "at least 1/2" in old


def load_meeting_by_title(title: str) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.title == title))


def test_the_printable_minutes_carry_the_signature_block(client, sign_in, make_members, make_meeting):
    sign_in("board")
    chair = make_members(1, prefix="K")[0]
    secretary = make_members(1, prefix="S")[0]
    meeting = make_meeting(present=[chair, secretary])
    url = f"/forums/meetings/{meeting.id}"
    bad = client.post(url + "/officers", data={"csrf_token": csrf_token(client, url), "chair_number": "X999",
                                               "secretary_number": secretary.number})
    assert bad.status_code == 422 and "No member has the number X999." in bad.get_data(as_text=True)
    resp = client.post(url + "/officers", data={"csrf_token": csrf_token(client, url), "chair_number": chair.number,
                                                "secretary_number": secretary.number})
    assert resp.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert f'id="signature-chair">{chair.name}<' in html and f'id="signature-secretary">{secretary.name}<' in html
    assert "Balai desa, March 14, 2026" in html and "Chair of the meeting" in html


def test_pages_refuse_members(client, sign_in, make_meeting, make_motion):
    meeting = make_meeting(open=False)
    motion = make_motion(meeting)
    sign_in("member")
    assert client.get(f"/forums/meetings/{meeting.id}/edit").status_code == 403
    assert client.get(f"/forums/meetings/{meeting.id}/cancel").status_code == 403
    assert client.post(f"/forums/motions/{motion.id}/withdraw", data={"reason": "x"}).status_code in (400, 403)
    assert load_meeting(meeting.id).status == "scheduled" and load_motion(motion.id).status == "open"


# --- API ---------------------------------------------------------------------------------------

def test_api_reschedules_cancels_and_withdraws(api_as, make_meeting, make_motion, make_members):
    api = api_as("board")
    meeting = make_meeting(open=False, title="Rapat API")
    resp = api.patch(f"/api/v1/meetings/{meeting.id}", json={"starts_at": "2026-04-04T09:00:00+07:00"})
    assert resp.status_code == 200, resp.json
    assert resp.json["starts_at"].startswith("2026-04-04T09:00:00+07:00") and resp.json["title"] == "Rapat API"
    make_motion(meeting)
    resp = api.post(f"/api/v1/meetings/{meeting.id}/cancel", json={"reason": "Listrik padam."})
    assert resp.status_code == 200
    assert (resp.json["status"], resp.json["cancel_reason"]) == ("cancelled", "Listrik padam.")
    assert resp.json["motions"][0]["status"] == "withdrawn"
    again = api.patch(f"/api/v1/meetings/{meeting.id}", json={"title": "Lagi"})
    assert again.status_code == 409 and again.json["error"]["code"] == "meeting_not_scheduled"
    assert "was cancelled" in again.json["error"]["message"]
    opened = api.post(f"/api/v1/meetings/{meeting.id}/open")
    assert opened.status_code == 409 and opened.json["error"]["code"] == "meeting_cancelled"
    listed = api.get("/api/v1/meetings?status=cancelled")
    assert [m["id"] for m in listed.json["items"]] == [meeting.id]
    # Withdraw: before close only.
    other = make_meeting(present=make_members(2))
    m2 = make_motion(other)
    resp = api.post(f"/api/v1/motions/{m2.id}/withdraw", json={"reason": "Salah ketik."})
    assert resp.status_code == 200 and (resp.json["status"], resp.json["withdraw_reason"]) == ("withdrawn",
                                                                                             "Salah ketik.")
    assert api.post(f"/api/v1/motions/{m2.id}/withdraw", json={"reason": "x"}).status_code == 409
    assert api.post(f"/api/v1/motions/{m2.id}/withdraw", json={}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Motion).where(Motion.status == "withdrawn")) == 2


def test_api_refuses_to_edit_an_open_meeting_or_withdraw_a_closed_motion(api_as, make_meeting, make_motion,
                                                                         make_members, vote, close):
    api = api_as("board")
    members = make_members(2)
    meeting = make_meeting(present=members)
    resp = api.patch(f"/api/v1/meetings/{meeting.id}", json={"location": "Aula"})
    assert resp.status_code == 409 and "already open" in resp.json["error"]["message"]
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes"})
    close(motion)
    resp = api.post(f"/api/v1/motions/{motion.id}/withdraw", json={"reason": "Terlambat."})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "motion_closed"
    assert api_as("member").post(f"/api/v1/meetings/{meeting.id}/cancel", json={"reason": "x"}).status_code == 403


def test_api_edits_a_forum_and_the_closed_meeting_keeps_its_rule(api_as, make_forum, make_meeting, make_members,
                                                                make_motion, vote, close):
    api = api_as("board")
    members = make_members(3)
    forum = make_forum()
    meeting = make_meeting(forum, present=members)
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes", members[1]: "no"})
    assert close(motion).outcome == "defeated"
    resp = api.patch(f"/api/v1/forums/{forum.id}", json={"threshold": "unanimous", "proxy_limit": 3})
    assert resp.status_code == 200, resp.json
    assert (resp.json["threshold"], resp.json["proxy_limit"], resp.json["name"]) == ("unanimous", 3, forum.name)
    got = api.get(f"/api/v1/meetings/{meeting.id}").json
    assert got["rule"] == {"quorum": {"numerator": 1, "denominator": 2, "strict": False},
                           "threshold": "simple_majority", "proxy_limit": 1}
    assert got["motions"][0]["outcome"] == "defeated"
    bad = api.patch(f"/api/v1/forums/{forum.id}", json={"quorum": {"numerator": 3, "denominator": 2}})
    assert bad.status_code == 422
    assert api.patch(f"/api/v1/forums/{forum.id}", json={"voters": [2_000_000_000]}).status_code == 422
    assert api_as("member").patch(f"/api/v1/forums/{forum.id}", json={"name": "X"}).status_code == 403
    assert api.patch("/api/v1/forums/999999", json={"name": "X"}).status_code == 404


def test_api_records_the_chair_and_secretary(api_as, make_meeting, make_members):
    api = api_as("board")
    chair, secretary = make_members(2)
    meeting = make_meeting()
    resp = api.put(f"/api/v1/meetings/{meeting.id}/officers",
                   json={"chair_member_id": chair.id, "secretary_member_id": secretary.id})
    assert resp.status_code == 200
    assert (resp.json["chair_member_id"], resp.json["secretary_member_id"]) == (chair.id, secretary.id)
    bad = api.put(f"/api/v1/meetings/{meeting.id}/officers",
                  json={"chair_member_id": 2_000_000_000, "secretary_member_id": None})
    assert bad.status_code == 422 and "chair_member_id" in bad.json["error"]["fields"]


def test_the_forum_page_costs_the_same_with_many_meetings_and_rules(client, sign_in, make_members, make_forum,
                                                                    make_meeting, count_queries):
    sign_in("board")
    members = make_members(2)
    forum = make_forum()
    make_meeting(forum, present=members)
    with count_queries() as few:
        assert client.get(f"/forums/{forum.id}").status_code == 200
    for threshold in ("two_thirds", "unanimous", "three_quarters"):
        services.update_forum(actor="test", forum=forum, data=services.ForumData(
            name=forum.name, kind=forum.kind, code=forum.code, threshold=threshold))
        db.session.commit()
        for _ in range(4):
            make_meeting(forum, present=members)
    with count_queries() as many:
        html = client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert html.count("an earlier rule") == 3 and html.count("the rule now") == 1
    assert many.count == few.count


def test_a_forum_without_proxies_says_so_in_words(client, sign_in, make_forum):
    """A proxy limit of 0 reads "no proxies" / "tanpa kuasa", not "at most 0 proxies per holder"."""
    sign_in("board")
    forum = make_forum(name="Dewan Pengawas Syariah", proxy_limit=0)
    html = client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert "no proxies" in html and "at most 0" not in html
    html = client.get(f"/forums/{forum.id}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "tanpa kuasa" in html and "paling banyak 0" not in html
