"""The vendors' openness rules (``rules.vendor_openness``): how open a lab's next model is.

Each rule takes the vendor and the model and returns ``closed``, ``open_weight`` or
``open_source``; the model asks it when the release rule has decided to ship
(:meth:`sim.agents.vendor.Vendor.maybe_release`). The payoffs of ``profit`` are the pure
formulas of :mod:`sim.market.openness`; this module reads their inputs off the model.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.market import openness as op
from sim.rules.registry import rule


@rule("vendor_openness", "keep")
def keep(vendor, model) -> str:
    """The lab keeps the openness of its current model (the recorded history's last)."""
    return vendor.openness


@rule("vendor_openness", "profit")
def profit(vendor, model) -> str:
    """The level with the highest expected payoff over the horizon
    (:func:`sim.market.openness.payoff`, inputs from :func:`openness_inputs`):

        level* = argmax_l H [m M x_api(l) + w_l M x_self(l) + g F_dev(l)] - C_spill(l)
                          - C_switch 1[l != l_0]

    with C_switch = ``world.openness.switch_cost_usd`` for a lab that has a model on sale at
    level l_0 (none for its first). Ties keep the current level. The open-minus-closed gap
    (before any switching cost) is left on the vendor (``vendor.openness_gap``, recorded as
    ``openness_payoff_gap``).
    """
    values = op.payoffs(openness_inputs(vendor, model))
    vendor.openness_gap = op.open_gap(values)
    # a lab with no model on sale has nothing to go back on
    switch = model.cfg.world.openness.switch_cost_usd if vendor.model_name else 0.0
    return op.best_level(values, vendor.openness, switch)


def _family_shares(demand, vendor, n: int) -> tuple[float, float, float]:
    """The vendor's API and self-hosted tokens, and all tokens, of some segments (Mtok)."""
    tokens = sum((d.tokens for d in demand), np.zeros(2 * n))
    return float(tokens[vendor.index]), float(tokens[n + vendor.index]), float(tokens.sum())


def _attractions(api: float, self_hosted: float, total: float,
                 ratio: float) -> tuple[float, float]:
    """A and S of a market from the lab's tokens in it, estimated alike whether its model is
    open or closed (:func:`sim.market.openness.estimated_attractions`)."""
    if total <= 0:
        return 0.0, 0.0
    return op.estimated_attractions(api / total, self_hosted / total, ratio)


def openness_inputs(vendor, model) -> op.OpennessInputs:
    """What the lab sees when it weighs openness, from last month's market:

    - m = p - c, its API price less its marginal cost; M all tokens bought (every segment);
    - its API and self-hosted shares of M give A, the odds of its API against the outside
      good, and S = A (p / s) ** a, open or closed alike
      (:func:`sim.market.openness.estimated_attractions`), with s the mean cost of
      self-hosting its model over the blocs' clouds and a the demand panel's token-weighted
      price sensitivity;
    - the same in the developing nations' tokens for the soft-power term;
    - rivals: the other labs' capability before spillovers and absorptive capacity, and the
      model it would release now (:meth:`sim.agents.vendor.Vendor.next_capability`).
    """
    world = model.cfg.world
    settings, knowledge = world.openness, world.capability
    n = len(model.vendors)
    margin = float(np.nan_to_num(vendor.price - vendor.marginal_cost))
    panel = model.panel
    alpha = (float(np.average(panel.alpha, weights=panel.weight))
             if panel is not None and panel.weight.sum() > 0 else 0.0)
    self_cost = float(np.nanmean(model.menu.self_cost[:, n + vendor.index]))
    ratio = op.self_host_ratio(vendor.price, self_cost, alpha)
    api, self_hosted, total = _family_shares(model.demand.values(), vendor, n)
    a, s = _attractions(api, self_hosted, total, ratio)
    nations = [model.demand["nations"]] if "nations" in model.demand else []
    dev_a, dev_s = _attractions(*_family_shares(nations, vendor, n), ratio)
    gov = model.governments.get(vendor.bloc)
    inputs = op.OpennessInputs(
        margin=margin, market_tokens=total, api_attraction=a, self_attraction=s,
        dev_api_attraction=dev_a, dev_self_attraction=dev_s,
        horizon_months=settings.horizon_months,
        ecosystem_value=settings.ecosystem_value_usd_per_mtok,
        source_ecosystem_bonus=settings.source_ecosystem_bonus,
        soft_power_value=gov.cfg.openness_soft_power_value if gov else 0.0,
        spill_costs={})
    rivals = [v for v in model.vendors if v.parent is None and v.owner is not vendor.owner
              and np.isfinite(v.base_capability)]
    gaps = np.array([vendor.next_capability() - v.base_capability for v in rivals])
    absorptive = np.array([v.cfg.absorptive_capacity for v in rivals])
    closed = op.closed_api_profit(inputs)
    costs = {level: op.spillover_cost(
        op.catch_up_share(level, knowledge.spill_open, knowledge.spill_closed,
                          knowledge.spill_source_bonus),
        gaps, absorptive, settings.spill_loss_per_oom, closed) for level in op.LEVELS}
    return replace(inputs, spill_costs=costs)
