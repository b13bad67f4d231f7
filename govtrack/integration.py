"""How the areas plug into each other's seams, in one place.

Each area was built to stand alone and offers registries for what depends on another area: the
obligations area accepts waiver checks, the forums area effect handlers, the portal decision and
obligation providers. install() connects them; create_app() calls it once per app.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from govtrack.extensions import db


def waiver_allowed(decision_id: int, obligation_id: int) -> bool:
    """A decision allows a waiver when it records a carried `waive_obligation` motion naming it."""
    from govtrack.forums.models import Decision, Motion

    row = db.session.execute(
        select(Decision.id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(
            Decision.id == decision_id,
            Decision.effect == "waive_obligation",
            Motion.obligation_id == obligation_id,
            Motion.outcome == "carried",
        )
    ).first()
    return row is not None


def apply_waiver(*, actor, motion, decision) -> list[dict]:
    """The forums' close() applies a carried waive motion through the obligations service."""
    from govtrack.errors import ValidationFailed
    from govtrack.obligations import services

    if motion.obligation_id is None:
        raise ValidationFailed("The motion names no obligation.", fields={"obligation_id": ["Required."]})
    n = services.apply_waiver_from_decision(
        actor=actor, obligation_id=motion.obligation_id, decision_id=decision.id,
        reason=f"{decision.number}: {motion.title}",
    )
    return [{"obligation_id": motion.obligation_id, "waived_occurrences": n}]


def published_decisions(agreement_ids: list[int]):
    """Decisions about these agreements as members and the public may read them: counts only."""
    from govtrack.forums.models import Decision, Forum, Motion
    from govtrack.portal.hooks import DecisionSummary

    rows = db.session.execute(
        select(Decision, Forum.name, Motion.method, Motion.yes, Motion.no, Motion.abstain)
        .join(Forum, Forum.id == Decision.forum_id)
        .join(Motion, Motion.id == Decision.motion_id)
        .where(Decision.agreement_id.in_(agreement_ids))
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    out: dict[int, list] = {}
    for decision, forum_name, method, yes, no, abstain in rows:
        consensus = method == "consensus"
        out.setdefault(decision.agreement_id, []).append(
            DecisionSummary(
                id=decision.id, agreement_id=decision.agreement_id, number=decision.number,
                decided_on=decision.decided_on, forum_name=forum_name, outcome="carried",
                method=method or "vote", yes=None if consensus else yes, no=None if consensus else no,
                abstain=None if consensus else abstain, text=decision.text, effect=decision.effect,
            )
        )
    return out


def published_obligations(agreement_id: int):
    """The state of each obligation of an agreement, for its published page."""
    from govtrack.obligations.models import Obligation, Occurrence
    from govtrack.obligations.queries import obligation_statuses
    from govtrack.partners.models import Partner
    from govtrack.portal.hooks import ObligationSummary

    obligations = db.session.execute(
        select(Obligation, Partner.name)
        .outerjoin(Partner, Partner.id == Obligation.partner_id)
        .where(Obligation.agreement_id == agreement_id)
        .order_by(Obligation.id)
    ).all()
    ids = [o.id for o, _ in obligations]
    statuses = obligation_statuses(ids, dt.date.today())
    last_done = dict(
        db.session.execute(
            select(Occurrence.obligation_id, func.max(Occurrence.fulfilled_on))
            .where(Occurrence.obligation_id.in_(ids))
            .group_by(Occurrence.obligation_id)
        ).all()
    ) if ids else {}
    return [
        ObligationSummary(
            id=o.id, title=o.title, kind=o.kind, owed_by=o.owed_by, status=statuses[o.id]["status"],
            party_name=partner_name, amount=o.amount, currency=o.currency,
            due_date=statuses[o.id]["next_due"] or o.due_date, fulfilled_on=last_done.get(o.id),
        )
        for o, partner_name in obligations
    ]


def install(app) -> None:
    from govtrack.forums import hooks as forum_hooks
    from govtrack.obligations import rules as obligation_rules
    from govtrack.obligations.cli import register_cli as register_obligations_cli
    from govtrack.portal import hooks as portal_hooks

    obligation_rules.register_waiver_check(waiver_allowed)
    forum_hooks.effect_handlers["waive_obligation"] = apply_waiver
    portal_hooks.register_decision_provider(published_decisions)
    portal_hooks.register_obligation_provider(published_obligations)
    if "obligations" not in app.cli.commands:
        register_obligations_cli(app)
