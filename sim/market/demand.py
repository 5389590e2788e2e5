"""Discrete-choice demand: nested logit over offerings, and price-elastic token volume.

Buyer i's utility for offering j (McFadden 1974; Berry 1994):

    u_ij = b * q_j - a_i * ln(P_ij) - g_i * r_j + A(i, j) - k * 1[j != current_i] + e_ij

with q the capability (OOM), P the price the buyer pays (USD per million tokens), r the
strategic risk, A the affinity for the model's bloc, k a switching cost and e Gumbel
noise. With nests g (closed APIs, hosted open-weight APIs, self-hosting) and
dissimilarity l in (0, 1], the choice probability is the nested logit

    P_ij = exp(u_ij / l) / S_ig * S_ig^l / sum_h S_ih^l,   S_ig = sum_{k in g} exp(u_ik / l)

which is the plain logit when l = 1. With an outside option (not buying: u_i0, a good in
a nest of its own, as in Berry 1994 and PyBLP) the denominator gains exp(u_i0):

    P_ij = exp(u_ij / l) / S_ig * S_ig^l / (exp(u_i0) + sum_h S_ih^l),
    P_i0 = exp(u_i0) / (exp(u_i0) + sum_h S_ih^l)

(PyBLP normalises u_i0 = 0). The formulas of the utilities, the prices buyers pay
and the token volume they buy are in :mod:`sim.market.buyers`.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import NESTS


def choice_probabilities(utility: np.ndarray, available: np.ndarray, nest: np.ndarray,
                         lam: float, outside_utility=None) -> np.ndarray:
    """Nested-logit choice probabilities, one row per buyer.

    Args:
        utility: systematic utilities, shape (n, J) (utils).
        available: which offerings each buyer may choose, shape (n, J) or (J,) (bool).
        nest: nest index of each offering, shape (J,).
        lam: nest dissimilarity in (0, 1]; 1 gives the plain logit.
        outside_utility: u_0, the utility of buying nothing, scalar or (n,) (utils); None:
            no outside option, rows sum to one. Otherwise rows sum to 1 - P_i0
            (:func:`outside_share`).

    Computed stably: utilities are shifted by their row maximum before exponentiation,
    and only on the offerings somebody may choose. Rows with nothing available are zero.
    """
    if outside_utility is not None:
        return _with_outside(utility, available, nest, lam, outside_utility)[0]
    available = np.broadcast_to(available, utility.shape)
    cols = np.flatnonzero(available.any(axis=0))
    out = np.zeros(utility.shape)
    if cols.size == 0:
        return out
    av = available[:, cols]
    u = np.where(av, utility[:, cols], -np.inf)
    if lam != 1.0:
        u = u / lam
    shift = u.max(axis=1, keepdims=True)
    shift[~np.isfinite(shift)] = 0.0
    expu = np.exp(u - shift)
    if lam == 1.0:
        total = expu.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        out[:, cols] = expu / total
        return out
    nest_of = nest[cols]
    onehot = (nest_of[:, None] == np.arange(len(NESTS))[None, :]).astype(float)
    inclusive = expu @ onehot  # (n, G): sum of exp(u / lam) within each nest
    # S_g^lam, with the common shift exp(shift)^lam factored out of every nest
    nest_weight = inclusive ** lam
    total = nest_weight.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    within_total = inclusive[:, nest_of]
    within_total[within_total == 0] = 1.0
    out[:, cols] = expu / within_total * (nest_weight / total)[:, nest_of]
    return out


def _with_outside(utility: np.ndarray, available: np.ndarray, nest: np.ndarray, lam: float,
                  outside_utility) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of the offerings (n, J) and of the outside option (n,), with u_0."""
    available = np.broadcast_to(available, utility.shape)
    u0 = np.broadcast_to(np.asarray(outside_utility, dtype=float), utility.shape[:1])
    u = np.where(available, utility, -np.inf) / lam
    shift = np.maximum(np.max(u, axis=1, initial=-np.inf), u0 / lam)[:, None]
    expu = np.exp(u - shift)
    onehot = (nest[:, None] == np.arange(len(NESTS))[None, :]).astype(float)
    inclusive = expu @ onehot  # (n, G), shifted by exp(-shift)
    nest_weight = inclusive ** lam  # shifted by exp(-lam shift)
    outside = np.exp(u0 - lam * shift[:, 0])
    total = outside + nest_weight.sum(axis=1)
    within_total = inclusive[:, nest]
    within_total[within_total == 0] = 1.0
    probabilities = expu / within_total * (nest_weight / total[:, None])[:, nest]
    return probabilities, outside / total


