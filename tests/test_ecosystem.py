"""Ecosystems that can tip (issue 14) in built worlds: the neutral setting changes nothing,
every segment's tokens (device makers' included) feed the stocks, buyers and the pricing
panel see the same network term, and above the tipping weight the nations' market tips to
the family that starts ahead (hysteresis), below it forgets where it started."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TWELVE_COUNTRIES, assert_engines_agree

from sim import compose_config, run
from sim.model import AIMarket, views

SHORT = ("world=small", "world.end=2026-03")


def test_a_zero_network_weight_changes_no_table():
    base = run(compose_config([*SHORT])).table
    neutral = run(compose_config([*SHORT, "world.ecosystem.network_weight=0",
                                  "world.ecosystem.derivative_rate=0.7",
                                  "world.ecosystem.depreciation_per_month=0.3",
                                  "+world.ecosystem.initial_stock_mtok.deepseek=1e9"])).table
    # only the record of the stocks themselves differs; every other series is bit-identical
    keep = base.metric != "ecosystem_share"
    pd.testing.assert_frame_equal(base[keep].reset_index(drop=True),
                                  neutral[neutral.metric != "ecosystem_share"]
                                  .reset_index(drop=True), check_exact=True)
    assert (base.metric == "ecosystem_share").any()


def stepped(*overrides: str, months: int = 3) -> AIMarket:
    model = AIMarket(compose_config([*SHORT, *overrides]))
    for _ in range(months):
        model.step()
    return model


def test_every_segment_feeds_the_stocks_device_makers_included():
    delta, d = 0.1, 0.5
    model = stepped(f"world.ecosystem.depreciation_per_month={delta}",
                    f"world.ecosystem.derivative_rate={d}")
    before = model.ecosystems.stock.copy()
    model.step()
    n = model.menu.n_vendors
    assert model.demand["devices"].tokens.sum() > 0
    served = sum(segment.tokens for segment in model.demand.values())
    expected = (1 - delta) * before + served[:n] + (1 + d) * served[n:]
    np.testing.assert_allclose(model.ecosystems.stock, expected, rtol=1e-12)


def test_buyers_and_the_pricing_panel_see_the_network_term():
    nu = 3.0
    model = stepped(f"world.ecosystem.network_weight={nu}")
    model.show_menu()
    network = nu * model.ecosystems.shares()
    assert network.max() > 0.1
    menu = model.menu
    configured = np.array([model.vendors[v].cfg.appeal for v in menu.vendor])
    np.testing.assert_allclose(menu.appeal, configured + network[menu.vendor], rtol=0,
                               atol=1e-12)
    with_network = model.build_panel()
    # the same month without the network term: every panel row (firms, nations, device
    # makers) loses exactly nu e_f on every offering of family f
    menu.refresh(model.vendors, model.costs.cloud_usd_per_flop(),
                 model.cfg.world.demand.risk_closed_api, model.cfg.world.demand.risk_open_api,
                 model.cfg.world.entry.risk_per_entry, None)
    model.firm_month = views.firm_months(model.cfg.world, menu, model.bans, model.vendor_ids,
                                         model.alarm, model.uniforms)
    model.nation_month = views.nation_month(model.cfg.world, menu, model.bans,
                                            model.vendor_ids, model.nations.iso3)
    without = model.build_panel()
    gap = with_network.base_utility - without.base_utility
    np.testing.assert_allclose(gap, np.broadcast_to(network[menu.vendor], gap.shape),
                               rtol=0, atol=1e-9)


def test_both_engines_agree_with_the_network_on():
    assert_engines_agree("world.end=2026-06", "world.ecosystem.network_weight=3",
                         "world.ecosystem.derivative_rate=0.5")


# the smallest built world: the developing nations alone, from 2025 to 2030
NATIONS_ONLY = ("world=small", *TWELVE_COUNTRIES, "world.start=2025-01", "world.end=2030-12",
                "~world.firms.startups", "~world.firms.enterprises",
                "world.devices.capacity_share={}")


def nation_shares(weight: float, ahead: str) -> pd.Series:
    """The nations' token shares by family in the last month, when ``ahead`` starts with an
    installed base of 1e9 million tokens (about a hundred months of the nations' use in
    2025, seven of it in 2028) and every other family with none."""
    table = run(compose_config([*NATIONS_ONLY, f"world.ecosystem.network_weight={weight}",
                                f"+world.ecosystem.initial_stock_mtok.{ahead}=1e9"])).table
    last = table[(table.metric == "token_share") & (table.segment == "nations")
                 & (table.month == "2030-12")]
    return last.set_index("entity")["value"]


def test_above_the_tipping_weight_the_family_ahead_takes_the_nations():
    # 15 families: a symmetric logit tips above nu = 15 (docs/MODEL.md 7.15); at 15 the
    # family that starts ahead keeps nearly all the nations' tokens, whichever it is
    weight = 15.0
    deepseek_ahead = nation_shares(weight, "deepseek")
    oss_ahead = nation_shares(weight, "openai_oss")
    assert deepseek_ahead["deepseek"] > 0.95
    assert oss_ahead["openai_oss"] > 0.95
    assert oss_ahead["deepseek"] < 0.01  # the same world, another equilibrium


def test_below_it_the_market_forgets_where_it_started():
    weight = 0.5
    deepseek_ahead = nation_shares(weight, "deepseek")
    oss_ahead = nation_shares(weight, "openai_oss")
    assert (deepseek_ahead - oss_ahead).abs().max() < 0.01
    assert deepseek_ahead.max() < 0.6  # no family tips


@pytest.mark.parametrize("field,value", [("network_weight", -1), ("depreciation_per_month", 0),
                                         ("derivative_rate", -0.5)])
def test_out_of_range_settings_are_refused(field, value):
    from sim.config.errors import ConfigError
    with pytest.raises(ConfigError):
        compose_config(["world=small", f"world.ecosystem.{field}={value}"])


def test_an_unknown_family_is_refused():
    from sim.config.errors import ConfigError
    with pytest.raises(ConfigError, match="vendor ids"):
        compose_config(["world=small", "+world.ecosystem.initial_stock_mtok.nobody=1"])


def test_tokens_third_party_hosts_serve_count_as_the_familys_api_use():
    """With hosted slots (3 V tokens by slot), a family's stock grows by its API tokens plus
    the tokens hosts serve on its weights, and its self-hosted tokens (by hand, delta 0.5,
    no derivatives): E' = 0.5 E + api + hosted + self."""
    from sim.config.open_weights import EcosystemConfig
    from sim.model.ecosystem import Ecosystems

    cfg = EcosystemConfig(depreciation_per_month=0.5, derivative_rate=0.0,
                          initial_stock_mtok={"a": 10.0})
    families = Ecosystems(cfg, ["a", "b"])
    families.accumulate(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))  # api, self, hosted
    assert families.stock.tolist() == [0.5 * 10 + 1 + 3 + 5, 2 + 4 + 6]
    families.accumulate(np.array([1.0, 0.0, 0.0, 0.0]))  # without hosts: api, self
    assert families.stock.tolist() == [0.5 * 14 + 1, 0.5 * 12]
