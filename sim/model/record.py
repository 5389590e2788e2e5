"""The recorder: each month's outcomes as tidy, labelled series.

Each series is a (metric, segment) pair with fixed entities (vendors, blocs, countries);
a month appends one value per entity into a list, and :meth:`Recorder.to_frame` turns
everything into one long table with the columns

    month, metric, entity, segment, value, unit

(one row per month, metric, entity and segment; ``segment`` is ``all`` where it does not
apply). Recording keeps numpy rows only; the table is built once, at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.calendar import format_month
from sim.core.constants import BLOCS, OPENNESS
from sim.market import discrimination
from sim.market.capability import capability_index, gap_in_months
from sim.market.demand import inclusive_value
from sim.market.markup import at_markup_cap, count_at_cap
from sim.market.metrics import (
    consumer_surplus,
    hhi,
    lerner_index,
    quality_adjusted_price,
    shares,
    soft_power,
    weighted_mean,
)
from sim.model.measures import concentration, demand_elasticity, market_power, welfare
from sim.model.menu import SLOT_KINDS

COLUMNS = ["month", "metric", "entity", "segment", "value", "unit"]


class Recorder:
    """Collects the model's series month by month."""

    def __init__(self, model) -> None:
        self.months: list[str] = []
        self.series: dict[tuple[str, str], dict] = {}

    def add(self, metric: str, segment: str, unit: str, entities: list[str], values,
            exists=None) -> None:
        """Append this month's values of one series (one value per entity).

        ``exists`` (one flag per entity) marks the entities that exist this month: a NaN of
        an entity that does not exist yet (a vendor before its first model) means "no such
        thing", not "unknown", and :meth:`to_frame` leaves its row out.
        """
        key = (metric, segment)
        if key not in self.series:
            self.series[key] = {"unit": unit, "entities": list(entities), "rows": [],
                                "exists": []}
        row = np.asarray(values, dtype=float).reshape(-1)
        self.series[key]["rows"].append(row)
        self.series[key]["exists"].append(
            np.ones(row.size, dtype=bool) if exists is None
            else np.asarray(exists, dtype=bool).reshape(-1))

    def latest(self, metric: str, segment: str) -> np.ndarray:
        """The values of a series recorded last (one per entity)."""
        return self.series[(metric, segment)]["rows"][-1]

    def collect(self, model) -> None:
        """Record the month that has just been simulated."""
        self.months.append(format_month(model.month))
        _vendors(self, model)
        _segments(self, model)
        _blocs(self, model)
        _firms(self, model)
        _nations(self, model)
        _policy(self, model)
        _finance(self, model)
        _hosts(self, model)
        welfare(self, model)
        _markup_guard(self, model)

    def to_frame(self) -> pd.DataFrame:
        """All series as one long table (see the module docstring)."""
        if not self.series:
            return pd.DataFrame(columns=COLUMNS)
        months, metrics, entities, segments, values, units = [], [], [], [], [], []
        keep = []
        month_codes = np.arange(len(self.months))
        for (metric, segment), s in self.series.items():
            block = np.vstack(s["rows"])  # (months, entities)
            n_months, n_entities = block.shape
            keep.append((np.vstack(s["exists"]) | ~np.isnan(block)).reshape(-1))
            months.append(np.repeat(month_codes[:n_months], n_entities))
            entities.append(np.tile(np.asarray(s["entities"], dtype=object), n_months))
            values.append(block.reshape(-1))
            size = n_months * n_entities
            metrics.append(np.full(size, metric, dtype=object))
            segments.append(np.full(size, segment, dtype=object))
            units.append(np.full(size, s["unit"], dtype=object))
        frame = pd.DataFrame({
            "month": pd.Categorical.from_codes(np.concatenate(months), self.months),
            "metric": pd.Categorical(np.concatenate(metrics)),
            "entity": pd.Categorical(np.concatenate(entities)),
            "segment": pd.Categorical(np.concatenate(segments)),
            "value": np.concatenate(values),
            "unit": pd.Categorical(np.concatenate(units)),
        })
        frame["month"] = frame["month"].astype(str)
        kept = np.concatenate(keep)
        if not kept.all():  # rows of entities that do not exist yet (see add)
            frame = frame[kept].reset_index(drop=True)
        return frame