def outside_share(utility: np.ndarray, available: np.ndarray, nest: np.ndarray, lam: float,
                  outside_utility) -> np.ndarray:
    """Probability of buying nothing, ``P_i0 = exp(u_0) / (exp(u_0) + sum_g S_g^l)`` (1), (n,)."""
    return _with_outside(utility, available, nest, lam, outside_utility)[1]


def inclusive_value(utility: np.ndarray, available: np.ndarray, nest: np.ndarray,
                    lam: float, outside_utility=None) -> np.ndarray:
    """The log-sum ``ln [exp(u_0) + sum_g (sum_{j in g} exp(u_j / l)) ** l]`` per buyer (utils).

    Without an outside option (``outside_utility`` None) the exp(u_0) term is left out.
    """
    u = np.where(available, utility, -np.inf) / lam
    shift = np.max(u, axis=1, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    if outside_utility is not None:
        u0 = np.broadcast_to(np.asarray(outside_utility, dtype=float), u.shape[:1])
        shift = np.maximum(shift, u0[:, None] / lam)
    expu = np.exp(u - shift)
    inclusive = np.stack([expu[:, nest == g].sum(axis=1) for g in range(len(NESTS))], axis=1)
    total = (inclusive ** lam).sum(axis=1)
    if outside_utility is not None:
        total = total + np.exp(u0 - lam * shift[:, 0])
    with np.errstate(divide="ignore"):
        return np.log(total) + lam * shift[:, 0]


def conditional_in_nest(probabilities: np.ndarray, nest: np.ndarray) -> np.ndarray:
    """P(j | nest of j) for every buyer and offering (1)."""
    n_nests = len(NESTS)
    nest_total = np.zeros((probabilities.shape[0], n_nests))
    for g in range(n_nests):
        nest_total[:, g] = probabilities[:, nest == g].sum(axis=1)
    denom = nest_total[:, nest]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, probabilities / denom, 0.0)


def price_elasticity_of_share(probabilities: np.ndarray, alpha: np.ndarray, nest: np.ndarray,
                              lam: float) -> np.ndarray:
    """Own-price elasticity of each buyer's choice probability, -d ln P_ij / d ln p_j (1).

    For utility linear in log price, the nested logit gives

        e_ij = a_i * [1/l - (1/l - 1) * P_(j|g) - P_ij]

    which is ``a_i * (1 - P_ij)`` for the plain logit.
    """
    alpha = np.asarray(alpha, dtype=float)[:, None]
    if lam == 1.0:
        return alpha * (1.0 - probabilities)
    within = conditional_in_nest(probabilities, nest)
    return alpha * (1.0 / lam - (1.0 / lam - 1.0) * within - probabilities)


def sample_choices(probabilities: np.ndarray, uniforms: np.ndarray,
                   outside: bool = False) -> np.ndarray:
    """Draw one offering per buyer by inverse-CDF sampling with the given uniforms.

    The choice is the first j whose cumulative probability exceeds u. Using uniforms drawn
    beforehand lets the per-agent engine make exactly the same draws. With an ``outside``
    option (rows sum to 1 - P_i0) a u at or above the row's total is the outside good: -1.
    """
    cumulative = np.cumsum(probabilities, axis=1)
    if outside:
        chosen = (cumulative <= uniforms[:, None]).sum(axis=1)
        return np.where(chosen >= probabilities.shape[1], -1, chosen)
    chosen = (cumulative <= uniforms[:, None]).sum(axis=1)
    # u can exceed the last cumulative value by rounding: fall back to the last available
    last = probabilities.shape[1] - 1 - np.argmax(probabilities[:, ::-1] > 0, axis=1)
    return np.minimum(chosen, last)
