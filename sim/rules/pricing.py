"""The vendors' pricing rules (``rules.vendor_pricing``) and what they see of the market.

Each rule takes the vendor and a :class:`MarketView` and returns the price it aims at
(USD per million tokens); the vendor moves towards it with the pricing inertia.
"""

from __future__ import annotations

import numpy as np

from sim.market.pricing import DemandPanel, markup_factor
from sim.rules.registry import rule


@rule("vendor_pricing", "cost_plus")
def cost_plus(vendor, market) -> float:
    """Cost-plus pricing: ``p = (1 + m) * c`` with the configured markup m."""
    return (1.0 + market.config.cost_plus_markup) * vendor.marginal_cost


@rule("vendor_pricing", "best_response")
def best_response(vendor, market) -> float:
    """Best response to rivals' current prices under logit demand.

        p = c * min(E / (E - 1), max_markup),  E the vendor's demand elasticity at current prices

    Repeated month after month (with inertia) this converges to the Bertrand-Nash prices
    when nothing else changes.
    """
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

    def __init__(self, menu, panel: DemandPanel, config) -> None:
        self.menu, self.panel, self.config = menu, panel, config
        self._elasticity: np.ndarray | None = None
        self._tokens: np.ndarray | None = None

    def _api_prices(self) -> np.ndarray:
        return np.where(self.menu.is_api, self.menu.price, np.nan)

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
