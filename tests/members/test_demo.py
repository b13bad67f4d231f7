"""The roster's demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.demo import members as demo
from govtrack.extensions import db
from govtrack.members.models import Member, MemberInterest


def test_demo_roster_alone(app_context, app):
    ctx: dict = {}
    demo.load(ctx)
    db.session.commit()
    assert len(ctx["members"]) == 120
    groups = dict(db.session.execute(select(Member.group_name, func.count()).group_by(Member.group_name)).all())
    assert len(groups) == 5 and set(groups.values()) == {24}
    assert 0 < db.session.scalar(select(func.count()).where(Member.investor.is_(True))) < 10
    assert 0 < db.session.scalar(select(func.count()).where(Member.active.is_(False))) < 10
    assert len({m.name for m in ctx["members"]}) == 120
    # each group is a centre with its region and chair (one of its own active members)
    centres = ctx["centres"]
    assert [c.code for c in centres] == ["RP-00001", "RP-00002", "RP-00003", "RP-00004", "RP-00005"]
    for centre in centres:
        chair = db.session.get(Member, centre.chair_member_id)
        assert centre.region.startswith("Kec. ") and chair.centre_id == centre.id and chair.active


def test_demo_links_the_member_login_and_declares_interests(app, make_user, make_partner):
    login = make_user("member")
    ctx = {"users": {"member": login}, "partners": [make_partner(), make_partner()]}
    demo.load(ctx)
    db.session.commit()
    assert login.member_id == ctx["members"][0].id
    assert db.session.scalar(select(func.count()).select_from(MemberInterest)) == 2
    demo.load(ctx)  # loading again (demo load --force) changes nothing and does not fail
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Member)) == 120
    assert db.session.scalar(select(func.count()).select_from(MemberInterest)) == 2


def test_flask_demo_load_runs_the_roster_loader_outside_any_request(app_context, runner):
    # No request context: messages must not be translated eagerly on the success path.
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Member)) == 120
