"""The arithmetic of quorum and threshold, in integers only (cross-multiplication, no floats).

Pure functions, so they can be tested against a plain reference implementation; and the rule a
meeting is decided under (its own copy once it opened, else its forum's).
"""

from __future__ import annotations

from dataclasses import dataclass

from govtrack.forums.models import MeetingStatus, Outcome, Threshold


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


@dataclass(frozen=True)
class Rule:
    """What decides a meeting's motions: the quorum fraction and strictness, the threshold and the
    proxies one member may hold."""

    quorum_numerator: int
    quorum_denominator: int
    quorum_strict: bool
    threshold: str
    proxy_limit: int

    def is_quorate(self, *, present: int, eligible: int) -> bool:
        return is_quorate(present=present, eligible=eligible, numerator=self.quorum_numerator,
                          denominator=self.quorum_denominator, strict=self.quorum_strict)

    def quorum_needed(self, *, eligible: int) -> int:
        return quorum_needed(eligible=eligible, numerator=self.quorum_numerator,
                             denominator=self.quorum_denominator, strict=self.quorum_strict)

    def outcome(self, *, present: int, eligible: int, yes: int, no: int) -> str:
        return outcome(present=present, eligible=eligible, numerator=self.quorum_numerator,
                       denominator=self.quorum_denominator, strict=self.quorum_strict,
                       threshold=self.threshold, yes=yes, no=no)


RULE_FIELDS = ("quorum_numerator", "quorum_denominator", "quorum_strict", "threshold", "proxy_limit")


def forum_rule(forum) -> Rule:
    """The forum's rule as it stands now."""
    return Rule(**{f: getattr(forum, f) for f in RULE_FIELDS})


def meeting_rule(meeting, forum) -> Rule:
    """The rule a meeting is decided under: the one copied when it opened; a meeting not opened yet
    (scheduled, or cancelled before) follows its forum's current rule."""
    if meeting.status in (MeetingStatus.open, MeetingStatus.closed) and meeting.rule_threshold is not None:
        return Rule(**{f: getattr(meeting, f"rule_{f}") for f in RULE_FIELDS})
    return forum_rule(forum)
