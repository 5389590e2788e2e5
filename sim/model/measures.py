"""The recorder's measures of market power, concentration and welfare (by theme).

Called by :meth:`sim.model.record.Recorder.collect` each month; the formulas are the pure
functions of :mod:`sim.market.metrics`. Conventions:

- **Market power** is a revenue-weighted margin over API sales, by bloc and market-wide,
  at the marginal cost vendors pay (net of energy and per-token subsidies) and at social
  cost (the subsidies added back).
- **Concentration** is measured on revenue (API spend) and on API tokens. Self-hosted
  tokens are a fringe that no lab owns (their author earns nothing on them): they count in
  the segment's total, so they dilute the labs' token shares, but as many negligible
  units they add nothing to the HHI.
- **Welfare** is ``W = CS + PS - G`` per month: consumer surplus, producer surplus and the
  governments' spending on subsidies and price support, net of the duties they collect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.constants import BLOCS, OPENNESS
from sim.market.metrics import (
    group_shares,
    hhi_with_fringe,
    market_elasticity,
    revenue_weighted_lerner,
    social_marginal_cost,
    total_welfare,
)

if TYPE_CHECKING:
    from sim.model.record import Recorder

USD = "USD per month"


def market_power(rec: Recorder, model) -> None:
    """Revenue-weighted Lerner index of each bloc's vendors and of the whole market (1)."""
    vs = [v for v in model.vendors if v.active]
    price = np.array([v.price for v in vs])
    cost = np.array([v.marginal_cost for v in vs])
    # social cost: before the per-token subsidy, the energy subsidy added back
    social = social_marginal_cost([v.cost_before_token for v in vs],
                                  [v.energy_subsidy_per_mtok for v in vs])
    tokens = np.array([v.tokens_api for v in vs])
    bloc = np.array([v.bloc for v in vs], dtype=object)
    private, at_social = [], []
    for b in BLOCS:
        mine = bloc == b
        private.append(revenue_weighted_lerner(price[mine], cost[mine], tokens[mine]))
        at_social.append(revenue_weighted_lerner(price[mine], social[mine], tokens[mine]))
    rec.add("lerner_bloc", "all", "1", list(BLOCS), private)
    rec.add("lerner_bloc_social_cost", "all", "1", list(BLOCS), at_social)
    rec.add("lerner_market", "all", "1", ["market"],
            [revenue_weighted_lerner(price, cost, tokens)])
    rec.add("lerner_market_social_cost", "all", "1", ["market"],
            [revenue_weighted_lerner(price, social, tokens)])


def demand_elasticity(rec: Recorder, model, step: float = 0.01) -> None:
    """Elasticity of the panel's demand for the labs' APIs to a 1% rise of every lab's API price
    (third-party hosts' prices follow their cost and stay put), over
    the long run and within a month (:func:`sim.market.metrics.market_elasticity`)."""
    panel, menu = model.panel, model.menu
    prices = np.where(menu.lab_api[None, :], menu.price_by_bloc, np.nan)  # by buyer bloc
    # the raised prices first: the panel keeps its last state, so it ends at the month's
    after = panel.tokens(prices * (1.0 + step))[0]
    before = panel.tokens(prices)[0]
    rec.add("market_elasticity", "all", "1", ["long_run", "one_month"],
            market_elasticity(before, after, panel.adjustment, menu.lab_api, step,
                              panel.price_elasticity))


def concentration(rec: Recorder, model) -> None:
    """HHI by revenue and by API tokens, and revenue shares by bloc and openness, per
    segment and for all segments together (segment ``all``)."""
    menu = model.menu
    n = menu.n_vendors
    segments = {s: (d.tokens[:n], d.tokens[n:].sum(), d.spend[:n])
                for s, d in model.demand.items()}
    if segments:
        api, fringe, spend = (sum(parts) for parts in zip(*segments.values(), strict=True))
        segments["all"] = (api, fringe, spend)
    for segment, (api, fringe, spend) in segments.items():
        rec.add("hhi_revenue", segment, "points", ["market"], [hhi_with_fringe(spend)])
        rec.add("hhi_tokens_api", segment, "points", ["market"],
                [hhi_with_fringe(api, fringe)])
        rec.add("revenue_share_bloc", segment, "1", list(BLOCS),
                group_shares(spend, menu.bloc[:n], len(BLOCS)))
        rec.add("revenue_share_openness", segment, "1", list(OPENNESS),
                group_shares(spend, menu.openness[:n], len(OPENNESS)))


def welfare(rec: Recorder, model) -> None:
    """Producer surplus by vendor, bloc and in all; governments' spending; the welfare split.

    Run after the consumer surplus of the month is recorded.
    """
    vs = model.vendors
    # producer surplus is the accounts' profit (sim.market.finance.profit): revenue and
    # every state payment in, serving, chips, fixed costs and compliance out
    ps = np.array([v.profit for v in vs])
    rec.add("producer_surplus", "all", USD, model.vendor_ids, ps)
    bloc = np.array([v.bloc for v in vs], dtype=object)
    rec.add("producer_surplus_bloc", "all", USD, list(BLOCS),
            [ps[bloc == b].sum() for b in BLOCS])
    govs = model.governments
    spending = [sum(g.spending.values()) for g in govs.values()]
    rec.add("government_spending", "all", USD, list(govs), spending)
    cs = float(rec.latest("consumer_surplus", "all")[0])
    # G is the governments' net outlay: what they spend less the duties they collect (buyers
    # paid the duties, which CS counts as price; the treasury gets them back)
    duties = float(sum(g.duty_revenue for g in govs.values()))
    producer, government = float(ps.sum()), float(sum(spending)) - duties
    rec.add("welfare", "all", USD,
            ["consumer_surplus", "producer_surplus", "government_spending", "total"],
            [cs, producer, government, total_welfare(cs, producer, government)])
