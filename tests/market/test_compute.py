"""Chips under export limits, and domestic superclusters."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.market.compute import buy_chips, domestic_supply, effective_flops, serving_capacity_mtok


def test_no_limit_buys_only_advanced_chips():
    bought = buy_chips(1e6, 25_000, 15_000, export_level=1.0, domestic_available=True,
                       domestic_preference=0.0)
    assert bought.advanced == pytest.approx(40.0)
    assert bought.domestic == 0.0


def test_an_embargo_sends_the_whole_budget_to_domestic_chips():
    bought = buy_chips(1.5e6, 25_000, 15_000, export_level=0.0, domestic_available=True,
                       domestic_preference=0.0)
    assert bought.advanced == 0.0
    assert bought.domestic == pytest.approx(100.0)


def test_a_bloc_without_domestic_chips_cannot_spend_what_the_limit_bars():
    bought = buy_chips(1e6, 25_000, 15_000, export_level=0.25, domestic_available=False,
                       domestic_preference=0.5)
    assert bought.advanced == pytest.approx(10.0)  # preference ignored: nothing else to buy
    assert bought.domestic == 0.0
    assert bought.spent_usd == pytest.approx(0.25e6)


def test_a_compute_subsidy_buys_more_chips_and_is_paid_by_the_state():
    bought = buy_chips(1e6, 25_000, 15_000, 1.0, True, 0.0, compute_subsidy=0.5)
    assert bought.advanced == pytest.approx(80.0)
    assert bought.subsidy_usd == pytest.approx(1e6)


@given(budget=st.floats(0, 1e9), level=st.floats(0, 1), pref=st.floats(0, 1))
def test_money_is_conserved_in_chip_purchases(budget, level, pref):
    bought = buy_chips(budget, 25_000, 15_000, level, True, pref)
    spent = bought.advanced * 25_000 + bought.domestic * 15_000
    assert spent == pytest.approx(budget, rel=1e-9, abs=1e-6)
    assert bought.advanced >= 0 and bought.domestic >= 0


def test_serving_capacity_is_flops_over_flop_per_token():
    flops = effective_flops(1000, 989.0)
    capacity = serving_capacity_mtok(flops, 37.0, 0.35, 3600.0)
    assert capacity == pytest.approx(1000 * 989e12 * 0.35 * 3600 / (2 * 37e9) / 1e6)


def test_domestic_supply_grows_at_its_yearly_rate():
    # 10 thousand chips a month at the reference month, 1.5 times more each year
    assert domestic_supply(100, 100, 10.0, 1.5) == pytest.approx(10_000)
    assert domestic_supply(112, 100, 10.0, 1.5) == pytest.approx(15_000)
    assert domestic_supply(124, 100, 10.0, 1.5) == pytest.approx(22_500)
    # half a year at 1.44 a year: 1.2 times
    assert domestic_supply(106, 100, 10.0, 1.44) == pytest.approx(12_000)
