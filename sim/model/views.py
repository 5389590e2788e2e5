"""What buyers see each month: the menu, each segment's view of it, the pricing panel.

Functions of the model, called by :class:`sim.model.AIMarket` once the vendors have
their costs (and again after they set prices).
"""

from __future__ import annotations

import numpy as np

from sim.agents.device_maker import DeviceMaker, embodiment
from sim.core.calendar import parse_month
from sim.core.constants import BLOCS
from sim.market.pricing import DemandPanel
from sim.population.firms import FirmMonth
from sim.population.nations import NationMonth


def refresh_menu(model) -> None:
    """Rebuild the menu and each segment's view of it for this month."""
    world = model.cfg.world
    model.menu.refresh(model.vendors, model.cloud_usd_per_flop(), world.demand.risk_closed_api,
                      world.demand.risk_open_api, world.entry.risk_per_entry)
    covers = world.demand.ban_covers_self_hosting
    menu = model.menu
    firm_available = model.bans.availability([(b,) for b in BLOCS], menu, model.vendor_ids,
                                            covers)
    months = model.month - model.start
    affinity = firm_affinity(model)
    for segment in model.firms:
        u_review, u_choice = model.uniforms[segment]
        model.firm_month[segment] = FirmMonth(
            capability=menu.capability, appeal=menu.appeal, price=menu.price,
            self_cost=menu.self_cost, risk=menu.risk, affinity=affinity,
            slot_bloc=menu.bloc, is_api=menu.is_api, nest=menu.nest,
            available=firm_available,
            growth=world.firms[segment].volume_growth_per_year ** (months / 12.0),
            alarm=model.alarm, u_review=u_review, u_choice=u_choice)
    nation_codes = [(code, "developing") for code in model.nations.iso3]
    model.nation_month = NationMonth(
        capability=menu.capability, appeal=menu.appeal, price=menu.price,
        self_cost=menu.self_cost[BLOCS.index("ROW")], slot_bloc=menu.bloc,
        is_api=menu.is_api, nest=menu.nest,
        available=model.bans.availability(nation_codes, menu, model.vendor_ids, covers))
    devices = world.devices
    embodied = embodiment(model.month, parse_month(devices.embodiment_midpoint),
                          devices.embodiment_rate_per_year)
    embodied0 = embodiment(model.start, parse_month(devices.embodiment_midpoint),
                           devices.embodiment_rate_per_year)
    for maker in model.device_makers:
        maker.update_demand(months, embodied, embodied0)


def firm_affinity(model) -> np.ndarray:
    """Firms' trust in each slot by buyer bloc, (B, J): the affinity of the buyer's bloc
    for the model's bloc, scaled by ``self_host_trust`` for self-hosted weights."""
    demand = model.cfg.world.demand
    table = np.array([[demand.affinity.get(b, {}).get(m, 0.0) for m in BLOCS]
                      for b in BLOCS])
    scale = np.where(model.menu.is_api, 1.0, demand.self_host_trust)
    return table[:, model.menu.bloc] * scale[None, :]


def device_available(model, maker: DeviceMaker) -> np.ndarray:
    """What a bloc's device makers may use."""
    return model.bans.availability([(maker.bloc,)], model.menu, model.vendor_ids,
                                  model.cfg.world.demand.ban_covers_self_hosting)[0]


def build_panel(model) -> DemandPanel:
    """The demand panel: sampled firms (weighted up), every nation, every device maker."""
    parts, weights = [], []
    for segment, firms in model.firms.items():
        rows = firms.panel_index
        part = firms.panel_rows(rows, model.firm_month[segment])
        parts.append(part)
        weights.append(part["volume"] * firms.n / rows.size)
    nation_part = model.nations.panel_rows(model.nation_month)
    parts.append(nation_part)
    weights.append(nation_part["volume"])
    for maker in model.device_makers:
        part = maker.panel_row(model.menu, model.cfg.world.demand,
                               device_available(model, maker))
        parts.append(part)
        weights.append(part["volume"])
    demand = model.cfg.world.demand
    return DemandPanel(
        base_utility=np.concatenate([p["base_utility"] for p in parts]),
        alpha=np.concatenate([p["alpha"] for p in parts]),
        own_price=np.concatenate([p["own_price"] for p in parts]),
        available=np.concatenate([p["available"] for p in parts]),
        weight=np.concatenate(weights),
        quality_weight=np.concatenate([p["quality"] for p in parts]),
        is_api=model.menu.is_api, nest=model.menu.nest, nest_lambda=demand.nest_lambda,
        price_elasticity=demand.price_elasticity,
        reference_price=demand.reference_price_usd)

