"""link_user: one login per member, one member per login."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.errors import Conflict
from govtrack.extensions import db
from govtrack.members.services import link_user, unlink_user

pytestmark = pytest.mark.usefixtures("in_request")


def test_link_then_relink_the_same_pair_is_harmless(make_member, make_user):
    member, user = make_member(), make_user("member")
    link_user(actor="test", member=member, user=user)
    link_user(actor="test", member=member, user=user)
    db.session.commit()
    assert user.member_id == member.id
    assert list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("member.%link%")))) == [
        "member.link_user"
    ]


def test_a_member_with_a_login_refuses_a_second_one(make_member, make_user):
    member, first, second = make_member(), make_user("member"), make_user("member")
    link_user(actor="test", member=member, user=first)
    db.session.commit()
    with pytest.raises(Conflict) as info:
        link_user(actor="test", member=member, user=second)
    assert info.value.code == "member_linked" and first.email in info.value.message
    assert second.member_id is None


def test_a_login_of_another_member_is_refused(make_member, make_user):
    one, two, user = make_member(), make_member(), make_user("member")
    link_user(actor="test", member=one, user=user)
    db.session.commit()
    with pytest.raises(Conflict) as info:
        link_user(actor="test", member=two, user=user)
    assert info.value.code == "user_linked"
    db.session.rollback()
    assert db.session.get(type(user), user.id).member_id == one.id


def test_unlink_frees_both_sides(make_member, make_user):
    one, two, user = make_member(), make_member(), make_user("member")
    link_user(actor="test", member=one, user=user)
    db.session.commit()
    assert unlink_user(actor="test", member=one).id == user.id
    link_user(actor="test", member=two, user=user)
    db.session.commit()
    assert user.member_id == two.id
    assert unlink_user(actor="test", member=one) is None
