"""A developing nation adopting AI: one Mesa agent per country, one step each.

The executable specification of the adopters' rule for one country. Each month the
country scores the offerings it may use for each of its income types, mixes the types'
logit shares by its users' income mix, moves its shares of use towards them, adopts by
Bass diffusion within what its people can afford, and uses tokens. Its
formulas are the functions of :mod:`sim.market.buyers` and :mod:`sim.market.diffusion`,
called on this country's row of offerings; the default engine calls the same functions
on all countries at once (:mod:`sim.population.nations`), and tests check that both agree.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.market import buyers, diffusion
from sim.market import demand as nested_logit
from sim.population.segment import segment_outside


class Nation(mesa.Agent):
    """One country.

    Attributes:
        iso3: country code; population (people); gdp (USD per person per year);
        internet: share of people online; leaning: -1 (US) to +1 (China);
        income, income_weight: its income types' incomes (USD per person per year) and
        shares of the population, (n,); alpha: their price sensitivities, (n,);
        mix: its users' shares by income type, (n,);
        bass_p, bass_q: diffusion coefficients (per month);
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
        self.income = np.asarray(attributes["income"][index], dtype=float)
        self.income_weight = np.asarray(attributes["income_weight"], dtype=float)
        self.alpha = buyers.price_sensitivity(cfg.alpha, cfg.reference_gdp_usd, self.income,
                                              cfg.income_elasticity_of_alpha)
        self.mix = self.income_weight.copy()  # the population's until its first month
        self.adopted: float | None = None
        self.shares: np.ndarray | None = None
        self.potential = 0.0
        self.tokens = np.zeros(0)
        self.prices = np.zeros(0)

    def users(self) -> float:
        """People using AI in this country (none before its first month)."""
        return (self.adopted or 0.0) * self.population

    def prices_of(self, month) -> np.ndarray:
        """Price of each offering for this country, (J,) (USD per million tokens)."""
        return buyers.national_price_paid(month.price, month.self_cost, month.is_api,
                                          self.cfg.self_host_fixed_usd_per_month, self.users(),
                                          self.cfg.tokens_per_user_mtok)

    def target_shares(self, month, prices: np.ndarray) -> np.ndarray:
        """Nested-logit shares over the offerings it may use, (J,): each income type's,
        weighted by its users' income mix."""
        base = buyers.nation_base_utility(
            month.capability, month.appeal, buyers.LEANING_SIGN[month.slot_bloc], month.is_api,
            self.leaning, self.demand.quality_weight, self.cfg.geo_weight,
            self.cfg.self_host_penalty)
        n_types = self.alpha.size
        utility = buyers.utility_at_price(base[None, :], self.alpha[:, None], prices[None, :])
        by_type = nested_logit.choice_probabilities(
            utility, np.repeat(month.available[self.index][None, :], n_types, axis=0),
            month.nest, self.demand.nest_lambda,
            segment_outside(self.demand, "nations", np.full(n_types, self.demand.quality_weight),
                            month.frontier))
        return buyers.mix_over_types(self.mix, by_type)

    def step(self) -> None:
        """Choose, adopt and use tokens this month."""
        month = self.model.nation_month
        cfg, demand = self.cfg, self.demand
        self.prices = self.prices_of(month)
        target = self.target_shares(month, self.prices)
        self.shares = buyers.adjust_shares(self.shares, target, month.available[self.index],
                                           cfg.share_adjustment,
                                           "nations" in demand.outside_utility)
        use = np.array([float(buyers.token_volume(1.0, p, demand.reference_price_usd,
                                                  demand.price_elasticity)) if s > 0 else 0.0
                        for s, p in zip(self.shares, self.prices, strict=True)])
        cost = float(buyers.cost_per_user(self.shares, use, self.prices, cfg.tokens_per_user_mtok))
        potential, adopted, self.mix = diffusion.adoption_step(
            math.nan if self.adopted is None else self.adopted, cost, self.internet,
            self.income, self.income_weight, self.bass_p, self.bass_q, cfg.budget_share,
            cfg.affordability_steepness, cfg.initial_adoption)
        self.potential, self.adopted = float(potential), float(adopted)
        users = self.adopted * self.population
        self.tokens = users * cfg.tokens_per_user_mtok * self.shares * use
