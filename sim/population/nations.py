"""Developing-nation adopters, vectorized over all countries (the fast engine).

One row per country. Each month a country:

1. scores the offerings its rules allow (bans), for each of its income types i,

       u_kij = b q_j + xi_j - a_ki ln P_kj + w * leaning_k * s(bloc_j) - penalty * 1[self-hosted]

   with a_ki = a * (Y_ref / y_ki) ** eta (poorer people are more price sensitive; the
   incomes y_ki of :mod:`sim.market.income`, log-normal around GDP per capita with the
   country's Gini), s(CN) = +1, s(US) = -1, s(other) = 0, and the leaning from the
   country's UN General Assembly votes (:func:`sim.market.buyers.unga_leaning`, -1 at the
   US's ideal point, +1 at China's); the country's choice shares are its types' shares
   weighted by its users' income mix (:func:`sim.market.buyers.mix_over_types`);
2. moves its shares of use towards the choice shares at rate ``share_adjustment``
   (habits and contracts change slowly);
3. adopts by Bass diffusion into the part of its connected population that can afford
   AI at the resulting price, averaged over its income types (:mod:`sim.market.diffusion`),
   which also gives next month's income mix of its users;
4. uses A_k N_k tau (P_kj / P_ref) ** -e million tokens on each offering.

The formulas are the functions of :mod:`sim.market.buyers` and :mod:`sim.market.diffusion`;
the same rule for one country, step by step, is :class:`sim.agents.nation.Nation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.constants import BLOCS
from sim.market import buyers, diffusion, income
from sim.population.segment import SegmentDemand, segment_outside
from sim.rules.choice import ChoiceProblem, checked_probabilities


@dataclass
class NationMonth:
    """The month's inputs for the nations' choice, shared by both engines."""

    capability: np.ndarray  #: (J,) OOM
    appeal: np.ndarray  #: (J,) utils
    price: np.ndarray  #: API prices, (J,)
    self_cost: np.ndarray  #: cost of national self-hosting, (J,) (USD per million tokens)
    slot_bloc: np.ndarray  #: (J,)
    is_api: np.ndarray  #: (J,)
    nest: np.ndarray  #: (J,)
    available: np.ndarray  #: by country, (K, J)
    frontier: float = float("nan")  #: the most capable model on sale (OOM)


def draw_nations(rows: list[dict[str, str]], cfg, rng: np.random.Generator,
                 poles: dict[str, float]) -> dict:
    """Country attributes from the table, with Bass coefficients drawn around their
    configured values.

    The leaning comes from the country's UNGA ideal point and the US's and China's
    (``poles``, by ISO3 code; :func:`sim.market.buyers.unga_leaning`); the income types
    from GDP per capita and the Gini index (:func:`sim.market.income.income_types`, with
    the log-spread scaled by ``income_sigma_scale``).
    """
    k = len(rows)
    gdp = np.array([float(r["gdp_per_capita_usd"]) for r in rows])
    ideal = np.array([float(r["unga_ideal_point"]) for r in rows])
    gini = np.array([float(r["gini"]) for r in rows]) / 100.0
    incomes, weights = income.income_types(
        gdp, cfg.income_sigma_scale * income.lognormal_sigma(gini), cfg.income_nodes)
    spread = cfg.bass_dispersion
    return {
        "iso3": [r["iso3"] for r in rows],
        "population": np.array([float(r["population_m"]) for r in rows]) * 1e6,
        "gdp": gdp,
        "internet": np.array([float(r["internet_share"]) for r in rows]),
        "leaning": buyers.unga_leaning(ideal, poles["USA"], poles["CHN"]),
        "income": incomes,
        "income_weight": weights,
        "bass_p": cfg.bass_p * np.exp(spread * rng.standard_normal(k) - spread ** 2 / 2),
        "bass_q": cfg.bass_q * np.exp(spread * rng.standard_normal(k) - spread ** 2 / 2),
    }


def national_prices(cfg, users: np.ndarray, month: NationMonth) -> np.ndarray:
    """Price each country pays for each offering, (K, J) (USD per million tokens).

    National self-hosting costs the serving cost plus its fixed cost spread over the
    country's tokens at the reference price (one user at least).
    """
    return buyers.national_price_paid(month.price[None, :], month.self_cost[None, :],
                                      month.is_api[None, :], cfg.self_host_fixed_usd_per_month,
                                      users[:, None], cfg.tokens_per_user_mtok)


def national_base_utility(cfg, demand, leaning: np.ndarray, month: NationMonth) -> np.ndarray:
    """Utility without the price term, (K, J) (utils)."""
    return buyers.nation_base_utility(
        month.capability[None, :], month.appeal[None, :],
        buyers.LEANING_SIGN[month.slot_bloc][None, :], month.is_api[None, :],
        leaning[:, None], demand.quality_weight, cfg.geo_weight, cfg.self_host_penalty)


def nation_panel(cfg, demand, leaning, alpha, mix, users, month: NationMonth
                 ) -> dict[str, np.ndarray]:
    """Every country's income types enter the pricing panel, one row each (country by
    country, K n rows), with their users' tokens at the reference price.

    ``alpha`` and ``mix`` are the types' price sensitivities and shares of the users, (K, n).
    """
    n_types = alpha.shape[1]
    return {
        "base_utility": np.repeat(national_base_utility(cfg, demand, leaning, month), n_types,
                                  axis=0),
        "alpha": alpha.ravel(),
        "own_price": np.repeat(national_prices(cfg, users, month), n_types, axis=0),
        "available": np.repeat(month.available, n_types, axis=0),
        "volume": (users[:, None] * cfg.tokens_per_user_mtok * mix).ravel(),
        "quality": np.full(alpha.size, demand.quality_weight),
        "bloc": np.full(alpha.size, BLOCS.index("ROW")),  # nations buy as the ROW bloc
    }


def bloc_shares_of(tokens_by_slot: np.ndarray, slot_bloc: np.ndarray) -> np.ndarray:
    """Share of each country's tokens answered by each bloc's models, (K, B)."""
    by_bloc = np.zeros((tokens_by_slot.shape[0], len(BLOCS)))
    for b in range(len(BLOCS)):
        by_bloc[:, b] = tokens_by_slot[:, slot_bloc == b].sum(axis=1)
    total = by_bloc.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, by_bloc / total, 0.0)


class NationPopulation:
    """All developing nations as arrays."""

    def __init__(self, cfg, demand, initial: dict, choice_rule, rule_name: str) -> None:
        self.cfg, self.demand = cfg, demand
        self.choice_rule, self.rule_name = choice_rule, rule_name
        self.iso3: list[str] = initial["iso3"]
        self.population = initial["population"]
        self.gdp = initial["gdp"]
        self.internet = initial["internet"]
        self.leaning = initial["leaning"]
        self.bass_p, self.bass_q = initial["bass_p"], initial["bass_q"]
        self.income, self.income_weight = initial["income"], initial["income_weight"]
        self.alpha = buyers.price_sensitivity(cfg.alpha, cfg.reference_gdp_usd, self.income,
                                              cfg.income_elasticity_of_alpha)  # (K, n)
        # the users' income mix: the population's until the first month's potential
        self.mix = np.tile(self.income_weight, (len(self.iso3), 1))
        self.adopted = np.full(len(self.iso3), np.nan)  # set in the first month
        self.shares: np.ndarray | None = None
        self.potential = np.zeros(len(self.iso3))
        self.tokens_by_slot: np.ndarray | None = None

    def users(self) -> np.ndarray:
        """People using AI in each country."""
        return np.nan_to_num(self.adopted) * self.population

    def prices(self, month: NationMonth) -> np.ndarray:
        """Price each country pays for each offering, (K, J) (USD per million tokens)."""
        return national_prices(self.cfg, self.users(), month)

    def base_utility(self, month: NationMonth) -> np.ndarray:
        """Utility without the price term, (K, J) (utils)."""
        return national_base_utility(self.cfg, self.demand, self.leaning, month)

    def choose(self, month: NationMonth) -> SegmentDemand:
        """Shares, adoption and tokens of every country this month."""
        price = self.prices(month)
        k, n_types = self.alpha.shape
        # one choice problem row per country and income type, country by country
        utility = buyers.utility_at_price(self.base_utility(month)[:, None, :],
                                          self.alpha[:, :, None], price[:, None, :])
        problem = ChoiceProblem(utility.reshape(k * n_types, -1),
                                np.repeat(month.available, n_types, axis=0),
                                np.repeat(price, n_types, axis=0), month.capability,
                                month.nest, self.demand.nest_lambda,
                                self.demand.adequacy_gap_oom,
                                segment_outside(self.demand, "nations",
                                                np.full(k * n_types, self.demand.quality_weight),
                                                month.frontier))
        by_type = checked_probabilities(self.choice_rule(problem), problem, self.rule_name)
        target = buyers.mix_over_types(self.mix, by_type.reshape(k, n_types, -1))
        self.shares = self.adjust_shares(target, month.available)
        # what a user pays and uses, at the shares of use
        x = buyers.token_volume(1.0, np.where(self.shares > 0, price, 1.0),
                                self.demand.reference_price_usd, self.demand.price_elasticity)
        cost = buyers.cost_per_user(self.shares, x, price, self.cfg.tokens_per_user_mtok)
        self.potential, self.adopted, self.mix = diffusion.adoption_step(
            self.adopted, cost, self.internet, self.income, self.income_weight, self.bass_p,
            self.bass_q, self.cfg.budget_share, self.cfg.affordability_steepness,
            self.cfg.initial_adoption)
        users = self.adopted * self.population
        tokens = users[:, None] * self.cfg.tokens_per_user_mtok * self.shares * x
        self.tokens_by_slot = tokens
        n_slots = month.is_api.size
        rest_of_world = np.zeros((len(BLOCS), n_slots))
        rest_of_world[BLOCS.index("ROW")] = tokens.sum(axis=0)
        with np.errstate(invalid="ignore"):  # 0 * inf where no tokens are bought: skipped
            spend = np.where(tokens > 0, tokens * price, 0.0).sum(axis=0)
        return SegmentDemand(tokens=tokens.sum(axis=0), spend=spend,
                             tokens_by_bloc=rest_of_world, buyers=np.zeros(n_slots))

    def adjust_shares(self, target: np.ndarray, available: np.ndarray) -> np.ndarray:
        """Partial adjustment of shares towards the target, on available offerings only
        (:func:`sim.market.buyers.adjust_shares`)."""
        return buyers.adjust_shares(self.shares, target, available, self.cfg.share_adjustment,
                                    "nations" in self.demand.outside_utility)

    def panel_rows(self, month: NationMonth) -> dict[str, np.ndarray]:
        """This month's rows of the pricing panel."""
        return nation_panel(self.cfg, self.demand, self.leaning, self.alpha, self.mix,
                            self.users(), month)

    def bloc_shares(self, slot_bloc: np.ndarray) -> np.ndarray:
        """Share of each country's tokens answered by each bloc's models, (K, B)."""
        return bloc_shares_of(self.tokens_by_slot, slot_bloc)
