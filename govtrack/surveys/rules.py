"""The arithmetic of needs surveys, kept free of the database: the stratified sample, the margin of
error of a proportion with the finite-population correction, and small-cell suppression."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

Z95 = 1.959963984540054  # the normal quantile of 97.5 %: a 95 % two-sided interval
SMALL_CELL = 5  # what is published to members or the public hides every count under this


def allocate(strata: Mapping[int | None, int], size: int) -> dict[int | None, int]:
    """Proportional allocation of `size` draws over strata of the given sizes, by largest remainder:
    each stratum gets floor(size * N_h / N), and the draws left go to the largest fractional parts
    (ties: the larger stratum, then the smaller key; no key is None-sensitive because None sorts first).
    Never more than a stratum holds; `size` at or above the population takes everyone."""
    total = sum(strata.values())
    if size >= total:
        return dict(strata)
    shares = {k: size * n / total for k, n in strata.items()}
    out = {k: min(strata[k], math.floor(s)) for k, s in shares.items()}
    left = size - sum(out.values())
    order = sorted(strata, key=lambda k: (-(shares[k] - math.floor(shares[k])), -strata[k], _sort_key(k)))
    while left > 0:
        progressed = False
        for k in order:
            if left == 0:
                break
            if out[k] < strata[k]:
                out[k] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return out


def _sort_key(k):
    return (k is not None, k or 0)


def draw(population: Mapping[int | None, Sequence[int]], size: int | None, seed: int | None) -> list[tuple[int, int | None]]:
    """The members drawn, as (member id, centre id): everyone when `size` is None, else a random
    sample stratified by centre with proportional allocation (`allocate`). One generator seeded with
    `seed` draws each stratum in turn, strata by centre id and members by id, so the same seed and
    the same population draw the same members."""
    strata = {k: sorted(v) for k, v in population.items()}
    if size is None:
        return [(m, k) for k in sorted(strata, key=_sort_key) for m in strata[k]]
    counts = allocate({k: len(v) for k, v in strata.items()}, size)
    rng = random.Random(seed)
    out: list[tuple[int, int | None]] = []
    for k in sorted(strata, key=_sort_key):
        out.extend((m, k) for m in sorted(rng.sample(strata[k], counts[k])))
    return out


def margin(p: float, n: int, population: int | None) -> float | None:
    """The 95 % margin of error of a proportion `p` observed among `n` respondents drawn from a
    population of `population` (finite-population correction sqrt((N - n) / (N - 1))); None when
    nobody answered. Everyone answering leaves no sampling error: 0."""
    if n <= 0:
        return None
    se = math.sqrt(p * (1 - p) / n)
    if population is not None and population > 1:
        fpc = max(0.0, (population - n) / (population - 1))
        se *= math.sqrt(fpc)
    return Z95 * se


def suppress_cells(counts: Mapping[str, int], respondents: int) -> dict[str, int | None]:
    """What may be published of one group's counts: the whole group hidden (every cell None) when
    fewer than SMALL_CELL answered; otherwise each count from 1 to SMALL_CELL - 1 hidden, and when
    exactly one is hidden the next smallest non-zero count too, so that it cannot be found by
    subtracting the others from the total. Zeros are shown: an empty cell names nobody."""
    if respondents < SMALL_CELL:
        return {k: None for k in counts}
    out: dict[str, int | None] = dict(counts)
    hidden = [k for k, c in counts.items() if 0 < c < SMALL_CELL]
    for k in hidden:
        out[k] = None
    if len(hidden) == 1:
        rest = sorted((c, k) for k, c in counts.items() if c > 0 and k not in hidden)
        if rest:
            out[rest[0][1]] = None
    return out
