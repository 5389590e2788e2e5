"""Fuzzing whole runs: any world inside the documented ranges runs, and every invariant holds.

Hypothesis draws worlds from the documented range of each field (the field metadata of
``sim/config``, the same that validation enforces and docs/MODEL.md tabulates: a
documented range is the valid domain), bounds, subnormal and huge values included, adds
dated events and a pricing rule, and runs a short small-world run (few firms, a few
months, in the recorded history or across its end). On each run:

- no infinity anywhere, and NaN only where docs/outputs.md says a value is undefined;
- shares lie in [0, 1] and sum to one in every segment that buys;
- money is conserved: what buyers spend is what labs earn plus what self-hosting costs,
  each lab's cash (a stock) moves by its inflows less its outflows, and what governments
  pay is what labs receive from them;
- prices and marginal costs are positive where a model is on sale, the HHI is in
  [0, 10,000], adoption in [0, 1].

``make test`` runs :data:`EXAMPLES` worlds (200, about 40 s on two cores). The slow tier,
``make fuzz``, runs 1,000, or as many as ``FUZZ_EXAMPLES`` says (README, "Testing").
"""

from __future__ import annotations

import copy
import functools
import math
import os
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from sim import compose_config, run
from sim.config import ConfigError, EventConfig, validate
from sim.config.behaviour import DemandConfig, HostingConfig, PricingConfig
from sim.config.buyers import DevicesConfig, FirmSegmentConfig, NationsConfig
from sim.config.fields import lower_bound, upper_bound
from sim.config.world import GovernmentConfig

#: Worlds per run of this module: a few hundred by default; the slow tier sets more.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))

#: A small world made smaller: few firms and countries, a panel of the least size.
BASE = ("world=small", "world.firms.startups.n=50", "world.firms.enterprises.n=20",
        "world.pricing.panel_size=10", "world.nations.include=[NGA,IND,BRA,IDN]",
        "output.progress=false")
#: Horizons, each with a month inside it for the drawn events: within the recorded
#: history (prices and releases from the data), and across its end (the rules price).
HORIZONS = {
    "history": (("world.end=2023-05",), "2023-03"),
    "rules": (("world.start=2025-09", "world.end=2026-03"), "2026-01"),
}

DEMAND = ("quality_weight", "price_elasticity", "reference_price_usd", "self_host_trust",
          "risk_closed_api", "risk_open_api", "privacy_weight", "adequacy_gap_oom",
          "nest_lambda", "frontier_weight", "volume_per_oom")
PRICING = ("inertia", "max_markup", "cost_plus_markup", "penetration_discount",
           "penetration_floor", "arbitrage_band")
FIRMS = ("volume_median_mtok", "volume_sigma", "alpha", "alpha_min",
         "alpha_sigma", "quality_sigma", "privacy_mean", "privacy_concentration",
         "switching_cost", "review_probability", "self_host_fixed_usd_per_month",
         "self_host_overhead")
GOVERNMENT = {"US": ("export_level",), "CN": ("energy_subsidy", "compute_subsidy")}
NATIONS = ("alpha", "budget_share", "tokens_per_user_mtok", "initial_adoption", "bass_p",
           "bass_q", "income_elasticity_of_alpha", "income_sigma_scale")
DEVICES = ("alpha", "demand_mtok_at_start", "efficiency_weight")

#: Metrics whose NaN means "undefined" (docs/outputs.md, "Rows that do not exist"): a
#: line's cash, a bloc's Lerner index or frontier while it sells or has no model (on the
#: index too), the frontier of a kind with no model, the market's Lerner index in a month
#: without API sales, the capability gaps while one side has no model (in months and on
#: the index), the quality-adjusted price index when no buyer's index is a float
#: (price-blind buyers: exp(-IV / a) leaves the float range), and the market elasticity
#: in a month without API tokens.
MAY_BE_NAN = {"cash", "lerner_bloc", "lerner_bloc_social_cost", "frontier_bloc",
              "frontier_bloc_index", "frontier_index", "lerner_market",
              "lerner_market_social_cost", "capability_gap", "capability_gap_months",
              "capability_gap_index", "quality_adjusted_price", "market_elasticity"}
