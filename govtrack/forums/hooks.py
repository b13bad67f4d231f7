"""Seams through which other areas plug into forum decisions.

`effect_handlers` maps a motion effect that the forums area does not apply itself (today only
`waive_obligation`) to a function called inside the closing transaction:

    handler(*, actor, motion, decision) -> list[dict] | None

It applies the effect (e.g. waives motion.obligation_id citing decision.id) and may return a list
of descriptions added to the decision's recorded effects. It raises a DomainError to refuse, which
rolls the whole close back. Without a handler, closing a carried motion with that effect answers
409 `effect_unavailable`.
"""

from __future__ import annotations

from collections.abc import Callable

effect_handlers: dict[str, Callable] = {}
