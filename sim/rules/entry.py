"""The vendors' entry rules (``rules.vendor_entry``): which of its API customers' verticals a
closed lab that builds applications enters this month, if any.

Each rule takes the vendor and the model and returns the vertical (an index) or None; the
model asks every active closed lab with ``enters_verticals`` once a month, after the books
(:meth:`sim.model.AIMarket.enter_verticals`), and books what the rule chose. The formulas are
the pure functions of :mod:`sim.market.entry`; this module reads their inputs off the model.
"""

from __future__ import annotations

import numpy as np

from sim.market import entry as en
from sim.rules.registry import rule


@rule("vendor_entry", "hazard")
def hazard(vendor, model) -> int | None:
    """With probability ``world.entry.hazard_per_month`` (the vendor's entry uniform of the
    month, ``model.entry_draws``, below it) the lab enters the vertical where its API
    customers use the most tokens (:func:`sim.market.entry.largest_vertical`)."""
    if model.entry_draws[vendor.index] >= model.cfg.world.entry.hazard_per_month:
        return None
    seen = [f.vertical_tokens(vendor.index, model.firm_month[s].growth)
            for s, f in model.firms.items() if s in model.firm_month]
    return en.largest_vertical(en.vertical_totals(seen))


@rule("vendor_entry", "profit")
def profit(vendor, model) -> int | None:
    """The vertical not yet entered with the highest expected entry profit
    (:func:`sim.market.entry.entry_profit`), when it is positive:

        v* = argmax_v Pi_v,   Pi_v = H [pi a p - kappa m] T_v - K,   enter iff Pi_v* > 0

    with T_v the tokens its API customers in vertical v bought this month
    (:func:`revealed_demand`). Pi_v* is left on the vendor (``vendor.entry_value``, recorded
    as ``entry_value``); nan where the lab has no customers or has entered every vertical.
    """
    settings = model.cfg.world.entry
    tokens = revealed_demand(vendor, model)
    entered = {v for _, vid, v, _ in model.entries if vid == vendor.vid}
    allowed = np.array([v not in entered for v in range(tokens.size)], dtype=bool)
    if tokens.sum() <= 0:
        return None
    price = float(vendor.price)
    margin = float(np.nan_to_num(vendor.price - vendor.marginal_cost))
    profits = en.entry_profit(
        tokens, price, margin, settings.app_value_per_api_usd, settings.margin_share,
        settings.horizon_months, settings.entry_cost_usd,
        en.lost_api_share(settings.harm_volume_loss, settings.leave_share))
    vertical, vendor.entry_value = en.best_vertical(profits, allowed)
    return vertical


def revealed_demand(vendor, model) -> np.ndarray:
    """T_v: the tokens the vendor's API customers in each vertical bought this month (million
    tokens per month). Each firm segment's tokens on the vendor's API (served, weighted to
    the real firms) are split over the verticals in proportion to its customers' volumes
    there (``FirmSegment.vertical_tokens``: all pay the same API price, so they buy in that
    proportion)."""
    parts = []
    for segment, firms in model.firms.items():
        if segment not in model.firm_month or segment not in model.demand:
            continue
        volume = firms.vertical_tokens(vendor.index, model.firm_month[segment].growth)
        total = volume.sum()
        bought = float(model.demand[segment].tokens[vendor.index])
        parts.append(bought * volume / total if total > 0 else np.zeros_like(volume))
    return en.vertical_totals(parts)
