"""The labs' accounts: money is conserved over whole runs, cash limits chips, losses cost.

Conventions (:mod:`sim.market.finance`): costs at their unsubsidised value, every subsidy an
inflow from the government that pays it; a line with a parent books on its parent's cash.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import TWELVE_COUNTRIES, cached_run, small_config

from sim.config import SCENARIOS_DIR, ConfigError, compose_config, validate
from sim.market import finance
from sim.model import AIMarket

# -- the formulas ---------------------------------------------------------------------------


def test_the_chip_budget_is_what_is_wanted_within_the_cash_above_the_floor():
    assert finance.chip_budget(100.0, 500.0, 0.0) == 100.0
    assert finance.chip_budget(100.0, 60.0, 0.0) == 60.0
    assert finance.chip_budget(100.0, 60.0, 50.0) == 10.0
    assert finance.chip_budget(100.0, -20.0, 0.0) == 0.0  # a lab without cash buys no chips
    assert finance.chip_budget(100.0, -20.0, -50.0) == 30.0  # a credit line


def test_profit_is_every_flow_but_funding():
    inflow = finance.cash_inflows(revenue=10.0, funding=5.0, support=2.0)
    outflow = finance.cash_outflows(serving=3.0, chips=4.0, fixed=1.0, compliance=0.5)
    assert finance.next_cash(100.0, inflow, outflow) == pytest.approx(108.5)
    assert finance.profit(inflow, 5.0, outflow) == pytest.approx(3.5)
    assert finance.operating_profit(10.0, 0.0, 3.0, 0.5) == pytest.approx(6.5)


# -- conservation over whole runs -------------------------------------------------------------

SCENARIOS = ["baseline", "chip_export_limits", "token_price_cut"]
#: third-party hosts of open weights on, paying the labs a licence share: money flows through
#: a third hand (sim.model.hosts)
HOSTED = ("world.hosting.third_party=true", "world.hosting.licence_share=0.1")


@pytest.fixture(scope="module", params=[*SCENARIOS, "baseline+hosts"])
def run(request):
    scenario, _, hosts = request.param.partition("+")
    return scenario, cached_run(f"scenario={scenario}", *(HOSTED if hosts else ()))


def close(a: pd.DataFrame | pd.Series, b: pd.DataFrame | pd.Series, scale) -> bool:
    """``a == b`` to 1e-6 relative to ``scale`` (element by element)."""
    return bool((np.abs(a - b) <= 1e-6 * np.maximum(np.abs(scale), 1.0)).all(axis=None))


def test_each_labs_cash_moves_by_its_inflows_less_its_outflows(run):
    _, result = run
    vendors = compose_config(["world=small"]).world.vendors
    cash = result.series("cash")
    flow_in, flow_out = result.series("cash_in"), result.series("cash_out")
    for vid, cfg in vendors.items():
        if cfg.parent is not None:
            assert cash[vid].isna().all()  # a line has no cash of its own
            continue
        family = [vid, *(k for k, v in vendors.items() if v.parent == vid)]
        inflow, outflow = flow_in[family].sum(axis=1), flow_out[family].sum(axis=1)
        before = cash[vid].shift(1, fill_value=cfg.initial_cash_musd * 1e6)
        scale = np.maximum.reduce([before.abs(), inflow, outflow])
        assert close(cash[vid], before + inflow - outflow, scale), vid


def test_inflows_and_outflows_are_the_sum_of_their_parts(run):
    _, result = run
    s = result.series
    support = s("state_support") + s("energy_support") + s("chip_subsidy") + s("token_support")
    inflow = s("revenue") + s("funding") + support
    outflow = (s("serving_cost") + s("energy_support") + s("chip_spend") + s("chip_subsidy")
               + s("fixed_cost") + s("compliance_cost"))
    assert close(s("support_received"), support, support)
    assert close(s("cash_in"), inflow, inflow)
    assert close(s("cash_out"), outflow, outflow)
    assert close(s("profit"), inflow - s("funding") - outflow, np.maximum(inflow, outflow))


def test_what_governments_pay_is_what_labs_receive_from_them(run):
    name, result = run
    received = result.series("support_received").sum(axis=1)
    paid = result.series("government_spend").sum(axis=1)
    assert close(received, paid, paid)
    levers = sum(result.series(f"subsidy_spend_{lever}").sum(axis=1)
                 for lever in ("compute", "energy", "price", "token"))
    assert close(paid, levers, paid)
    total = result.series("government_spent_total")
    assert close(total, result.series("government_spend").cumsum(), total)
    if name != "baseline":  # the scenarios with subsidies pay some
        assert paid.sum() > 0


def test_what_buyers_spend_on_apis_is_what_labs_and_hosts_earn(run):
    """spend - self-hosting = labs' revenue (licence fees included) + hosts' revenue - licence
    + duties collected."""
    _, result = run
    table = result.table
    by_month = table.groupby(["metric", "month"], observed=True)["value"].sum()
    spend = by_month["spend"] - by_month["spend_self_hosted"]
    revenue = (result.series("revenue").sum(axis=1)
               + result.series("duty_revenue").sum(axis=1))
    if "hosts_revenue" in by_month:
        hosts = by_month["hosts_revenue"] - by_month["hosts_licence"]
        assert hosts.sum() > 0 and by_month["hosts_licence"].sum() > 0
        revenue = revenue + hosts.reindex(revenue.index, fill_value=0.0)
    assert close(spend.loc[revenue.index], revenue, revenue)


# -- direction: cash limits chips, losses cost cash -------------------------------------------

def isolated(*overrides: str):
    """A short small-world run (its twelve-country sample) where OpenAI lives on its revenue
    and pays fixed costs."""
    return AIMarket(validate(small_config(
        *TWELVE_COUNTRIES, "world.end=2024-12", "world.vendors.openai.funding_musd_per_month=0",
        "world.vendors.openai.reinvest_share=1",
        "world.vendors.openai.fixed_cost_musd_per_month=50",
        *overrides)))


def test_a_lab_with_less_cash_buys_fewer_chips_and_ends_with_less_compute():
    ends = {}
    for cash in (0, 20_000):
        model = isolated(f"world.vendors.openai.initial_cash_musd={cash}")
        lab, spent = model.vendors_by_id["openai"], 0.0
        while model.running:
            model.step()
            spent += lab.chip_spend
        ends[cash] = spent, sum(lab.fleet_flops())
    assert ends[0][0] < ends[20_000][0]
    assert ends[0][1] < ends[20_000][1]


def test_a_lab_selling_below_cost_without_support_loses_cash_every_month():
    model = isolated("world.end=2026-12", "world.vendors.openai.reinvest_share=0",
                     "world.vendors.openai.fixed_cost_musd_per_month=0",
                     "world.governments.US.price_support=false")
    lab = model.vendors_by_id["openai"]
    while model.clock.label() != "2026-01":
        model.step()
    cash = [lab.cash]
    for _ in range(6):
        lab.hold_price(0.5 * lab.marginal_cost, model.month + 1, subsidised=False)
        model.step()
        assert lab.dumping and lab.state_support == 0 and lab.chip_spend == 0
        cash.append(lab.cash)
    assert (np.diff(cash) < 0).all()
    assert lab.profit < 0 and lab.operating_profit < 0


# -- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("override,message", [
    ("world.vendors.openai.initial_cash_musd=-5",
     "world.vendors.openai.initial_cash_musd = -5.0 is not allowed: must be >= 0 (million USD)"),
    ("world.vendors.openai.fixed_cost_musd_per_month=-1",
     "world.vendors.openai.fixed_cost_musd_per_month = -1.0 is not allowed: must be >= 0 "
     "(million USD per month)"),
    ("world.vendors.openai_oss.initial_cash_musd=10",
     "world.vendors.openai_oss.initial_cash_musd = 10.0 is not allowed: 0 for a line with a "
     "parent (it uses openai's cash)"),
    ("world.vendors.mistral.cash_floor_musd=500",
     "world.vendors.mistral.initial_cash_musd = 240.0 is not allowed: at least the vendor's "
     "cash_floor_musd (500 million USD)"),
])
def test_bad_cash_is_refused_with_field_value_and_what_is_allowed(override, message):
    with pytest.raises(ConfigError) as err:
        compose_config(["world=small", override])
    assert str(err.value) == message


@pytest.mark.slow
def test_a_refused_cash_writes_nothing(tmp_path):
    out = tmp_path / "refused" / "run"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "world=small", "output.plots=false", "output.report=false",
         "output.progress=false", "world.vendors.openai.initial_cash_musd=-5",
         f"hydra.run.dir={out}"],
        cwd=SCENARIOS_DIR.parent, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "world.vendors.openai.initial_cash_musd = -5.0 is not allowed" in result.stderr
    assert not out.exists()
