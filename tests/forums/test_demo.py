"""The forums demo loader makes real decisions through the services."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.agreements.models import Agreement
from govtrack.extensions import db
from govtrack.forums.models import Decision, Meeting


def test_demo_forums_approve_agreements_and_schedule_a_meeting(app, make_agreement, make_members):
    from govtrack.audit.services import verify_chain
    from govtrack.demo import forums

    agreements = [make_agreement(f"Hibah {i}", kind="grant") for i in range(2)] + [make_agreement("Pinjaman", kind="loan")]
    agreements += [make_agreement(f"Izin {i}", kind="permit") for i in range(2)]
    with app.test_request_context(method="POST"):
        forums.load({"agreements": agreements, "members": make_members(30)})
        db.session.commit()
    statuses = dict(db.session.execute(select(Agreement.title, Agreement.status)).all())
    assert statuses["Hibah 0"] == statuses["Hibah 1"] == statuses["Pinjaman"] == "approved"
    assert statuses["Izin 0"] == "draft"
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 4
    assert sorted(db.session.scalars(select(Meeting.status))) == ["closed", "closed", "scheduled"]
    assert verify_chain().ok


def test_demo_forums_without_members_or_agreements(app_context, app):
    from govtrack.demo import forums

    with app.test_request_context(method="POST"):
        ctx: dict = {}
        forums.load(ctx)
        db.session.commit()
    assert len(ctx["members"]) > 20
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 2
