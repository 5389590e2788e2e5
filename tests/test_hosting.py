"""Third-party hosts of open weights (world.hosting): the fringe price, the neutral switch,
the effect on the labs that make open models, and the hosts' books."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import small_config

from sim import run
from sim.calibrate.host_margins import fringe_margin
from sim.core.calendar import parse_month
from sim.core.constants import OPENNESS

SHORT = "world.end=2026-06"  # half a year past the history: the labs price for themselves
ON = "world.hosting.third_party=true"


@pytest.fixture(scope="module")
def tables():
    """A short small-world run without and with third-party hosts."""
    return {on: run(small_config(SHORT, f"world.hosting.third_party={on}")).table
            for on in (False, True)}


def wide(table: pd.DataFrame, metric: str, segment: str = "all") -> pd.DataFrame:
    rows = table[(table.metric == metric) & (table.segment == segment)]
    return rows.pivot(index="month", columns="entity", values="value")


def test_hosted_prices_are_the_us_cloud_serving_cost_times_one_plus_the_margin(tables):
    """p_h = 2 N_active 1e6 * c_flop(US H100, month) * (1 + m), written out from the world's
    chip, energy and compute figures (no code of the model's cost path)."""
    cfg = small_config(SHORT, ON).world
    chip, energy, compute = cfg.chips["advanced"], cfg.energy["US"], cfg.compute
    per_second = (chip.rental_usd_per_hour + chip.power_kw * energy.pue
                  * energy.price_usd_per_kwh) / 3600.0
    table = tables[True]
    price, params = wide(table, "hosted_price"), wide(table, "active_params")
    assert price.notna().any().any()
    reference = parse_month(cfg.capability.reference_month)
    for month, row in price.iterrows():
        decline = (1.0 - compute.hardware_cost_decline_per_year) ** (
            (parse_month(month) - reference) / 12.0)
        usd_per_flop = decline * per_second / (chip.tflops * 1e12 * compute.serving_utilisation)
        for vid, value in row.dropna().items():
            expected = (2.0 * params.loc[month, vid] * 1e15 * usd_per_flop
                        * (1.0 + cfg.hosting.fringe_margin))
            assert value == pytest.approx(expected, rel=1e-12), (month, vid)


def test_only_open_models_are_hosted(tables):
    table = tables[True]
    openness = wide(table, "openness_level")
    hosted = wide(table, "hosted_price").reindex_like(openness)
    closed = (openness == OPENNESS.index("closed")).to_numpy()
    is_open = (openness > OPENNESS.index("closed")).to_numpy()
    assert np.isnan(hosted.to_numpy()[closed]).all()
    assert is_open.any() and np.isfinite(hosted.to_numpy()[is_open]).all()


def test_without_third_party_hosts_the_other_hosting_settings_change_nothing():
    base = run(small_config("world.end=2024-12")).table
    moved = run(small_config("world.end=2024-12", "world.hosting.fringe_margin=0.5",
                             "world.hosting.licence_share=0.3",
                             "world.hosting.cloud_bloc=CN")).table
    pd.testing.assert_frame_equal(base, moved, check_exact=True)
    assert not base.metric.str.startswith("host").any()


def test_a_zero_margin_sells_hosted_tokens_at_the_hosts_cost():
    table = run(small_config("world.end=2024-06", ON, "world.hosting.fringe_margin=0")).table
    price, cost = wide(table, "hosted_price"), wide(table, "hosted_cost")
    assert np.array_equal(price.to_numpy(), cost.to_numpy(), equal_nan=True)
    assert (wide(table, "hosts_profit").abs() <= 1e-6 * wide(table, "hosts_revenue")).all().all()


def test_hosts_take_open_labs_own_api_business(tables):
    """A closer substitute at a lower price: the labs that make open models sell fewer of
    their own API tokens, and buyers' open-model tokens move to the hosts."""
    off, on = (wide(tables[k], "tokens_api") for k in (False, True))
    openness = wide(tables[False], "openness_level")
    last = openness.index[-1]
    open_labs = [v for v, level in openness.loc[last].items()
                 if level > OPENNESS.index("closed")]
    assert open_labs
    assert on.loc[last, open_labs].sum() < off.loc[last, open_labs].sum()
    assert wide(tables[True], "hosted_tokens").loc[last, open_labs].sum() > 0


def test_the_default_margin_is_the_median_of_the_host_price_data():
    world = small_config().world
    assert world.hosting.fringe_margin == pytest.approx(fringe_margin(world), abs=0.05)


@pytest.mark.parametrize("override, message", [
    ("world.hosting.fringe_margin=-1", "[0, 100]"),
    ("world.hosting.licence_share=2", "[0, 1]"),
    ("world.hosting.cloud_bloc=XX", "one of US, CN, EU, ROW"),
])
def test_bad_hosting_settings_are_refused(override, message):
    from sim.config import ConfigError

    with pytest.raises(ConfigError, match=re.escape(message)):
        small_config(override)
