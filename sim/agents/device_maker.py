"""Device makers (cars, drones, robots): embodied AI, one agent per bloc.

A bloc's demand for on-device tokens grows with its manufacturing capacity and with the
share of devices that embed AI models (a logistic in time):

    D_b(t) = D0 * capacity_b(t) * E(t) / E(start)      (capacity shares sum to one at the start)
    E(t)   = 1 / (1 + exp(-r (t - t_mid) / 12))

Makers prefer efficient models that run on the device (few active parameters), open
weights over cloud APIs, and their home bloc's models:

    u_j = b q_j + xi_j - a ln P_j - w ln N_active_j - c 1[cloud API] + h 1[home bloc]

and move their shares towards the choice rule's shares at ``share_adjustment``.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.core.constants import BLOCS
from sim.market import buyers
from sim.population.segment import SegmentDemand, segment_outside
from sim.rules.choice import ChoiceProblem, checked_probabilities


def embodiment(month: int, midpoint: int, rate_per_year: float) -> float:
    """Share of devices embedding AI models, a logistic in months (1)."""
    return 1.0 / (1.0 + math.exp(-rate_per_year * (month - midpoint) / 12.0))


class DeviceMaker(mesa.Agent):
    """The device industry of one bloc.

    Attributes:
        bloc: its bloc; capacity: its share of world manufacturing capacity now (1, grows);
        demand: on-device tokens it needs this month (million tokens);
        shares: its use split among offerings; tokens: its tokens by offering.
    """

    def __init__(self, model: mesa.Model, bloc: str, cfg) -> None:
        super().__init__(model)
        self.bloc, self.cfg = bloc, cfg
        self.bloc_index = BLOCS.index(bloc)
        self.capacity0 = cfg.capacity_share[bloc]
        self.capacity = self.capacity0
        self.demand = 0.0
        self.shares: np.ndarray | None = None
        self.tokens = np.zeros(0)
        self.prices = np.zeros(0)

    def update_demand(self, months_since_start: int, embodied_now: float,
                      embodied_start: float) -> None:
        """Capacity grows at its bloc's rate; demand follows capacity and embodiment."""
        growth = self.cfg.capacity_growth_per_year.get(self.bloc, 1.0)
        self.capacity = self.capacity0 * growth ** (months_since_start / 12.0)
        self.demand = (self.cfg.demand_mtok_at_start * self.capacity
                       * embodied_now / embodied_start)

    def utility(self, menu, demand_cfg, price: np.ndarray | None = None) -> np.ndarray:
        """Its utility for every offering on the menu, at ``price`` (without the price term
        if None), (J,) (utils): :func:`sim.market.buyers.device_utility`."""
        cfg = self.cfg
        return buyers.device_utility(
            menu.capability, menu.appeal, menu.active_params_b, menu.is_api,
            menu.bloc == self.bloc_index, demand_cfg.quality_weight, cfg.efficiency_weight,
            cfg.cloud_penalty, cfg.home_bias, alpha=cfg.alpha, price=price)

    def choose(self, market, demand_cfg, available: np.ndarray) -> SegmentDemand:
        """Score offerings, adjust shares, buy tokens."""
        menu = market
        price = np.where(menu.is_api, menu.price_paid[self.bloc_index],
                         menu.self_cost[self.bloc_index])
        safe_price = np.where(available, price, 1.0)
        utility = self.utility(menu, demand_cfg, safe_price)
        problem = ChoiceProblem(utility[None, :], available[None, :], safe_price[None, :],
                                menu.capability, menu.nest, demand_cfg.nest_lambda,
                                demand_cfg.adequacy_gap_oom,
                                segment_outside(demand_cfg, "devices",
                                                np.array([demand_cfg.quality_weight]),
                                                menu.frontier))
        rule_name = self.model.cfg.rules.adopter_choice
        target = checked_probabilities(self.model.rules["adopter_choice"](problem), problem,
                                       rule_name)[0]
        self.shares = buyers.adjust_shares(self.shares, target, available,
                                           self.cfg.share_adjustment,
                                           "devices" in demand_cfg.outside_utility)
        use = buyers.token_volume(1.0, safe_price, demand_cfg.reference_price_usd,
                                  demand_cfg.price_elasticity)
        self.tokens = self.demand * self.shares * use
        self.prices = safe_price
        by_bloc = np.zeros((len(BLOCS), price.size))
        by_bloc[self.bloc_index] = self.tokens
        return SegmentDemand(self.tokens, self.tokens * safe_price, by_bloc, np.zeros(price.size))

    def panel_row(self, market, demand_cfg, available: np.ndarray) -> dict[str, np.ndarray]:
        """The device maker's row of the pricing panel."""
        menu = market
        # the labs' APIs are priced by the panel; hosted APIs and self-hosting at their price
        price = np.where(menu.lab_api, 1.0,
                         np.where(menu.is_api, menu.price_paid[self.bloc_index],
                                  menu.self_cost[self.bloc_index]))
        base = self.utility(menu, demand_cfg)  # the panel adds the price term itself
        return {"base_utility": base[None, :], "alpha": np.array([self.cfg.alpha]),
                "own_price": np.where(available, price, 1.0)[None, :],
                "available": available[None, :], "volume": np.array([self.demand]),
                "quality": np.array([demand_cfg.quality_weight]),
                "bloc": np.array([self.bloc_index])}
