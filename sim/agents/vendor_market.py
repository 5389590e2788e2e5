"""A lab in the market: how it prices its tokens (step 5 of its month) and books what it
sold (step 6). A mixin of :class:`sim.agents.vendor.Vendor`, which holds the state these
methods read and write (price, held and scaled prices, costs, cash); split from it by
concept, so that the lab's own life (chips, training, releases, cost) and its market
conduct each read in one sitting.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import BLOCS
from sim.market import discrimination, finance, pricing
from sim.rules import RuleError


class VendorMarket:
    """The pricing and the books of a :class:`~sim.agents.vendor.Vendor`."""

    # -- 5. price ----------------------------------------------------------------------------

    def hold_price(self, price: float, until: int, subsidised: bool) -> None:
        """Fix the price until month ``until`` (a list price, or a scenario's price event);
        the rule's path, if a factor was on it, restarts from the held price."""
        self.price, self.held_until, self.subsidised = price, until, subsidised
        self.rule_price = np.nan
        self.bloc_ratio = np.ones(len(BLOCS))  # a held list price is one price

    def scale_price(self, factor: float, until: int, subsidised: bool) -> None:
        """Post ``factor`` times the pricing rule's price every month to ``until`` (a
        relative price event; a later one replaces it). A price held meanwhile stays held."""
        self.price_factor, self.factor_until, self.factor_subsidised = factor, until, subsidised

    def set_price(self, market) -> None:
        """Move the price towards the pricing rule's target (geometric partial adjustment),
        by at most ``max_monthly_change`` of the list price (list-price stickiness):

            p' = clip(p ** (1 - l) * target ** l, (1 - c) p, (1 + c) p)

        with l the pricing inertia and c ``world.pricing.max_monthly_change``
        (:func:`sim.market.pricing.partial_adjustment`, :func:`sim.market.pricing.sticky_price`).
        A price held by the history or a price event is not moved (the event says so).

        While a relative price event is in force the posted price is ``f * p_rule``: the
        adjustment above moves the rule's own path ``p_rule`` (from its own last value, not
        from the posted price), and the factor scales the result. So the event shifts the
        path the model would take, by f every month, rather than fixing a level; the
        stickiness limits how fast the rule's path moves, not the event (which takes effect
        in full the month it starts, and ends in full the month after it ends).
        """
        if not self.active or self.model.month <= self.held_until or self.model.clock.in_history():
            return
        self.subsidised = False
        scaled = self.model.month <= self.factor_until
        last = self.rule_price if np.isfinite(self.rule_price) else self.price
        name = self.model.cfg.rules.vendor_pricing
        config = self.model.cfg.world.pricing
        target, ratio = self.rule_target(self.model.rules["vendor_pricing"](self, market), name,
                                         config.arbitrage_band)
        proposed = pricing.partial_adjustment(last, target, config.inertia)
        path = pricing.sticky_price(last, proposed, config.max_monthly_change)
        if scaled:
            self.rule_price, self.subsidised = path, self.factor_subsidised
            self.price = pricing.scaled_price(path, self.price_factor)
        else:
            self.rule_price, self.price = np.nan, path
        self.bloc_ratio = ratio

    def rule_target(self, target, name: str, band: float) -> tuple[float, np.ndarray]:
        """The pricing rule's home target and the price to each buyer bloc over the home
        price (1), checked: a rule gives one price (every bloc pays it) or one per buyer bloc,
        (B,), which the arbitrage band holds around the home bloc's
        (:func:`sim.market.discrimination.arbitrage_clip`):

            r_b = clip(t_b, (1 - band) t_home, (1 + band) t_home) / t_home
        """
        targets = None if target is None else np.asarray(target, dtype=float)
        if (targets is None or targets.shape not in ((), (len(BLOCS),))
                or not np.all(np.isfinite(targets)) or not np.all(targets > 0)):
            raise RuleError(f"pricing rule {name!r} gave vendor {self.vid!r} the price "
                            f"{target!r}; a price must be a positive finite number "
                            f"(USD per million tokens), or one per bloc ({len(BLOCS)})")
        if targets.ndim == 0:
            return float(targets), np.ones(len(BLOCS))
        home = float(targets[BLOCS.index(self.bloc)])
        return home, discrimination.arbitrage_clip(targets, home, band) / home

    # -- 6. books --------------------------------------------------------------------------

    def settle(self, tokens_api: float, tokens_self: float, compliance_usd: float,
               licence_usd: float = 0.0, api_revenue_usd: float | None = None) -> None:
        """Book the month: revenue, serving and compliance costs, state support; close the
        accounts: cash, support received, operating profit and profit (USD).

        Serving is paid at its unsubsidised cost and the energy subsidy received; the
        per-token subsidy comes in as ``s * tokens`` (a tax goes out), and counts against a
        loss that price support would cover (:mod:`sim.market.finance`). ``licence_usd``,
        the licence fees third-party hosts paid for serving the lab's weights
        (:mod:`sim.market.hosting`), is revenue. ``api_revenue_usd``: what its API tokens
        earned when it prices by buyer bloc, sum_b p_b x_b (None: one price, p x).
        """
        self.tokens_api, self.tokens_self = tokens_api, tokens_self
        api = self.price * tokens_api if api_revenue_usd is None else api_revenue_usd
        self.revenue = api if self.active else 0.0
        if licence_usd:
            self.revenue += licence_usd
        serving = self.cost_before_token - self.compliance_per_mtok
        self.serving_cost = serving * tokens_api if self.active else 0.0
        self.compliance_cost = compliance_usd
        gov = self.model.governments.get(self.bloc)
        self.token_support = (self.token_subsidy_per_mtok * tokens_api
                              if gov and self.active else 0.0)
        if gov and self.token_support:
            gov.spend("token", self.token_support)
        loss = max(0.0, self.serving_cost + compliance_usd - self.revenue - self.token_support)
        pays = gov is not None and (gov.price_support or self.subsidised)
        self.state_support = loss if pays else 0.0
        if gov and self.state_support > 0:
            gov.spend("price", self.state_support)
        self.energy_support = (self.energy_subsidy_per_mtok * tokens_api
                               if gov and self.active else 0.0)
        if gov and self.active:
            gov.spend("energy", self.energy_support)
        self.book(self.revenue + self.state_support + self.energy_support + self.token_support,
                  self.serving_cost + self.energy_support + compliance_usd)
        self.support_received = (self.state_support + self.energy_support + self.chip_subsidy
                                 + self.token_support)
        self.cash_in = finance.cash_inflows(self.revenue, self.funding, self.support_received)
        self.cash_out = finance.cash_outflows(self.serving_cost + self.energy_support,
                                              self.chip_spend + self.chip_subsidy,
                                              self.fixed_cost, compliance_usd)
        self.operating_profit = finance.operating_profit(
            self.revenue, self.state_support + self.token_support, self.serving_cost,
            compliance_usd)
        self.profit = finance.profit(self.cash_in, self.funding, self.cash_out)

    @property
    def price_by_bloc(self) -> np.ndarray:
        """Its API price to each buyer bloc's buyers, (B,) (USD per million tokens)."""
        return self.price * self.bloc_ratio

    @property
    def dumping(self) -> bool:
        """Selling below marginal cost this month."""
        return bool(self.active and self.price < self.marginal_cost)
