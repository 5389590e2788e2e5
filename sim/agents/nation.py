"""A developing nation adopting AI: one Mesa agent per country, one step each.

The executable specification of the adopters' rule, in plain Python for one country.
The default engine runs the same rule over all countries at once
(:mod:`sim.population.nations`); tests check that both agree. Each month the country
scores the offerings it may use, moves its shares of use towards the logit shares,
adopts by Bass diffusion within what its people can afford, and uses tokens.
"""

from __future__ import annotations

import math

import mesa

from sim.core.constants import BLOCS, NESTS

_SIGN = {"US": -1.0, "CN": 1.0}


class Nation(mesa.Agent):
    """One country.

    Attributes:
        iso3: country code; population (people); gdp (USD per person per year);
        internet: share of people online; leaning: -1 (US) to +1 (China);
        alpha: price sensitivity; bass_p, bass_q: diffusion coefficients (per month);
        adopted: share of people using AI; shares: its use split among offerings.
    """

    def __init__(self, model: mesa.Model, index: int, cfg, demand, attributes: dict) -> None:
        super().__init__(model)
        self.index, self.cfg, self.demand = index, cfg, demand
        self.iso3 = attributes["iso3"][index]
        self.population = float(attributes["population"][index])
        self.gdp = float(attributes["gdp"][index])
        self.internet = float(attributes["internet"][index])
        self.leaning = float(attributes["leaning"][index])
        self.bass_p = float(attributes["bass_p"][index])
        self.bass_q = float(attributes["bass_q"][index])
        self.alpha = cfg.alpha * (cfg.reference_gdp_usd / self.gdp) ** (
            cfg.income_elasticity_of_alpha)
        self.adopted: float | None = None
        self.shares: list[float] | None = None
        self.potential = 0.0
        self.tokens: list[float] = []
        self.prices: list[float] = []

    def price_of(self, slot: int, month) -> float:
        """Price of an offering for this country (USD per million tokens)."""
        if month.is_api[slot]:
            return float(month.price[slot])
        users = (self.adopted or 0.0) * self.population
        national = max(users, 1.0) * self.cfg.tokens_per_user_mtok
        return float(month.self_cost[slot]) + self.cfg.self_host_fixed_usd_per_month / national

    def target_shares(self, month) -> list[float]:
        """Nested-logit shares over the offerings it may use."""
        lam = self.demand.nest_lambda
        slots = range(month.is_api.size)
        scaled = []
        for j in slots:
            if not month.available[self.index, j]:
                scaled.append(None)
                continue
            bloc = BLOCS[int(month.slot_bloc[j])]
            u = (self.demand.quality_weight * float(month.capability[j]) + float(month.appeal[j])
                 - self.alpha * math.log(self.price_of(j, month))
                 + self.cfg.geo_weight * self.leaning * _SIGN.get(bloc, 0.0)
                 - (0.0 if month.is_api[j] else self.cfg.self_host_penalty))
            scaled.append(u / lam)
        if all(u is None for u in scaled):
            return [0.0] * len(scaled)
        top = max(u for u in scaled if u is not None)
        weights = [math.exp(u - top) if u is not None else 0.0 for u in scaled]
        nest_sum = [0.0] * len(NESTS)
        for j, w in enumerate(weights):
            nest_sum[int(month.nest[j])] += w
        total = sum(s ** lam for s in nest_sum)
        return [w / nest_sum[int(month.nest[j])] * nest_sum[int(month.nest[j])] ** lam / total
                if w > 0 else 0.0 for j, w in enumerate(weights)]

    def step(self) -> None:
        """Choose, adopt and use tokens this month."""
        month = self.model.nation_month
        self.prices = [self.price_of(j, month) for j in range(month.is_api.size)]
        target = self.target_shares(month)
        if self.shares is None:
            shares = list(target)
        else:
            rate = self.cfg.share_adjustment
            shares = [((1 - rate) * s + rate * t) if month.available[self.index, j] else 0.0
                      for j, (s, t) in enumerate(zip(self.shares, target, strict=True))]
            total = sum(shares)
            shares = [s / total for s in shares] if total > 0 else list(target)
        self.shares = shares
        ref, eps = self.demand.reference_price_usd, self.demand.price_elasticity
        use = [(self.prices[j] / ref) ** -eps if s > 0 else 0.0 for j, s in enumerate(shares)]
        cost = self.cfg.tokens_per_user_mtok * sum(
            s * x * p for s, x, p in zip(shares, use, self.prices, strict=True) if s > 0)
        budget = self.cfg.budget_share * self.gdp / 12.0
        afford = 1.0 / (1.0 + (cost / budget) ** self.cfg.affordability_steepness)
        self.potential = self.internet * afford
        if self.adopted is None:
            self.adopted = self.cfg.initial_adoption * self.potential
        elif self.adopted < self.potential:
            grown = self.adopted + (self.bass_p + self.bass_q * self.adopted / self.potential) * (
                self.potential - self.adopted)
            self.adopted = min(grown, self.potential)
        else:
            self.adopted = self.potential
        users = self.adopted * self.population
        self.tokens = [users * self.cfg.tokens_per_user_mtok * s * x
                       for s, x in zip(shares, use, strict=True)]
