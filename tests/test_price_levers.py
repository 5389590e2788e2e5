"""Levers as instruments: a price event scales the price the pricing rule sets (relative
mode) and a per-token subsidy lowers the cost the rule sees; neither fixes an outcome.

Expected values are closed forms of the rules (cost-plus: p = (1 + m) c), not the code's
output; the neutral settings (factor 1, a subsidy of 0) must leave every table unchanged.
"""

import numpy as np
import pandas as pd
import pytest
from conftest import small_config

from sim import run
from sim.analysis.levers import cost_per_share_point, lever_report, pass_through
from sim.config import ConfigError, EventConfig, validate
from sim.market.cost import MIN_COST_SHARE, cost_net_of_token_subsidy

SHORT = ("world.end=2026-06",)
#: the rule's price is cost x (1 + m) every month: no inertia, no limit on the monthly step
COST_PLUS = (*SHORT, "rules.vendor_pricing=cost_plus", "world.pricing.inertia=1",
             "world.pricing.max_monthly_change=null")
CN = ["deepseek", "alibaba", "moonshot", "zhipu", "minimax", "bytedance"]


def run_with(*events: EventConfig, overrides=SHORT):
    cfg = small_config(*overrides)
    cfg.scenario.events.extend(events)
    return run(validate(cfg))


def price_event(factor: float, **kw) -> EventConfig:
    return EventConfig(date="2026-01", kind="price", bloc="CN", factor=factor, **kw)


def token_subsidy(usd: float, date: str = "2026-01") -> EventConfig:
    return EventConfig(date=date, kind="subsidy", bloc="CN", lever="per_mtok", usd_per_mtok=usd)


@pytest.fixture(scope="module")
def plain():
    return run_with()


# -- neutral settings change nothing ----------------------------------------------------------

@pytest.mark.parametrize("event", [price_event(1.0), price_event(1.0, mode="relative",
                                                                  duration_months=3),
                                   token_subsidy(0.0)], ids=["factor1", "factor1_3m", "s0"])
def test_a_neutral_lever_leaves_every_table_bit_identical(plain, event):
    pd.testing.assert_frame_equal(run_with(event).table, plain.table, check_exact=True)


def test_a_hold_with_factor_one_freezes_the_price_unlike_the_relative_mode(plain):
    """``mode: hold`` keeps the old meaning: factor 1 holds the price it finds, so it moves
    no more while the rule's own price falls."""
    held = run_with(price_event(1.0, mode="hold")).series("price")[CN].loc["2026-01":]
    assert (held.nunique() == 1).all()
    assert not plain.series("price")[CN].loc["2026-01":].equals(held)


# -- the relative cut follows the rule's path -------------------------------------------------

@pytest.fixture(scope="module")
def cost_plus_cut():
    return run_with(price_event(0.1), overrides=COST_PLUS)


def test_a_relative_cut_posts_the_factor_times_the_rules_price_every_month(cost_plus_cut):
    """Under cost-plus the rule's price is (1 + m) c each month, whatever rivals do, so a
    relative cut posts p = f (1 + m) c: a closed form, month by month."""
    m = small_config(*COST_PLUS).world.pricing.cost_plus_markup
    window = slice("2026-01", "2026-06")
    price = cost_plus_cut.series("price")[CN].loc[window]
    cost = cost_plus_cut.series("marginal_cost")[CN].loc[window]
    assert price.notna().all().all()
    np.testing.assert_allclose(price, 0.1 * (1.0 + m) * cost, rtol=1e-12)


def test_a_relative_cut_ends_with_its_duration():
    m = small_config(*COST_PLUS).world.pricing.cost_plus_markup
    cut = run_with(price_event(0.1, duration_months=2), overrides=COST_PLUS)
    price, cost = cut.series("price")[CN], cut.series("marginal_cost")[CN]
    inside, after = slice("2026-01", "2026-02"), slice("2026-03", "2026-06")
    np.testing.assert_allclose(price.loc[inside], 0.1 * (1 + m) * cost.loc[inside], rtol=1e-12)
    np.testing.assert_allclose(price.loc[after], (1 + m) * cost.loc[after], rtol=1e-12)


# -- the per-token subsidy lowers the cost the rule sees --------------------------------------

def test_the_cost_net_of_a_per_token_subsidy_is_floored_at_a_millionth():
    assert cost_net_of_token_subsidy(0.5, 0.2) == pytest.approx(0.3)
    assert cost_net_of_token_subsidy(0.5, -0.2) == pytest.approx(0.7)  # a tax
    assert cost_net_of_token_subsidy(0.5, 2.0) == pytest.approx(MIN_COST_SHARE * 0.5)


