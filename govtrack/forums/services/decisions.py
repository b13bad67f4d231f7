"""Decisions: the numbered record of a carried motion, and the effects it applies in the same
transaction (to agreements, their clauses, or an obligation it waives)."""

from __future__ import annotations

import datetime as dt
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from govtrack.agreements import services as agreement_services
from govtrack.agreements.models import Agreement, Clause, ClauseStatus
from govtrack.audit.services import record
from govtrack.core import clock
from govtrack.core.actor import Actor
from govtrack.core.labels import label
from govtrack.errors import Conflict, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import queries
from govtrack.forums.models import (
    APPROVING,
    Decision,
    Effect,
    Forum,
    Meeting,
    Motion,
    MotionAmendment,
)
from govtrack.forums.services._common import EFFECT_STATUSES, S, _check_forum_in_policy, _forum
from govtrack.obligations import services as obligation_services
from govtrack.obligations.services import WaiverDecision


def _next_number(forum: Forum, year: int) -> tuple[int, str]:
    # The forum row lock serialises numbering between meetings of the same forum.
    db.session.execute(select(Forum.id).where(Forum.id == forum.id).with_for_update())
    seq = (db.session.scalar(
        select(func.max(Decision.seq)).where(Decision.forum_id == forum.id, Decision.year == year)) or 0) + 1
    return seq, f"{forum.code}-{year}-{seq:03d}"


def _decide(actor: Actor, motion: Motion, meeting: Meeting, now: dt.datetime) -> Decision:
    forum = _forum(meeting)
    # The decision's date (and its number's year) is the cooperative's, not UTC's: a decision taken
    # at 06:00 WIB on 1 January belongs to the new year.
    day = clock.local(now).date()
    year = day.year
    seq, number = _next_number(forum, year)
    decision = Decision(
        number=number, forum_id=forum.id, year=year, seq=seq, motion_id=motion.id, meeting_id=meeting.id,
        agreement_id=motion.agreement_id, effect=motion.effect, decided_on=day,
        text=motion.text, effects="[]",
    )
    db.session.add(decision)
    db.session.flush()
    effects = _apply(actor, motion, decision)
    decision.effects = json.dumps(effects, sort_keys=True)
    record("decision.create", actor=actor, object_type="decision", object_id=decision.id,
           after={"number": number, "motion_id": motion.id, "effect": motion.effect,
                  "agreement_id": motion.agreement_id, "effects": effects})
    return decision


def _lock_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if agreement is None:
        raise NotFound(str(_l("No such agreement.")))
    return agreement


def _move(actor: Actor, agreement: Agreement, to: str, decision_ids: list[int], effects: list[dict]) -> None:
    was = agreement.status  # the register says what the decision moved it from, not only to
    agreement_services.apply_decision(actor=actor, agreement=agreement, to=to,
                                      decisions=queries.agreement_decisions(decision_ids))
    effects.append({"agreement_id": agreement.id, "from": was, "status": to})


def _apply(actor: Actor, motion: Motion, decision: Decision) -> list[dict]:
    """Apply a carried motion's effect in this transaction; returns what was done."""
    effects: list[dict] = []
    effect = motion.effect
    if effect == Effect.none:
        return effects
    if effect == Effect.waive_obligation:
        return _waive(actor, motion, decision)
    agreement = _lock_agreement(motion.agreement_id)
    # The policy may have changed since the motion was tabled.
    _check_forum_in_policy(db.session.get(Forum, decision.forum_id), agreement)
    if agreement.status not in EFFECT_STATUSES[effect]:
        raise Conflict(
            str(_l("A motion to %(effect)s does not apply to an agreement that is %(status)s.",
                   effect=label("motion_effect", effect).lower(),
                   status=label("agreement_status", agreement.status).lower())),
            code="invalid_effect")
    clauses = {c.id: c for c in db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id))}
    if effect == Effect.approve_with_amendments:
        amendments = db.session.scalars(
            select(MotionAmendment).where(MotionAmendment.motion_id == motion.id).order_by(MotionAmendment.id))
        for a in amendments:
            was = clauses[a.clause_id].status
            agreement_services.amend_clause(actor=actor, clause=clauses[a.clause_id], text=a.text,
                                            status=ClauseStatus.amended.value, decision_id=decision.id)
            effects.append({"clause_id": a.clause_id, "from": was, "status": ClauseStatus.amended.value})
    if effect in APPROVING:
        if agreement.status in (S.draft, S.under_deliberation):
            approving, missing = queries.approval_status(agreement.id, agreement.kind)
            if missing:
                effects.append({"agreement_id": agreement.id, "from": agreement.status, "awaiting": list(missing)})
            else:
                _move(actor, agreement, S.approved, approving, effects)
                for clause in sorted(clauses.values(), key=lambda c: c.number):
                    if clause.status == ClauseStatus.proposed:
                        agreement_services.amend_clause(actor=actor, clause=clause, text=None,
                                                        status=ClauseStatus.accepted.value,
                                                        decision_id=decision.id)
                        effects.append({"clause_id": clause.id, "from": ClauseStatus.proposed.value,
                                        "status": ClauseStatus.accepted.value})
    elif effect == Effect.reject:
        _move(actor, agreement, S.rejected, [decision.id], effects)
    elif effect == Effect.terminate:
        _move(actor, agreement, S.terminated, [decision.id], effects)
    return effects


def _waive(actor: Actor, motion: Motion, decision: Decision) -> list[dict]:
    """A carried waiver waives the obligation it names, citing the decision."""
    if motion.obligation_id is None:
        raise ValidationFailed(str(_l("The motion names no obligation.")),
                               fields={"obligation_id": [str(_l("Required."))]})
    n = obligation_services.waive_obligation(
        actor=actor, obligation=obligation_services.load_for_update(motion.obligation_id),
        decision=WaiverDecision(id=decision.id, obligation_id=motion.obligation_id),
        reason=f"{decision.number}: {motion.title}",
    )
    return [{"obligation_id": motion.obligation_id, "waived_occurrences": n}]
