"""Developing nations as one Mesa agent each (the reference engine), behind the same
interface as :class:`sim.population.nations.NationPopulation`."""

from __future__ import annotations

import numpy as np

from sim.agents.nation import Nation
from sim.core.constants import BLOCS
from sim.population.nations import bloc_shares_of, nation_panel
from sim.population.segment import SegmentDemand


class NationAgents:
    """The countries as :class:`Nation` agents, stepped one by one."""

    def __init__(self, model, cfg, demand, initial: dict) -> None:
        self.cfg, self.demand = cfg, demand
        self.agents = [Nation(model, k, cfg, demand, initial) for k in range(len(initial["iso3"]))]
        self.iso3 = [a.iso3 for a in self.agents]
        self.population = np.array([a.population for a in self.agents])
        self.alpha = np.array([a.alpha for a in self.agents])

    @property
    def adopted(self) -> np.ndarray:
        return np.array([a.adopted if a.adopted is not None else np.nan for a in self.agents])

    @property
    def potential(self) -> np.ndarray:
        return np.array([a.potential for a in self.agents])

    @property
    def tokens_by_slot(self) -> np.ndarray:
        return np.array([a.tokens for a in self.agents])

    def users(self) -> np.ndarray:
        return np.nan_to_num(self.adopted) * self.population

    def choose(self, month) -> SegmentDemand:
        n_slots = month.is_api.size
        tokens, spend = np.zeros(n_slots), np.zeros(n_slots)
        for agent in self.agents:
            agent.step()
            for j in range(n_slots):
                if agent.tokens[j] > 0:  # market clearing, one purchase at a time
                    tokens[j] += agent.tokens[j]
                    spend[j] += agent.tokens[j] * agent.prices[j]
        by_bloc = np.zeros((len(BLOCS), n_slots))
        by_bloc[BLOCS.index("ROW")] = tokens
        return SegmentDemand(tokens, spend, by_bloc, np.zeros(n_slots))

    def panel_rows(self, month) -> dict[str, np.ndarray]:
        """The pricing panel rows, from the agents' state."""
        leaning = np.array([a.leaning for a in self.agents])
        mix = np.array([a.mix for a in self.agents])
        return nation_panel(self.cfg, self.demand, leaning, self.alpha, mix, self.users(), month)

    def bloc_shares(self, slot_bloc: np.ndarray) -> np.ndarray:
        return bloc_shares_of(self.tokens_by_slot, slot_bloc)
