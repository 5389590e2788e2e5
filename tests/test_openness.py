"""The openness rules on whole runs: ``keep`` is today's model bit for bit, ``profit`` runs,
keeps the invariants, chooses, and records why (the payoff formulas and their closed form are
tested in tests/market/test_openness.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import cached_run

from sim import compose_config, run
from sim.rules import RuleError, rule

GOLDEN = Path(__file__).with_name("golden")
sys.path.insert(0, str(GOLDEN))
from fingerprints import SEED, table_hash  # noqa: E402


def golden_table_hash(*overrides: str) -> str:
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):
        results = run(compose_config(["scenario=baseline", "world=small", f"seed={SEED}",
                                      *overrides]))
    return table_hash(results.table)


def test_keep_is_the_default():
    assert compose_config(["world=small"]).rules.vendor_openness == "keep"


@pytest.mark.parametrize("overrides", [
    ("rules.vendor_openness=keep",),
    # the profit rule's settings are read by nothing else: changing them under keep is neutral
    ("rules.vendor_openness=keep", "world.openness.ecosystem_value_usd_per_mtok=5",
     "world.openness.spill_loss_per_oom=3", "world.governments.CN.openness_soft_power_value=1e9"),
])
def test_keep_gives_the_table_of_the_model_before_openness_was_a_choice(overrides):
    """The stored fingerprint of baseline/small was made before the openness rules existed."""
    stored = json.loads((GOLDEN / "fingerprints.json").read_text())["baseline/small"]["table"]
    assert golden_table_hash(*overrides) == stored


@pytest.fixture(scope="module")
def profit_run():
    return cached_run("rules.vendor_openness=profit")


def test_a_profit_run_keeps_the_invariants(profit_run):
    table = profit_run.table
    for segment in ("startups", "enterprises", "nations"):
        shares = profit_run.series("token_share", segment).sum(axis=1)
        np.testing.assert_allclose(shares[shares > 0], 1.0, atol=1e-9)
    spend = table[table.metric == "spend"].groupby("month")["value"].sum()
    self_hosted = table[table.metric == "spend_self_hosted"].groupby("month")["value"].sum()
    revenue = table[table.metric == "revenue"].groupby("month")["value"].sum()
    np.testing.assert_allclose(spend, revenue + self_hosted, rtol=1e-9)
    price = profit_run.series("price").to_numpy()
    assert (price[np.isfinite(price)] > 0).all()


def test_profit_changes_some_labs_openness_after_the_history(profit_run):
    """With the default settings (no ecosystem value, no soft power) opening only diverts
    buyers to self-hosting and teaches rivals: the open labs that release close their next
    model."""
    history_until = profit_run.config.world.history_until
    level = profit_run.series("openness_level")
    last = level[level.index <= history_until].iloc[-1]
    after = level[level.index > history_until]
    changed = (after.ne(last) & after.notna()).any()
    assert changed.any(), "no lab chose another openness than its last"
    assert (after.iloc[-1][changed] == 0).all()


def test_the_recorded_gap_has_the_sign_of_the_choice(profit_run):
    """A lab that weighed openness is open after it exactly when open paid at least as much
    (ties keep the level it had)."""
    gap = profit_run.series("openness_payoff_gap")
    level = profit_run.series("openness_level").reindex_like(gap)
    weighed = gap.notna().to_numpy()
    assert weighed.any()
    is_open = level.to_numpy()[weighed] > 0
    values = gap.to_numpy()[weighed]
    assert (values[is_open] >= 0).all() and (values[~is_open] <= 0).all()


def level_changes(results) -> pd.Series:
    """How many times each lab's model changes openness after the history (from the level it
    had at its end; months without a model carry the last level)."""
    level = results.series("openness_level")
    level = level[level.index >= results.config.world.history_until].ffill()
    return (level.diff().ne(0) & level.notna() & level.shift().notna()).sum()


def test_a_positive_ecosystem_value_does_not_make_labs_switch_back_and_forth():
    """With one estimate of the market in both regimes, a lab's level changes only when the
    market crosses its threshold (2), not because its own choice changed what it sees: over
    2026-2030 one change to the level its payoffs favour, and at most one back should the
    market cross again. (Estimates that differed by regime made labs change 4 to 10 times.)"""
    changes = level_changes(cached_run("rules.vendor_openness=profit",
                                       "world.openness.ecosystem_value_usd_per_mtok=0.5"))
    assert changes.max() <= 2, changes[changes > 2].to_dict()


def test_an_openness_rule_must_return_a_level():
    @rule("vendor_openness", "half_open")
    def half_open(vendor, model):
        return "half_open"

    try:
        with pytest.raises(RuleError, match=r"openness rule 'half_open' gave vendor '\w+' the "
                                            r"level 'half_open'"):
            run(compose_config(["world=small", "world.history_until=2023-06",
                                "world.end=2024-06", "rules.vendor_openness=half_open"]))
    finally:
        import sim.rules.registry
        sim.rules.registry._REGISTRY["vendor_openness"].pop("half_open")
