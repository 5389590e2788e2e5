"""What the labs know: algorithmic progress, the frontiers, and the spread of knowledge.

The formulas are pure functions of :mod:`sim.market.capability`; :class:`Knowledge`
applies them to the vendors at the clock's month. Open releases teach every lab at once;
closed models leak with a lag of ``closed_leak_lag_months``, so the closed frontier is
remembered month by month.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.agents.vendor import Vendor
from sim.market.capability import algo_multiplier, gap_in_months, spillover_target
from sim.model.clock import Clock


class Knowledge:
    """The labs' knowledge and the frontiers they learn from.

    Args:
        capability: the world's capability config (``cfg.world.capability``).
        clock: the model's clock (the current month).
        vendors: the vendor agents (read; they learn through :meth:`Vendor.learn`).

    Attributes:
        closed_frontier_by_month: the closed frontier of each simulated month (OOM).
    """

    def __init__(self, capability, clock: Clock, vendors: Sequence[Vendor]) -> None:
        self.cfg, self.clock, self.vendors = capability, clock, vendors
        self.closed_frontier_by_month: dict[int, float] = {}

    def algo_multiplier(self) -> float:
        """Algorithmic efficiency this month relative to the reference month (1).

            m(t) = 2 ** ((t - t_ref) / halving)
        """
        return algo_multiplier(self.clock.month, self.clock.reference_month,
                               self.cfg.algo_halving_months)

    def closed_frontier(self) -> float:
        """Best capability of a closed model on sale (OOM); minus infinity if none."""
        values = [v.capability for v in self.vendors if v.active and v.openness == "closed"]
        return max(values, default=-np.inf)

    def open_frontier(self) -> float:
        """Best capability of an open (weight or source) model on sale (OOM)."""
        values = [v.capability for v in self.vendors if v.active and v.openness != "closed"]
        return max(values, default=-np.inf)

    def bloc_frontier(self, bloc: str) -> float:
        """Best capability of a model of ``bloc`` on sale (OOM); minus infinity if none."""
        return max((v.capability for v in self.vendors if v.active and v.bloc == bloc),
                   default=-np.inf)

    def capability_lead_months(self, leader: str, follower: str) -> float:
        """How far the best model of ``leader``'s bloc is ahead of ``follower``'s (months).

            lead = 12 * (q_leader - q_follower) / oom_per_year

        Plus infinity when only the leader has a model, minus infinity when it has none.
        """
        gap = self.bloc_frontier(leader) - self.bloc_frontier(follower)
        if not np.isfinite(gap):
            return np.inf if self.bloc_frontier(leader) > -np.inf else -np.inf
        return gap_in_months(gap, self.cfg.oom_per_year)

    def start(self) -> None:
        """Knowledge at the start, once the events before it have been replayed: labs
        without a model are as efficient as the released labs on average; labs with no
        compute yet start one OOM below the laggard; open models are put
        ``initial_open_lag_months`` behind the closed frontier."""
        vendors = self.vendors
        released = [v for v in vendors if v.active and v.parent is None]
        if released:
            mean_efficiency = float(np.mean([v.efficiency for v in released]))
            floor = min(v.knowledge for v in released) - 1.0
            for vendor in vendors:
                if not vendor.active and vendor.parent is None:
                    vendor.efficiency = mean_efficiency
                    vendor.knowledge = (vendor.base_capability
                                        if np.isfinite(vendor.own_capability) else floor)
        lag = self.cfg.initial_open_lag_months
        open_labs = [v for v in vendors if v.active and v.openness != "closed"]
        if lag is not None and open_labs and self.closed_frontier() > -np.inf:
            target = self.closed_frontier() - lag * self.cfg.oom_per_year / 12
            shift = target - max(v.capability for v in open_labs)
            for vendor in open_labs:
                vendor.capability += shift
                vendor.knowledge += shift
        for vendor in vendors:
            if vendor.parent is not None:
                vendor.learn(0.0)

    def spread(self) -> None:
        """Labs learn from the open frontier (at once) and the closed one (with a lag)
        (:func:`sim.market.capability.spillover_target`); product lines know what their
        parent knows."""
        cap = self.cfg
        month = self.clock.month
        self.closed_frontier_by_month[month] = self.closed_frontier()
        lagged_month = max(self.clock.start, month - cap.closed_leak_lag_months)
        lagged = self.closed_frontier_by_month.get(lagged_month, self.closed_frontier())
        labs = [v for v in self.vendors if v.parent is None]
        base = np.array([v.base_capability for v in labs])
        absorb = np.array([v.cfg.absorptive_capacity for v in labs])
        source = max((v.capability for v in self.vendors
                      if v.active and v.openness == "open_source"), default=-np.inf)
        targets = spillover_target(base, self.open_frontier(), lagged, absorb, cap.spill_open,
                                   cap.spill_closed, source,
                                   cap.spill_open + cap.spill_source_bonus)
        for vendor, target in zip(labs, targets, strict=True):
            vendor.learn(float(np.nan_to_num(target)))
        for vendor in self.vendors:
            if vendor.parent is not None:
                vendor.learn(0.0)