SHARES = ("token_share", "token_share_bloc", "token_share_openness", "token_share_kind",
          "revenue_share")


@functools.cache
def base_config(horizon: str):
    return compose_config([*BASE, *HORIZONS[horizon][0]])


def meta(cls: type, name: str) -> dict[str, Any]:
    return next(f.metadata for f in fields(cls) if f.name == name)


def documented(cls: type, name: str) -> st.SearchStrategy:
    """Any value of the field's documented range: its bounds (or, for an open bound, the
    smallest floats past it), values near them and anything between."""
    m = meta(cls, name)
    (lo, lo_open), hi = lower_bound(m), upper_bound(m)
    inside = st.floats(min_value=lo, max_value=hi, exclude_min=lo_open,
                       exclude_max=m["hi_open"], allow_nan=False, allow_infinity=False)
    edges = [lo if not lo_open else math.nextafter(lo, math.inf),
             hi if not m["hi_open"] else math.nextafter(hi, -math.inf)]
    if lo == 0:
        edges.append(1e-300)  # tiny, not subnormal
    if hi is not None and hi >= 1e6:
        edges.append(hi / 10)  # huge
    return st.one_of(st.sampled_from(edges), inside)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """The value or None (None keeps the world's own; shrinking heads for it)."""
    return st.none() | strategy


def event(date: str) -> st.SearchStrategy:
    """A dated event of the kinds with numeric levers, at any documented value."""
    level = documented(EventConfig, "level")
    unit = st.floats(0.0, 1.0) | st.sampled_from([0.0, 1.0])
    return st.one_of(
        st.builds(EventConfig, date=st.just(date), kind=st.just("export_limit"),
                  bloc=st.just("CN"), level=unit),
        st.builds(EventConfig, date=st.just(date), kind=st.just("subsidy"), bloc=st.just("CN"),
                  lever=st.sampled_from(["energy", "price"]), level=unit),
        st.builds(EventConfig, date=st.just(date), kind=st.just("subsidy"), bloc=st.just("CN"),
                  lever=st.just("compute"), level=st.floats(0.0, 1.0, exclude_max=True)),
        st.builds(EventConfig, date=st.just(date), kind=st.just("privacy"), level=level,
                  segment=st.sampled_from([None, "startups", "enterprises"])),
        st.builds(EventConfig, date=st.just(date), kind=st.just("price"),
                  bloc=st.sampled_from(["CN", "US"]), factor=documented(EventConfig, "factor"),
                  subsidised=st.booleans(), mode=st.sampled_from([None, "relative", "hold"]),
                  duration_months=st.none() | st.integers(1, 24)),
        st.builds(EventConfig, date=st.just(date), kind=st.just("subsidy"), bloc=st.just("CN"),
                  lever=st.just("per_mtok"),
                  usd_per_mtok=documented(EventConfig, "usd_per_mtok")),
        st.builds(EventConfig, date=st.just(date), kind=st.just("duty"),
                  bloc=st.sampled_from(["US", "EU"]), from_bloc=st.just("CN"), level=unit),
    )