# -- the series, by theme --------------------------------------------------------------------

def _vendors(rec: Recorder, model) -> None:
    ids = model.vendor_ids
    vs = model.vendors
    n = len(vs)
    active = [v.active for v in vs]  # a vendor exists in the tables from its first model
    price = np.array([v.price if v.active else np.nan for v in vs])
    mc = np.array([v.marginal_cost if v.active else np.nan for v in vs])
    usd = "USD per million tokens"
    rec.add("price", "all", usd, ids, price, active)
    rec.add("marginal_cost", "all", usd, ids, mc, active)
    rec.add("lerner", "all", "1", ids, lerner_index(price, mc), active)
    rec.add("nash_price", "all", usd, ids, model.nash[:n], active)
    rec.add("nash_gap", "all", "1", ids, price / model.nash[:n] - 1.0, active)
    rec.add("nash_converged", "all", "flag", ["market"], [float(model.nash_converged)])
    rec.add("dumping", "all", "flag", ids, [float(v.dumping) for v in vs])
    _trade(rec, model)
    rec.add("state_support", "all", "USD per month", ids, [v.state_support for v in vs])
    rec.add("revenue", "all", "USD per month", ids, [v.revenue for v in vs])
    rec.add("profit", "all", "USD per month", ids, [v.profit for v in vs])
    rec.add("tokens_api", "all", "million tokens per month", ids, [v.tokens_api for v in vs])
    rec.add("tokens_self_hosted", "all", "million tokens per month", ids,
            [v.tokens_self for v in vs])
    capability = np.array([v.capability if v.active else np.nan for v in vs])
    rec.add("capability", "all", "OOM", ids, capability, active)
    rec.add("capability_index", "all", "ECI points", ids, _index(model, capability), active)
    rec.add("knowledge", "all", "OOM", ids, [v.knowledge for v in vs])
    rec.add("compute", "all", "FLOP/s", ids, [sum(v.fleet_flops()) for v in vs])
    rec.add("utilisation", "all", "1", ids, [v.utilisation for v in vs])
    rec.add("served_share", "all", "1", ids, model.served_share)
    rec.add("ecosystem_share", "all", "1", ids, model.ecosystems.shares())
    rec.add("active_params", "all", "billion parameters", ids,
            [v.active_params_b if v.active else np.nan for v in vs], active)
    rec.add("total_params", "all", "billion parameters", ids,
            [v.total_params_b if v.active else np.nan for v in vs], active)
    rec.add("openness_level", "all", "0 closed, 1 open-weight, 2 open-source", ids,
            [OPENNESS.index(v.openness) if v.active else np.nan for v in vs], active)
    # only where an openness rule has weighed payoffs (none with rules.vendor_openness=keep)
    gap = np.array([v.openness_gap for v in vs])
    rec.add("openness_payoff_gap", "all", "USD", ids, gap, np.isfinite(gap))
    # only where an entry rule has weighed profits (none with rules.vendor_entry=hazard)
    value = np.array([v.entry_value for v in vs])
    rec.add("entry_value", "all", "USD", ids, value, np.isfinite(value))


