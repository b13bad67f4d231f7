"""Seams through which other areas give the portal what members and the public may read.

The forums area registers a *decision provider*, the obligations area an *obligation provider*.
Each returns summaries made for publication: a decision summary carries counts, never the
individual votes of a ballot, so the portal cannot leak them whatever it renders. Without a
registered provider the portal shows no decisions (or no obligations) and says so.

    from govtrack.portal.hooks import DecisionSummary, register_decision_provider

    @register_decision_provider
    def _published_decisions(agreement_ids: list[int]) -> dict[int, list[DecisionSummary]]:
        ...  # one query for all ids; only carried decisions

The portal only ever asks about agreements the reader may see, so a provider need not check
visibility itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DecisionSummary:
    """A decision as members and the public may read it."""

    id: int
    agreement_id: int
    number: str
    decided_on: dt.date
    forum_name: str
    # "carried" for a decision; providers may also publish other outcomes of a motion.
    outcome: str = "carried"
    # "consensus" (mufakat), "roll_call" or "tally": how it was decided; counts stay None for consensus.
    method: str = "vote"
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    text: str | None = None
    # What the decision did to the agreement, e.g. "approve", "approve_with_amendments".
    effect: str | None = None


@dataclass(frozen=True)
class ObligationSummary:
    """The state of one obligation of an agreement, as members may read it."""

    id: int
    title: str
    kind: str
    owed_by: str  # "cooperative" or "partner"
    status: str  # pending, due_soon, overdue, fulfilled, waived
    party_name: str | None = None
    amount: Decimal | None = None
    currency: str = "IDR"
    due_date: dt.date | None = None  # the next (or last) due date
    fulfilled_on: dt.date | None = None


DecisionProvider = Callable[[list[int]], dict[int, list[DecisionSummary]]]
ObligationProvider = Callable[[int], list[ObligationSummary]]

decision_providers: list[DecisionProvider] = []
obligation_providers: list[ObligationProvider] = []


def register_decision_provider(fn: DecisionProvider) -> DecisionProvider:
    """Register `fn(agreement_ids) -> {agreement_id: [DecisionSummary, ...]}` (idempotent)."""
    if fn not in decision_providers:
        decision_providers.append(fn)
    return fn


def register_obligation_provider(fn: ObligationProvider) -> ObligationProvider:
    """Register `fn(agreement_id) -> [ObligationSummary, ...]` (idempotent)."""
    if fn not in obligation_providers:
        obligation_providers.append(fn)
    return fn


def has_decisions() -> bool:
    return bool(decision_providers)


def has_obligations() -> bool:
    return bool(obligation_providers)


def decisions_for(agreement_ids: list[int]) -> dict[int, list[DecisionSummary]]:
    """Every provider's decisions for these agreements, newest first; only the ids asked about."""
    out: dict[int, list[DecisionSummary]] = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return out
    for fn in decision_providers:
        for agreement_id, rows in (fn(list(agreement_ids)) or {}).items():
            if agreement_id in out:  # a provider cannot widen what the portal publishes
                out[agreement_id].extend(r for r in rows if r.agreement_id == agreement_id)
    for rows in out.values():
        rows.sort(key=lambda d: (d.decided_on, d.id), reverse=True)
    return out


def obligations_for(agreement_id: int) -> list[ObligationSummary]:
    """Every provider's obligation rows for one agreement, by due date."""
    rows: list[ObligationSummary] = []
    for fn in obligation_providers:
        rows.extend(fn(agreement_id) or [])
    return sorted(rows, key=lambda o: (o.due_date is None, o.due_date or dt.date.min, o.id))
