"""The supply side fitted to prices: the marginal costs (or the conduct) that observed
prices imply through the owners' first-order conditions, and the cost shifter that
reconciles them with engineering cost.

Merger-simulation tools recover costs this way (Nevo 2000; pyblp's ``compute_costs``):
given demand, the first-order conditions of the owners (:mod:`sim.market.pricing`, (1)),

    Q_j + sum_k O_jk (p_k - c_k) dQ_k/dp_j = 0          for every API product j on sale,

are linear in the costs c. With revenue R_k = p_k Q_k, Lerner index m_k = (p_k - c_k) / p_k
and M_kj = d ln Q_k / d ln p_j from the demand panel
(:meth:`sim.market.panel.DemandPanel.demand_derivatives`, the derivatives the Nash solver
uses), they read A m = R with A = :func:`sim.market.pricing.first_order_matrix`, so

    m = A^-1 R,        c = p (1 - m)                    (USD per million tokens)

For a single-product owner m_j = 1 / E_j. With an outside option a price can lie where
demand is inelastic (E_j <= 1 for a single product): no cost of zero or more makes it
optimal (m_j >= 1, c_j <= 0), and the inversion reports it instead of a cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import connected_components

from sim.market.panel import DemandPanel
from sim.market.pricing import first_order_matrix

#: Status of each product after the inversion, and what it means.
STATUS: dict[str, str] = {
    "ok": "cost recovered, 0 < m < 1",
    "negative_margin": "cost recovered above the price (m < 0): the owner sells it below "
                       "cost for its other products' sake",
    "above_monopoly": "no cost >= 0 rationalises the price (m >= 1): demand is inelastic "
                      "at it, the price is above the monopoly price of a free good",
    "no_demand": "the product sells no tokens at these prices: its condition says nothing",
    "singular": "the owner's conditions are singular at these prices",
    "not_priced": "not an API product on sale",
}


@dataclass(frozen=True)
class Inversion:
    """Costs implied by prices, per menu slot (J,).

    Attributes:
        cost: implied marginal cost (USD per million tokens); nan unless status is "ok"
            or "negative_margin".
        lerner: the Lerner index m = (p - c) / p the conditions imply (1); nan where
            status is "no_demand", "singular" or "not_priced".
        status: a key of :data:`STATUS` for each slot.
    """

    cost: np.ndarray
    lerner: np.ndarray
    status: np.ndarray


def _check_inputs(panel: DemandPanel, prices: np.ndarray, ownership: np.ndarray,
                  on_sale: np.ndarray) -> np.ndarray:
    """The API slots on sale, after checking shapes and prices (clear errors)."""
    size = panel.is_api.size
    for name, array, shape in (("prices", prices, (size,)), ("on_sale", on_sale, (size,)),
                               ("ownership", ownership, (size, size))):
        if array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}; the panel's menu needs {shape}")
    priced = on_sale & panel.is_api
    bad = np.flatnonzero(priced & ~(np.isfinite(prices) & (prices > 0)))
    if bad.size:
        j = int(bad[0])
        raise ValueError(f"prices[{j}] = {float(prices[j])!r}: the price of an API product "
                         "on sale must be a positive finite number (USD per million tokens)")
    if np.any(np.diag(ownership)[priced] == 0):
        j = int(np.flatnonzero(np.diag(ownership)[priced] == 0)[0])
        raise ValueError(f"ownership[{j}, {j}] = 0: every product on sale is owned by its own "
                         "owner (allowed: 1)")
    return priced


def invert_prices(panel: DemandPanel, prices: np.ndarray, ownership: np.ndarray,
                  on_sale: np.ndarray) -> Inversion:
    """Marginal costs and Lerner indices that make ``prices`` the owners' optimum.

        m = A^-1 R,   A_jk = O_jk (-M_kj) R_k,   c = p (1 - m)

    solved owner by owner (A is block diagonal in the owners), on the API products on sale
    that sell tokens; see the module docstring for the equation.

    Args:
        panel: the demand vendors price against.
        prices: the observed API prices, (J,) (USD per million tokens; others ignored).
        ownership: O over the menu's slots, (J, J) (:mod:`sim.market.ownership`).
        on_sale: (J,) bool.
    """
    prices = np.asarray(prices, dtype=float)
    ownership = np.asarray(ownership, dtype=float)
    on_sale = np.asarray(on_sale, dtype=bool)
    priced = _check_inputs(panel, prices, ownership, on_sale)
    size = prices.size
    cost, lerner = np.full(size, np.nan), np.full(size, np.nan)
    status = np.full(size, "not_priced", dtype=object)
    status[priced] = "no_demand"  # until the panel says somebody buys it
    # prices of what is not on sale are left out of the demand, as the Nash solver does
    slots, tokens, derivatives = panel.demand_derivatives(np.where(priced, prices, np.nan))
    keep = priced[slots] & (tokens > 0)
    slots, tokens, derivatives = slots[keep], tokens[keep], derivatives[np.ix_(keep, keep)]
    if slots.size == 0:
        return Inversion(cost, lerner, status)
    owned = ownership[np.ix_(slots, slots)] != 0
    revenue = prices[slots] * tokens
    matrix = first_order_matrix(revenue, derivatives, owned.astype(float))
    _, owner_of = connected_components(owned | owned.T, directed=False)
    m = np.full(slots.size, np.nan)
    for owner in np.unique(owner_of):
        block = np.flatnonzero(owner_of == owner)
        a = matrix[np.ix_(block, block)]
        # a condition number near 1/eps leaves no digit of m: call it singular
        if np.all(np.isfinite(a)) and np.linalg.cond(a) < 1e12:
            m[block] = np.linalg.solve(a, revenue[block])
    m = np.where(np.isfinite(m), m, np.nan)
    lerner[slots] = m
    status[slots] = np.where(~np.isfinite(m), "singular",
                             np.where(m >= 1.0, "above_monopoly",
                                      np.where(m < 0.0, "negative_margin", "ok")))
    recovered = slots[np.isfinite(m) & (m < 1.0)]
    cost[recovered] = prices[recovered] * (1.0 - lerner[recovered])
    return Inversion(cost, lerner, status)


def implied_marginal_cost(panel: DemandPanel, prices: np.ndarray, ownership: np.ndarray,
                          on_sale: np.ndarray) -> np.ndarray:
    """Marginal cost of each API product that makes ``prices`` its owner's optimum, (J,).

        c solves  Q + (O o dQ/dp)^T (p - c) = 0,   i.e.  c = p (1 - A^-1 R)

    in USD per million tokens (:func:`invert_prices`; nan where no cost >= 0 rationalises
    the price, where nothing is sold, and on slots that are not API products on sale).
    """
    return invert_prices(panel, prices, ownership, on_sale).cost


def implied_conduct(prices: np.ndarray, lerner: np.ndarray,
                    engineering_cost: np.ndarray) -> np.ndarray:
    """Conduct theta: the margin engineering cost leaves, in Nash margins at these prices.

        p - c_eng = theta (p - c_implied) = theta p m,   theta = (1 - c_eng / p) / m

    theta = 1 is Bertrand-Nash at engineering cost, 0 pricing at cost, above 1 a margin
    the estimated demand does not justify (collusion, or costs above the engineering
    estimate). Units: 1; nan where m <= 0 or is not finite.

    Args:
        prices: p (USD per million tokens).
        lerner: m from :func:`invert_prices` (1).
        engineering_cost: c_eng (USD per million tokens).
    """
    prices, lerner = np.asarray(prices, dtype=float), np.asarray(lerner, dtype=float)
    engineering_cost = np.asarray(engineering_cost, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = (1.0 - engineering_cost / prices) / lerner
    return np.where(np.isfinite(lerner) & (lerner > 0), theta, np.nan)


@dataclass(frozen=True)
class CostShifter:
    """The estimated log cost shifter ln c_implied = ln c_eng + delta (+ delta_g).

    Attributes:
        delta: the pooled shifter (log points); exp(delta) is implied over engineering cost.
        se: its classical standard error (log points).
        se_cluster: its cluster-robust standard error (CR1; nan with fewer than 2 clusters
            or without clusters).
        n: observations; residual_sd: the standard deviation of ln(c_imp / c_eng) (log points).
        by_group: per group g: (delta_g, se, se_cluster, n) from the regression on group
            dummies (each group's own shifter).
    """

    delta: float
    se: float
    se_cluster: float
    n: int
    residual_sd: float
    by_group: dict[str, tuple[float, float, float, int]]

    @property
    def factor(self) -> float:
        """exp(delta): implied over engineering marginal cost (1)."""
        return float(np.exp(self.delta))


def _ols(y: np.ndarray, x: np.ndarray, clusters: np.ndarray | None
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients, classical and cluster-robust (CR1) standard errors of y on x.

        b = (X'X)^-1 X'y,   V = s^2 (X'X)^-1,  s^2 = u'u / (n - k)
        V_cl = G/(G-1) (n-1)/(n-k) (X'X)^-1 [sum_c X_c' u_c u_c' X_c] (X'X)^-1

    A coefficient whose regressor is non-zero in fewer than 2 clusters has nan V_cl.
    """
    n, k = x.shape
    inverse = np.linalg.inv(x.T @ x)
    beta = inverse @ (x.T @ y)
    resid = y - x @ beta
    s2 = float(resid @ resid) / (n - k) if n > k else np.nan
    se = np.sqrt(np.maximum(np.diag(inverse) * s2, 0.0))
    se_cluster = np.full(k, np.nan)
    if clusters is not None:
        labels, index = np.unique(clusters, return_inverse=True)
        scores = np.zeros((labels.size, k))
        np.add.at(scores, index, x * resid[:, None])
        g = labels.size
        if g > 1 and n > k:
            meat = scores.T @ scores
            v = g / (g - 1) * (n - 1) / (n - k) * inverse @ meat @ inverse
            se_cluster = np.sqrt(np.maximum(np.diag(v), 0.0))
        seen = np.array([np.unique(index[x[:, c] != 0]).size for c in range(k)])
        se_cluster = np.where(seen >= 2, se_cluster, np.nan)
    return beta, se, se_cluster


def cost_shifter(implied: np.ndarray, engineering: np.ndarray,
                 groups: np.ndarray | None = None,
                 clusters: np.ndarray | None = None) -> CostShifter:
    """Estimate the log shifter delta in ln c_implied = ln c_eng + delta (+ delta_g) + u.

    The pooled delta is the OLS constant of y = ln(c_implied / c_eng) (its mean); with
    ``groups`` (blocs, say) each group's delta_g is the coefficient of its dummy in a
    regression without constant (that group's mean), with the classical standard errors
    of that regression (residual variance pooled over groups). ``clusters`` (vendors,
    whose quarters are not independent draws) add cluster-robust standard errors.

    Args:
        implied, engineering: marginal costs (USD per million tokens), positive, (n,).
        groups, clusters: labels, (n,) each.
    """
    implied = np.asarray(implied, dtype=float)
    engineering = np.asarray(engineering, dtype=float)
    if implied.ndim != 1 or implied.shape != engineering.shape:
        raise ValueError(f"implied has shape {implied.shape} and engineering "
                         f"{engineering.shape}: they must be one-dimensional and alike")
    for name, values in (("implied", implied), ("engineering", engineering)):
        bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
        if bad.size:
            raise ValueError(f"{name}[{bad[0]}] = {float(values[bad[0]])!r}: a marginal cost "
                             "must be a positive finite number (USD per million tokens); drop "
                             "the products whose inversion failed first")
    n = implied.size
    if n < 2:
        raise ValueError(f"{n} observation(s): the shifter and its standard error need at "
                         "least 2")
    for name, labels in (("groups", groups), ("clusters", clusters)):
        if labels is not None and np.shape(labels) != (n,):
            raise ValueError(f"{name} has shape {np.shape(labels)}; expected ({n},)")
    y = np.log(implied) - np.log(engineering)
    cl = None if clusters is None else np.asarray(clusters)
    beta, se, se_cl = _ols(y, np.ones((n, 1)), cl)
    by_group: dict[str, tuple[float, float, float, int]] = {}
    if groups is not None:
        labels, index = np.unique(np.asarray(groups), return_inverse=True)
        dummies = (index[:, None] == np.arange(labels.size)[None, :]).astype(float)
        b, s, s_cl = _ols(y, dummies, cl)
        counts = dummies.sum(axis=0).astype(int)
        by_group = {str(label): (float(b[g]), float(s[g]), float(s_cl[g]), int(counts[g]))
                    for g, label in enumerate(labels)}
    return CostShifter(float(beta[0]), float(se[0]), float(se_cl[0]), n,
                       float(np.std(y, ddof=1)), by_group)
