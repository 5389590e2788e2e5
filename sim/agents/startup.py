"""A startup (or an enterprise): one firm choosing its model provider, one Mesa step each.

This is the executable specification of the firms' rule, written for one firm so it can
be read line by line; its formulas are the functions of :mod:`sim.market.buyers`, called
on this firm's row of offerings (the same functions the vectorized engine calls on all
firms at once). The model runs it with ``engine=agent``; the default engine runs the
same rule over all firms at once with numpy (:mod:`sim.population.firms`), and tests
check that both agree.

Each month the firm:

1. reviews its provider with probability ``review_probability``, and always when its
   provider is gone or has just entered its vertical;
2. if reviewing, scores every offering it may buy,

       u_j = b q_j + xi_j - a ln P_j - g r_j + A(bloc, j) - k 1[j != current]

   and draws one with the nested-logit probabilities, or (where its segment has an
   outside option u_0) does not buy, a choice it keeps until its next review;
3. buys x = X(t) (P / P_ref) ** -e million tokens at its provider's price P, with
   X(t) = X G(t) its base volume grown with the frontier (G, :func:`buyers.volume_growth`).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.market import buyers
from sim.market import demand as nested_logit
from sim.population.segment import OUTSIDE, segment_outside


class Startup(mesa.Agent):
    """A firm of segment ``segment`` (startups or enterprises).

    Attributes:
        index: its row in the segment's draws.
        bloc: index of its home bloc; vertical: the application vertical it works in.
        base_volume: token demand at the start at the reference price (million tokens/month).
        alpha: price sensitivity; privacy: concern for data and autonomy (0 to 1);
        quality: how much it values capability, relative to the segment's mean (1).
        current: slot of its provider (-1: none yet, -2: it chose not to buy).
        loss: share of its business kept after its provider entered its vertical.
        must_review: it was harmed this month and will review its provider.
    """

    def __init__(self, model: mesa.Model, segment: str, index: int, cfg, demand,
                 bloc: int, vertical: int, volume: float, alpha: float,
                 privacy: float, quality: float) -> None:
        super().__init__(model)
        self.segment, self.index, self.cfg, self.demand = segment, index, cfg, demand
        self.bloc, self.vertical = bloc, vertical
        self.base_volume, self.alpha, self.privacy = volume, alpha, privacy
        self.quality = quality
        self.current = -1
        self.loss = 1.0
        self.must_review = False
        self.harmed = False

    def volume(self, growth: float) -> float:
        """Token demand now at the reference price, X(t) (million tokens per month)."""
        return self.base_volume * growth * self.loss

    def prices(self, month) -> np.ndarray:
        """The price this firm pays for each slot, (J,) (USD per million tokens)."""
        return buyers.firm_price_paid(month.price[self.bloc], month.self_cost[self.bloc],
                                      month.is_api,
                                      self.cfg.self_host_overhead,
                                      self.cfg.self_host_fixed_usd_per_month,
                                      self.volume(month.growth))

    def price_of(self, slot: int, month) -> float:
        """The price this firm pays for ``slot`` (USD per million tokens)."""
        return float(buyers.firm_price_paid(
            month.price[self.bloc, slot], month.self_cost[self.bloc, slot], month.is_api[slot],
            self.cfg.self_host_overhead, self.cfg.self_host_fixed_usd_per_month,
            self.volume(month.growth)))

    def outside(self, month) -> np.ndarray | None:
        """Its utility of not buying, (1,) (utils); None without an outside option."""
        return segment_outside(self.demand, self.segment,
                               np.array([self.demand.quality_weight * self.quality]),
                               month.frontier)

    def utility(self, month) -> np.ndarray:
        """u_j = b q_j + xi_j - g r_j + A(bloc, j) - a ln P_j - k 1[switch], (J,) (utils)."""
        d = self.demand
        base = buyers.firm_base_utility(
            self.quality, self.privacy, month.capability, month.appeal, month.risk,
            month.affinity[self.bloc], d.quality_weight, d.privacy_weight, month.alarm)
        switches = np.arange(month.is_api.size) != self.current
        return buyers.firm_utility(base, self.alpha, self.prices(month),
                                   self.cfg.switching_cost, switches)

    def probabilities(self, month) -> np.ndarray:
        """Nested-logit probabilities over all slots, (J,) (zero where not available)."""
        return nested_logit.choice_probabilities(
            self.utility(month)[None, :], month.available[self.bloc][None, :],
            month.nest, self.demand.nest_lambda, self.outside(month))[0]

    def step(self) -> None:
        """Review, choose, and buy this month's tokens."""
        model = self.model
        month = model.firm_month[self.segment]
        volume = self.volume(month.growth)
        available = month.available[self.bloc]
        provider_ok = ((self.current >= 0 and bool(available[self.current]))
                       or self.current == OUTSIDE)
        reviewing = (month.u_review[self.index] < self.cfg.review_probability
                     or not provider_ok or self.must_review)
        if reviewing:
            if any(bool(a) for a in available):
                cumulative, chosen = 0.0, -1
                probabilities = self.probabilities(month)
                for j, p in enumerate(probabilities):
                    cumulative += p
                    if p > 0:
                        chosen = j  # the last available slot, if rounding leaves u above 1
                        if cumulative > month.u_choice[self.index]:
                            break
                else:  # u above every offering's cumulative share: the outside option
                    if self.segment in self.demand.outside_utility:
                        chosen = OUTSIDE
                self.current = chosen
            else:
                self.current = -1
        self.must_review = False
        if self.current < 0:
            return
        price = self.price_of(self.current, month)
        tokens = float(buyers.token_volume(volume, price, self.demand.reference_price_usd,
                                           self.demand.price_elasticity))
        model.firms[self.segment].book(self, tokens, price)