def _segments(rec: Recorder, model) -> None:
    menu = model.menu
    n = menu.n_vendors
    ids = model.vendor_ids
    hosted = menu.hosted
    for segment, demand in model.demand.items():
        tokens = demand.tokens
        by_vendor = tokens[:n] + tokens[n:2 * n]
        if hosted:
            by_vendor = by_vendor + tokens[2 * n:]
        rec.add("token_share", segment, "1", ids, shares(by_vendor))
        rec.add("revenue_share", segment, "1", ids, shares(demand.spend[:n]))
        rec.add("token_share_bloc", segment, "1", list(BLOCS),
                [shares(tokens)[menu.bloc == b].sum() for b in range(len(BLOCS))])
        rec.add("token_share_openness", segment, "1", list(OPENNESS),
                [shares(tokens)[menu.openness == o].sum() for o in range(len(OPENNESS))])
        rec.add("open_share", segment, "1", ["open"],
                [shares(tokens)[menu.openness != OPENNESS.index("closed")].sum()])
        rec.add("token_share_kind", segment, "1", list(SLOT_KINDS[:menu.n_slots // n]),
                [shares(tokens)[k * n:(k + 1) * n].sum() for k in range(menu.n_slots // n)])
        rec.add("hhi_tokens_incl_self_hosted", segment, "points", ["market"],
                [hhi(by_vendor)])
        rec.add("tokens", segment, "million tokens per month", ["market"], [tokens.sum()])
        rec.add("spend", segment, "USD per month", ["market"], [demand.spend.sum()])
        rec.add("spend_self_hosted", segment, "USD per month", ["market"],
                [demand.spend[n:2 * n].sum()])
        if hosted:
            rec.add("spend_hosted", segment, "USD per month", ["market"],
                    [demand.spend[2 * n:].sum()])
    _surplus(rec, model)
    concentration(rec, model)
    demand_elasticity(rec, model)


def _surplus(rec: Recorder, model) -> None:
    """Consumer surplus and quality-adjusted price on the demand panel (weighted up).

    The quality-adjusted price is the price at which one offering of the reference
    capability would leave buyers as well off as the whole menu (USD per million tokens).
    """
    panel = model.panel
    demand = model.cfg.world.demand
    # what each buyer pays: its bloc's prices, duty included
    prices = np.where(model.menu.is_api[None, :], model.menu.price_by_bloc, np.nan)
    price = panel.buyer_prices(prices)
    # capability measured from a reference level, so that the index is a price of that level
    utility = (panel.base_utility - panel.quality_weight[:, None] * demand.reference_capability
               - panel.alpha[:, None] * np.log(np.where(panel.available, price, 1.0)))
    # the outside option is measured from the same reference, so choices are unchanged
    outside = (None if panel.outside_utility is None else
               panel.outside_utility - panel.quality_weight * demand.reference_capability)
    value = inclusive_value(utility, panel.available, panel.nest, panel.nest_lambda, outside)
    # surplus over the outside option where a buyer has one, else over one offering of the
    # reference capability at the reference price
    reference = -panel.alpha * np.log(demand.reference_price_usd)
    if outside is not None:
        reference = np.where(np.isfinite(outside), outside, reference)
    counted = np.isfinite(value) & (panel.weight > 0)
    surplus = consumer_surplus(panel.weight[counted] * demand.reference_price_usd,
                               value[counted], reference[counted], panel.alpha[counted])
    rec.add("consumer_surplus", "all", "USD per month", ["market"], [surplus.sum()])
    # the price index of buyers who may buy something (with only the outside option left,
    # the index is that of not buying: it says nothing about the prices on the menu)
    index = quality_adjusted_price(value, panel.alpha)
    ok = (np.isfinite(index) & (index > 0) & (panel.weight > 0)
          & panel.available.any(axis=1))
    rec.add("quality_adjusted_price", "all", "USD per million tokens", ["market"],
            [float(np.exp(weighted_mean(np.log(index[ok]), panel.weight[ok])))
             if ok.any() else np.nan])


def _blocs(rec: Recorder, model) -> None:
    vs = model.vendors
    compute = [sum(sum(v.fleet_flops()) for v in vs if v.bloc == bloc and v.parent is None)
               for bloc in BLOCS]
    market_power(rec, model)
    rec.add("compute_bloc", "all", "FLOP/s", list(BLOCS), compute)
    frontier = []
    for bloc in BLOCS:
        caps = [v.capability for v in vs if v.active and v.bloc == bloc]
        frontier.append(max(caps) if caps else np.nan)
    rec.add("frontier_bloc", "all", "OOM", list(BLOCS), frontier)
    oom = model.cfg.world.capability.oom_per_year
    us_cn = frontier[BLOCS.index("US")] - frontier[BLOCS.index("CN")]
    rec.add("capability_gap", "all", "OOM", ["US-CN"], [us_cn])
    knowledge = model.knowledge
    frontiers = np.array([knowledge.closed_frontier(), knowledge.open_frontier()])
    frontiers[~np.isfinite(frontiers)] = np.nan  # a kind with no model on sale yet
    gaps = np.array([us_cn, frontiers[0] - frontiers[1]])  # OOM
    rec.add("capability_gap_months", "all", "months", ["US-CN", "closed-open"],
            gap_in_months(gaps, oom))
    # the same on the Epoch Capabilities Index (world.capability.index)
    points = model.cfg.world.capability.index.points_per_oom
    rec.add("capability_gap_index", "all", "ECI points", ["US-CN", "closed-open"],
            points * gaps)
    rec.add("frontier_bloc_index", "all", "ECI points", list(BLOCS),
            _index(model, np.array(frontier)))
    rec.add("frontier_index", "all", "ECI points", ["closed", "open"],
            _index(model, frontiers))


def _index(model, capability: np.ndarray) -> np.ndarray:
    """Capabilities (OOM) on the ECI scale (:func:`sim.market.capability.capability_index`)."""
    index = model.cfg.world.capability.index
    return capability_index(np.asarray(capability, dtype=float), index.points_per_oom,
                            index.offset)


def _firms(rec: Recorder, model) -> None:
    menu = model.menu
    n = menu.n_vendors
    closed_api = menu.lab_api & (menu.openness == OPENNESS.index("closed"))
    open_api = menu.is_api & ~closed_api
    for segment, demand in model.demand.items():
        if segment not in model.firms:
            continue
        buyers = demand.buyers
        total = buyers.sum()
        split = [buyers[closed_api].sum(), buyers[open_api].sum(), buyers[n:2 * n].sum()]
        rec.add("firm_share", segment, "1", ["closed_api", "open_api", "self_host"],
                np.array(split) / total if total > 0 else np.zeros(3))
        firms = model.firms[segment]
        rec.add("firm_adoption", segment, "1", ["buying"], [total / firms.n])
        rec.add("firms_harmed", segment, "firms", ["cumulative"], [firms.harmed_total])
    rec.add("alarm", "all", "1", ["market"], [model.alarm])


def _nations(rec: Recorder, model) -> None:
    nations = model.nations
    slot_bloc = model.menu.bloc
    by_country = nations.bloc_shares(slot_bloc)
    power = soft_power(nations.population, by_country)
    rec.add("soft_power", "nations", "1", list(BLOCS), power)
    adopted = np.nan_to_num(nations.adopted)
    reach = (nations.population[:, None] * adopted[:, None] * by_country).sum(axis=0)
    rec.add("soft_power_reach", "nations", "1", list(BLOCS), reach / nations.population.sum())
    rec.add("adoption", "nations", "1", nations.iso3, adopted)
    rec.add("adoption_mean", "nations", "1", ["population-weighted"],
            [weighted_mean(adopted, nations.population)])
    leader = np.where(by_country.sum(axis=1) > 0, by_country.argmax(axis=1), -1)
    rec.add("leading_bloc", "nations", "bloc index", nations.iso3, leader)
    for bloc in ("US", "CN"):
        rec.add(f"country_share_{bloc}", "nations", "1", nations.iso3,
                by_country[:, BLOCS.index(bloc)])


def _trade(rec: Recorder, model) -> None:
    """Prices by buyer bloc as trade law measures them (:mod:`sim.market.discrimination`),
    one entity per vendor and buyer bloc, ``vendor/bloc``: the export price gap
    p_b / p_home - 1 and dumping (p_b below the home price and below the cost of production,
    the cost before any per-token subsidy)."""
    vs = model.vendors
    pairs = [f"{v.vid}/{b}" for v in vs for b in BLOCS]
    active = [v.active for v in vs for _ in BLOCS]
    gap = [discrimination.export_price_gap(v.price_by_bloc, v.price) for v in vs]
    dumped = [discrimination.trade_dumping(v.price_by_bloc, v.price, v.cost_before_token)
              & v.active for v in vs]
    rec.add("export_price_gap", "all", "1", pairs, np.concatenate(gap), active)
    rec.add("dumping_trade", "all", "flag", pairs, np.concatenate(dumped).astype(float))


def _policy(rec: Recorder, model) -> None:
    rec.add("export_level", "all", "1", list(BLOCS), [model.costs.export_level(b) for b in BLOCS])
    govs = model.governments
    rec.add("compute_subsidy", "all", "1", list(govs), [g.compute_subsidy for g in govs.values()])
    for lever in ("compute", "energy", "price", "token"):
        rec.add(f"subsidy_spend_{lever}", "all", "USD per month", list(govs),
                [g.spending[lever] for g in govs.values()])
    rec.add("duty_revenue", "all", "USD per month", list(govs),
            [g.duty_revenue for g in govs.values()])


def _finance(rec: Recorder, model) -> None:
    """The labs' accounts and what governments pay (:mod:`sim.market.finance`).

    Flows are each vendor's own (a line's are booked on its parent's cash); ``cash`` is
    NaN for a line, which has none of its own.
    """
    ids, vs = model.vendor_ids, model.vendors
    usd = "USD per month"
    rec.add("cash", "all", "USD", ids, [v.cash if v.parent is None else np.nan for v in vs])
    for flow in ("funding", "fixed_cost", "chip_spend", "chip_subsidy", "serving_cost",
                 "energy_support", "token_support", "compliance_cost", "support_received",
                 "cash_in", "cash_out", "operating_profit"):
        rec.add(flow, "all", usd, ids, [getattr(v, flow) for v in vs])
    govs = model.governments
    rec.add("government_spend", "all", usd, list(govs),
            [sum(g.spending.values()) for g in govs.values()])
    rec.add("government_spent_total", "all", "USD", list(govs),
            [g.spent_total for g in govs.values()])


def _hosts(rec: Recorder, model) -> None:
    """Third-party hosts of open weights (:mod:`sim.model.hosts`), by the model they serve:
    the fringe price and cost, tokens and the hosts' books; nothing without hosting."""
    menu, hosts = model.menu, model.hosts
    if not menu.hosted or hosts.tokens is None:
        return
    ids, usd = model.vendor_ids, "USD per month"
    hosted = menu.slots("hosted")  # copies: the menu's arrays change month by month
    on_sale = menu.on_sale[hosted].copy()
    rec.add("hosted_price", "all", "USD per million tokens", ids, menu.price[hosted].copy(),
            on_sale)
    rec.add("hosted_cost", "all", "USD per million tokens", ids,
            menu.marginal_cost[hosted].copy(), on_sale)
    rec.add("hosted_tokens", "all", "million tokens per month", ids, hosts.tokens.copy())
    for flow in ("revenue", "licence", "serving_cost", "profit"):
        rec.add(f"hosts_{flow}", "all", usd, ids, getattr(hosts, flow).copy())


def _markup_guard(rec: Recorder, model) -> None:
    """Which vendors price at the markup cap ``p >= max_markup * c``: the posted price
    (``at_markup_cap``) and the Bertrand-Nash benchmark (``nash_at_markup_cap``), 1 or 0
    per vendor (nan where it sells nothing), and how many of each (``markup_cap_count``).
    See :mod:`sim.market.markup`.
    """
    ids, vs = model.vendor_ids, model.vendors
    cap = model.cfg.world.pricing.max_markup
    active = [v.active for v in vs]  # a vendor exists in the tables from its first model
    price = np.array([v.price if v.active else np.nan for v in vs])
    cost = np.array([v.marginal_cost if v.active else np.nan for v in vs])
    posted = at_markup_cap(price, cost, cap)
    nash = at_markup_cap(model.nash[:len(vs)], cost, cap)
    rec.add("at_markup_cap", "all", "flag", ids, posted, active)
    rec.add("nash_at_markup_cap", "all", "flag", ids, nash, active)
    rec.add("markup_cap_count", "all", "vendors", ["posted", "nash"],
            [count_at_cap(posted), count_at_cap(nash)])
