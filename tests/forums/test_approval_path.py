"""The agreement page (and its API GET) says what the agreement waits for: each forum the approval
policy requires, its decision (number, date, outcome, linked) or "not decided yet", and the next step
in words, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.extensions import db


@pytest.fixture
def credit_line(make_agreement, make_partner):
    return make_agreement("Jalur kredit BPRS", kind="credit_line", reference="PKS/CL/1",
                          parties=[(make_partner("BPRS Amanah", category="financial_institution"), "lender")])


def _approve(forum, agreement, members, make_meeting, make_motion, vote, close, *, choice="yes"):
    """A meeting of `forum` votes on approving `agreement` and closes; returns (motion, decision)."""
    from govtrack.forums import services

    meeting = make_meeting(forum, present=members, title=f"Rapat {forum.name}")
    motion = make_motion(meeting, effect="approve", agreement=agreement, title=f"Setujui di {forum.name}")
    vote(motion, {m: choice for m in members})
    closed = close(motion)
    decision = closed.decision
    services.close_meeting(actor="test", meeting=closed.meeting)
    db.session.commit()
    return closed, decision


def test_the_page_names_the_decided_forum_and_what_is_still_awaited(client, sign_in, credit_line, make_forum,
                                                                    make_members, make_meeting, make_motion,
                                                                    vote, close):
    sign_in("board")
    members = make_members(3)
    central = make_forum("rembug_pusat", name="Forum Rembug Pusat", code="RP")
    dps = make_forum("sharia_supervisory", name="Dewan Pengawas Syariah", code="DPS", voters=members)
    url = f"/agreements/{credit_line.id}"

    html = client.get(url).get_data(as_text=True)
    assert "Approval path" in html
    assert ("Next step:</strong> Waiting for the decision of Forum rembug pusat (central forum); it is not yet on "
            "the agenda of any meeting; the decision of Sharia supervisory board (DPS); it is not yet on the agenda "
            "of any meeting.") in html
    assert html.count("not decided yet") == 2

    carried, decision = _approve(central, credit_line, members, make_meeting, make_motion, vote, close)
    html = client.get(url).get_data(as_text=True)
    section = html.split('id="approval-path"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/forums/motions/{carried.id}">decision {decision.number}</a>' in section
    assert "Approved the agreement" in section and "Mar 14, 2026" in section
    assert section.count("not decided yet") == 1
    assert "Waiting for the decision of Sharia supervisory board (DPS); it is not yet on the agenda" in section

    # The DPS puts it on a meeting's agenda: the next step names that meeting.
    from govtrack.forums import services

    meeting = services.create_meeting(actor="test", forum=dps, title="Rapat DPS Maret",
                                      starts_at=dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
    services.add_agenda_item(actor="test", meeting=meeting, title="Jalur kredit", agreement_id=credit_line.id)
    db.session.commit()
    section = client.get(url).get_data(as_text=True).split('id="approval-path"', 1)[1].split("</section>", 1)[0]
    assert "on the agenda of the meeting “Rapat DPS Maret”" in section
    assert f'href="/forums/meetings/{meeting.id}"' in section


def test_the_page_in_indonesian_says_what_it_waits_for(client, sign_in, credit_line, make_forum, make_members,
                                                       make_meeting, make_motion, vote, close):
    sign_in("board")
    members = make_members(3)
    _approve(make_forum("rembug_pusat"), credit_line, members, make_meeting, make_motion, vote, close)
    html = client.get(f"/agreements/{credit_line.id}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Menunggu keputusan Dewan Pengawas Syariah (DPS)" in html
    assert "belum diputuskan" in html


def test_a_defeated_motion_is_shown_and_the_path_stays_open(client, sign_in, credit_line, make_forum, make_members,
                                                            make_meeting, make_motion, vote, close):
    sign_in("board")
    members = make_members(3)
    defeated, _none = _approve(make_forum("rembug_pusat"), credit_line, members, make_meeting, make_motion, vote,
                               close, choice="no")
    assert defeated.outcome == "defeated"
    section = client.get(f"/agreements/{credit_line.id}").get_data(as_text=True).split(
        'id="approval-path"', 1)[1].split("</section>", 1)[0]
    assert "last motion: Defeated" in section and section.count("not decided yet") == 2
    assert "the last motion, at “Rapat Forum 1”, ended defeated" in section


def test_the_api_gives_the_approval_path(api_as, credit_line, make_forum, make_members, make_meeting, make_motion,
                                         vote, close):
    api = api_as("manager")
    members = make_members(3)
    carried, decision = _approve(make_forum("rembug_pusat"), credit_line, members, make_meeting, make_motion, vote,
                                 close)
    body = api.get(f"/api/v1/agreements/{credit_line.id}").get_json()
    path = body["approval_path"]
    assert path["complete"] is False
    central, dps = path["steps"]
    assert central["forum_kind"] == "rembug_pusat" and central["decided"] is True
    assert central["decision"] == {"id": decision.id, "number": decision.number,
                                   "date": "2026-03-14", "outcome": "approve", "forum": "Forum 1",
                                   "motion_id": carried.id, "meeting_id": carried.meeting_id}
    assert dps == {"forum_kind": "sharia_supervisory", "decided": False, "decision": None, "last_motion": None,
                   "upcoming_meeting": None}
    assert path["next_step"].startswith("Waiting for the decision of Sharia supervisory board (DPS)")


def test_both_approvals_complete_the_path(api_as, credit_line, make_forum, make_members, make_meeting,
                                          make_motion, vote, close):
    api = api_as("manager")
    members = make_members(3)
    _approve(make_forum("rembug_pusat"), credit_line, members, make_meeting, make_motion, vote, close)
    _approve(make_forum("sharia_supervisory", voters=members), credit_line, members, make_meeting, make_motion,
             vote, close)
    body = api.get(f"/api/v1/agreements/{credit_line.id}").get_json()
    assert body["status"] == "approved" and body["approval_path"]["complete"] is True
    assert body["approval_path"]["next_step"] == ("Every forum the approval policy requires has approved it; next: "
                                                  "sign it, then mark it active.")


def test_the_approval_path_costs_the_same_queries_however_many_decisions(client, sign_in, credit_line, make_forum,
                                                                         make_members, make_meeting, make_motion,
                                                                         vote, close, count_queries):
    sign_in("board")
    members = make_members(3)
    central = make_forum("rembug_pusat")
    _approve(central, credit_line, members, make_meeting, make_motion, vote, close, choice="no")

    def count() -> int:
        with count_queries() as q:
            assert client.get(f"/agreements/{credit_line.id}").status_code == 200
        count.statements = q.statements
        return q.count

    count()  # the first request after signing in does its own bookkeeping
    few = count()
    first = count.statements
    for _ in range(3):
        _approve(central, credit_line, members, make_meeting, make_motion, vote, close, choice="no")
    from govtrack.forums import services

    for i in range(3):
        meeting = services.create_meeting(actor="test", forum=central, title=f"Lagi {i}",
                                          starts_at=dt.datetime(2026, 4, 1 + i, tzinfo=dt.UTC))
        services.add_agenda_item(actor="test", meeting=meeting, title="Lagi", agreement_id=credit_line.id)
    db.session.commit()
    assert count() == few, "\n\n".join(s for s in count.statements if s not in first)
