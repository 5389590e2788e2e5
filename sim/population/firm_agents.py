"""Firms as one Mesa agent each (the reference engine), behind the same interface as
:class:`sim.population.firms.FirmPopulation`, so that the model runs either engine."""

from __future__ import annotations

import numpy as np

from sim.agents.startup import Startup
from sim.core.constants import BLOCS
from sim.market import buyers
from sim.population.firms import FirmMonth
from sim.population.segment import SegmentDemand


class FirmAgents:
    """A segment's firms as :class:`Startup` agents, stepped one by one."""

    def __init__(self, model, segment: str, cfg, demand, initial: dict[str, np.ndarray]) -> None:
        self.segment, self.cfg, self.demand = segment, cfg, demand
        self.agents = [
            Startup(model, segment, i, cfg, demand, int(initial["bloc"][i]),
                    int(initial["vertical"][i]), float(initial["volume"][i]),
                    float(initial["alpha"][i]), float(initial["privacy"][i]),
                    float(initial["quality"][i]))
            for i in range(cfg.n)
        ]
        self.harmed_total = 0
        self._tally: SegmentDemand | None = None

    @property
    def n(self) -> int:
        return self.cfg.n

    @property
    def weight(self) -> float:
        """Real firms each simulated firm stands for (``represents / n``)."""
        return self.cfg.represents / self.cfg.n

    @property
    def current(self) -> np.ndarray:
        return np.array([a.current for a in self.agents])

    def book(self, agent: Startup, tokens: float, price: float) -> None:
        """Add one firm's purchase to the month's tallies (market clearing, one by one)."""
        tally = self._tally
        tokens = tokens * self.weight
        tally.tokens[agent.current] += tokens
        tally.spend[agent.current] += tokens * price
        tally.tokens_by_bloc[agent.bloc, agent.current] += tokens
        tally.buyers[agent.current] += 1

    def choose(self, month: FirmMonth) -> SegmentDemand:
        """Step every firm in index order (draws are pre-made, so order does not matter)."""
        n_slots = month.is_api.size
        self._tally = SegmentDemand(np.zeros(n_slots), np.zeros(n_slots),
                                    np.zeros((len(BLOCS), n_slots)), np.zeros(n_slots))
        for agent in self.agents:
            agent.step()
        return self._tally

    def vertical_tokens(self, slot: int, growth: float) -> np.ndarray:
        totals = np.zeros(self.cfg.n_verticals)
        for a in self.agents:
            if a.current == slot:
                totals[a.vertical] += a.volume(growth)
        return totals

    def harm(self, slot: int, vertical: int, loss: float, privacy_jump: float) -> int:
        count = 0
        for a in self.agents:
            if a.current == slot and a.vertical == vertical:
                a.loss *= 1.0 - loss
                a.privacy = min(1.0, a.privacy + privacy_jump)
                a.must_review = True
                count += 1
        self.harmed_total += count
        return count

    def shift_privacy(self, delta: float) -> None:
        for a in self.agents:
            a.privacy = min(1.0, max(0.0, a.privacy + delta))

    def panel_rows(self, rows: np.ndarray, month: FirmMonth) -> dict[str, np.ndarray]:
        """The demand-panel entries of the sampled firms, read from the agents and put
        through the buyers' formulas (:mod:`sim.market.buyers`)."""
        picked = [self.agents[i] for i in rows]
        d = self.demand
        bloc = np.array([a.bloc for a in picked], dtype=int)
        quality = np.array([a.quality for a in picked])
        volume = np.array([a.volume(month.growth) for a in picked])
        base = buyers.firm_base_utility(
            quality[:, None], np.array([a.privacy for a in picked])[:, None],
            month.capability[None, :], month.appeal[None, :], month.risk[None, :],
            month.affinity[bloc], d.quality_weight, d.privacy_weight, month.alarm)
        price = buyers.firm_price_paid(month.price[bloc], month.self_cost[bloc],
                                       month.is_api[None, :], self.cfg.self_host_overhead,
                                       self.cfg.self_host_fixed_usd_per_month, volume[:, None])
        return {
            "base_utility": base,
            "alpha": np.array([a.alpha for a in picked]),
            "own_price": price,
            "available": month.available[bloc],
            "volume": volume,
            "quality": d.quality_weight * quality,
            "bloc": bloc,
        }
