"""Choice rules for firms and developing nations: which offering a buyer picks.

A choice rule takes a :class:`ChoiceProblem` and returns choice probabilities, one row
per buyer. Firms then draw one offering from their row; nations move their shares
towards it. Two rules ship:

- ``logit``: the nested logit of :mod:`sim.market.demand` (random-utility choice).
- ``cheapest_adequate``: a myopic buyer takes the cheapest offering whose capability is
  within ``adequacy_gap_oom`` of the best it can get (a satisficing rule, Simon 1955).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.market.demand import choice_probabilities
from sim.rules.registry import RuleError, rule


@dataclass
class ChoiceProblem:
    """What a choice rule sees. Shapes: n buyers, J offerings.

    The rows are buyers, and a rule must treat them independently: a large firm segment
    comes in several problems of at most ``engine_chunk_rows`` rows (:mod:`sim.core.chunks`).
    """

    utility: np.ndarray  #: systematic utility, (n, J), utils (switching cost included)
    available: np.ndarray  #: may buyer i choose offering j, (n, J), bool
    price: np.ndarray  #: price buyer i would pay for j, (n, J), USD per million tokens
    capability: np.ndarray  #: capability of each offering, (J,), OOM
    nest: np.ndarray  #: nest index of each offering, (J,)
    nest_lambda: float  #: nest dissimilarity, (0, 1]
    adequacy_gap_oom: float  #: capability shortfall a satisficing buyer accepts, OOM
    outside_utility: float | None = None  #: utility of not buying, utils (None: no option)


@rule("startup_choice", "logit")
def logit(problem: ChoiceProblem) -> np.ndarray:
    """Nested-logit probabilities ``P_ij`` (see :func:`sim.market.demand.choice_probabilities`)."""
    return choice_probabilities(problem.utility, problem.available, problem.nest,
                                problem.nest_lambda, problem.outside_utility)


@rule("startup_choice", "cheapest_adequate")
def cheapest_adequate(problem: ChoiceProblem) -> np.ndarray:
    """All probability on the cheapest adequate offering (a satisficing buyer always buys:
    it ignores the outside option).

        adequate_ij = available_ij and q_j >= max_{k available} q_k - gap
        choice_i    = argmin_{j adequate} P_ij
    """
    cap = np.where(problem.available, problem.capability[None, :], -np.inf)
    best = cap.max(axis=1, keepdims=True)
    adequate = problem.available & (cap >= best - problem.adequacy_gap_oom)
    price = np.where(adequate, problem.price, np.inf)
    choice = np.argmin(price, axis=1)
    probabilities = np.zeros(problem.utility.shape)
    has_any = adequate.any(axis=1)
    probabilities[np.flatnonzero(has_any), choice[has_any]] = 1.0
    return probabilities


def checked_probabilities(probabilities: np.ndarray, problem: ChoiceProblem,
                          rule_name: str) -> np.ndarray:
    """Check what a choice rule returned; raise a RuleError that names the rule."""
    shape = problem.utility.shape
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.shape != shape:
        raise RuleError(f"choice rule {rule_name!r} returned shape {probabilities.shape}, "
                        f"expected {shape}")
    if not np.all(np.isfinite(probabilities)) or np.any(probabilities < 0):
        raise RuleError(f"choice rule {rule_name!r} returned negative or non-finite "
                        "probabilities")
    if np.any(probabilities[~np.broadcast_to(problem.available, shape)] > 0):
        raise RuleError(f"choice rule {rule_name!r} put probability on an offering the buyer "
                        "may not choose")
    sums = probabilities.sum(axis=1)
    has_any = np.broadcast_to(problem.available, shape).any(axis=1)
    if problem.outside_utility is not None:  # the rest is the outside option's
        sums = np.where(sums < 1.0, 1.0, sums)
    if np.any(np.abs(sums[has_any] - 1.0) > 1e-9):
        worst = float(sums[has_any][np.argmax(np.abs(sums[has_any] - 1.0))])
        raise RuleError(f"choice rule {rule_name!r} returned shares that do not sum to one "
                        f"(a row sums to {worst:.12g})")
    return probabilities
