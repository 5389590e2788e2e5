"""The vendors' pricing rules (``rules.vendor_pricing``) and what they see of the market.

Each rule takes the vendor and a :class:`MarketView` and returns the price it aims at
(USD per million tokens); the vendor moves towards it with the pricing inertia.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import BLOCS
from sim.market.pricing import (
    DemandPanel,
    co_owned_lerner,
    lerner_markup_factor,
    markup_factor,
)
from sim.rules.registry import rule


@rule("vendor_pricing", "cost_plus")
def cost_plus(vendor, market) -> float:
    """Cost-plus pricing: ``p = (1 + m) * c`` with the configured markup m."""
    return (1.0 + market.config.cost_plus_markup) * vendor.marginal_cost


@rule("vendor_pricing", "best_response")
def best_response(vendor, market) -> float:
    """Best response to rivals' current prices under logit demand.

        p = c * min(E / (E - 1), max_markup),  E the vendor's demand elasticity at current prices

    A vendor whose owner prices other APIs too (``market.ownership``) internalises the
    sales it takes from them, at their current prices (:func:`sim.market.pricing.co_owned_lerner`):

        p = c * min(1 / (1 - m), max_markup),  m = (1 + sum_k m_k R_k M_kj / R_j) / E

    Repeated month after month (with inertia) this converges to the Bertrand-Nash prices
    (with the same ownership) when nothing else changes.

    With ``world.pricing.discrimination`` a single-product vendor prices each buyer bloc b
    at the markup of its demand from that bloc alone (third-degree price discrimination):

        p_b = c * min(E_b / (E_b - 1), max_markup),   E_b the elasticity of bloc b's demand

    (:meth:`MarketView.elasticity_by_bloc`; a bloc that buys none of its tokens gets the
    one-price markup); the vendor holds them within the arbitrage band around the home
    price (:meth:`sim.agents.vendor.Vendor.rule_target`). A band of 0 is one price, the
    one-price best response above; a co-owned product keeps one price too.
    """
    lerner = market.co_owned_lerner(vendor)
    if lerner is not None:
        return float(vendor.marginal_cost * lerner_markup_factor(lerner,
                                                                 market.config.max_markup))
    if market.discriminating:
        by_bloc = market.elasticity_by_bloc(vendor)
        uniform = market.elasticity(vendor)
        return vendor.marginal_cost * markup_factor(np.where(np.isfinite(by_bloc), by_bloc,
                                                             uniform), market.config.max_markup)
    factor = markup_factor(market.elasticity(vendor), market.config.max_markup)
    return float(vendor.marginal_cost * factor)


@rule("vendor_pricing", "penetration")
def penetration(vendor, market) -> float:
    """Penetration pricing: undercut rivals to buy market share.

        p = max(floor * c, (1 - d) * mean rival price)

    With a floor below one the vendor sells below cost; its government pays the loss if it
    supports prices, and the market records dumping either way.
    """
    cfg = market.config
    return max(cfg.penetration_floor * vendor.marginal_cost,
               (1.0 - cfg.penetration_discount) * market.rival_mean_price(vendor))


class MarketView:
    """What a pricing rule sees: the menu, the demand panel, the pricing parameters.

    Elasticities at the current prices are computed once per month and shared.
    """

    def __init__(self, menu, panel: DemandPanel, config,
                 ownership: np.ndarray | None = None) -> None:
        self.menu, self.panel, self.config = menu, panel, config
        self.ownership = ownership  #: O over the slots (1), None: every vendor on its own
        #: vendors may price each buyer bloc apart (discrimination on, a band above 0; a
        #: pricing config without the fields, as tests' stubs, is one price)
        self.discriminating = bool(getattr(config, "discrimination", False)
                                   and getattr(config, "arbitrage_band", 0.0) > 0)
        self._elasticity: np.ndarray | None = None
        self._by_bloc: np.ndarray | None = None
        self._tokens: np.ndarray | None = None
        self._derivatives: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def co_owned(self, vendor) -> np.ndarray:
        """API slots on sale, other than the vendor's, that its owner also prices."""
        menu, j = self.menu, vendor.index
        if self.ownership is None:
            return np.zeros(0, dtype=int)
        same = (self.ownership[j] != 0) & menu.is_api & menu.on_sale
        same[j] = False
        return np.flatnonzero(same)

    def co_owned_lerner(self, vendor) -> float | None:
        """Lerner index ``m`` the vendor aims at given its co-owned products' current prices
        (:func:`sim.market.pricing.co_owned_lerner`); None when it owns nothing else on sale."""
        others = self.co_owned(vendor)
        if others.size == 0:
            return None
        if self._derivatives is None:
            self._derivatives = self.panel.demand_derivatives(self._api_prices())
        slots, tokens, derivatives = self._derivatives
        pos = {int(s): i for i, s in enumerate(slots)}
        j = vendor.index
        if j not in pos:
            return float("inf")
        others = np.array([k for k in others if int(k) in pos], dtype=int)
        rows = np.array([pos[int(k)] for k in others], dtype=int)
        price, cost = self.menu.price, self.menu.marginal_cost
        revenue = price[slots] * tokens
        return co_owned_lerner(-derivatives[pos[j], pos[j]], revenue[pos[j]], revenue[rows],
                               (price[others] - cost[others]) / price[others],
                               derivatives[rows, pos[j]])

    def _api_prices(self) -> np.ndarray:
        """The API prices buyers face: (J,), or by buyer bloc (B, J) with discrimination."""
        if self.discriminating:
            return np.where(self.menu.is_api[None, :], self.menu.price_by_bloc, np.nan)
        return np.where(self.menu.is_api, self.menu.price, np.nan)

    def elasticity_by_bloc(self, vendor) -> np.ndarray:
        """Own-price elasticity of the vendor's API demand from each buyer bloc, (B,) (1;
        nan where a bloc buys none: :meth:`sim.market.panel.DemandPanel.elasticity_by_bloc`)."""
        if self._by_bloc is None:
            self._by_bloc = self.panel.elasticity_by_bloc(self._api_prices(), len(BLOCS))
        return self._by_bloc[:, vendor.index]

    def elasticity(self, vendor) -> float:
        """Own-price elasticity of the vendor's API demand at current prices, ``E_j`` (1)."""
        if self._elasticity is None:
            self._elasticity = self.panel.elasticity(self._api_prices())
        return float(self._elasticity[vendor.index])

    def demand(self) -> np.ndarray:
        """Expected tokens on each slot at current prices, (J,) (million tokens per month)."""
        if self._tokens is None:
            self._tokens = self.panel.tokens(self._api_prices())[0].sum(axis=0)
        return self._tokens

    def rival_mean_price(self, vendor) -> float:
        """Token-weighted mean API price of the vendor's rivals (USD per million tokens)."""
        menu = self.menu
        rivals = menu.is_api & menu.on_sale & (np.arange(menu.n_slots) != vendor.index)
        weights = self.demand()[rivals]
        if weights.sum() <= 0:
            return float(np.nanmean(menu.price[rivals])) if rivals.any() else vendor.price
        return float(np.average(menu.price[rivals], weights=weights))
