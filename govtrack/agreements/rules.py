"""The agreement lifecycle. A move in DECISION_REQUIRED is made only by a carried forum decision
(agreements.services.apply_decision, which the forums call when a motion carries)."""

from __future__ import annotations

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

def allowed_targets(status: str) -> frozenset[str]:
    return LIFECYCLE.get(status, frozenset())
