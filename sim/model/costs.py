"""What compute costs this month: chips, energy and export limits, per bloc.

The formulas are pure functions of :mod:`sim.market.cost` and :mod:`sim.market.compute`;
:class:`Costs` applies them to the world's chips, energy prices and governments at the
clock's month, and remembers each FLOP cost for the month (every vendor asks for the
same few).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.agents.government import Government
from sim.core.constants import BLOCS
from sim.market import compute, cost
from sim.model.clock import Clock


class Costs:
    """The month's cost of compute, read from the world and the governments' levers.

    Args:
        world: the world's config (``cfg.world``): chips, energy, compute.
        governments: the government agents by bloc (their levers are read, never set).
        clock: the model's clock (the current month).
    """

    def __init__(self, world, governments: Mapping[str, Government], clock: Clock) -> None:
        self.world, self.governments, self.clock = world, governments, clock
        self.flop_costs: dict[tuple, float] = {}

    def new_month(self) -> None:
        """Forget last month's FLOP costs (they are keyed by month, so this frees memory)."""
        self.flop_costs.clear()

    def hardware_factor(self) -> float:
        """Cost of a FLOP now relative to the reference month (1)
        (:func:`sim.market.cost.hardware_factor`)."""
        return cost.hardware_factor(self.clock.month, self.clock.reference_month,
                                    self.world.compute.hardware_cost_decline_per_year)

    def export_level(self, bloc: str) -> float:
        """Share of ``bloc``'s advanced-chip demand it may fill (1: no limit): the tightest
        limit of the governments that target it."""
        levels = [g.export_level for g in self.governments.values() if g.export_target == bloc]
        return min(levels, default=1.0)

    def domestic_supply(self, bloc: str) -> float:
        """Domestic chips the bloc's fabs make this month for its labs (chips, in today's
        equivalents; :func:`sim.market.compute.domestic_supply`); 0 where it makes none."""
        compute_cfg = self.world.compute
        if bloc not in compute_cfg.domestic_chip_blocs:
            return 0.0
        return compute.domestic_supply(self.clock.month, self.clock.reference_month,
                                       compute_cfg.domestic_supply_kchips_per_month,
                                       compute_cfg.domestic_supply_growth_per_year)

    def usd_per_flop(self, kind: str, bloc: str, subsidised: bool = True) -> float:
        """Cost of a delivered serving FLOP on ``kind`` chips in ``bloc`` (USD per FLOP),
        net of the bloc's energy subsidy unless ``subsidised`` is False.

            c = k * f(t) * c_chip / (tflops * 1e12 * utilisation * efficiency)

        with ``c_chip`` rental plus energy per second
        (:func:`sim.market.cost.chip_cost_per_second`), efficiency ``1 - supercluster_penalty``
        on domestic chips and ``k`` the serving overhead over the engineering estimate
        (``world.compute.serving_overhead``).
        """
        government = self.governments.get(bloc)
        key = (self.clock.month, kind, bloc, subsidised,
               government.energy_subsidy if government else 0)
        if key not in self.flop_costs:
            self.flop_costs[key] = self.compute_usd_per_flop(kind, bloc, subsidised)
        return self.flop_costs[key]

    def compute_usd_per_flop(self, kind: str, bloc: str, subsidised: bool) -> float:
        """:meth:`usd_per_flop` without the month's memory (USD per FLOP)."""
        world = self.world
        chip, energy = world.chips[kind], world.energy[bloc]
        government = self.governments.get(bloc)
        subsidy = government.energy_subsidy if (government and subsidised) else 0.0
        per_second = cost.chip_cost_per_second(
            chip.rental_usd_per_hour, chip.power_kw, energy.pue, energy.price_usd_per_kwh,
            subsidy)
        efficiency = 1.0 - world.compute.supercluster_penalty if kind == "domestic" else 1.0
        return world.compute.serving_overhead * self.hardware_factor() * float(cost.cost_per_flop(
            per_second, chip.tflops, world.compute.serving_utilisation, efficiency))

    def cloud_usd_per_flop(self) -> np.ndarray:
        """Cost of a serving FLOP in each bloc's cloud, (B,) (USD per FLOP): advanced chips,
        mixed with domestic ones in proportion to the export level where the bloc makes
        its own.

            c_b = l_b * c_adv + (1 - l_b) * c_dom
        """
        out = np.empty(len(BLOCS))
        for b, bloc in enumerate(BLOCS):
            advanced = self.usd_per_flop("advanced", bloc)
            if bloc in self.world.compute.domestic_chip_blocs:
                level = self.export_level(bloc)
                out[b] = level * advanced + (1 - level) * self.usd_per_flop("domestic", bloc)
            else:
                out[b] = advanced
        return out
