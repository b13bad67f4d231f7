"""The seam through which forum decisions authorise waivers.

`waive_obligation` succeeds only when a registered check says the decision allows it. The forums
area registers the real check (a carried `waive_obligation` motion naming this obligation) after
the merge; without one, every waiver answers 409 `decision_required`.
"""

from __future__ import annotations

from collections.abc import Callable

# A check takes (decision_id, obligation_id) and answers True when that decision waives it.
WaiverCheck = Callable[[int, int], bool]
waiver_checks: list[WaiverCheck] = []


def register_waiver_check(fn: WaiverCheck) -> WaiverCheck:
    if fn not in waiver_checks:
        waiver_checks.append(fn)
    return fn


def decision_allows_waiver(decision_id: int, obligation_id: int) -> bool:
    return any(check(decision_id, obligation_id) for check in waiver_checks)
