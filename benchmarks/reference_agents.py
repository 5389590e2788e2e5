"""The per-agent firm procedure frozen as the benchmark's speed reference.

This is a verbatim copy of ``sim.agents.startup.Startup`` (its ``step``, ``utility``,
``probabilities``, ``price_of`` and ``volume``) as it stood at commit 0bd6fc2, before the
buyers' formulas moved into :mod:`sim.market.buyers`: plain Python, one firm at a time,
every formula written inline. It is kept unchanged on purpose so that the engine ratio
the benchmark reports ("vectorized engine against the per-agent reference") keeps
measuring against the same yardstick, however the live agent engine evolves. It is not
used by the model; :func:`reference_firms` swaps it in for the live ``Startup`` while a
benchmark builds an ``engine=agent`` model.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import mesa

from sim.core.constants import NESTS
from sim.population import firm_agents


class ReferenceStartup(mesa.Agent):
    """A firm of segment ``segment``, as the per-agent engine wrote it at commit 0bd6fc2.

    Attributes:
        index: its row in the segment's draws.
        bloc: index of its home bloc; vertical: the application vertical it works in.
        base_volume: token demand at the start at the reference price (million tokens/month).
        alpha: price sensitivity; privacy: concern for data and autonomy (0 to 1);
        quality: how much it values capability, relative to the segment's mean (1).
        current: slot of its provider (-1: none yet).
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

    def price_of(self, slot: int, month, volume: float) -> float:
        """The price this firm pays for ``slot`` (USD per million tokens)."""
        if month.is_api[slot]:
            return float(month.price[self.bloc, slot])  # by buyer bloc since issue 14
        return (float(month.self_cost[self.bloc, slot]) * self.cfg.self_host_overhead
                + self.cfg.self_host_fixed_usd_per_month / volume)

    def utility(self, slot: int, month, volume: float) -> float:
        """u_j = b q_j + xi_j - a ln P_j - g r_j + A(bloc, j) - k 1[switch] (utils)."""
        d = self.demand
        privacy = d.privacy_weight * self.privacy * (1.0 + month.alarm)
        trust = float(month.affinity[self.bloc, slot])
        switching = self.cfg.switching_cost if slot != self.current else 0.0
        price = self.price_of(slot, month, volume)
        return (d.quality_weight * self.quality * float(month.capability[slot])
                + float(month.appeal[slot]) - self.alpha * math.log(price)
                - privacy * float(month.risk[slot]) + trust - switching)

    def probabilities(self, month, volume: float) -> list[float]:
        """Nested-logit probabilities over all slots (zero where not available)."""
        lam = self.demand.nest_lambda
        available = [bool(a) for a in month.available[self.bloc]]
        scaled = [self.utility(j, month, volume) / lam if available[j] else None
                  for j in range(len(available))]
        top = max(u for u in scaled if u is not None)
        weights = [math.exp(u - top) if u is not None else 0.0 for u in scaled]
        nest_sum = [0.0] * len(NESTS)
        for j, w in enumerate(weights):
            nest_sum[int(month.nest[j])] += w
        nest_weight = [s ** lam for s in nest_sum]
        total = sum(nest_weight)
        result = []
        for j, w in enumerate(weights):
            g = int(month.nest[j])
            result.append(w / nest_sum[g] * nest_weight[g] / total if w > 0 else 0.0)
        return result

    def step(self) -> None:
        """Review, choose, and buy this month's tokens."""
        model = self.model
        month = model.firm_month[self.segment]
        volume = self.volume(month.growth)
        available = month.available[self.bloc]
        provider_ok = self.current >= 0 and bool(available[self.current])
        reviewing = (month.u_review[self.index] < self.cfg.review_probability
                     or not provider_ok or self.must_review)
        if reviewing:
            if any(bool(a) for a in available):
                cumulative, chosen = 0.0, -1
                probabilities = self.probabilities(month, volume)
                for j, p in enumerate(probabilities):
                    cumulative += p
                    if p > 0:
                        chosen = j  # the last available slot, if rounding leaves u above 1
                        if cumulative > month.u_choice[self.index]:
                            break
                self.current = chosen
            else:
                self.current = -1
        self.must_review = False
        if self.current < 0:
            return
        price = self.price_of(self.current, month, volume)
        tokens = volume * (price / self.demand.reference_price_usd) ** (
            -self.demand.price_elasticity)
        model.firms[self.segment].book(self, tokens, price)


@contextlib.contextmanager
def reference_firms() -> Iterator[None]:
    """Within this block, ``engine=agent`` models are built with :class:`ReferenceStartup`
    firms instead of the live :class:`sim.agents.startup.Startup` (nations and device
    makers are the live ones: firms are nearly all of the buyers' steps)."""
    live = firm_agents.Startup
    firm_agents.Startup = ReferenceStartup
    try:
        yield
    finally:
        firm_agents.Startup = live
