"""Reading the centres' positions: the roll-up per clause (aggregate queries only, whatever the
number of centres), a centre's current positions, the history of a clause's positions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from govtrack.agreements.models import Agreement, AgreementStatus, Clause
from govtrack.centres.models import POSITIONS, CentrePosition, Position
from govtrack.extensions import db
from govtrack.members.models import Centre

TEXTS_SHOWN = 100  # distinct proposed texts per clause in the roll-up, the most supported first


@dataclass
class Tally:
    centres: int = 0
    members: int = 0


@dataclass
class ProposedText:
    text: str
    centres: int


@dataclass
class ClauseRollup:
    clause: Clause
    tallies: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in POSITIONS})
    texts: list[ProposedText] = field(default_factory=list)
    heard_active: int = 0
    not_heard: int = 0

    @property
    def heard(self) -> int:
        return sum(t.centres for t in self.tallies.values())


def _current(agreement: Agreement):
    return (CentrePosition.agreement_id == agreement.id, CentrePosition.deliberation == agreement.deliberation,
            CentrePosition.superseded_at.is_(None))


def rollup(agreement: Agreement) -> list[ClauseRollup]:
    """Per clause (by number): centres and members present per position, the proposed texts
    (identical ones merged, most centres first) and the active centres not heard yet. Aggregate
    queries answered from the partial index of current positions, whatever the number of centres."""
    clauses = list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)))
    out = {c.id: ClauseRollup(c) for c in clauses}
    if not clauses:
        return []
    for clause_id, position, centres, members in db.session.execute(
        select(CentrePosition.clause_id, CentrePosition.position, func.count(), func.sum(CentrePosition.members_present))
        .where(*_current(agreement)).group_by(CentrePosition.clause_id, CentrePosition.position)
    ):
        out[clause_id].tallies[position] = Tally(centres, int(members or 0))
    # Proposals: counted by text_key from the index alone; the texts of the most supported read
    # by id afterwards (the first of each kind), at most TEXTS_SHOWN per clause.
    groups: dict[int, list[tuple[int, int]]] = {}
    for clause_id, count, first_id in db.session.execute(
        select(CentrePosition.clause_id, func.count(), func.min(CentrePosition.id))
        .where(*_current(agreement), CentrePosition.position == Position.amend.value)
        .group_by(CentrePosition.clause_id, CentrePosition.text_key)
    ):
        groups.setdefault(clause_id, []).append((count, first_id))
    shown = {cid: sorted(g, key=lambda x: (-x[0], x[1]))[:TEXTS_SHOWN] for cid, g in groups.items()}
    wanted = [first_id for g in shown.values() for _, first_id in g]
    texts = dict(db.session.execute(
        select(CentrePosition.id, CentrePosition.text).where(CentrePosition.id.in_(wanted))).all()) if wanted else {}
    for clause_id, g in shown.items():
        out[clause_id].texts = [ProposedText(texts[first_id], count) for count, first_id in g]
    # Not heard: the active centres without a current position. Inactive centres are few (their
    # positions are subtracted), so the positions are never joined to the centres one by one.
    active = db.session.scalar(select(func.count()).select_from(Centre).where(Centre.active.is_(True))) or 0
    inactive_heard = dict(db.session.execute(
        select(CentrePosition.clause_id, func.count())
        .where(*_current(agreement), CentrePosition.centre_id.in_(select(Centre.id).where(Centre.active.is_(False))))
        .group_by(CentrePosition.clause_id)).all())
    for clause_id, r in out.items():
        r.heard_active = r.heard - inactive_heard.get(clause_id, 0)
        r.not_heard = max(0, active - r.heard_active)
    return [out[c.id] for c in clauses]


def current_positions(agreement: Agreement, centre_id: int) -> dict[int, CentrePosition]:
    """The centre's current position on each clause of the agreement, by clause id."""
    return {p.clause_id: p for p in db.session.scalars(
        select(CentrePosition).where(*_current(agreement), CentrePosition.centre_id == centre_id))}


def history(agreement: Agreement, centre_id: int) -> list[CentrePosition]:
    """Every position the centre gave in this deliberation, newest first (the superseded too)."""
    return list(db.session.scalars(
        select(CentrePosition)
        .where(CentrePosition.agreement_id == agreement.id, CentrePosition.deliberation == agreement.deliberation,
               CentrePosition.centre_id == centre_id)
        .options(joinedload(CentrePosition.clause), joinedload(CentrePosition.recorded_by))
        .order_by(CentrePosition.recorded_at.desc(), CentrePosition.id.desc())))


def under_deliberation(limit: int = 200) -> list[Agreement]:
    """The agreements whose clauses centres may speak to now, newest first."""
    return list(db.session.scalars(
        select(Agreement).where(Agreement.status == AgreementStatus.under_deliberation)
        .order_by(Agreement.id.desc()).limit(limit)))


def get_agreement(agreement_id: int) -> Agreement | None:
    return db.session.get(Agreement, agreement_id)


def clauses_of(agreement: Agreement) -> list[Clause]:
    return list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)))
