"""Writes for forums and the approval policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from govtrack.agreements.models import AgreementKind
from govtrack.audit.services import record
from govtrack.core.actor import Actor
from govtrack.errors import Conflict, NotFound
from govtrack.extensions import db
from govtrack.forums import queries
from govtrack.forums.models import (
    DEFAULT_CODES,
    ApprovalRule,
    Decision,
    Forum,
    ForumKind,
    ForumVoter,
    Meeting,
    Threshold,
)
from govtrack.forums.services._common import _invalid, _shown, _values, _who
from govtrack.members.models import Member


@dataclass
class ForumData:
    name: str
    kind: str
    code: str | None = None
    all_members: bool = True
    voter_ids: list[int] = field(default_factory=list)
    quorum_numerator: int = 1
    quorum_denominator: int = 2
    quorum_strict: bool = False
    threshold: str = Threshold.simple_majority.value
    proxy_limit: int = 1


def forum_snapshot(forum: Forum, voters: list[int] | None = None) -> dict:
    return {
        "name": forum.name, "code": forum.code, "kind": forum.kind, "all_members": forum.all_members,
        "quorum": [forum.quorum_numerator, forum.quorum_denominator, forum.quorum_strict],
        "threshold": forum.threshold, "proxy_limit": forum.proxy_limit, "voters": voters or [],
    }


def _checked(data: ForumData, *, forum_id: int | None = None) -> tuple[str, str, list[int]]:
    """The forum's name, decision prefix and named voters, checked (the same for create and edit)."""
    errors: dict[str, list] = {}
    name = _shown(data.name, "name", errors)
    if data.kind not in _values(ForumKind):
        errors["kind"] = [_l("Not a known kind of forum.")]
    if data.threshold not in _values(Threshold):
        errors["threshold"] = [_l("Not a known threshold.")]
    if data.quorum_denominator < 1 or not 0 <= data.quorum_numerator <= data.quorum_denominator:
        errors["quorum"] = [_l("The quorum is a fraction between 0 and 1, e.g. 1/2.")]
    if data.proxy_limit < 0:
        errors["proxy_limit"] = [_l("Must be zero or more.")]
    if not data.all_members and not data.voter_ids:
        errors["voters"] = [_l("Name at least one voter, or let all members vote.")]
    code = (data.code or DEFAULT_CODES.get(data.kind, "") or "").strip().upper()
    if not code or len(code) > 12 or not code.replace("-", "").isalnum():
        errors["code"] = [_l("A short prefix of letters for decision numbers, e.g. RP.")]
    if errors:
        raise _invalid(errors)
    others = select(Forum.id).where(Forum.id != forum_id) if forum_id else select(Forum.id)
    if db.session.scalar(others.where(Forum.name == name)) is not None:
        raise Conflict(str(_l("A forum with this name exists.")), code="duplicate",
                       fields={"name": [str(_l("Already in use."))]})
    if db.session.scalar(others.where(Forum.code == code)) is not None:
        raise Conflict(str(_l("Another forum uses this decision prefix.")), code="duplicate",
                       fields={"code": [str(_l("Already in use."))]})
    voters = sorted(set(data.voter_ids)) if not data.all_members else []
    if voters:
        _check_voters(data.voter_ids, kept=set(queries.voter_ids([forum_id])[forum_id]) if forum_id else set())
    return name, code, voters


def _check_voters(voter_ids: list[int], *, kept: set[int]) -> None:
    """A forum's named voters are members who may vote: active and not investors. Every refusal
    names the member (name and number) under `voters.{index}` of the list as given, all at once.
    A member already on the list who has since become inactive (or an investor) may stay on it, so
    that editing anything else about the forum is not refused for them (they do not vote meanwhile:
    the forum's page says so)."""
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(list(set(voter_ids)))))}
    errors: dict[str, list] = {}
    for i, member_id in enumerate(voter_ids):
        member = members.get(member_id)
        if member is None:
            errors[f"voters.{i}"] = [_l("No member with id %(id)s.", id=member_id)]
        elif member_id in kept:
            continue
        elif member.investor:
            errors[f"voters.{i}"] = [_l("%(who)s is an investor; investors have no vote.", who=_who(member))]
        elif not member.active:
            errors[f"voters.{i}"] = [_l("%(who)s is not an active member; only active members vote.",
                                        who=_who(member))]
    if errors:
        raise _invalid(errors)


