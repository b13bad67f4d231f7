"""Writes of the centres' positions on an agreement's clauses.

`record_positions` records what one centre said at one meeting about some of the clauses of an
agreement under deliberation. For each clause the centre's current position in this deliberation
(if any) is marked superseded and the new one inserted, in the caller's transaction, with one audit
event; the partial unique index of 0017_centres refuses a second current one if two requests race.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from govtrack.agreements.models import Agreement, AgreementStatus, Clause
from govtrack.audit.services import record
from govtrack.auth.permissions import Role
from govtrack.centres.models import POSITIONS, CentrePosition, Position
from govtrack.core import clock, dates
from govtrack.core.actor import Actor
from govtrack.errors import Conflict, Forbidden, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, Member

TEXT_MAX, NOTE_MAX = 5000, 2000


@dataclass
class ClausePosition:
    clause_id: int
    position: str
    text: str | None = None
    note: str | None = None


def text_key(text: str) -> str:
    """What makes two proposed texts the same proposal: spaces collapsed, case folded (hashed)."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def may_record(user, centre: Centre) -> bool:
    """A field officer records only for the centres assigned to them; board and admins for any."""
    if getattr(user, "role", None) == Role.officer:
        return centre.officer_id == user.id
    return True


def _invalid(errors: dict) -> ValidationFailed:
    return ValidationFailed(str(_l("Some values are not valid.")), fields=errors)


def _text(value) -> str | None:
    value = str(value or "").strip()
    return value or None


def record_positions(*, actor: Actor, agreement: Agreement, centre: Centre, held_on: dt.date | None,
                     members_present: int | None, positions: list[ClausePosition],
                     today: dt.date | None = None) -> list[CentrePosition]:
    """Record a centre's positions on clauses of `agreement` (see the module docstring)."""
    if agreement.status != AgreementStatus.under_deliberation:
        raise Conflict(str(_l("Positions are recorded only while the agreement is under deliberation.")),
                       code="not_under_deliberation")
    if not may_record(actor, centre):
        raise Forbidden(str(_l("You record positions only for the centres assigned to you.")),
                        fields={"centre_id": [str(_l("Not one of your centres."))]})
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    if not centre.active:
        errors["centre_id"] = [str(_l("This centre is not active."))]
    if held_on is None:
        errors["date"] = [str(_l("Required."))]
    elif not dates.in_range(held_on):
        errors["date"] = [str(dates.range_message())]
    elif held_on > today:
        errors["date"] = [str(_l("The date is in the future."))]
    size = db.session.scalar(select(func.count()).where(Member.centre_id == centre.id)) or 0
    if members_present is None:
        errors["members_present"] = [str(_l("Required."))]
    elif members_present < 1 or members_present > size:
        errors["members_present"] = [str(_l("Between 1 and %(n)d (the centre's members).", n=size))]
    clauses = {c.id: c for c in db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id))}
    if not positions:
        errors["positions"] = [str(_l("Give a position on at least one clause."))]
    seen: set[int] = set()
    rows = []
    for i, item in enumerate(positions):
        where = f"positions.{i}"
        clause = clauses.get(item.clause_id)
        if clause is None:
            errors[f"{where}.clause_id"] = [str(_l("Not a clause of this agreement."))]
            continue
        if clause.id in seen:
            errors[f"{where}.clause_id"] = [str(_l("Point %(n)d is given twice.", n=clause.number))]
            continue
        seen.add(clause.id)
        if item.position not in POSITIONS:
            errors[f"{where}.position"] = [str(_l("Choose support, amend or oppose."))]
            continue
        text = _text(item.text)
        note = _text(item.note)
        if item.position == Position.amend and not text:
            errors[f"{where}.text"] = [str(_l("Point %(n)d: write the amendment the centre proposes.", n=clause.number))]
        elif item.position != Position.amend and text:
            errors[f"{where}.text"] = [str(_l("Point %(n)d: only a proposal to amend has a text.", n=clause.number))]
        elif text and len(text) > TEXT_MAX:
            errors[f"{where}.text"] = [str(_l("At most %(n)d characters.", n=TEXT_MAX))]
        if note and len(note) > NOTE_MAX:
            errors[f"{where}.note"] = [str(_l("At most %(n)d characters.", n=NOTE_MAX))]
        rows.append((clause, item.position, text, note))
    if errors:
        raise _invalid(errors)
    now = clock.utcnow()
    made = []
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(CentrePosition)
                .where(CentrePosition.centre_id == centre.id, CentrePosition.deliberation == agreement.deliberation,
                       CentrePosition.clause_id.in_([c.id for c, *_ in rows]), CentrePosition.superseded_at.is_(None))
                .values(superseded_at=now).execution_options(synchronize_session=False))
            for clause, position, text, note in rows:
                made.append(CentrePosition(
                    agreement_id=agreement.id, deliberation=agreement.deliberation, clause_id=clause.id,
                    centre_id=centre.id, held_on=held_on, members_present=members_present, position=position,
                    text=text, text_key=text_key(text) if text else None, note=note,
                    recorded_by_id=getattr(actor, "id", None), recorded_at=now))
            db.session.add_all(made)
            db.session.flush()
    except IntegrityError:
        raise Conflict(str(_l("Another position of this centre was recorded at the same moment; try again.")),
                       code="concurrent") from None
    record("centre.positions", actor=actor, object_type="agreement", object_id=agreement.id, after={
        "centre_id": centre.id, "centre": centre.code, "date": held_on, "members_present": members_present,
        "deliberation": agreement.deliberation,
        "positions": [{"clause": c.number, "position": p, "text": t, "note": n} for c, p, t, n in rows]})
    return made
