"""Reading the centres' positions: the roll-up per clause (aggregate queries only, whatever the
number of centres), a centre's current positions, the history of a clause's positions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import joinedload

from govtrack.agreements.models import Agreement, AgreementStatus, Clause
from govtrack.centres.models import POSITIONS, CentrePosition, Position
from govtrack.core import versions
from govtrack.core.cache import remember_json
from govtrack.extensions import db
from govtrack.members import queries as members_queries
from govtrack.members.models import Centre

TEXTS_SHOWN = 100  # distinct proposed texts per clause in the roll-up, the most supported first
# Roll-ups are cached by the positions' data version and a fingerprint of the centres (`_stamp`).
ROLLUP_TABLES = (CentrePosition.__tablename__,)
versions.track(*ROLLUP_TABLES)
ROLLUP_CACHE_VERSION = 1  # bump when what is cached changes shape or meaning
NAMES_PER_REGION = 50  # centres named per region among those not heard yet ("and 312 more" after)


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


@dataclass
class RegionGap:
    """The active centres of one region (None: no region recorded) not heard yet on one clause:
    how many, and the first NAMES_PER_REGION of them by code (code, name) when names were asked."""

    region: str | None
    centres: int
    names: list[tuple[str, str]] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.centres - len(self.names))


def _current(agreement: Agreement, deliberation: int | None = None):
    return (CentrePosition.agreement_id == agreement.id,
            CentrePosition.deliberation == (agreement.deliberation if deliberation is None else deliberation),
            CentrePosition.superseded_at.is_(None))


def _stamp() -> list:
    """What a cached roll-up was read from, in a few bytes: the positions' data version and a
    fingerprint of the centres (how many, how many active, the last change), which is read
    instead of tracking the centres' table (a token write at every roster import's commit)."""
    return [ROLLUP_CACHE_VERSION, versions.tokens(db.session, *ROLLUP_TABLES), members_queries.centres_fingerprint()]


def _cached(kind: str, stamp: list | None, agreement: Agreement, deliberation: int, ids: list[int], compute, *extra):
    key = json.dumps([kind, stamp or _stamp(), agreement.id, deliberation, ids, *extra], default=str)
    return remember_json(f"centres-{kind}-" + hashlib.sha256(key.encode()).hexdigest(), compute)


def rollup(agreement: Agreement, *, deliberation: int | None = None,
           clause_ids: Iterable[int] | None = None, stamp: list | None = None) -> list[ClauseRollup]:
    """Per clause (by number): centres and members present per position, the proposed texts
    (identical ones merged, most centres first) and the active centres not heard yet. Aggregate
    queries answered from the partial index of current positions, whatever the number of centres,
    cached by what they were read from (at 8,000 centres on 5 clauses they take some 50 ms).
    `deliberation` defaults to the agreement's current one; `clause_ids` narrows to some clauses
    (an agenda item's)."""
    stmt = select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)
    if clause_ids is not None:
        stmt = stmt.where(Clause.id.in_(list(clause_ids)))
    clauses = list(db.session.scalars(stmt))
    if not clauses:
        return []
    deliberation = agreement.deliberation if deliberation is None else deliberation
    raw = _cached("rollup", stamp, agreement, deliberation, [c.id for c in clauses],
                  lambda: _rollup_counts(agreement, deliberation, clauses), TEXTS_SHOWN)
    out = []
    for c in clauses:
        tallies, texts, heard_active, not_heard = raw[str(c.id)]
        out.append(ClauseRollup(c, {p: Tally(*tallies[p]) for p in POSITIONS},
                                [ProposedText(text, n) for text, n in texts], heard_active, not_heard))
    return out


