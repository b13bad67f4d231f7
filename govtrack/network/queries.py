"""Reading what the dependency network is built from: plain rows, no ORM objects, so that
govtrack.network.graph can turn them into a graph without a database or a request.

Who sees what: the agreements are filtered with govtrack.agreements.queries.visibility_clause, so a
member sees only agreements published to members, and only the partners that are party to those.

Reading and measuring the whole network takes a few hundred milliseconds at 2,000 partners and
20,000 agreements, so every answer built from it (the metrics, the page's summary, the API's body,
an impact, the pictures' names, the GraphML and GEXF downloads) is cached under a key made of the
data versions of the tables it is read from (TABLES, one query), what the user may see and the
request's own arguments (Scope.key; the statuses as the tuple statuses_for gives, so the same set
is the same key): a warm request reads no rows of the network, and any committed change to those
tables is seen by the next request. A cold answer reads the network once for both of its dates
(networks_at: today and the date it compares with) and pauses cyclic garbage collection while it
reads and measures (quiet_gc).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import networkx as nx
from sqlalchemy import case, func, select

from govtrack.agreements.models import (
    Agreement,
    AgreementDependency,
    AgreementParty,
    AgreementStatus,
    Clause,
    ClauseVersion,
    ProposedBy,
)
from govtrack.agreements.queries import visibility_clause
from govtrack.core import clock, versions
from govtrack.core.cache import get_cache, remember_json
from govtrack.extensions import db
from govtrack.forums.models import Forum, Meeting
from govtrack.network import graph
from govtrack.obligations.models import Obligation
from govtrack.obligations.queries import obligation_statuses
from govtrack.partners.models import Partner

# Agreements "in force" are active or suspended: a suspended agreement still binds the cooperative
# and still has to be replaced if the partner goes, so leaving it out would understate the
# dependence. By default the network also holds what the cooperative is about to depend on: the
# agreements under deliberation and those approved but not yet signed (a board deciding on one more
# credit line must see the loans already in the pipeline). Any set of statuses can be chosen
# (`status` repeated); each counts on the dates it covers (start date on or before the day asked
# for, end date on or after it).
IN_FORCE_STATUSES: tuple[str, ...] = (AgreementStatus.active.value, AgreementStatus.suspended.value)
DEFAULT_STATUSES: tuple[str, ...] = (
    *IN_FORCE_STATUSES, AgreementStatus.under_deliberation.value, AgreementStatus.approved.value,
)
# The order statuses are listed in (the filter's checkboxes, `totals.statuses`): what binds the
# cooperative now, what it is about to depend on, then what is over.
STATUS_ORDER: tuple[str, ...] = (
    *DEFAULT_STATUSES, AgreementStatus.draft.value, AgreementStatus.completed.value,
    AgreementStatus.terminated.value, AgreementStatus.rejected.value,
)

# Every cached answer (metrics, the page's summary, the API body, the pictures, an impact) is keyed
# by the data versions of the tables the network is read from (the meetings and forums for the date
# of the last members' meeting), by what the user may see, and by its own arguments: a change to
# any of those tables, committed through the ORM, makes every answer computed before it unreachable.
TABLES: tuple[str, ...] = (
    Agreement.__tablename__, AgreementParty.__tablename__, Partner.__tablename__,
    AgreementDependency.__tablename__, Clause.__tablename__, ClauseVersion.__tablename__,
    Meeting.__tablename__, Forum.__tablename__,
)
versions.track(*TABLES)
METRICS_VERSION = 3  # bump when what is cached changes shape or meaning, so old entries are not reused
PICKER_SIZE = 15  # the largest partners offered in the what-if picker (the rest: by name search)
SEARCH_LIMIT = 20  # partners listed for a name search
_SPLICE = "__govtrack_metrics__"  # where network_answer puts the metrics' cached JSON in the API's body
PAGE_LIST = 25  # rows of each list on the page (single points, bridges, projects, autonomy)


# The rows are named tuples (immutable, built by C code): the network reads tens of thousands of
# them per answer, and frozen dataclasses, which set each field through object.__setattr__, took a
# tenth of a cold answer to build.
class PartnerRow(NamedTuple):
    id: int
    name: str
    category: str
    region: str | None = None


class AgreementRow(NamedTuple):
    id: int
    title: str
    kind: str
    status: str
    value: Decimal = Decimal("0")
    currency: str = "IDR"
    reference: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class PartyRow(NamedTuple):
    agreement_id: int
    partner_id: int
    role: str


class ClauseRow(NamedTuple):
    """A clause the partner side proposed, with its status as of the date asked for."""

    agreement_id: int
    clause_id: int
    status: str
    decision_id: int | None = None


@dataclass
class NetworkData:
    """Everything the graph is built from (each list already filtered for the user and date)."""

    as_of: dt.date
    partners: list[PartnerRow] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    parties: list[PartyRow] = field(default_factory=list)
    dependencies: list[tuple[int, int]] = field(default_factory=list)  # (agreement, needs)
    clauses: list[ClauseRow] = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    # What graph.py derives from these rows and several measures share (the party values): kept
    # with the rows, and never copied by dataclasses.replace (a changed copy derives its own).
    derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def statuses_for(status: str | Iterable[str] | None) -> tuple[str, ...]:
    """The agreement statuses a network is read with, in their usual order and each once: one
    status, several, or none (DEFAULT_STATUSES). Callers validate the values first (the form, the
    API's schema); an unknown one here is a programming error."""
    if not status:
        return DEFAULT_STATUSES
    chosen = {status} if isinstance(status, str) else set(status)
    unknown = chosen - set(STATUS_ORDER)
    if unknown:
        raise ValueError(f"unknown agreement status: {sorted(unknown)}")
    return tuple(s for s in STATUS_ORDER if s in chosen)


def in_force_condition(as_of: dt.date, status: str | Iterable[str] | None = None, *, until: dt.date | None = None):
    """SQL: the agreements in one of these statuses (default: DEFAULT_STATUSES) on `as_of`, or,
    with `until`, on any day from `as_of` to `until`."""
    last = until or as_of
    return (
        Agreement.status.in_(statuses_for(status))
        & ((Agreement.start_date.is_(None)) | (Agreement.start_date <= last))
        & ((Agreement.end_date.is_(None)) | (Agreement.end_date >= as_of))
    )


def _covers(a: AgreementRow, day: dt.date) -> bool:
    return (a.start_date is None or a.start_date <= day) and (a.end_date is None or a.end_date >= day)


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while the network is read and measured. Reading and
    measuring it allocates a few hundred thousand objects that reference counting frees (rows,
    tuples, the graphs' lists), and each allocation burst set off full collections that walked
    every object of the process: a third of a cold answer's time at scale L. Collection resumes
    (if it was on) when the block ends; let what was read die inside the block (compute in a
    function called in it), or the first collection after it walks all of it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def network_data(
    *,
    user,
    as_of: dt.date,
    category: str | None = None,
    flow: str | None = None,
    status: str | Iterable[str] | None = None,
) -> NetworkData:
    """The rows of the network `user` may see on `as_of` (four queries, whatever the size), with
    the agreements in `status` (one or several; default DEFAULT_STATUSES)."""
    return networks_at(user=user, dates=[as_of], clauses_on=as_of, category=category, flow=flow, status=status)[as_of]


def networks_at(
    *,
    user,
    dates: list[dt.date],
    clauses_on: dt.date | None,
    category: str | None = None,
    flow: str | None = None,
    status: str | Iterable[str] | None = None,
) -> dict[dt.date, NetworkData]:
    """network_data on each of `dates` from one reading of the database: the agreements in force
    on any day from the first to the last date, split by date here (the page compares today with
    the last members' meeting: one read, not two). The clauses (for autonomy) are read for
    `clauses_on` only, None: for no date."""
    statuses = statuses_for(status)
    first, last = min(dates), max(dates)
    cond = in_force_condition(first, statuses, until=last)
    vis = visibility_clause(user)
    if vis is not None:
        cond = cond & vis
    # Plain rows through the connection (no ORM entities to load), made into named tuples.
    conn = db.session.connection()
    zero = Decimal("0.00")
    everything = [
        AgreementRow(i, title, kind, st, value if value is not None else zero, currency, ref, start, end)
        for i, title, kind, st, value, currency, ref, start, end in conn.execute(
            select(
                Agreement.id, Agreement.title, Agreement.kind, Agreement.status, Agreement.value_amount,
                Agreement.value_currency, Agreement.reference, Agreement.start_date, Agreement.end_date,
            ).where(cond).order_by(Agreement.id)
        ).all()
    ]
    visible_ids = select(Agreement.id).where(cond)
    party_rows = conn.execute(
        select(
            AgreementParty.agreement_id, AgreementParty.partner_id, AgreementParty.role,
            Partner.name, Partner.category, Partner.region,
        )
        .join(Partner, Partner.id == AgreementParty.partner_id)
        .where(AgreementParty.agreement_id.in_(visible_ids))
        .order_by(AgreementParty.agreement_id, AgreementParty.id)
    ).all()
    dep_rows = conn.execute(
        select(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)
        .where(AgreementDependency.agreement_id.in_(visible_ids))
        .order_by(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)
    ).all()
    clause_rows = _clause_rows(visible_ids, as_of=clauses_on) if clauses_on is not None else []
    kinds = {a.id: a.kind for a in everything}
    out: dict[dt.date, NetworkData] = {}
    for day in dates:
        if day in out:
            continue
        agreements = [a for a in everything if _covers(a, day)] if first != last else everything
        ids = {a.id for a in agreements}
        partners: dict[int, PartnerRow] = {}
        parties: list[PartyRow] = []
        for agreement_id, partner_id, role, name, cat, region in party_rows:
            if agreement_id not in ids:
                continue
            if category and cat != category:
                continue
            if flow and graph.flow_for(kinds[agreement_id], role) != flow:
                continue
            if partner_id not in partners:
                partners[partner_id] = PartnerRow(partner_id, name, cat, region)
            parties.append(PartyRow(agreement_id, partner_id, role))
        if category or flow:
            # Keep only the agreements that still have a party in the picture.
            kept = {p.agreement_id for p in parties}
            agreements = [a for a in agreements if a.id in kept]
            ids = {a.id for a in agreements}
        out[day] = NetworkData(
            as_of=day,
            partners=sorted(partners.values(), key=lambda p: p.id),
            agreements=agreements,
            parties=parties,
            dependencies=[(a, b) for a, b in dep_rows if a in ids and b in ids],
            clauses=[c for c in clause_rows if c.agreement_id in ids] if day == clauses_on else [],
            filters={"category": category, "flow": flow, "status": statuses},
        )
    return out


def _clause_rows(visible_ids, *, as_of: dt.date) -> list[ClauseRow]:
    """Clauses proposed by the partner side, each with its status at the end of `as_of`: the
    latest kept version written by then (every decision writes a version, with its decision id);
    a clause without any version, its own status; a clause whose versions all came later, none."""
    # The end of the cooperative's day, not of UTC's: a decision at 06:00 WIB belongs to its own day.
    end = clock.day_start(as_of + dt.timedelta(days=1))
    # Whether each version was written by then is asked of the database: one boolean a row rather
    # than a time zone-aware datetime to build and compare here for each of 20,000 versions. (The
    # database choosing each clause's latest version itself was slower on PostgreSQL, which then
    # hashed every version of every clause.)
    written = case((ClauseVersion.created_at.is_(None) | (ClauseVersion.created_at < end), True), else_=False)
    rows = db.session.connection().execute(
        select(
            Clause.agreement_id, Clause.id, Clause.status, ClauseVersion.version,
            ClauseVersion.status, ClauseVersion.decision_id, written,
        )
        .outerjoin(ClauseVersion, ClauseVersion.clause_id == Clause.id)
        .where(Clause.proposed_by == ProposedBy.partner.value, Clause.agreement_id.in_(visible_ids))
        .order_by(Clause.id, ClauseVersion.version)
    ).all()
    latest: dict[int, ClauseRow] = {}
    for agreement_id, clause_id, current, version, v_status, decision_id, by_then in rows:
        if version is None:
            latest[clause_id] = ClauseRow(agreement_id, clause_id, current, None)
        elif by_then:
            latest[clause_id] = ClauseRow(agreement_id, clause_id, v_status, decision_id)
    return list(latest.values())


def partner_clauses(visible_ids, *, as_of: dt.date, kept_ids: set[int]) -> list[ClauseRow]:
    """_clause_rows of the agreements in `kept_ids`."""
    return [c for c in _clause_rows(visible_ids, as_of=as_of) if c.agreement_id in kept_ids]


def default_as_of() -> dt.date:
    """Today where the cooperative is (its configured time zone)."""
    return clock.today()


def load_for(user, args: dict) -> NetworkData:
    """The network data `user` may see, for request filters (as_of, category, flow, status)."""
    return network_data(
        user=user, as_of=args.get("as_of") or default_as_of(), category=args.get("category"),
        flow=args.get("flow"), status=args.get("status"),
    )


def visibility_key(user) -> str:
    """What `user` may see, for a cache key: the visibility condition itself, so that two users
    share a cached answer exactly when they are shown the same agreements (staff, members, public)."""
    cond = visibility_clause(user)
    if cond is None:
        return "all"
    return str(cond.compile(compile_kwargs={"literal_binds": True}))


@dataclass(frozen=True)
class Scope:
    """What every cached network answer depends on besides its own arguments: the data it is read
    from (one token per table, govtrack.core.versions) and what the user may see."""

    tokens: str
    visibility: str

    def key(self, kind: str, ext: str = "json", **parts) -> str:
        """The cache key of one answer (`kind`) for these arguments (`parts`)."""
        raw = json.dumps([METRICS_VERSION, self.tokens, self.visibility, kind, parts], sort_keys=True, default=str)
        return f"network-{kind}-{hashlib.sha256(raw.encode()).hexdigest()[:40]}.{ext}"


def scope_for(user) -> Scope:
    """The data versions now (one query) and `user`'s visibility."""
    return Scope(versions.tokens(db.session, *TABLES), visibility_key(user))


def _loader(user, as_of: dt.date, filters: dict) -> Callable[[], NetworkData]:
    """Loads the network at most once, and only when something is not in the cache."""
    return functools.cache(lambda: network_data(user=user, as_of=as_of, **filters))


def _loaders(user, as_of: dt.date, then: dt.date | None, filters: dict) -> tuple[Callable, Callable]:
    """(load on `as_of`, load on `then`), both from one reading of the database, made at most once
    and only when something is not in the cache."""
    dates = [as_of] if then is None else [as_of, then]
    both = functools.cache(lambda: networks_at(user=user, dates=dates, clauses_on=as_of, **filters))
    return (lambda: both()[as_of]), (lambda: both()[then])


def filters_for(category: str | None = None, flow: str | None = None, status=None) -> dict:
    """The network's filters as every cache key names them: `status` as the tuple of statuses it
    means (statuses_for), so that the same statuses chosen in another order, or the default
    chosen by name, find the same cached answers."""
    return {"category": category, "flow": flow, "status": statuses_for(status)}


_filters = filters_for


def measured(scope: Scope, *, as_of: dt.date, filters: dict, load: Callable[[], NetworkData]) -> dict:
    """graph.compute_metrics of the network on `as_of`, cached for these data versions."""
    return _measured_json(scope, as_of=as_of, filters=filters, load=load)[0]


def _measured_json(scope: Scope, *, as_of: dt.date, filters: dict,
                   load: Callable[[], NetworkData]) -> tuple[dict, bytes]:
    """measured, with the JSON it is cached as (what remember_json would store): the API's body
    puts those bytes in as they are rather than encoding the same 900 kB again at scale L."""
    filters = filters_for(**filters)
    key = scope.key("metrics", as_of=as_of, **filters)
    cache = get_cache()
    raw = cache.get(key)
    if raw is not None:
        try:
            return json.loads(raw), raw
        except ValueError:  # a damaged entry is recomputed
            pass
    value = graph.compute_metrics(load())
    raw = json.dumps(value, separators=(",", ":"), default=str).encode()
    cache.put(key, raw)
    return value, raw


def _basis(scope: Scope, *, as_of: dt.date, filters: dict, load: Callable[[], NetworkData]) -> dict:
    """graph.comparison_basis of the network on `as_of` (what a comparison with that date reads).
    Not cached on its own: the answers that compare (the page's summary, the API's body) are, and
    it takes less to compute from the rows read anyway than to write and read back."""
    return graph.comparison_basis(load())


def partners_in(scope: Scope, *, as_of: dt.date, filters: dict, load: Callable[[], NetworkData]) -> list[dict]:
    """The partners in the network on `as_of`, largest (by the value of their flows) first:
    `[{"id", "name", "value"}]`, cached for these data versions."""
    filters = filters_for(**filters)

    def compute() -> list[dict]:
        data = load()
        values = graph.partner_values(data)
        rows = sorted(data.partners, key=lambda p: (-values.get(p.id, 0), p.name.lower(), p.id))
        return [{"id": p.id, "name": p.name, "value": f"{values.get(p.id, 0):.2f}"} for p in rows]

    return remember_json(scope.key("partners", as_of=as_of, **filters), compute)


def metrics_at(*, user, as_of: dt.date, **filters) -> dict:
    """Every metric of the network `user` may see on `as_of` (from the cache while the data that
    network is read from has not changed)."""
    filters = filters_for(**filters)
    with quiet_gc():
        return measured(scope_for(user), as_of=as_of, filters=filters, load=_loader(user, as_of, filters))


def _comparison(scope: Scope, *, then: dt.date, filters: dict, after: dict, load: Callable[[], NetworkData]) -> dict:
    """graph.compare_metrics of the network on `then` (`load`) with `after` (the later metrics)."""
    return graph.compare_metrics(_basis(scope, as_of=then, filters=filters, load=load), after)


def compare(*, user, as_of: dt.date, since: dt.date, after: dict | None = None, **filters) -> dict:
    """The metrics on `as_of` against those on `since` (e.g. the last members' meeting). `after`:
    the metrics on `as_of` when the caller has them already."""
    filters = filters_for(**filters)
    scope = scope_for(user)
    with quiet_gc():
        load_now, load_then = _loaders(user, as_of, since, filters)
        if after is None:
            after = measured(scope, as_of=as_of, filters=filters, load=load_now)
        return _comparison(scope, then=since, filters=filters, after=after, load=load_then)


def summary(*, user, as_of: dt.date, since: dt.date | None = None, **filters) -> dict:
    """What the network page shows, cached as one entry for these data versions, this visibility
    and these arguments: the metrics on `as_of`, the comparison with `since` (default: the last
    members' meeting), that meeting's date, the largest partners for the what-if picker and the
    agreement statuses the network holds (`statuses`, also in the metrics' totals); `cache_key`
    names the entry (what is derived from it can be cached under it)."""
    filters = filters_for(**filters)
    scope = scope_for(user)

    def measure(last: dt.date | None) -> dict:
        then = since or last
        load_now, load_then = _loaders(user, as_of, then, filters)
        metrics = measured(scope, as_of=as_of, filters=filters, load=load_now)
        comparison = None
        if then is not None:
            comparison = _comparison(scope, then=then, filters=filters, after=metrics, load=load_then)
        partners = partners_in(scope, as_of=as_of, filters=filters, load=load_now)
        if partners:
            # The page's summary says what the largest partner's leaving would take down: measured
            # now, from the rows already read, into the entry impact_of reads (no second load).
            top = partners[0]
            remember_json(scope.key("impact", as_of=as_of, partner=top["id"], **filters),
                          lambda: {**graph.impact(load_now(), top["id"]), "partner_name": top["name"]})
        return {
            "metrics": page_metrics(metrics), "comparison": comparison, "last_meeting": last.isoformat() if last else None,
            "largest": partners[:PICKER_SIZE], "partners_total": len(partners),
            "statuses": list(filters["status"]),
        }

    def compute() -> dict:
        last = last_members_meeting_date()
        with quiet_gc():
            # The rows and the whole metrics die when measure returns, before collection resumes:
            # the collector then has only the page's short answer to look at, not 100,000 rows.
            return measure(last)

    key = scope.key("page", as_of=as_of, since=since, **filters)
    return {**remember_json(key, compute), "cache_key": key}


def page_metrics(metrics: dict) -> dict:
    """The metrics as the page shows them, the same length at any size of network (a board member
    reads them on a phone): the three largest sources of each flow and category, and the first
    PAGE_LIST single points of failure, bridges, projects and autonomy rows, each with how many
    there are in all. The API keeps every row."""
    def trimmed(blocks: dict) -> dict:
        return {name: {**c, "sources": c["sources"][:3], "sources_total": len(c["sources"])}
                for name, c in blocks.items()}

    spof = metrics["single_points_of_failure"]
    return {
        **metrics,
        "concentration": {group: trimmed(blocks) for group, blocks in metrics["concentration"].items()},
        "single_points_of_failure": {
            **spof,
            "articulation_points": spof["articulation_points"][:PAGE_LIST],
            "bridges": spof["bridges"][:PAGE_LIST],
            "bridges_between_parts": spof["bridges_total"] - spof["bridges_to_single_ties"],
            "projects": spof["projects"][:PAGE_LIST],
        },
        "autonomy": metrics["autonomy"][:PAGE_LIST],
        "autonomy_total": len(metrics["autonomy"]),
    }


def network_answer(*, user, as_of: dt.date, since: dt.date | None, include_agreements: bool,
                   serialize: Callable[[dict], bytes], **filters) -> bytes:
    """The body of /api/v1/network: the node-link graph with its metrics and comparison, turned
    into bytes by `serialize`, and cached as those bytes for these data versions, this visibility
    and these arguments (a warm request neither loads the network nor encodes it)."""
    filters = filters_for(**filters)
    scope = scope_for(user)
    key = scope.key("api", as_of=as_of, since=since, agreements=include_agreements, **filters)
    cache = get_cache()
    body = cache.get(key)
    if body is not None:
        return body
    then = since or last_members_meeting_date()

    def build() -> bytes:
        load_now, load_then = _loaders(user, as_of, then, filters)
        out = nx.node_link_data(graph.build_graph(load_now(), include_agreements=include_agreements), edges="edges")
        metrics, metrics_json = _measured_json(scope, as_of=as_of, filters=filters, load=load_now)
        out["comparison"] = None
        if then is not None:
            out["comparison"] = _comparison(scope, then=then, filters=filters, after=metrics, load=load_then)
        # The metrics go in as the JSON they are cached as: `serialize` writes a placeholder, which
        # is then replaced (a string inside the body cannot hold it: its quotes would be escaped).
        out["metrics"] = {_SPLICE: _SPLICE}
        body = serialize(out)
        marker = b'"metrics":{"%s":"%s"}' % (_SPLICE.encode(), _SPLICE.encode())
        if body.count(marker) == 1:
            return body.replace(marker, b'"metrics":' + metrics_json)
        out["metrics"] = metrics  # serialize spelt it otherwise: encode the metrics with the rest
        return serialize(out)

    with quiet_gc():
        body = build()  # what it read and built is freed when it returns, before collection resumes
    cache.put(key, body)
    return body


def export_answer(*, user, as_of: dt.date, include_agreements: bool, fmt: str,
                  write: Callable[[NetworkData], bytes], **filters) -> bytes:
    """A download of the network (GraphML, GEXF: `write` turns the network into its bytes),
    cached as those bytes for these data versions, this visibility and these arguments, like the
    API's body: a second download reads no row of the network."""
    filters = filters_for(**filters)
    key = scope_for(user).key("export", ext=fmt, as_of=as_of, agreements=include_agreements, **filters)
    cache = get_cache()
    body = cache.get(key)
    if body is None:
        with quiet_gc():
            body = write(network_data(user=user, as_of=as_of, **filters))
        cache.put(key, body)
    return body


def impact_of(*, user, as_of: dt.date, partner_id: int, **filters) -> dict | None:
    """What would be at risk if `partner_id` left (graph.impact, with `partner_name`), or None
    when that partner is not in the network `user` may see; cached like the metrics. The open
    obligations of the failing agreements change daily: the caller adds them."""
    filters = filters_for(**filters)
    scope = scope_for(user)
    load = _loader(user, as_of, filters)
    with quiet_gc():
        # Only a partner in this network is measured (and cached): any other id answers None at once.
        partner = next((p for p in partners_in(scope, as_of=as_of, filters=filters, load=load) if p["id"] == partner_id), None)
        if partner is None:
            return None

        def compute() -> dict:
            return {**graph.impact(load(), partner_id), "partner_name": partner["name"]}

        return remember_json(scope.key("impact", as_of=as_of, partner=partner_id, **filters), compute)


def partners_named(*, user, as_of: dt.date, text: str, limit: int = SEARCH_LIMIT, **filters) -> tuple[list[dict], int]:
    """The partners in the network `user` may see whose name contains `text` (any case), largest
    first: (up to `limit` of them, how many in all). Only the network's own partners are searched,
    so a member cannot find a partner of an agreement not published to members."""
    filters = filters_for(**filters)
    needle = text.strip().casefold()
    with quiet_gc():
        everyone = partners_in(scope_for(user), as_of=as_of, filters=filters, load=_loader(user, as_of, filters))
    found = [p for p in everyone if needle in p["name"].casefold()]
    return found[:limit], len(found)


def last_members_meeting_date() -> dt.date | None:
    """The date of the last closed members' meeting (the reference for "change since")."""
    latest = db.session.scalar(
        select(func.max(Meeting.starts_at))
        .join(Forum, Forum.id == Meeting.forum_id)
        .where(Forum.kind == "members_meeting", Meeting.status == "closed")
    )
    return clock.local(latest).date() if latest is not None else None


def obligations_affected(agreement_ids: list[int], today: dt.date) -> list[dict]:
    """The open (pending, due soon, overdue) obligations of these agreements."""
    if not agreement_ids:
        return []
    rows = db.session.execute(
        select(Obligation.id, Obligation.title, Obligation.agreement_id, Obligation.amount,
               Obligation.owed_by)
        .where(Obligation.agreement_id.in_(agreement_ids))
        .order_by(Obligation.agreement_id, Obligation.id)
    ).all()
    statuses = obligation_statuses([r.id for r in rows], today)
    out = []
    for r in rows:
        st = statuses[r.id]
        if st["status"] in ("pending", "due_soon", "overdue"):
            out.append({
                "id": r.id, "title": r.title, "agreement_id": r.agreement_id, "owed_by": r.owed_by,
                "status": st["status"],
                "due_date": st["next_due"].isoformat() if st["next_due"] else None,
                "amount": f"{r.amount:.2f}" if r.amount is not None else None,
            })
    return out
