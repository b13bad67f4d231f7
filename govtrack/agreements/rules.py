"""The agreement lifecycle, and the seam through which forum decisions authorise moves.

A move in DECISION_REQUIRED succeeds only when a registered authoriser names the decision(s)
that allow it. The forums area registers the real authoriser; without one, every such move
answers 409 `decision_required`.
"""

from __future__ import annotations

from collections.abc import Callable

from govtrack.agreements.models import AgreementStatus as S

LIFECYCLE: dict[str, frozenset[str]] = {
    S.draft: frozenset({S.under_deliberation}),
    S.under_deliberation: frozenset({S.approved, S.rejected, S.draft}),
    S.approved: frozenset({S.active, S.terminated}),
    S.rejected: frozenset(),
    S.active: frozenset({S.suspended, S.completed, S.terminated}),
    S.suspended: frozenset({S.active, S.completed, S.terminated}),
    S.completed: frozenset(),
    S.terminated: frozenset(),
}

# Moves that only a carried forum decision may make.
DECISION_REQUIRED: frozenset[str] = frozenset({S.approved, S.rejected, S.terminated})

# An authoriser takes (agreement, target status) and returns the ids of the decisions that allow
# the move (a non-empty list), or an empty list when none does.
Authoriser = Callable[[object, str], list[int]]
_authorisers: list[Authoriser] = []


def register_authoriser(fn: Authoriser) -> Authoriser:
    if fn not in _authorisers:
        _authorisers.append(fn)
    return fn


def authorising_decisions(agreement, to: str) -> list[int]:
    for fn in _authorisers:
        ids = fn(agreement, to)
        if ids:
            return list(ids)
    return []


def allowed_targets(status: str) -> frozenset[str]:
    return LIFECYCLE.get(status, frozenset())
