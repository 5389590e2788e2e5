"""What the labs know: algorithmic progress, the frontiers, and the spread of knowledge.

The formulas are pure functions of :mod:`sim.market.capability`; :class:`Knowledge`
applies them to the vendors at the clock's month. Open releases teach every other lab at
once; closed models leak with a lag of ``closed_leak_lag_months``, so the closed models on
sale are remembered month by month. A lab does not learn from its own models (nor from
its product lines'): what it released is already in its knowledge, and a release above
its path fades back to it (:meth:`sim.agents.vendor.Vendor.learn`). With
``distillation_rate`` > 0, labs also distil the others' current models in proportion to
their share of last month's API tokens (:meth:`Knowledge.api_sources`), from the end of the
history on: the recorded releases already hold whatever distillation happened before, in the
labs' offsets, so the replay and the offsets do not change with the rate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.agents.vendor import Vendor
from sim.market.capability import (
    algo_multiplier,
    distillation_target,
    gap_in_months,
    guarded_api_share,
    spillover_target,
    with_distillation,
)
from sim.model.clock import Clock


class Knowledge:
    """The labs' knowledge and the frontiers they learn from.

    Args:
        capability: the world's capability config (``cfg.world.capability``).
        clock: the model's clock (the current month).
        vendors: the vendor agents (read; they learn through :meth:`Vendor.learn`).
        guards: each bloc's distillation guard (share 0-1 of the distillation of its labs'
            models it prevents; a bloc not named has none).

    Attributes:
        closed_by_month: the closed models on sale each simulated month, as (owning lab,
            capability in OOM) pairs.
    """

    def __init__(self, capability, clock: Clock, vendors: Sequence[Vendor],
                 guards: dict[str, float] | None = None) -> None:
        self.cfg, self.clock, self.vendors = capability, clock, vendors
        self.guards = dict(guards or {})
        self.closed_by_month: dict[int, list[tuple[str, float]]] = {}

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
        without a model have the mean offset of the labs with a recorded release
        (:meth:`share_offsets`); labs with no compute yet start one OOM below the laggard;
        open models are put ``initial_open_lag_months`` behind the closed frontier."""
        vendors = self.vendors
        released = [v for v in vendors if v.active and v.parent is None]
        if released:
            self.share_offsets()
            floor = min(v.knowledge for v in released) - 1.0
            for vendor in vendors:
                if not vendor.active and vendor.parent is None:
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

    def share_offsets(self) -> None:
        """During the history, a lab without a recorded release takes the mean offset of the
        labs with one (its estimate until its own records come; fixed after the history)."""
        labs = [v for v in self.vendors if v.parent is None]
        estimated = [v.efficiency for v in labs if v.residuals]
        if estimated:
            for vendor in labs:
                if not vendor.residuals:
                    vendor.efficiency = float(np.mean(estimated))

    def _models(self, kind: str) -> list[tuple[str, float]]:
        """(owning lab, capability) of the models on sale of one kind: ``closed``, ``open``
        (open-weight or open-source) or ``open_source``."""
        keep = {"closed": ("closed",), "open": ("open_weight", "open_source"),
                "open_source": ("open_source",)}[kind]
        return [(v.owner.vid, v.capability) for v in self.vendors
                if v.active and v.openness in keep]

    def spread(self) -> None:
        """Labs learn from the best open model of the others (at once) and the others'
        closed one (with a lag) (:func:`sim.market.capability.spillover_target`); product
        lines know what their parent knows; from the end of the history, labs also distil the
        others' API outputs (:meth:`distil`) when ``distillation_rate`` > 0."""
        cap = self.cfg
        month = self.clock.month
        if self.clock.in_history():
            self.share_offsets()
        self.closed_by_month[month] = self._models("closed")
        lagged_month = max(self.clock.start, month - cap.closed_leak_lag_months)
        lagged = self.closed_by_month.get(lagged_month, self.closed_by_month[month])
        opened, source = self._models("open"), self._models("open_source")
        labs = [v for v in self.vendors if v.parent is None]
        distilling = cap.distillation_rate > 0 and not self.clock.in_history()  # see the module
        api = self.api_sources() if distilling else []
        for vendor in labs:
            target = spillover_target(
                np.array([vendor.base_capability]), best_of_others(opened, vendor.vid),
                best_of_others(lagged, vendor.vid), np.array([vendor.cfg.absorptive_capacity]),
                cap.spill_open, cap.spill_closed, best_of_others(source, vendor.vid),
                cap.spill_open + cap.spill_source_bonus)
            if distilling:
                target = self.distil(vendor, target, api, (opened, lagged, source))
            vendor.learn(float(np.nan_to_num(target[0])))
        for vendor in self.vendors:
            if vendor.parent is not None:
                vendor.learn(0.0)


    def api_sources(self) -> list[tuple[str, float, float]]:
        """(owning lab, capability in OOM, distillable API share) of each model on sale: its
        share of the API tokens all vendors sold last month (the month has not cleared yet)
        after its bloc's guard (:func:`sim.market.capability.guarded_api_share`); all 0
        before the first month has sold."""
        sold = [v for v in self.vendors if v.active]
        total = sum(v.tokens_api for v in sold)
        if total <= 0:
            return []
        return [(v.owner.vid, v.capability,
                 guarded_api_share(v.tokens_api / total, self.guards.get(v.bloc, 0.0)))
                for v in sold]

    def distil(self, vendor: Vendor, target: np.ndarray, api: list[tuple[str, float, float]],
               frontiers: tuple[list[tuple[str, float]], ...]) -> np.ndarray:
        """The lab's spillover target plus what it distils from the others' API outputs
        (``api``: :meth:`api_sources`), capped at its gap to the best model it learns from,
        among the others' ``frontiers`` models and those it distils
        (:func:`sim.market.capability.distillation_target`,
        :func:`sim.market.capability.with_distillation`)."""
        others = [(q, share) for owner, q, share in api if owner != vendor.vid]
        base = np.array([vendor.base_capability])
        distilled = distillation_target(
            base, np.array([q for q, _ in others]), np.array([s for _, s in others]),
            np.array([vendor.cfg.absorptive_capacity]), self.cfg.distillation_rate)
        best = max([best_of_others(models, vendor.vid) for models in frontiers]
                   + [q for q, share in others if share > 0])
        return with_distillation(target, distilled, base, best)


def best_of_others(models: list[tuple[str, float]], lab: str) -> float:
    """The best capability among ``models`` (owning lab, OOM) not owned by ``lab``; minus
    infinity if there is none."""
    return max((q for owner, q in models if owner != lab), default=-np.inf)
