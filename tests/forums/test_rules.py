"""Quorum and threshold arithmetic: property tests against a Fraction reference, and the edges."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govtrack.forums import rules


def ref_quorate(present, eligible, num, den, strict):
    if eligible <= 0:
        return False
    need = Fraction(num, den) * eligible
    return present > need if strict else present >= need


def ref_passes(threshold, yes, no):
    cast = yes + no
    if cast == 0:
        return False
    share = Fraction(yes, cast)
    return {
        "simple_majority": yes > no,
        "two_thirds": share >= Fraction(2, 3),
        "three_quarters": share >= Fraction(3, 4),
        "unanimous": yes >= 1 and no == 0,
    }[threshold]


fractions = st.integers(1, 100).flatmap(lambda den: st.tuples(st.integers(0, den), st.just(den)))


@given(eligible=st.integers(0, 300_000), data=st.data(), frac=fractions, strict=st.booleans())
def test_quorum_matches_the_fraction_reference(eligible, data, frac, strict):
    present = data.draw(st.integers(0, max(eligible, 0)))
    num, den = frac
    assert rules.is_quorate(present=present, eligible=eligible, numerator=num, denominator=den,
                            strict=strict) == ref_quorate(present, eligible, num, den, strict)


@given(eligible=st.integers(1, 300_000), frac=fractions, strict=st.booleans())
def test_quorum_needed_is_the_smallest_quorate_count(eligible, frac, strict):
    num, den = frac
    need = rules.quorum_needed(eligible=eligible, numerator=num, denominator=den, strict=strict)
    if need <= eligible:
        assert ref_quorate(need, eligible, num, den, strict)
    if need >= 1:
        assert not ref_quorate(need - 1, eligible, num, den, strict)


@given(threshold=st.sampled_from(["simple_majority", "two_thirds", "three_quarters", "unanimous"]),
       yes=st.integers(0, 300_000), no=st.integers(0, 300_000))
def test_threshold_matches_the_fraction_reference(threshold, yes, no):
    assert rules.passes(threshold, yes=yes, no=no) == ref_passes(threshold, yes, no)


@pytest.mark.parametrize(
    ("present", "eligible", "quorum", "strict", "expected"),
    [
        (50, 100, (1, 2), False, True),   # exactly half: "at least half" is met
        (49, 100, (1, 2), False, False),  # one short
        (50, 100, (1, 2), True, False),   # exactly half is not "more than half"
        (51, 100, (1, 2), True, True),
        (67, 100, (2, 3), False, True),   # 2/3 of 100 = 66.67: 67 meets, 66 does not
        (66, 100, (2, 3), False, False),
        (2, 3, (2, 3), False, True),      # exactly two thirds
        (2, 3, (2, 3), True, False),
        (0, 0, (1, 2), False, False),     # nobody eligible: never quorate
    ],
)
def test_quorum_edges(present, eligible, quorum, strict, expected):
    assert rules.is_quorate(present=present, eligible=eligible, numerator=quorum[0], denominator=quorum[1],
                            strict=strict) is expected


@pytest.mark.parametrize(
    ("threshold", "yes", "no", "expected"),
    [
        ("simple_majority", 5, 5, False),  # a tie is defeated
        ("simple_majority", 6, 5, True),
        ("simple_majority", 0, 0, False),  # all abstain: no votes cast, defeated
        ("two_thirds", 2, 1, True),        # exactly two thirds
        ("two_thirds", 20, 11, False),
        ("three_quarters", 3, 1, True),    # exactly three quarters
        ("three_quarters", 74, 26, False),
        ("unanimous", 10, 1, False),       # unanimous with one no
        ("unanimous", 10, 0, True),
        ("unanimous", 0, 0, False),
    ],
)
def test_threshold_edges(threshold, yes, no, expected):
    assert rules.passes(threshold, yes=yes, no=no) is expected


def test_outcome_is_no_quorum_before_counting_votes():
    kw = {"numerator": 1, "denominator": 2, "strict": True, "threshold": "simple_majority"}
    assert rules.outcome(present=5, eligible=10, yes=5, no=0, **kw) == "no_quorum"
    assert rules.outcome(present=6, eligible=10, yes=5, no=0, **kw) == "carried"
    assert rules.outcome(present=6, eligible=10, yes=3, no=3, **kw) == "defeated"