def _rollup_counts(agreement: Agreement, deliberation: int, clauses: list[Clause]) -> dict:
    out = {c.id: ClauseRollup(c) for c in clauses}
    current = _current(agreement, deliberation)
    for clause_id, position, centres, members in db.session.execute(
        select(CentrePosition.clause_id, CentrePosition.position, func.count(), func.sum(CentrePosition.members_present))
        .where(*current).group_by(CentrePosition.clause_id, CentrePosition.position)
    ):
        if clause_id in out:
            out[clause_id].tallies[position] = Tally(centres, int(members or 0))
    # Proposals: counted by text_key from the index alone; the texts of the most supported read
    # by id afterwards (the first of each kind), at most TEXTS_SHOWN per clause.
    groups: dict[int, list[tuple[int, int]]] = {}
    for clause_id, count, first_id in db.session.execute(
        select(CentrePosition.clause_id, func.count(), func.min(CentrePosition.id))
        .where(*current, CentrePosition.position == Position.amend.value)
        .group_by(CentrePosition.clause_id, CentrePosition.text_key)
    ):
        if clause_id in out:
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
        .where(*current, CentrePosition.centre_id.in_(select(Centre.id).where(Centre.active.is_(False))))
        .group_by(CentrePosition.clause_id)).all())
    for clause_id, r in out.items():
        r.heard_active = r.heard - inactive_heard.get(clause_id, 0)
        r.not_heard = max(0, active - r.heard_active)
    return {str(c.id): [{p: [t.centres, t.members] for p, t in out[c.id].tallies.items()},
                        [[x.text, x.centres] for x in out[c.id].texts], out[c.id].heard_active, out[c.id].not_heard]
            for c in clauses}


def not_heard_by_region(agreement: Agreement, *, deliberation: int | None = None,
                        clause_ids: Iterable[int] | None = None, names: bool = False,
                        stamp: list | None = None) -> dict[int, list[RegionGap]]:
    """clause id -> the active centres not heard yet on it, by region (most first; "no region"
    last), counted in SQL (GROUP BY region) and never loaded one by one. With `names`, the first
    NAMES_PER_REGION centres (by code) of each region are read too, by one windowed query. A
    clause everyone was heard on has an empty list. A centre heard on one clause and not on
    another is counted on the other only. (With names, the counts come from the same query.)

    At 11,000 centres the counting and naming take several hundred milliseconds (every current
    position joined to its centre, every active centre probed per clause), so the answer is cached
    by what it was read from (`_stamp`)."""
    stmt = select(Clause.id).where(Clause.agreement_id == agreement.id)
    if clause_ids is not None:
        stmt = stmt.where(Clause.id.in_(list(clause_ids)))
    ids = sorted(db.session.scalars(stmt))
    if not ids:
        return {}
    deliberation = agreement.deliberation if deliberation is None else deliberation
    raw = _cached("unheard", stamp, agreement, deliberation, ids,
                  lambda: _not_heard_by_region(agreement, deliberation, ids, names), names, NAMES_PER_REGION)
    return {int(clause_id): [RegionGap(region, n, [tuple(x) for x in named]) for region, n, named in gaps]
            for clause_id, gaps in raw.items()}


def _not_heard_by_region(agreement: Agreement, deliberation: int, ids: list[int], names: bool) -> dict:
    current = _current(agreement, deliberation)
    out: dict[int, dict[str | None, RegionGap]] = {clause_id: {} for clause_id in ids}
    if names:
        # One windowed query gives both: each region's count (over the partition) and its first names.
        for clause_id, region, code, name, n in db.session.execute(_unheard_names(current, ids)):
            out[clause_id].setdefault(region, RegionGap(region, n)).names.append((code, name))
    else:
        active = dict(db.session.execute(
            select(Centre.region, func.count()).where(Centre.active.is_(True)).group_by(Centre.region)).all())
        heard: dict[tuple[int, str | None], int] = {
            (clause_id, region): n for clause_id, region, n in db.session.execute(
                select(CentrePosition.clause_id, Centre.region, func.count())
                .join(Centre, Centre.id == CentrePosition.centre_id)
                .where(*current, Centre.active.is_(True), CentrePosition.clause_id.in_(ids))
                .group_by(CentrePosition.clause_id, Centre.region))}
        for clause_id in ids:
            for region, n in active.items():
                if n > heard.get((clause_id, region), 0):
                    out[clause_id][region] = RegionGap(region, n - heard.get((clause_id, region), 0))
    return {str(clause_id): [[g.region, g.centres, [list(x) for x in g.names]]
                             for g in sorted(gaps.values(), key=lambda g: (g.region is None, -g.centres, g.region or ""))]
            for clause_id, gaps in out.items()}


def _unheard_names(current, clause_ids: list[int]):
    """Per clause and region, how many active centres have no current position on that clause and
    the first NAMES_PER_REGION of them (by code): each (clause, centre) pair checked against the
    unique index of current positions, numbered and counted per region in SQL, only the first
    ones returned (with the region's count on each)."""
    clause = Clause.__table__.alias("c")
    heard = exists().where(*current, CentrePosition.clause_id == clause.c.id, CentrePosition.centre_id == Centre.id)
    region = (clause.c.id, Centre.region)
    numbered = (
        select(clause.c.id.label("clause_id"), Centre.region, Centre.code, Centre.name,
               func.row_number().over(partition_by=region, order_by=Centre.code).label("n"),
               func.count().over(partition_by=region).label("total"))
        .select_from(clause).join(Centre, true())
        .where(clause.c.id.in_(clause_ids), Centre.active.is_(True), ~heard)
        .subquery())
    return (select(numbered.c.clause_id, numbered.c.region, numbered.c.code, numbered.c.name, numbered.c.total)
            .where(numbered.c.n <= NAMES_PER_REGION).order_by(numbered.c.clause_id, numbered.c.region, numbered.c.code))


