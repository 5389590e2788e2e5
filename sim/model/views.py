"""What buyers see each month: each segment's view of the menu, and the pricing panel.

Functions of the menu, the bans and the buyers that return the month's views; the model
keeps what they return (:meth:`sim.model.AIMarket.show_menu`). They are computed once the
vendors have their costs, and again after the vendors set prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.agents.device_maker import DeviceMaker
from sim.core.constants import BLOCS
from sim.market.buyers import volume_growth
from sim.market.panel import DemandPanel
from sim.model.bans import Bans
from sim.model.menu import Menu
from sim.population.firms import FirmMonth
from sim.population.nations import NationMonth
from sim.population.segment import FirmSegment, NationSegment, segment_outside


def firm_affinity(demand, menu: Menu) -> np.ndarray:
    """Firms' trust in each slot by buyer bloc, (B, J) (utils): the affinity of the buyer's
    bloc for the model's bloc, scaled by ``self_host_trust`` for weights run outside the
    lab: self-hosted, or served by third-party hosts.

        a_bj = affinity[b][bloc(j)] * (1 if j is a lab's API else self_host_trust)
    """
    table = np.array([[demand.affinity.get(b, {}).get(m, 0.0) for m in BLOCS]
                      for b in BLOCS])
    scale = np.where(menu.lab_api, 1.0, demand.self_host_trust)
    return table[:, menu.bloc] * scale[None, :]


def firm_months(world, menu: Menu, bans: Bans, vendor_ids: Sequence[str],
                alarm: float, uniforms: Mapping[str, tuple[np.ndarray, np.ndarray]],
                ) -> dict[str, FirmMonth]:
    """Each firm segment's view of the month, by segment.

    The frontier on the menu sets the volume growth (:func:`sim.market.buyers.volume_growth`);
    ``uniforms`` are the month's review and choice draws of each segment
    (:func:`sim.model.buyers.draw_uniforms`).
    """
    available = bans.availability([(b,) for b in BLOCS], menu, vendor_ids,
                                  world.demand.ban_covers_self_hosting)
    affinity = firm_affinity(world.demand, menu)
    demand = world.demand
    growth = float(volume_growth(menu.frontier, demand.reference_capability,
                                 demand.volume_per_oom))
    views = {}
    for segment, (u_review, u_choice) in uniforms.items():
        views[segment] = FirmMonth(
            capability=menu.capability, appeal=menu.appeal, price=menu.price_paid,
            self_cost=menu.self_cost, risk=menu.risk, affinity=affinity,
            slot_bloc=menu.bloc, is_api=menu.is_api, nest=menu.nest,
            available=available, growth=growth, frontier=menu.frontier, alarm=alarm,
            u_review=u_review, u_choice=u_choice)
    return views


def nation_month(world, menu: Menu, bans: Bans, vendor_ids: Sequence[str],
                 iso3: Sequence[str]) -> NationMonth:
    """The developing nations' view of the month: they buy as the ROW bloc (its prices and
    duties) and self-host at the ROW cloud's cost."""
    codes = [(code, "developing") for code in iso3]
    return NationMonth(
        capability=menu.capability, appeal=menu.appeal, price=menu.price_paid[BLOCS.index("ROW")],
        self_cost=menu.self_cost[BLOCS.index("ROW")], slot_bloc=menu.bloc,
        is_api=menu.is_api, nest=menu.nest, frontier=menu.frontier,
        available=bans.availability(codes, menu, vendor_ids,
                                    world.demand.ban_covers_self_hosting))


def device_available(bans: Bans, menu: Menu, vendor_ids: Sequence[str], bloc: str,
                     covers_self_hosting: bool) -> np.ndarray:
    """What a bloc's device makers may use, (J,) (bool)."""
    return bans.availability([(bloc,)], menu, vendor_ids, covers_self_hosting)[0]


def build_panel(demand, menu: Menu, firms: Mapping[str, FirmSegment],
                firm_month: Mapping[str, FirmMonth], nations: NationSegment,
                nation_view: NationMonth, device_makers: Sequence[DeviceMaker],
                device_views: Sequence[np.ndarray]) -> DemandPanel:
    """The demand panel vendors price against: sampled firms, weighted up by
    ``n / sample size``, every nation and every device maker (``device_views``: what
    each maker may use).

    ``demand`` is the world's demand config (``cfg.world.demand``). The panel's priced
    offerings are the labs' APIs; third-party hosts take their price as given, so their
    slots enter like self-hosting, at the price each buyer pays (``own_price``). Each row
    carries its buyer bloc (firms their own, nations ROW, device makers theirs), so the
    panel prices by buyer bloc, and the wedge ``1 + duty`` its bloc's duties put on what it
    pays (None without duties).
    """
    parts, weights, outside, adjustment = [], [], [], []
    segments = [*firms, "nations", *(["devices"] * len(device_makers))]
    for segment, segment_firms in firms.items():
        rows = segment_firms.panel_index
        part = segment_firms.panel_rows(rows, firm_month[segment])
        parts.append(part)
        weights.append(part["volume"] * segment_firms.weight * segment_firms.n / rows.size)
        adjustment.append(np.full(rows.size, segment_firms.cfg.review_probability))
    nation_part = nations.panel_rows(nation_view)
    parts.append(nation_part)
    weights.append(nation_part["volume"])
    adjustment.append(np.full(nation_part["alpha"].size, nations.cfg.share_adjustment))
    for maker, available in zip(device_makers, device_views, strict=True):
        part = maker.panel_row(menu, demand, available)
        parts.append(part)
        weights.append(part["volume"])
        adjustment.append(np.array([maker.cfg.share_adjustment]))
    if demand.outside_utility:
        outside = [outside_rows(demand, segment, part["quality"], menu.frontier)
                   for segment, part in zip(segments, parts, strict=True)]
    bloc = np.concatenate([p["bloc"] for p in parts]).astype(int)
    wedge = 1.0 + menu.duty[bloc] if menu.duty.any() else None
    return DemandPanel(
        base_utility=np.concatenate([p["base_utility"] for p in parts]),
        alpha=np.concatenate([p["alpha"] for p in parts]),
        own_price=np.concatenate([p["own_price"] for p in parts]),
        available=np.concatenate([p["available"] for p in parts]),
        weight=np.concatenate(weights),
        quality_weight=np.concatenate([p["quality"] for p in parts]),
        is_api=menu.lab_api, nest=menu.nest, nest_lambda=demand.nest_lambda,
        price_elasticity=demand.price_elasticity,
        reference_price=demand.reference_price_usd,
        outside_utility=np.concatenate(outside) if demand.outside_utility else None,
        adjustment=np.concatenate(adjustment), bloc=bloc, wedge=wedge)


def outside_rows(demand, segment: str, taste: np.ndarray, frontier: float) -> np.ndarray:
    """The panel rows' utility of not buying (utils): the segment's outside option
    (:func:`sim.population.segment.segment_outside`), -inf (never chosen) for a segment
    without one."""
    value = segment_outside(demand, segment, taste, frontier)
    return np.full(np.shape(taste), -np.inf) if value is None else value
