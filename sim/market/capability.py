"""Capability: effective training compute with diminishing returns, and knowledge spillover.

Capability is measured in orders of magnitude (OOM) of *effective* training compute:

    q = log10(training FLOP * algorithmic multiplier) + e_lab

so that each tenfold increase of compute adds one unit: diminishing returns in compute.
The algorithmic multiplier doubles every ``algo_halving_months``; e_lab is the lab's
efficiency (OOM above the mean lab at equal FLOP and date). Both are estimated on the
Epoch Capabilities Index (ECI) of the recorded releases, to which q maps linearly
(:func:`capability_index`, :mod:`sim.calibrate.capability_index`):

    ECI = a q + c        a: ECI points per OOM, c: ECI of q = 0

A lab's knowledge k (what it could release now) is its own capability, the log of its
recent effective compute (its fleet's training window), plus an offset o (how far its
releases sit above that window: efficiency and the share of the fleet one model uses,
estimated once from its recorded releases), plus a spillover bonus b (Cohen and
Levinthal 1989), plus the excess x of a release above that path, which decays at
``shock_decay_per_month`` (:func:`decay_excess`):

    k = log10(sum of effective training FLOP over the window) + o + b + x

The bonus moves towards a share of the lab's gap to the open frontier (what open
releases have published, visible at once) or, smaller, to the closed frontier of
``lag`` months ago (ideas and people circulate anyway), plus, through distillation, a
share of its gap to each rival's current model that grows with that rival's share of the
API tokens sold (:func:`distillation_target`, :func:`with_distillation`).

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
                  halving_months: float, efficiency: float = 0.0) -> float:
    """Capability of a model trained with ``training_flop`` FLOP in ``month`` by a lab of
    efficiency ``efficiency`` (OOM).

        q = log10(C) + log10(m(t)) + e_lab

    On the ECI scale this is the estimation's prediction a log10(C) + g years + phi_lab
    (:mod:`sim.calibrate.capability_index`).
    """
    return math.log10(training_flop) + math.log10(
        algo_multiplier(month, reference_month, halving_months)) + efficiency


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


def distillation_target(base: np.ndarray, sources: np.ndarray, api_shares: np.ndarray,
                        absorptive_capacity: np.ndarray, rate: float) -> np.ndarray:
    """The knowledge a lab can distil from its rivals' API outputs, as a bonus on its own
    capability (OOM).

        b_d = min(1, a) * sum_j d q_j max(0, K_j - base)

    with K_j the capability (OOM) of rival model j on sale now (outputs are available at
    once: no lag), q_j its share of all API tokens sold last month (1; a model that sells
    more is distilled more, after any guard of its bloc), d = ``rate`` (share of the gap per
    unit of API share) and a the lab's absorptive capacity. A rival that sells nothing
    (q_j = 0), or is not ahead, teaches nothing. Since sum_j q_j <= 1 and d <= 1, b_d is at
    most the largest gap.
    """
    base = np.asarray(base, dtype=float)
    sources = np.asarray(sources, dtype=float)
    api_shares = np.asarray(api_shares, dtype=float)
    total = np.zeros_like(base)
    for frontier, share in zip(sources, api_shares, strict=True):
        if rate > 0 and share > 0 and np.isfinite(frontier):
            total = total + rate * share * np.maximum(0.0, frontier - base)
    return np.minimum(1.0, np.asarray(absorptive_capacity, dtype=float)) * total


def guarded_api_share(api_share: float, guard: float) -> float:
    """The API share of a model others can distil from (1), after its bloc's guard.

        q_j = (1 - g) * T_j / sum T

    with g the guard of the model's bloc (API terms, rate limits, know-your-customer checks;
    0: none, 1: nothing can be distilled) and T_j / sum T its share of all API tokens.
    """
    return (1.0 - guard) * api_share


def with_distillation(spill_target: np.ndarray, distilled: np.ndarray, base: np.ndarray,
                      best_source: float) -> np.ndarray:
    """The spillover target with distillation: the two channels add, capped at the whole gap
    to the best model the lab learns from (OOM).

        b* = min(b_s + b_d, max(0, K_best - base))

    with b_s the spillover target (:func:`spillover_target`), b_d the distilled bonus
    (:func:`distillation_target`) and K_best the most capable of the frontiers and
    distilled models the lab learns from. The channels add because they carry different
    knowledge (weights, papers and people; the current model's behaviour on the lab's
    prompts); the cap keeps a lab from learning past what its sources know. With b_d = 0 it
    is b_s (b_s never exceeds that gap).
    """
    base = np.asarray(base, dtype=float)
    total = np.asarray(spill_target, dtype=float) + np.asarray(distilled, dtype=float)
    if not np.isfinite(best_source):
        return total
    return np.minimum(total, np.maximum(0.0, best_source - base))


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


def capability_index(q: float | np.ndarray, points_per_oom: float,
                     offset: float) -> float | np.ndarray:
    """Capability on the Epoch Capabilities Index scale (ECI points).

        ECI = a q + c

    with q in OOM of effective compute, a = ``points_per_oom`` (ECI points per OOM) and
    c = ``offset`` (ECI points at q = 0). Minus infinity stays minus infinity.
    """
    return points_per_oom * q + offset


def capability_from_index(eci: float | np.ndarray, points_per_oom: float,
                          offset: float) -> float | np.ndarray:
    """Capability (OOM of effective compute) of a model scored ``eci`` (ECI points).

        q = (ECI - c) / a

    the inverse of :func:`capability_index`.
    """
    return (eci - offset) / points_per_oom


def efficiency_offset(residuals: list[float]) -> float:
    """A lab's offset over its own compute path, estimated from its recorded releases (OOM).

        o = mean over releases r of (q_r - q_own(t_r) - b(t_r))

    the mean of the residuals ``q_r - q_own - b``: its knowledge path passes through the
    middle of what it released, not through its latest release. NaN with no release.
    """
    return float(np.mean(residuals)) if residuals else float("nan")


def decay_excess(excess: float, rate: float) -> float:
    """One month of decay of a release's excess over the lab's path (OOM).

        x' = (1 - d) x,     so x(t) = x(0) (1 - d) ** t

    with d = ``rate`` (per month): a release above what a lab was expected to know is a
    shock to its knowledge that fades back to its estimated path.
    """
    return (1.0 - rate) * excess