@dataclass
class Summary:
    """One clause's counts of centres per position, for a line in a list (the decision register)."""

    number: int
    centres: dict[str, int] = field(default_factory=lambda: {p: 0 for p in POSITIONS})


def deliberations_at(decisions: Iterable[tuple[int, int, dt.datetime]]) -> dict[int, int]:
    """decision id -> the deliberation of its agreement that the decision was taken in, for
    (decision id, agreement id, decided at) triples: the latest deliberation whose first current
    position was recorded by then. One query for any number of decisions; a decision taken before
    any centre spoke is left out."""
    decisions = list(decisions)
    agreement_ids = {a for _, a, _ in decisions}
    if not agreement_ids:
        return {}
    first = (select(func.min(CentrePosition.id))
             .where(CentrePosition.agreement_id.in_(agreement_ids), CentrePosition.superseded_at.is_(None))
             .group_by(CentrePosition.agreement_id, CentrePosition.deliberation))
    starts: dict[int, list[tuple[int, dt.datetime]]] = {}
    for agreement_id, deliberation, recorded_at in db.session.execute(
        select(CentrePosition.agreement_id, CentrePosition.deliberation, CentrePosition.recorded_at)
        .where(CentrePosition.id.in_(first))
    ):
        starts.setdefault(agreement_id, []).append((deliberation, recorded_at))
    out = {}
    for decision_id, agreement_id, at in decisions:
        before = [d for d, started in starts.get(agreement_id, ()) if started <= at]
        if before:
            out[decision_id] = max(before)
    return out


def summaries(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Summary]]:
    """(agreement id, deliberation) -> per clause (by number) the centres per position. One
    aggregate query for any number of pairs (the decision register's page)."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    out: dict[tuple[int, int], dict[int, Summary]] = {}
    for agreement_id, deliberation, number, position, n in db.session.execute(
        select(CentrePosition.agreement_id, CentrePosition.deliberation, Clause.number, CentrePosition.position,
               func.count())
        .join(Clause, Clause.id == CentrePosition.clause_id)
        .where(CentrePosition.superseded_at.is_(None),
               or_(*(and_(CentrePosition.agreement_id == a, CentrePosition.deliberation == d) for a, d in pairs)))
        .group_by(CentrePosition.agreement_id, CentrePosition.deliberation, Clause.number, CentrePosition.position)
    ):
        row = out.setdefault((agreement_id, deliberation), {}).setdefault(number, Summary(number))
        row.centres[position] = n
    return {key: [by[n] for n in sorted(by)] for key, by in out.items()}


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


@dataclass
class RollupPage:
    """What a page shows of the centres' voice on an agreement: the roll-up per clause and, per
    clause id, the active centres not heard yet by region."""

    agreement_id: int
    deliberation: int
    rows: list[ClauseRollup]
    regions: dict[int, list[RegionGap]]
    clause_ids: list[int] | None = None  # the clauses asked for (an agenda item's), None for all


def rollup_page(agreement: Agreement, *, deliberation: int | None = None, clause_ids: Iterable[int] | None = None,
                names: bool = False) -> RollupPage | None:
    """The roll-up and the not-heard regions of the agreement's deliberation (its current one by
    default); None for an agreement never put under deliberation. A fixed number of queries
    whatever the number of centres and positions."""
    deliberation = agreement.deliberation if deliberation is None else deliberation
    if not deliberation and agreement.status != AgreementStatus.under_deliberation:
        return None
    clause_ids = None if clause_ids is None else sorted(set(clause_ids))
    stamp = _stamp()
    rows = rollup(agreement, deliberation=deliberation, clause_ids=clause_ids, stamp=stamp)
    if not rows:
        return None
    return RollupPage(agreement.id, deliberation, rows,
                      not_heard_by_region(agreement, deliberation=deliberation,
                                          clause_ids=[r.clause.id for r in rows], names=names, stamp=stamp),
                      clause_ids)