def test_cost_plus_passes_through_one_plus_the_markup_of_a_per_token_subsidy(plain):
    """In the subsidy's first month both runs have the same fleet, utilisation and buyers'
    mix (all set by the months before), so the rule's cost differs by s exactly and
    p0 - p1 = (1 + m) c - (1 + m)(c - s) = (1 + m) s."""
    s = 0.01  # below every Chinese lab's cost in 2026 (tenths of a dollar): no floor
    m = small_config(*COST_PLUS).world.pricing.cost_plus_markup
    without = run_with(overrides=COST_PLUS)
    with_subsidy = run_with(token_subsidy(s), overrides=COST_PLUS)
    assert (without.series("marginal_cost")[CN].loc["2026-01"] > s).all()
    rho = pass_through(without.series("price")[CN].loc["2026-01"],
                       with_subsidy.series("price")[CN].loc["2026-01"], s)
    np.testing.assert_allclose(rho, 1.0 + m, rtol=1e-9)


def test_the_state_pays_the_per_token_subsidy_on_every_api_token_its_labs_sell():
    s = 0.05
    result = run_with(token_subsidy(s))
    window = slice("2026-01", "2026-06")
    tokens = result.series("tokens_api")[CN].loc[window].sum(axis=1)
    paid = result.series("subsidy_spend_token")["CN"].loc[window]
    np.testing.assert_allclose(paid, s * tokens, rtol=1e-12)  # USD/Mtok x Mtok
    np.testing.assert_allclose(result.series("token_support")[CN].loc[window].sum(axis=1),
                               paid, rtol=1e-12)
    assert (result.series("subsidy_spend_token")["CN"].loc[:"2025-12"] == 0).all()


def test_a_per_token_tax_is_collected_and_raises_the_price(plain):
    taxed = run_with(token_subsidy(-0.05))
    window = slice("2026-01", "2026-06")
    assert (taxed.series("subsidy_spend_token")["CN"].loc[window] < 0).all()
    assert (taxed.series("price")[CN].loc[window].mean()
            > plain.series("price")[CN].loc[window].mean()).all()


def test_best_response_passes_through_a_share_of_the_subsidy_in_the_band(plain):
    """Under best response the price is c E / (E - 1): a lower cost lowers the price, and
    the markup factor E / (E - 1) is above 1 but falls as the vendor's share (and so its
    demand's elasticity E = a (1 - share), with log-price utility) moves; with inertia only
    part of the target is reached each month. The issue's band: 0 < rho < 1.5."""
    s = 0.02
    with_subsidy = run_with(token_subsidy(s))
    report = lever_report(plain.table, with_subsidy.table, "CN", CN, s,
                          slice("2026-01", "2026-06"))
    assert 0.0 < report["pass_through"] < 1.5
    assert report["share_gain_points"] > 0
    assert report["extra_spending_usd"] > 0
    assert report["cost_per_share_point"] > 0


def test_the_cost_per_share_point_is_spending_over_points_gained():
    assert cost_per_share_point(3e6, 0.20, 0.23) == pytest.approx(1e6)
    assert np.isnan(cost_per_share_point(3e6, 0.20, 0.19))  # no point bought
    with pytest.raises(ValueError, match="subsidy_usd_per_mtok"):
        pass_through(1.0, 0.9, 0.0)


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("event,field,allowed", [
    (EventConfig(date="2026-01", kind="price", bloc="CN", price_in=1.0, price_out=2.0,
                 mode="relative"), "mode", "only with a factor"),
    (EventConfig(date="2026-01", kind="price", bloc="CN", factor=0.5, mode="freeze"),
     "mode", "relative"),
    (EventConfig(date="2026-01", kind="subsidy", bloc="CN", lever="per_mtok", level=0.5),
     "usd_per_mtok", "required"),
    (EventConfig(date="2026-01", kind="subsidy", bloc="CN", lever="per_mtok", usd_per_mtok=0.1,
                 level=0.5), "level", "not used"),
    (EventConfig(date="2026-01", kind="subsidy", bloc="CN", lever="energy", level=0.5,
                 usd_per_mtok=0.1), "usd_per_mtok", "not used"),
    (token_subsidy(500.0), "usd_per_mtok", "100"),
])
def test_bad_lever_events_are_refused_naming_field_value_and_what_is_allowed(event, field,
                                                                             allowed):
    cfg = small_config(*SHORT)
    cfg.scenario.events.append(event)
    with pytest.raises(ConfigError, match=field) as refused:
        validate(cfg)
    assert allowed in str(refused.value)
