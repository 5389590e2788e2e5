"""The demand panel vendors price against: shares, tokens and price elasticities (the
markups and the Nash solver that use them are in :mod:`sim.market.pricing`).

With utility linear in log price, a vendor whose buyers have choice elasticities e_ij
(see :func:`sim.market.demand.price_elasticity_of_share`) and volume elasticity e faces
the token-weighted own-price elasticity of its demand

    E_j = e + sum_i w_ij * e_ij,        w_ij = x_ij / sum_i x_ij

and its profit (p - c) * D(p) is highest where the Lerner index equals 1 / E_j:

    p_j = c_j * E_j / (E_j - 1)          (capped at max_markup * c_j when E_j <= 1)

The Bertrand-Nash equilibrium is the fixed point of that markup rule for all vendors
at once; :func:`sim.market.pricing.nash_prices` finds it by Newton steps in log prices.

With an outside option (u_i0, :func:`sim.market.demand.choice_probabilities`) the
formulas keep their form in P_ij and P_(j|g): d ln P_ij / d u_k = 1[j = k] / l
- (1/l - 1) P_(k|g) 1[g_j = g_k] - P_ik holds with or without exp(u_i0) in the
denominator; the outside good only makes every P_ij smaller (substitution to not
buying), so the plain-logit elasticity is E = e + a (1 - s) with s = P_ij < 1 - P_i0.
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
    outside_utility: np.ndarray | None = None  #: utility of buying nothing, (n,), utils
    adjustment: np.ndarray | None = None  #: share of each buyer's choice revised a month, (n,)
    bloc: np.ndarray | None = None  #: buyer bloc of each row, (n,): rows of (B, J) prices
    wedge: np.ndarray | None = None  #: price paid over the seller's price (duty), (n, J), 1

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
        self._outside = (None if self.outside_utility is None else
                         np.broadcast_to(np.asarray(self.outside_utility, dtype=float),
                                         self.alpha.shape))
        # the last state and the API prices it was computed at: the vendors' elasticities,
        # their co-owned derivatives and each Newton step's residual and Jacobian ask for
        # the same prices more than once, and the state is most of their cost
        self._last: tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._terms: tuple[tuple, tuple[np.ndarray, ...]] | None = None  # of the last state
        self._wedge = None if self.wedge is None else self.wedge[:, self._api_cols]
        nest = self._nest[self._api_index]
        self._same_nest = (nest[:, None] == nest[None, :]).astype(float)  # S, (a, a)

    def row_prices(self, api_prices: np.ndarray) -> np.ndarray:
        """The sellers' prices each row faces: the (J,) prices, or its bloc's row of prices
        by buyer bloc (B, J)."""
        return api_prices[self.bloc] if np.ndim(api_prices) == 2 else api_prices[None, :]

    def buyer_prices(self, api_prices: np.ndarray) -> np.ndarray:
        """Price each buyer pays for each offering, duty included, (n, J), USD per million
        tokens; ``api_prices`` (J,), or by buyer bloc (B, J)."""
        price = self.row_prices(np.nan_to_num(api_prices, nan=1.0))
        if self.wedge is not None:
            price = price * self.wedge
        return np.where(self.is_api[None, :], price, self.own_price)

    def _state(self, api_prices: np.ndarray):
        """Probabilities, tokens and within-nest probabilities on the used columns.

        The prices are (J,), or by buyer bloc (B, J): each row then faces its bloc's. The
        arrays are shared with later calls at the same prices (read them, never write)."""
        p = api_prices[..., self._api_cols]
        p = np.where(np.isfinite(p), p, 1.0)
        if self._last is not None and np.array_equal(self._last[0], p):
            return self._last[1]
        state = self._compute_state(p[self.bloc] if p.ndim == 2 else p)
        self._last = (p, state)
        return state

    def _compute_state(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_state` at the API prices ``p`` of the used API columns (none nan), (a,)
        or one row per buyer (n, a); buyers pay them times the wedge (duties)."""
        api = self._api_index
        if self._wedge is not None:
            p = p * self._wedge
        utility = self._fixed_scaled.copy()
        utility[:, api] -= self._alpha_scaled * (np.log(p) if p.ndim == 2 else np.log(p)[None, :])
        # the rows' largest utility, column by column: numpy reduces short rows (J ~ 25)
        # slowly, and a maximum is exact in any order
        top = utility[:, :1].copy()
        for k in range(1, utility.shape[1]):
            np.maximum(top[:, 0], utility[:, k], out=top[:, 0])
        top[~self._has_any] = 0.0
        if self._outside is not None:
            top = np.maximum(top, self._outside[:, None] / self.nest_lambda)
        expu = np.exp(utility - top)
        nest_sum = expu @ self._onehot  # (n, G)
        nest_sum[nest_sum == 0.0] = np.inf  # empty nests: no share, no division by zero
        within = expu / nest_sum[:, self._nest]
        nest_weight = np.where(np.isfinite(nest_sum), nest_sum, 0.0) ** self.nest_lambda
        total = nest_weight.sum(axis=1, keepdims=True)
        if self._outside is not None:  # exp(u_0), shifted like the nests: exp(-l top)
            total = total + np.exp(self._outside[:, None] - self.nest_lambda * top)
        total[total == 0.0] = 1.0
        probabilities = within * (nest_weight / total)[:, self._nest]
        tokens = self._fixed_volume * probabilities  # the API columns at their new volume:
        tokens[:, api] = buyers.token_volume(self.weight[:, None], p, self.reference_price,
                                             self.price_elasticity) * probabilities[:, api]
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


    def elasticity_by_bloc(self, api_prices: np.ndarray, n_blocs: int) -> np.ndarray:
        """Own-price elasticity of each offering's demand from each buyer bloc's rows, (B, J)
        (1); nan where a bloc's rows buy none of it.

            E_bj = e + sum_{i in b} w_ij s_ij,     w_ij = x_ij / sum_{i in b} x_ij

        the elasticity of :meth:`elasticity` on the panel restricted to bloc b's buyers: the
        elasticity in p_bj, the price to that bloc alone (third-degree price
        discrimination).
        """
        probabilities, tokens, within = self._state(api_prices)
        lam = self.nest_lambda
        share_elasticity = self.alpha[:, None] * (1.0 / lam - (1.0 / lam - 1.0) * within
                                                  - probabilities)
        out = np.full((n_blocs, self.is_api.size), np.nan)
        for b in range(n_blocs):
            rows = self.bloc == b
            total = tokens[rows].sum(axis=0)
            mean = (tokens[rows] * share_elasticity[rows]).sum(axis=0) / np.where(total > 0,
                                                                                  total, 1.0)
            out[b, self.cols] = np.where(total > 0, self.price_elasticity + mean, np.nan)
        return out

    def elasticity_jacobian(self, api_prices: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
        """Elasticities of the API offerings and their derivatives in every API log price.

        Returns (slots, E, G) with ``slots`` the API slots somebody may buy, ``E`` their
        elasticities and ``G[j, k] = dE_j / d ln p_k``. With D_ijk = d ln x_ij / d ln p_k

            D_ijk = a_i [P_ik + (1/l - 1) P_(k|g) 1[g_j = g_k]] - 1[j = k] (a_i / l + e)
            dE_j/dx_k = sum_i w_ij [(D_ijk - sum_m w_mj D_mjk) s_ij + ds_ij/dx_k]
            ds_ij/dx_k = -a_i [(1/l - 1) dP_(j|g)/dx_k + dP_ij/dx_k]
        """
        P, W, w, _, mean_D = self._api_terms(api_prices)
        lam, eps = self.nest_lambda, self.price_elasticity
        c = 1.0 / lam - 1.0
        A = self.alpha[:, None]
        S = self._same_nest
        s = A * (1.0 / lam - c * W - P)  # share elasticities, (n, a)
        ws = w * s
        # sums over buyers of the tensor terms, written as matrix products (n, a) -> (a, a)
        sum_wsD = ((ws * A).T @ P + c * S * ((ws * A).T @ W)
                   - np.diag((ws * (A / lam + eps)).sum(axis=0)))
        wa2 = w * A * A
        sum_wds = (-(c / lam) * S * ((wa2 * W).T @ W) + np.diag((c / lam) * (wa2 * W).sum(axis=0))
                   - (wa2 * P).T @ P - c * S * ((wa2 * P).T @ W)
                   + np.diag((wa2 * P).sum(axis=0) / lam))
        G = sum_wsD - mean_D * ws.sum(axis=0)[:, None] + sum_wds
        E = eps + ws.sum(axis=0)
        return self.cols[self._api_index], E, G

    def demand_derivatives(self, api_prices: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
        """Expected tokens of the API offerings and their log-price derivatives.

        Returns (slots, Q, M) with ``slots`` the API slots somebody may buy, Q_j = sum_i x_ij
        their expected tokens (million tokens per month) and ``M[j, k] = d ln Q_j / d ln p_k``
        (1), the token-weighted mean of D_ijk (see :meth:`elasticity_jacobian`):

            M_jk = sum_i w_ij a_i [P_ik + (1/l - 1) P_(k|g) 1[g_j = g_k]]
                   - 1[j = k] (sum_i w_ij a_i / l + e)

        so that -M_jj = E_j and M_jk > 0 for substitutes (the outside option included in P).
        """
        _, _, _, total, M = self._api_terms(api_prices)
        return self.cols[self._api_index], total, M

    def _api_terms(self, api_prices: np.ndarray) -> tuple[np.ndarray, ...]:
        """(P, W, w, Q, M) on the API columns: probabilities, within-nest probabilities,
        token weights w_ij = x_ij / Q_j, tokens Q and M (:meth:`demand_derivatives`).

        Kept with the state they come from: the joint Nash solve asks for M at the prices
        where it asks for the Jacobian of the elasticities, which needs M too."""
        state = self._state(api_prices)
        if self._terms is not None and self._terms[0] is state:
            return self._terms[1]
        probabilities, tokens, within = state
        api = self._api_index
        lam, eps = self.nest_lambda, self.price_elasticity
        c = 1.0 / lam - 1.0
        A = self.alpha[:, None]
        P, W, X = probabilities[:, api], within[:, api], tokens[:, api]
        total = X.sum(axis=0)
        w = X / np.where(total > 0, total, 1.0)
        M = ((w * A).T @ P + c * self._same_nest * ((w * A).T @ W)
             - np.diag((w * (A / lam + eps)).sum(axis=0)))
        terms = (P, W, w, total, M)
        self._terms = (state, terms)
        return terms