def create_forum(*, actor: Actor, data: ForumData) -> Forum:
    """Create a forum with its voting rules."""
    name, code, voters = _checked(data)
    forum = Forum(
        name=name, code=code, kind=data.kind, all_members=data.all_members,
        quorum_numerator=data.quorum_numerator, quorum_denominator=data.quorum_denominator,
        quorum_strict=data.quorum_strict, threshold=data.threshold, proxy_limit=data.proxy_limit,
    )
    db.session.add(forum)
    db.session.flush()
    if voters:
        db.session.execute(insert(ForumVoter), [{"forum_id": forum.id, "member_id": m} for m in voters])
    record("forum.create", actor=actor, object_type="forum", object_id=forum.id,
           after=forum_snapshot(forum, voters))
    return forum


def update_forum(*, actor: Actor, forum: Forum, data: ForumData) -> Forum:
    """Edit a forum: name, voters, quorum, threshold, proxy limit (and its kind or decision prefix
    while nothing depends on them). Meetings already opened keep the rule they opened under (their
    own copy); meetings opened from now on take the new one."""
    forum = db.session.scalar(
        select(Forum).where(Forum.id == forum.id).with_for_update().execution_options(populate_existing=True))
    if forum is None:
        raise NotFound(str(_l("No such forum.")))
    name, code, voters = _checked(data, forum_id=forum.id)
    if data.kind != forum.kind and db.session.scalar(
            select(Meeting.id).where(Meeting.forum_id == forum.id).limit(1)) is not None:
        message = str(_l("The kind of a forum that has meetings does not change: the approval policy of its "
                         "decisions depends on it. Create a new forum instead."))
        raise Conflict(message, code="kind_fixed", fields={"kind": [message]})
    if code != forum.code and db.session.scalar(
            select(Decision.id).where(Decision.forum_id == forum.id).limit(1)) is not None:
        message = str(_l("The decision prefix does not change once the forum has numbered decisions."))
        raise Conflict(message, code="code_fixed", fields={"code": [message]})
    before = forum_snapshot(forum, queries.voter_ids([forum.id])[forum.id])
    forum.name, forum.code, forum.kind, forum.all_members = name, code, data.kind, data.all_members
    forum.quorum_numerator, forum.quorum_denominator = data.quorum_numerator, data.quorum_denominator
    forum.quorum_strict, forum.threshold, forum.proxy_limit = data.quorum_strict, data.threshold, data.proxy_limit
    db.session.execute(ForumVoter.__table__.delete().where(ForumVoter.forum_id == forum.id))
    if voters:
        db.session.execute(insert(ForumVoter), [{"forum_id": forum.id, "member_id": m} for m in voters])
    db.session.flush()
    after = forum_snapshot(forum, voters)
    if after != before:
        record("forum.update", actor=actor, object_type="forum", object_id=forum.id, before=before, after=after)
    return forum


def set_policy(*, actor: Actor, table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Replace the approval policy: for each agreement kind, the forum kinds that must approve."""
    errors: dict[str, list] = {}
    for kind, forum_kinds in table.items():
        if kind not in _values(AgreementKind):
            errors[kind] = [_l("Not a known kind of agreement.")]
        elif not forum_kinds:
            errors[kind] = [_l("At least one forum must approve.")]
        elif set(forum_kinds) - _values(ForumKind):
            errors[kind] = [_l("Not a known kind of forum.")]
    if errors:
        raise _invalid(errors)
    before = queries.policy_table()
    db.session.execute(ApprovalRule.__table__.delete().where(ApprovalRule.agreement_kind.in_(list(table))))
    for kind, forum_kinds in table.items():
        for fk in dict.fromkeys(forum_kinds):
            db.session.add(ApprovalRule(agreement_kind=kind, forum_kind=fk))
    db.session.flush()
    after = queries.policy_table()
    record("policy.update", actor=actor, object_type="approval_policy", object_id=None,
           before={k: list(v) for k, v in before.items()}, after={k: list(v) for k, v in after.items()})
    return after
