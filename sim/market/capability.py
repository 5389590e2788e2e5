"""Capability: effective training compute with diminishing returns, and knowledge spillover.

Capability is measured in orders of magnitude (OOM) of *effective* training compute:

    q = log10(training FLOP * algorithmic multiplier)

so that each tenfold increase of compute adds one unit: diminishing returns in compute.
The algorithmic multiplier doubles every ``algo_halving_months`` (Epoch AI: the compute
needed for a given capability halves about every eight months).

A lab's knowledge k (what it could release now) is its own capability, the log of its
recent effective compute plus a lab-specific efficiency e (talent, data, algorithms,
fitted to its recorded releases), plus a spillover bonus b (Cohen and Levinthal 1989):

    k = log10(sum of effective training FLOP over the window) + e + b

The bonus moves towards a share of the lab's gap to the open frontier (what open
releases have published, visible at once) or, smaller, to the closed frontier of
``lag`` months ago (ideas and people circulate anyway).

A release after the recorded history ships the lab's knowledge at the pace of progress
(:func:`release_step`, :func:`released_capability`): a new model improves on the lab's
previous one by at most the frontier's growth since that model, so knowledge accumulated
beyond it (an overhang when the replay ends) ships over successive releases, not at once.
"""

from __future__ import annotations

import math

import numpy as np


def algo_multiplier(month: float, reference_month: float, halving_months: float) -> float:
    """Algorithmic efficiency relative to the reference month (1).

        m(t) = 2 ** ((t - t_ref) / halving)
    """
    return 2.0 ** ((month - reference_month) / halving_months)


def capability_of(training_flop: float, month: float, reference_month: float,
                  halving_months: float) -> float:
    """Capability of a model trained with ``training_flop`` FLOP in ``month`` (OOM).

        q = log10(C) + log10(m(t))
    """
    return math.log10(training_flop) + math.log10(
        algo_multiplier(month, reference_month, halving_months))


def own_capability(window_flop: np.ndarray) -> np.ndarray:
    """What a lab could train now from its recent effective compute (OOM).

        q_own = log10(sum of effective FLOP over the training window)

    Labs with no compute get minus infinity (they cannot train).
    """
    with np.errstate(divide="ignore"):
        return np.log10(np.asarray(window_flop, dtype=float))


def spillover_target(base: np.ndarray, open_frontier: float, closed_frontier_lagged: float,
                     absorptive_capacity: np.ndarray, share_open: float,
                     share_closed: float, source_frontier: float = -np.inf,
                     share_source: float = 0.0) -> np.ndarray:
    """The knowledge a lab can take from others, as a bonus on its own capability (OOM).

        b* = min(1, a) * max(s_open * max(0, K_open - base),
                             s_source * max(0, K_source - base),
                             s_closed * max(0, K_closed(t - L) - base))

    with base its own capability (compute and efficiency), K_open the best open-weight or
    open-source model on sale, K_source the best open-source one (code and data
    published too, so more can be learnt: s_source >= s_open) and K_closed the best closed
    model of L months ago. A lab can close a share s of its gap to a frontier it can study.
    """
    base = np.asarray(base, dtype=float)

    def gap(frontier: float) -> np.ndarray:
        if not np.isfinite(frontier):  # no model of that kind on sale yet
            return np.zeros_like(base)
        return np.maximum(0.0, frontier - base)

    absorb = np.minimum(1.0, np.asarray(absorptive_capacity, dtype=float))
    best = np.maximum(share_open * gap(open_frontier), share_closed * gap(closed_frontier_lagged))
    return absorb * np.maximum(best, min(1.0, share_source) * gap(source_frontier))


def absorb(bonus: np.ndarray, target: np.ndarray, speed: float) -> np.ndarray:
    """Move the spillover bonus towards its target at ``speed`` per month (OOM).

        b' = b + speed * (b* - b)
    """
    return bonus + speed * (target - bonus)


def release_step(months_since_release: float, oom_per_year: float,
                 catch_up_months: float | None) -> float:
    """Most a release may improve on the lab's previous model (OOM).

        dq_max = g * min(dt, M) / 12

    with dt the months since the lab's previous release, g the frontier's growth
    (``oom_per_year``, OOM per year) and M the most months of that growth one release can
    catch up (``catch_up_months``; None: no limit, dq_max = inf).
    """
    if catch_up_months is None:
        return math.inf
    return oom_per_year * min(max(0.0, months_since_release), catch_up_months) / 12.0


def released_capability(capability: float, knowledge: float, step_oom: float) -> float:
    """Capability of the lab's next model (OOM): its knowledge, at most ``step_oom`` above its
    current model.

        q' = min(k, q + dq_max)

    With no limit (dq_max = inf) the lab ships all it knows, q' = k.
    """
    return min(knowledge, capability + step_oom)


def gap_in_months(gap_oom: float, oom_per_year: float) -> float:
    """A capability gap in months of frontier progress: ``12 * gap / growth`` (months)."""
    return 12.0 * gap_oom / oom_per_year


def compute_optimal_params_b(training_flop: float, tokens_per_param: float) -> float:
    """Parameters of a compute-optimal dense model trained with ``training_flop`` (billions).

        C = 6 N D, D = r N  =>  N = sqrt(C / (6 r))

    Used for models whose size is not published (Hoffmann et al. 2022: r about 20).
    """
    return math.sqrt(training_flop / (6.0 * tokens_per_param)) / 1e9
