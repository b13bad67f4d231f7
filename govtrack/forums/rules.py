"""The arithmetic of quorum and threshold, in integers only (cross-multiplication, no floats).

Pure functions, so they can be tested against a plain reference implementation.
"""

from __future__ import annotations

from govtrack.forums.models import Outcome, Threshold


def is_quorate(*, present: int, eligible: int, numerator: int, denominator: int, strict: bool) -> bool:
    """present ≥ numerator/denominator × eligible (strict: >). No eligible voters: never quorate."""
    if eligible <= 0 or denominator <= 0:
        return False
    lhs, rhs = present * denominator, numerator * eligible
    return lhs > rhs if strict else lhs >= rhs


def quorum_needed(*, eligible: int, numerator: int, denominator: int, strict: bool) -> int:
    """The smallest number present that makes a quorum (for the counts shown before closing)."""
    if eligible <= 0:
        return 0
    product = numerator * eligible
    # ceil(product / denominator) without floats; strict needs one more when it divides exactly.
    needed = -(-product // denominator)
    if strict and product % denominator == 0:
        needed += 1
    return needed


def passes(threshold: str, *, yes: int, no: int) -> bool:
    """Whether yes/no meet the threshold over the votes cast (yes + no; abstentions are not cast)."""
    cast = yes + no
    if cast <= 0:
        return False
    if threshold == Threshold.simple_majority:
        return yes > no
    if threshold == Threshold.two_thirds:
        return 3 * yes >= 2 * cast
    if threshold == Threshold.three_quarters:
        return 4 * yes >= 3 * cast
    if threshold == Threshold.unanimous:
        return yes > 0 and no == 0
    raise ValueError(f"unknown threshold {threshold!r}")


def outcome(
    *,
    present: int,
    eligible: int,
    numerator: int,
    denominator: int,
    strict: bool,
    threshold: str,
    yes: int,
    no: int,
) -> str:
    """no_quorum when the meeting lacks a quorum, else carried or defeated by the threshold."""
    if not is_quorate(present=present, eligible=eligible, numerator=numerator, denominator=denominator,
                      strict=strict):
        return Outcome.no_quorum.value
    return Outcome.carried.value if passes(threshold, yes=yes, no=no) else Outcome.defeated.value
