"""How often labs release: a monthly hazard per lab, estimated on the recorded release table.

A lab on the market releases a new model in a month with probability h_l, the same every
month (a discrete-time hazard: the time between releases is geometric, mean 1/h_l months).
The hazard is estimated on the recorded releases (``sim/data/history_2022_2025.csv``) up to
the end of a fitting window. A lab is at risk from the month after its first release (its
entry, not a repeat), or the window's start if one is given and later, to the window's end:
its exposure T_l is that span in months and n_l the months with a release in it. Each month
is a Bernoulli trial, so the maximum-likelihood estimate and its standard error are

    h_l = n_l / T_l,            se(h_l) = sqrt(h_l (1 - h_l) / T_l)          (per month)

A lab with few months on the market has a noisy estimate (none before its entry), so each
lab's hazard is shrunk towards the pooled one h_0 = sum n_l / sum T_l by a beta prior of
that mean worth T_0 months of exposure (the beta-binomial posterior mean):

    h_l* = (n_l + h_0 T_0) / (T_l + T_0)

T_0 = 0 gives each lab's MLE; a large T_0 the pooled hazard for every lab.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReleaseRate:
    """One lab's estimated release hazard (probabilities per month).

    Attributes:
        releases: n, months with a release after the lab's first, inside the window.
        exposure_months: T, months the lab was at risk inside the window.
        mle: n / T (nan without exposure).
        se: sqrt(h (1 - h) / T), the MLE's standard error (nan without exposure).
        rate: the shrunk hazard (n + h_0 T_0) / (T + T_0), what the release rule uses.
    """

    releases: int
    exposure_months: float
    mle: float
    se: float
    rate: float


def exposure(first_release: int, window_start: int | None,
             window_end: int) -> tuple[int, int]:
    """The months a lab is at risk of releasing again inside [window_start, window_end].

    Returns (from, to), month numbers: at risk from the month after its first release, or
    the window's start if given and later, to the window's end; empty (from > to) if the lab
    enters after the window.
    """
    start = first_release + 1
    return (start if window_start is None else max(start, window_start)), window_end


def release_rates(release_months: Mapping[str, Iterable[int]], window_start: int | None,
                  window_end: int, prior_months: float) -> dict[str, ReleaseRate]:
    """Each lab's release hazard from its release months (month numbers, any order; two
    releases in one month count once).

    Args:
        release_months: every recorded release of each lab, before the window included
            (the earliest is the lab's entry).
        window_start, window_end: the fitting window, month numbers, inclusive (None: from
            each lab's entry, however early).
        prior_months: T_0, the weight of the pooled hazard in months of exposure (>= 0).

    Returns:
        A :class:`ReleaseRate` for every lab of ``release_months``.
    """
    if prior_months < 0:
        raise ValueError(f"prior_months must be >= 0, got {prior_months}")
    counts: dict[str, tuple[int, float]] = {}
    for lab, months in release_months.items():
        months = sorted(set(months))
        if not months:
            counts[lab] = (0, 0.0)
            continue
        lo, hi = exposure(months[0], window_start, window_end)
        n = sum(1 for m in months[1:] if lo <= m <= hi)
        counts[lab] = (n, float(max(0, hi - lo + 1)))
    total_n = sum(n for n, _ in counts.values())
    total_t = sum(t for _, t in counts.values())
    pooled = total_n / total_t if total_t > 0 else 0.0
    out = {}
    for lab, (n, t) in counts.items():
        mle = n / t if t > 0 else math.nan
        se = math.sqrt(mle * (1.0 - mle) / t) if t > 0 else math.nan
        weight = t + prior_months
        rate = (n + pooled * prior_months) / weight if weight > 0 else pooled
        out[lab] = ReleaseRate(n, t, mle, se, rate)
    return out
