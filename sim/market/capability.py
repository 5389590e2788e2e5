"""Capability: effective training compute with diminishing returns, and knowledge spillover.

Capability is measured in orders of magnitude (OOM) of *effective* training compute:

    q = log10(training FLOP * algorithmic multiplier)

so that each tenfold increase of compute adds one unit: diminishing returns in compute.
The algorithmic multiplier doubles every ``algo_halving_months`` (Epoch AI: the compute
needed for a given capability halves about every eight months).

A lab's knowledge k grows with its own compute and with spillovers (Cohen and
Levinthal 1989): each month it absorbs a share of its gap to the open frontier (what
open releases have published, at once) and a smaller share of its gap to the closed
frontier of ``lag`` months ago (ideas and people circulate anyway).
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


def spillover(knowledge: np.ndarray, open_frontier: float, closed_frontier_lagged: float,
              absorptive_capacity: np.ndarray, spill_open: float,
              spill_closed: float) -> np.ndarray:
    """Knowledge gained from others in one month (OOM per month).

        dk = a * [s_open * max(0, K_open - k) + s_closed * max(0, K_closed(t - L) - k)]

    capped so that no lab passes a frontier by absorbing it.
    """
    knowledge = np.asarray(knowledge, dtype=float)

    def gap(frontier: float) -> np.ndarray:
        if not np.isfinite(frontier):  # no model of that kind on sale yet
            return np.zeros_like(knowledge)
        return np.maximum(0.0, frontier - knowledge)

    gap_open, gap_closed = gap(open_frontier), gap(closed_frontier_lagged)
    gained = absorptive_capacity * (spill_open * gap_open + spill_closed * gap_closed)
    return np.minimum(gained, np.maximum(gap_open, gap_closed))


def gap_in_months(gap_oom: float, oom_per_year: float) -> float:
    """A capability gap in months of frontier progress: ``12 * gap / growth`` (months)."""
    return 12.0 * gap_oom / oom_per_year


def compute_optimal_params_b(training_flop: float, tokens_per_param: float) -> float:
    """Parameters of a compute-optimal dense model trained with ``training_flop`` (billions).

        C = 6 N D, D = r N  =>  N = sqrt(C / (6 r))

    Used for models whose size is not published (Hoffmann et al. 2022: r about 20).
    """
    return math.sqrt(training_flop / (6.0 * tokens_per_param)) / 1e9