@st.composite
def worlds(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[EventConfig], str]:
    """A horizon, the fields that differ from the small world, events, a pricing rule."""
    horizon = draw(st.sampled_from(sorted(HORIZONS)))
    values: dict[str, Any] = {}
    for name in DEMAND:
        values[f"world.demand.{name}"] = draw(maybe(documented(DemandConfig, name)))
    for name in PRICING:
        values[f"world.pricing.{name}"] = draw(maybe(documented(PricingConfig, name)))
    values["world.pricing.discrimination"] = draw(maybe(st.booleans()))
    for segment in ("startups", "enterprises"):
        values[f"world.firms.{segment}.n"] = draw(maybe(st.integers(1, 200)))
        for name in FIRMS:
            values[f"world.firms.{segment}.{name}"] = draw(
                maybe(documented(FirmSegmentConfig, name)))
        # the floor of the price sensitivity lies below its mean (validation refuses the rest)
        alpha = values.get(f"world.firms.{segment}.alpha")
        floor = values.get(f"world.firms.{segment}.alpha_min")
        if alpha is not None or floor is not None:
            alpha = base_config(horizon).world.firms[segment].alpha if alpha is None else alpha
            floor = base_config(horizon).world.firms[segment].alpha_min if floor is None else floor
            values[f"world.firms.{segment}.alpha_min"] = min(floor, alpha / 2)
    outside = draw(st.dictionaries(st.sampled_from(["startups", "enterprises", "nations",
                                                    "devices"]),
                                   st.floats(-100.0, 100.0), max_size=4))
    if outside:
        values["world.demand.outside_utility"] = outside
    for name in NATIONS:
        values[f"world.nations.{name}"] = draw(maybe(documented(NationsConfig, name)))
    for name in DEVICES:
        values[f"world.devices.{name}"] = draw(maybe(documented(DevicesConfig, name)))
    if draw(st.booleans()):  # third-party hosts of open weights, at any documented margin
        values["world.hosting.third_party"] = True
        for name in ("fringe_margin", "licence_share"):
            values[f"world.hosting.{name}"] = draw(maybe(documented(HostingConfig, name)))
    for bloc, names in GOVERNMENT.items():
        for name in names:
            values[f"world.governments.{bloc}.{name}"] = draw(
                maybe(documented(GovernmentConfig, name)))
    date = HORIZONS[horizon][1]
    events = draw(st.lists(event(date), max_size=3))
    rule = draw(st.sampled_from(["best_response", "cost_plus", "penetration"]))
    return horizon, {k: v for k, v in values.items() if v is not None}, events, rule


def build(horizon: str, values: dict[str, Any], events: list[EventConfig], rule: str):
    cfg = copy.deepcopy(base_config(horizon))
    for path, value in values.items():
        *parents, last = path.split(".")
        node: Any = cfg
        for part in parents:
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        setattr(node, last, value)
    cfg.scenario.events = list(events)
    cfg.rules.vendor_pricing = rule
    return cfg


# -- the invariants --------------------------------------------------------------------------

def wide(table: pd.DataFrame, metric: str, segment: str = "all") -> pd.DataFrame:
    rows = table[(table.metric == metric) & (table.segment == segment)]
    return rows.pivot(index="month", columns="entity", values="value")


def close(a, b, scale) -> bool:
    """``a == b`` to 1e-6 relative to ``scale``, element by element (as in test_finance)."""
    return bool((np.abs(a - b) <= 1e-6 * np.maximum(np.abs(scale), 1.0)).all(axis=None))


