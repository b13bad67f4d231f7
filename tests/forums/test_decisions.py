"""Decisions: numbering, the approval policy gate, amendments, rejection, termination, waivers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govtrack.agreements.models import Agreement, Clause, ClauseVersion
from govtrack.extensions import db
from govtrack.forums.queries import decision_effects
from govtrack.obligations.models import Occurrence


def _status(agreement_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Agreement, agreement_id).status


@pytest.fixture
def carry(make_members, make_meeting, make_motion, vote, close):
    """carry(forum, agreement, effect) -> the closed, carried motion (3 present, 3 yes)."""
    members = make_members(3)

    def do(forum, agreement, effect="approve", amendments=None):
        meeting = make_meeting(forum, present=members)
        motion = make_motion(meeting, effect=effect, agreement=agreement, amendments=amendments)
        vote(motion, {m: "yes" for m in members})
        m = close(motion)
        assert m.outcome == "carried"
        return m

    return do


def test_a_loan_needs_both_forums(api_as, make_forum, make_agreement, carry):
    api = api_as("manager")
    central = make_forum("rembug_pusat", code="RP")
    sharia = make_forum("sharia_supervisory", code="DPS")
    loan = make_agreement(kind="loan", clauses=["Tenor 24 bulan", "Margin 8%"])

    first = carry(central, loan).decision.id
    assert _status(loan.id) == "under_deliberation"  # not approved after one forum
    resp = api.post(f"/api/v1/agreements/{loan.id}/transition", json={"to": "approved"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
    resp = api.post(f"/api/v1/agreements/{loan.id}/transition", json={"to": "active"})
    assert resp.status_code == 409  # cannot become active without every required decision

    second = carry(sharia, loan).decision.id
    assert _status(loan.id) == "approved"
    clauses = db.session.scalars(select(Clause).where(Clause.agreement_id == loan.id)).all()
    assert {c.status for c in clauses} == {"accepted"}
    resp = api.post(f"/api/v1/agreements/{loan.id}/transition", json={"to": "active"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "active"
    assert resp.get_json()["decisions"] == [first, second]


def test_a_grant_needs_only_the_central_forum_and_numbers_run_per_forum_and_year(make_forum, make_agreement, carry):
    central = make_forum("rembug_pusat", code="RP")
    grants = [make_agreement(kind="grant") for _ in range(2)]
    numbers = [carry(central, g).decision.number for g in grants]
    assert numbers == ["RP-2026-001", "RP-2026-002"]
    assert {_status(g.id) for g in grants} == {"approved"}


def test_only_forums_named_by_the_policy_decide_on_an_agreement(api_as, make_forum, make_meeting, make_agreement):
    board = make_forum("board", code="PG")
    grant = make_agreement(kind="grant")
    meeting = make_meeting(board, open=False)  # scheduled: the agenda item leaves the grant a draft
    api_as("board").post(f"/api/v1/meetings/{meeting.id}/agenda", json={"title": "x", "agreement_id": grant.id})
    for effect in ("approve", "reject"):
        resp = api_as("board").post(f"/api/v1/meetings/{meeting.id}/motions", json={
            "title": "x", "text": "x", "effect": effect, "agreement_id": grant.id})
        assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "forum_not_in_policy"
    assert _status(grant.id) == "draft"


def test_only_a_carried_decision_approves_even_after_one_was_taken(api_as, make_forum, make_agreement, carry):
    """The decision-only moves answer 409 to a manual transition whatever is on record: the forum's
    close applied the approval itself, and terminating needs its own decision."""
    central = make_forum("rembug_pusat", code="RP")
    grant = make_agreement(kind="grant")
    manager = api_as("manager")
    resp = manager.post(f"/api/v1/agreements/{grant.id}/transition", json={"to": "approved"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
    assert _status(grant.id) == "draft"
    carry(central, grant)
    assert _status(grant.id) == "approved"
    resp = manager.post(f"/api/v1/agreements/{grant.id}/transition", json={"to": "terminated"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
    assert manager.post(f"/api/v1/agreements/{grant.id}/transition", json={"to": "active"}).status_code == 200
    assert _status(grant.id) == "active"


def test_a_rejected_agreement_cannot_become_active(api_as, make_forum, make_agreement, carry):
    central = make_forum("rembug_pusat", code="RP")
    grant = make_agreement(kind="grant")
    carry(central, grant, effect="reject")
    assert _status(grant.id) == "rejected"
    resp = api_as("manager").post(f"/api/v1/agreements/{grant.id}/transition", json={"to": "active"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "invalid_transition"


def test_amendments_keep_the_old_text(make_forum, make_agreement, carry):
    central = make_forum("rembug_pusat", code="RP")
    grant = make_agreement(kind="grant", clauses=["Dana 100 juta", "Laporan tiap bulan"])
    clause = db.session.scalars(select(Clause).where(Clause.agreement_id == grant.id, Clause.number == 1)).one()
    decision_id = carry(central, grant, effect="approve_with_amendments",
                        amendments=[(clause.id, "Dana 120 juta")]).decision.id
    db.session.expire_all()
    clause = db.session.get(Clause, clause.id)
    assert (clause.text, clause.status) == ("Dana 120 juta", "amended")
    versions = db.session.scalars(
        select(ClauseVersion).where(ClauseVersion.clause_id == clause.id).order_by(ClauseVersion.version)).all()
    assert [v.text for v in versions] == ["Dana 100 juta", "Dana 120 juta"]
    assert versions[-1].decision_id == decision_id
    assert _status(grant.id) == "approved"
    other = db.session.scalars(select(Clause).where(Clause.agreement_id == grant.id, Clause.number == 2)).one()
    assert other.status == "accepted"


def test_termination_by_decision(api_as, make_forum, make_agreement, carry):
    central = make_forum("rembug_pusat", code="RP")
    active = make_agreement(kind="grant", status="active")
    resp = api_as("manager").post(f"/api/v1/agreements/{active.id}/transition", json={"to": "terminated"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "decision_required"
    carry(central, active, effect="terminate")
    assert _status(active.id) == "terminated"


def test_a_carried_waiver_waives_its_obligation_in_the_same_transaction(app, make_forum, make_members, make_meeting,
                                                     make_motion, vote, close, make_agreement):
    import datetime as dt

    from govtrack.obligations.services import ObligationData, create_obligation

    agreement = make_agreement("Grant", status="active")
    ob = create_obligation(actor="test", data=ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="report", title="Report",
        due_date=dt.date.today() + dt.timedelta(days=30)))
    db.session.commit()
    members = make_members(3)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting, effect="waive_obligation", agreement=agreement, obligation_id=ob.id)
    vote(motion, {m: "yes" for m in members})
    m = close(motion)
    assert m.outcome == "carried"
    assert {"obligation_id": ob.id, "waived_occurrences": 1} in decision_effects(m.decision)
    occurrence = db.session.scalar(select(Occurrence).where(Occurrence.obligation_id == ob.id))
    assert occurrence.waived and occurrence.waived_decision_id == m.decision.id
    assert occurrence.waive_reason == f"{m.decision.number}: {m.title}"


def test_policy_change_is_audited_and_takes_effect(api_as, make_forum, make_agreement, carry):
    admin = api_as("admin")
    resp = admin.put("/api/v1/approval-policy", json={"policy": {"grant": ["rembug_pusat", "board"]}})
    assert resp.status_code == 200 and resp.get_json()["policy"]["grant"] == ["rembug_pusat", "board"]
    assert resp.get_json()["policy"]["loan"] == ["rembug_pusat", "sharia_supervisory"]
    assert api_as("board").put("/api/v1/approval-policy", json={"policy": {"grant": ["board"]}}).status_code == 403
    assert admin.put("/api/v1/approval-policy", json={"policy": {"grant": []}}).status_code == 422
    grant = make_agreement(kind="grant")
    carry(make_forum("rembug_pusat", code="RP"), grant)
    assert _status(grant.id) == "under_deliberation"
    carry(make_forum("board", code="PG"), grant)
    assert _status(grant.id) == "approved"
    from govtrack.audit.models import AuditEvent

    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "policy.update")) is not None


def test_agenda_item_in_an_open_meeting_puts_the_agreement_under_deliberation(api_as, make_meeting, make_agreement):
    api = api_as("board")
    grant = make_agreement(kind="grant", clauses=["A", "B"])
    clause_ids = [c.id for c in db.session.scalars(select(Clause).where(Clause.agreement_id == grant.id))]
    scheduled = make_meeting(open=False)
    resp = api.post(f"/api/v1/meetings/{scheduled.id}/agenda", json={"title": "Hibah", "agreement_id": grant.id,
                                                                    "clause_ids": clause_ids})
    assert resp.status_code == 201 and resp.get_json()["position"] == 1
    assert _status(grant.id) == "draft"
    api.post(f"/api/v1/meetings/{scheduled.id}/open")
    assert _status(grant.id) == "under_deliberation"
    assert api.get(f"/api/v1/meetings/{scheduled.id}").get_json()["agenda"][0]["clause_ids"] == sorted(clause_ids)
