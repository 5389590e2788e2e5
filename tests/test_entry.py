"""The entry rules on whole runs: ``hazard`` is today's model bit for bit, ``profit`` runs,
keeps the invariants, and enters exactly where its recorded expected profit is positive (the
formula and its comparative statics are tested in tests/market/test_entry.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import test_invariants as inv
from conftest import cached_run, small_config

from sim import compose_config, run
from sim.model import AIMarket
from sim.rules import RuleError, rule

GOLDEN = Path(__file__).with_name("golden")
sys.path.insert(0, str(GOLDEN))
from fingerprints import SEED, table_hash  # noqa: E402

#: an entry cost low enough for the small world's labs to enter before 2031 (USD)
LOW_COST = "world.entry.entry_cost_usd=5e7"

def golden_hashes(*overrides: str) -> dict[str, str]:
    """The fingerprints of baseline/small's table and entries."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):
        results = run(compose_config(["scenario=baseline", "world=small", f"seed={SEED}",
                                      *overrides]))
    table = results.table
    return {"table": table_hash(table),
            "entries": table_hash(results.entries)}


def test_hazard_is_the_default():
    assert compose_config(["world=small"]).rules.vendor_entry == "hazard"


@pytest.mark.parametrize("overrides", [
    ("rules.vendor_entry=hazard",),
    # the profit rule's settings are read by nothing else: changing them under hazard is neutral
    ("rules.vendor_entry=hazard", "world.entry.entry_cost_usd=0",
     "world.entry.margin_share=1", "world.entry.leave_share=0",
     "world.entry.app_value_per_api_usd=100", "world.entry.horizon_months=1"),
])
def test_hazard_gives_the_table_of_the_model_before_entry_was_a_choice(overrides):
    """The stored fingerprints of baseline/small were made before the entry rules existed:
    the same entries, and the same table."""
    stored = json.loads((GOLDEN / "fingerprints.json").read_text())["baseline/small"]
    assert golden_hashes(*overrides) == {"table": stored["table"], "entries": stored["entries"]}


def test_every_vendor_draws_its_entry_uniform_whatever_the_rule():
    """Common random numbers: a month's entry uniforms are the same under hazard and profit."""
    draws = []
    for name in ("hazard", "profit"):
        model = AIMarket(compose_config(["world=small", "world.start=2023-01",
                                         f"rules.vendor_entry={name}"]))
        model.step()
        model.step()
        draws.append(model.entry_draws.copy())
    assert draws[0].size == len(model.vendors)
    np.testing.assert_array_equal(draws[0], draws[1])


@pytest.fixture(scope="module", params=["default_cost", "low_cost"])
def profit_run(request):
    extra = (LOW_COST,) if request.param == "low_cost" else ()
    return cached_run("rules.vendor_entry=profit", *extra)


@pytest.mark.parametrize("metric", inv.SHARE_SERIES)
def test_a_profit_run_keeps_the_share_invariants(profit_run, metric):
    inv.test_shares_are_in_unit_interval_and_sum_to_one(profit_run, metric)


@pytest.mark.parametrize("check", [
    inv.test_firm_shares_sum_to_one, inv.test_prices_and_costs_are_positive_where_sold,
    inv.test_money_is_conserved, inv.test_state_support_pays_exactly_the_losses_below_cost,
    inv.test_no_nan_in_outcomes_that_always_exist, inv.test_hhi_is_between_zero_and_ten_thousand,
    inv.test_adoption_stays_within_internet_access,
])
def test_a_profit_run_keeps_the_invariants(profit_run, check):
    check(profit_run)


def test_entry_value_is_recorded_for_the_labs_that_may_enter(profit_run):
    value = profit_run.series("entry_value")
    enters = {vid for vid, v in profit_run.config.world.vendors.items() if v.enters_verticals}
    assert set(value.columns) <= enters
    assert value.notna().to_numpy().any()


def test_labs_enter_exactly_where_the_expected_profit_is_positive(profit_run):
    """An entry in a month iff the lab's best vertical was worth more than 0 then (its
    value is that of the vertical it entered, or of the best one it left)."""
    value = profit_run.series("entry_value")
    entries = profit_run.entries
    for vid in value.columns:
        months = set(entries.loc[entries.vendor == vid, "month"].astype(str))
        positive = {str(m) for m in value.index[value[vid].to_numpy() > 0]}
        assert months == positive, vid


def test_a_low_entry_cost_brings_entries_and_the_default_none():
    """At the price OpenAI agreed for Windsurf (3e9 USD) no lab's customers reveal enough
    demand in the small world; at 5e7 some do, each vertical entered at most once."""
    assert cached_run("rules.vendor_entry=profit").entries.empty
    entries = cached_run("rules.vendor_entry=profit", LOW_COST).entries
    assert not entries.empty
    assert not entries.duplicated(["vendor", "vertical"]).any()


def test_both_engines_enter_alike():
    """The per-agent engine's customers reveal the same demand (FirmSegment.vertical_tokens):
    the same entries, and the same expected profits to 1e-9. (Whole tables are compared in
    tests/test_engines.py; this setting leaves the Nash benchmark unconverged in more months
    than that comparison allows, which the entry rule does not read.)"""
    vector = cached_run("rules.vendor_entry=profit", LOW_COST)
    agents = run(small_config("rules.vendor_entry=profit", LOW_COST, "engine=agent"))
    assert vector.entries.equals(agents.entries)
    np.testing.assert_allclose(agents.series("entry_value"), vector.series("entry_value"),
                               rtol=1e-9)


def test_no_entry_value_rows_under_hazard(baseline):
    assert (baseline.table.metric != "entry_value").all()


def test_an_entry_rule_must_return_a_vertical():
    @rule("vendor_entry", "everywhere")
    def everywhere(vendor, model):
        return 99

    try:
        with pytest.raises(RuleError, match=r"entry rule 'everywhere' gave vendor '\w+' the "
                                            r"vertical 99"):
            run(compose_config(["world=small", "world.history_until=2023-06",
                                "world.end=2024-06", "rules.vendor_entry=everywhere"]))
    finally:
        import sim.rules.registry
        sim.rules.registry._REGISTRY["vendor_entry"].pop("everywhere")