def check_invariants(cfg, table: pd.DataFrame) -> None:
    values = table["value"].to_numpy()
    assert not np.isinf(values).any(), set(table.metric[np.isinf(values)])
    undefined = table[np.isnan(values)]
    assert set(undefined.metric) <= MAY_BE_NAN, set(undefined.metric) - MAY_BE_NAN
    lines = {vid for vid, v in cfg.world.vendors.items() if v.parent is not None}
    assert set(undefined.entity[undefined.metric == "cash"]) <= lines

    for metric in SHARES:
        rows = table[table.metric == metric]
        for segment, part in rows.groupby("segment", observed=True):
            shares = part.pivot(index="month", columns="entity", values="value")
            assert (shares >= -1e-12).all(axis=None) and (shares <= 1 + 1e-12).all(axis=None), \
                (metric, segment)
            sums = shares.sum(axis=1)
            assert np.allclose(sums[sums > 0], 1.0, atol=1e-9), (metric, segment)
    for segment in ("startups", "enterprises"):
        # shares of the buying firms: all zero in a month when every firm stays out
        sums = wide(table, "firm_share", segment).sum(axis=1).to_numpy()
        assert np.all(np.isclose(sums, 1.0) | (sums == 0.0)), segment
        adoption = wide(table, "firm_adoption", segment)["buying"].to_numpy()
        assert np.all((adoption >= 0.0) & (adoption <= 1.0)), segment
        assert np.all((adoption > 0) == (sums > 0)), segment

    # money: buyers' spending is labs' revenue plus the cost of self-hosting plus what
    # third-party hosts keep (their revenue less the licence fees they pay the labs) plus
    # the duties importing governments collect
    by_month = table.groupby(["metric", "month"], observed=True)["value"].sum()
    spend = by_month["spend"]
    revenue = by_month["revenue"] + by_month["duty_revenue"].reindex(by_month["revenue"].index,
                                                                   fill_value=0.0)
    self_hosted = by_month["spend_self_hosted"]
    if "hosts_revenue" in by_month:
        self_hosted = self_hosted + (by_month["hosts_revenue"] - by_month["hosts_licence"]
                                     ).reindex(self_hosted.index, fill_value=0.0)
    assert close(spend, revenue.reindex(spend.index, fill_value=0) + self_hosted, spend)
    # each lab's cash moves by its own and its lines' inflows less outflows
    cash, flow_in, flow_out = (wide(table, m) for m in ("cash", "cash_in", "cash_out"))
    for vid, vendor in cfg.world.vendors.items():
        if vendor.parent is not None:
            continue
        family = [vid, *(k for k, v in cfg.world.vendors.items() if v.parent == vid)]
        inflow, outflow = flow_in[family].sum(axis=1), flow_out[family].sum(axis=1)
        before = cash[vid].shift(1, fill_value=vendor.initial_cash_musd * 1e6)
        scale = np.maximum.reduce([before.abs(), inflow, outflow])
        assert close(cash[vid], before + inflow - outflow, scale), vid
    # what governments pay is what labs receive from them
    received = wide(table, "support_received").sum(axis=1)
    paid = wide(table, "government_spend").sum(axis=1)
    assert close(received, paid, paid)

    price, cost = wide(table, "price"), wide(table, "marginal_cost")
    sold = price.notna().to_numpy()
    assert (price.to_numpy()[sold] > 0).all()
    assert (cost.reindex_like(price).to_numpy()[sold] > 0).all()
    hhi = table.value[table.metric == "hhi_tokens_incl_self_hosted"]
    assert ((hhi >= 0) & (hhi <= 10_000 * (1 + 1e-12))).all()
    adoption = table.value[table.metric == "adoption"]
    assert ((adoption >= 0) & (adoption <= 1)).all()


# -- the fuzz test ----------------------------------------------------------------------------

@settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(worlds())
# found by this test: a lab over its capacity with third-party hosts on (rationing assumed
# two slots per lab)
@example(("history", {"world.firms.enterprises.volume_sigma": 5,
                      "world.hosting.third_party": True}, [], "best_response"))
# found by this test: a budget share that underflows to a zero budget made 0/0 in
# affordability, and NaN in every money series
@example(("history", {"world.demand.nest_lambda": 0.001, "world.nations.budget_share": 5e-324,
                      "world.nations.income_sigma_scale": 3}, [], "best_response"))
# and a subnormal tokens per user: national self-hosting at an infinite price, 0 * inf
@example(("history", {"world.demand.frontier_weight": 9.0, "world.nations.budget_share": 5e-324,
                      "world.nations.tokens_per_user_mtok": 2.225073858507e-311,
                      "world.nations.bass_p": 1, "world.nations.income_sigma_scale": 3},
          [], "best_response"))
def test_any_documented_world_runs_and_keeps_every_invariant(world):
    horizon, values, events, rule = world
    cfg = build(horizon, values, events, rule)
    try:
        validate(cfg)
    except ConfigError as err:
        # refusals that tie fields together (docs/scenarios.md, "What is refused"): the
        # single fields were all drawn inside their ranges, so only those may refuse
        assert "price_elasticity" in str(err) or "cash_floor" in str(err), err
        assume(False)
    check_invariants(cfg, run(cfg).table)


def test_the_invariants_catch_a_broken_run():
    """The checks can fail: a table with an infinity, or money that leaks, is caught."""
    cfg = base_config("history")
    table = run(cfg).table
    check_invariants(cfg, table)
    broken = table.copy()
    broken.loc[broken.index[broken.metric == "spend"][0], "value"] = math.inf
    with pytest.raises(AssertionError):
        check_invariants(cfg, broken)
    leak = table.copy()
    largest = leak.value.where(leak.metric == "revenue").idxmax()
    leak.loc[largest, "value"] *= 1.01  # a lab earns 1% more than its buyers spend
    with pytest.raises(AssertionError):
        check_invariants(cfg, leak)
