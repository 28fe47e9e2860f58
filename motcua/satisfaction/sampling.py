"""Stratified random sampling of a survey campaign (RULES.md §3.1: SIPAS uses stratified random
sampling). Pure: the frame comes in as plain rows, the sample goes out as plain rows.

Method (docs/satisfaction.md "Sampling"):

1. The frame is one row per distinct applicant (the caller keeps each applicant's most recent
   dossier). Strata are (procedure, channel).
2. Allocation is proportional, by the largest-remainder (Hamilton) method: stratum h of
   ``N_h`` applicants gets ``floor(n·N_h/N)`` plus one for the largest remainders until the
   total is ``n``. If ``n`` is at least the number of strata, every stratum that got 0 gets
   1, taken from the stratum whose allocation exceeds its exact share the most (ties: the
   larger allocation, then the stratum key).
3. Within a stratum, a simple random sample without replacement, drawn with one
   ``random.Random(seed)`` over the strata in sorted order and each stratum's rows sorted by
   id: the same frame and the same seed give the same sample.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Stratum = tuple[str, str]  # (procedure code, channel)


@dataclass(frozen=True)
class FrameRow:
    dossier_id: int
    applicant_key: str
    stratum: Stratum


def allocate(sizes: dict[Stratum, int], n: int) -> dict[Stratum, int]:
    """Proportional allocation of ``n`` over strata of ``sizes`` (step 2 above)."""
    total = sum(sizes.values())
    n = min(n, total)
    if n <= 0:
        return {key: 0 for key in sizes}
    exact = {key: Fraction(n * size, total) for key, size in sizes.items()}
    alloc = {key: int(share) for key, share in exact.items()}
    left = n - sum(alloc.values())
    for key in sorted(sizes, key=lambda k: (-(exact[k] - alloc[k]), k))[:left]:
        alloc[key] += 1
    nonempty = [key for key, size in sizes.items() if size > 0]
    if n >= len(nonempty):
        for key in sorted(k for k in nonempty if alloc[k] == 0):
            donor = max((k for k in nonempty if alloc[k] > 1), key=lambda k: (alloc[k] - exact[k], alloc[k], k))
            alloc[donor] -= 1
            alloc[key] = 1
    return alloc


def draw(frame: Sequence[FrameRow], n: int, seed: int) -> tuple[list[FrameRow], dict[Stratum, tuple[int, int]]]:
    """The sample (in stratum order) and, per stratum, (population, sample size)."""
    by_stratum: dict[Stratum, list[FrameRow]] = {}
    for row in frame:
        by_stratum.setdefault(row.stratum, []).append(row)
    alloc = allocate({key: len(rows) for key, rows in by_stratum.items()}, n)
    rng = random.Random(seed)  # noqa: S311  a reproducible statistical draw, not a secret
    sample: list[FrameRow] = []
    for key in sorted(by_stratum):
        rows = sorted(by_stratum[key], key=lambda r: r.dossier_id)
        sample.extend(sorted(rng.sample(rows, alloc[key]), key=lambda r: r.dossier_id))
    return sample, {key: (len(by_stratum[key]), alloc[key]) for key in sorted(by_stratum)}
