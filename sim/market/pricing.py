"""Pricing: markups from logit demand and the Bertrand-Nash benchmark (the vendors'
pricing rules, which use them, are in :mod:`sim.rules.pricing`).

With utility linear in log price, a vendor whose buyers have choice elasticities e_ij
(see :func:`sim.market.demand.price_elasticity_of_share`) and volume elasticity e faces
the token-weighted own-price elasticity of its demand

    E_j = e + sum_i w_ij * e_ij,        w_ij = x_ij / sum_i x_ij

and its profit (p - c) * D(p) is highest where the Lerner index equals 1 / E_j:

    p_j = c_j * E_j / (E_j - 1)          (capped at max_markup * c_j when E_j <= 1)

The Bertrand-Nash equilibrium is the fixed point of that markup rule for all vendors
at once; :func:`nash_prices` finds it by Newton steps in log prices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.constants import NESTS
from sim.market import buyers


@dataclass
class DemandPanel:
    """A sample of buyers that stands for the whole demand when prices are set.

    Firms are sampled (weights scale them up); nations and device makers are all in.
    Utilities at a price and token volumes are those of :mod:`sim.market.buyers`; the
    nested logit is computed here in a form that reuses the price-free parts across trial
    prices, and tests pin it to :func:`sim.market.demand.choice_probabilities`.
    Shapes: n panel buyers, J offerings. Only the offerings somebody may buy enter the
    computations; the parts that do not depend on vendors' prices are computed once.
    """

    base_utility: np.ndarray  #: utility without the price term, (n, J), utils
    alpha: np.ndarray  #: price sensitivity, (n,), utils per log-USD
    own_price: np.ndarray  #: price of offerings not priced by a vendor (self-hosting), (n, J)
    available: np.ndarray  #: (n, J) bool
    weight: np.ndarray  #: tokens at the reference price, panel weight included, (n,), Mtok
    is_api: np.ndarray  #: offerings whose price a vendor sets, (J,) bool
    nest: np.ndarray  #: (J,)
    nest_lambda: float
    price_elasticity: float
    reference_price: float
    quality_weight: np.ndarray | None = None  #: utils per OOM of each buyer, (n,)

    def __post_init__(self) -> None:
        self.cols = np.flatnonzero(self.available.any(axis=0))
        cols = self.cols
        self._api = self.is_api[cols]
        self._api_cols = cols[self._api]
        self._avail = self.available[:, cols]
        self._nest = self.nest[cols]
        self._onehot = (self._nest[:, None] == np.arange(len(NESTS))[None, :]).astype(float)
        own = np.where(self._api[None, :], 1.0, self.own_price[:, cols])
        own = np.where(self._avail, own, 1.0)
        lam = self.nest_lambda
        # utility over lambda, -inf where unavailable; API columns get -a ln p / lambda later
        fixed = buyers.utility_at_price(self.base_utility[:, cols], self.alpha[:, None], own)
        self._fixed_scaled = np.where(self._avail, fixed, -np.inf) / lam
        self._alpha_scaled = (self.alpha / lam)[:, None]
        self._api_index = np.flatnonzero(self._api)
        self._fixed_volume = buyers.token_volume(self.weight[:, None], own, self.reference_price,
                                                 self.price_elasticity)
        self._has_any = self._avail.any(axis=1)

    def buyer_prices(self, api_prices: np.ndarray) -> np.ndarray:
        """Price each buyer pays for each offering, (n, J), USD per million tokens."""
        return np.where(self.is_api[None, :], np.nan_to_num(api_prices, nan=1.0)[None, :],
                        self.own_price)

    def _state(self, api_prices: np.ndarray):
        """Probabilities, tokens and within-nest probabilities on the used columns."""
        p = api_prices[self._api_cols]
        p = np.where(np.isfinite(p), p, 1.0)
        api = self._api_index
        utility = self._fixed_scaled.copy()
        utility[:, api] -= self._alpha_scaled * np.log(p)[None, :]
        top = utility.max(axis=1, keepdims=True)
        top[~self._has_any] = 0.0
        expu = np.exp(utility - top)
        nest_sum = expu @ self._onehot  # (n, G)
        nest_sum[nest_sum == 0.0] = np.inf  # empty nests: no share, no division by zero
        within = expu / nest_sum[:, self._nest]
        nest_weight = np.where(np.isfinite(nest_sum), nest_sum, 0.0) ** self.nest_lambda
        total = nest_weight.sum(axis=1, keepdims=True)
        total[total == 0.0] = 1.0
        probabilities = within * (nest_weight / total)[:, self._nest]
        volume = self._fixed_volume.copy()
        volume[:, api] = buyers.token_volume(self.weight[:, None], p, self.reference_price,
                                             self.price_elasticity)
        tokens = volume * probabilities
        return probabilities, tokens, within

    def _full(self, values: np.ndarray, fill: float = 0.0) -> np.ndarray:
        out = np.full((*values.shape[:-1], self.is_api.size), fill)
        out[..., self.cols] = values
        return out

    def probabilities(self, api_prices: np.ndarray) -> np.ndarray:
        """Choice probabilities at these prices, (n, J)."""
        return self._full(self._state(api_prices)[0])

    def tokens(self, api_prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected tokens of each buyer on each offering (n, J), and the probabilities."""
        probabilities, tokens, _ = self._state(api_prices)
        return self._full(tokens), self._full(probabilities)

    def elasticity(self, api_prices: np.ndarray, slope: bool = False):
        """Token-weighted own-price elasticity ``E_j`` of each offering's demand (1).

        With ``slope``, also return dE_j / d ln p_j, used by the Newton steps of
        :func:`nash_prices`. With s_ij the buyer's share elasticity and w_ij its token
        weight, E = e + sum_i w s and

            dE/d ln p = -Var_w(s) + sum_i w_ij ds_ij/d ln p_j
            ds/d ln p = a [(1/l - 1)(a/l) P_(j|g) (1 - P_(j|g)) + s P_ij]
        """
        probabilities, tokens, within = self._state(api_prices)
        lam = self.nest_lambda
        alpha = self.alpha[:, None]
        share_elasticity = alpha * (1.0 / lam - (1.0 / lam - 1.0) * within - probabilities)
        total = tokens.sum(axis=0)
        weights = tokens / np.where(total > 0, total, 1.0)
        mean = (weights * share_elasticity).sum(axis=0)
        elasticity = self._full(self.price_elasticity + np.where(total > 0, mean, 0.0),
                                self.price_elasticity)
        if not slope:
            return elasticity
        ds = alpha * share_elasticity * probabilities
        if lam != 1.0:
            ds = ds + alpha * (1.0 / lam - 1.0) * (alpha / lam) * within * (1.0 - within)
        variance = (weights * share_elasticity ** 2).sum(axis=0) - mean ** 2
        return elasticity, self._full(np.where(total > 0, -variance + (weights * ds).sum(axis=0),
                                               0.0))


    def elasticity_jacobian(self, api_prices: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
        """Elasticities of the API offerings and their derivatives in every API log price.

        Returns (slots, E, G) with ``slots`` the API slots somebody may buy, ``E`` their
        elasticities and ``G[j, k] = dE_j / d ln p_k``. With D_ijk = d ln x_ij / d ln p_k

            D_ijk = a_i [P_ik + (1/l - 1) P_(k|g) 1[g_j = g_k]] - 1[j = k] (a_i / l + e)
            dE_j/dx_k = sum_i w_ij [(D_ijk - sum_m w_mj D_mjk) s_ij + ds_ij/dx_k]
            ds_ij/dx_k = -a_i [(1/l - 1) dP_(j|g)/dx_k + dP_ij/dx_k]
        """
        probabilities, tokens, within = self._state(api_prices)
        api = np.flatnonzero(self._api)
        lam, eps = self.nest_lambda, self.price_elasticity
        c = 1.0 / lam - 1.0
        A = self.alpha[:, None]
        P, W, X = probabilities[:, api], within[:, api], tokens[:, api]
        S = (self._nest[api][:, None] == self._nest[api][None, :]).astype(float)
        s = A * (1.0 / lam - c * W - P)  # share elasticities, (n, a)
        total = X.sum(axis=0)
        w = X / np.where(total > 0, total, 1.0)
        ws = w * s
        # sums over buyers of the tensor terms, written as matrix products (n, a) -> (a, a)
        sum_wsD = ((ws * A).T @ P + c * S * ((ws * A).T @ W)
                   - np.diag((ws * (A / lam + eps)).sum(axis=0)))
        mean_D = ((w * A).T @ P + c * S * ((w * A).T @ W)
                  - np.diag((w * (A / lam + eps)).sum(axis=0)))
        wa2 = w * A * A
        sum_wds = (-(c / lam) * S * ((wa2 * W).T @ W) + np.diag((c / lam) * (wa2 * W).sum(axis=0))
                   - (wa2 * P).T @ P - c * S * ((wa2 * P).T @ W)
                   + np.diag((wa2 * P).sum(axis=0) / lam))
        G = sum_wsD - mean_D * ws.sum(axis=0)[:, None] + sum_wds
        E = eps + ws.sum(axis=0)
        return self.cols[api], E, G


def markup_factor(elasticity, max_markup: float):
    """Profit-maximising price over marginal cost, ``E / (E - 1)``, capped at ``max_markup``."""
    elasticity = np.asarray(elasticity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(elasticity > 1.0, elasticity / (elasticity - 1.0), np.inf)
    return np.minimum(factor, max_markup)


def nash_prices(panel: DemandPanel, marginal_cost: np.ndarray, active: np.ndarray,
                max_markup: float, start: np.ndarray | None = None, tolerance: float = 1e-9,
                max_iter: int = 100) -> tuple[np.ndarray, bool]:
    """Bertrand-Nash prices of the API offerings: the fixed point of the markup rule.

        p_j = c_j * min(E_j(p) / (E_j(p) - 1), max_markup)   for every active API j

    solved by Newton's method on h(x) = x - ln c - ln min(mu(E(x)), M), x = ln p, with
    the Jacobian of :meth:`DemandPanel.elasticity_jacobian`,

        dh_j / dx_k = 1[j = k] + G_jk / (E_j (E_j - 1))   (identity rows where the cap binds)

    safeguarded: rows where demand is not locally concave take a half fixed-point step,
    each step is halved until the largest |h| falls (backtracking), and where that fails a
    damped fixed-point step x <- x - 0.3 h is taken. Returns the prices (nan where not
    sold) and whether the largest |h| fell below ``tolerance``.
    """
    active = active & panel.is_api
    prices = np.full(active.size, np.nan)
    slots = panel.cols[panel.is_api[panel.cols]]
    slots = slots[active[slots]]
    if slots.size == 0:
        return prices, True
    log_cost = np.log(marginal_cost[slots])
    cap = np.log(max_markup)
    guess = (marginal_cost * 2.0 if start is None
             else np.where(np.isfinite(start), start, marginal_cost * 2.0))
    x = np.clip(np.log(guess[slots]), log_cost, log_cost + cap)
    full = np.full(active.size, np.nan)
    eye = np.eye(slots.size)

    def residual(x: np.ndarray, elasticity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            markup = np.where(elasticity > 1.0, np.log(elasticity / (elasticity - 1.0)), np.inf)
        capped = markup >= cap
        return x - log_cost - np.where(capped, cap, markup), capped

    def evaluate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        full[slots] = np.exp(x)
        used, elasticity, jacobian = panel.elasticity_jacobian(full)
        pick = np.searchsorted(used, slots)
        return elasticity[pick], jacobian[np.ix_(pick, pick)]

    converged = False
    elasticity, jacobian = evaluate(x)
    for _ in range(max_iter):
        h, capped = residual(x, elasticity)
        size = np.max(np.abs(h))
        if size < tolerance:
            converged = True
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            dh = eye + jacobian / (elasticity * (elasticity - 1.0))[:, None]
        flat = capped | ~np.isfinite(np.diag(dh)) | (np.diag(dh) < 0.1)
        dh[flat] = 2.0 * eye[flat]  # cap rows: h = x - ln c - ln M is linear
        dh[capped] = eye[capped]
        try:
            step = np.linalg.solve(dh, h)
        except np.linalg.LinAlgError:
            step = 0.5 * h
        step = np.clip(np.nan_to_num(step), -1.0, 1.0)
        for _ in range(3):  # backtracking: halve the step until the residual falls
            trial = np.clip(x - step, log_cost, log_cost + cap)
            elasticity, jacobian = evaluate(trial)
            if np.max(np.abs(residual(trial, elasticity)[0])) < size:
                break
            step = 0.5 * step
        else:  # Newton is lost here: take a damped fixed-point step instead
            trial = np.clip(x - 0.3 * np.clip(h, -1.0, 1.0), log_cost, log_cost + cap)
            elasticity, jacobian = evaluate(trial)
        x = trial
    prices[slots] = np.exp(x)
    return prices, converged
