"""Serving cost: mixture-of-experts, chips and energy, against hand computations."""

import math

import numpy as np
import pytest

from sim.market import cost


def test_deepseek_v3_on_an_h100_costs_cents_per_million_tokens():
    # 37B active, H100 989 TFLOP/s at 35% utilisation, $2/h rental, no energy:
    # a million tokens need 2 * 37e9 * 1e6 / (989e12 * 0.35) = 213.8 s of one chip.
    seconds = 2 * 37e9 * 1e6 / (989e12 * 0.35)
    expected = seconds * 2.0 / 3600
    per_second = cost.chip_cost_per_second(2.0, 0.7, 1.2, 0.0)
    usd_per_flop = cost.cost_per_flop(per_second, 989.0, 0.35)
    assert cost.serving_cost_per_mtok(37.0, usd_per_flop) == pytest.approx(expected, rel=1e-12)
    assert 0.05 < expected < 0.5  # cents to tenths of a dollar, as the domain note says


def test_mixture_of_experts_costs_follow_active_not_total_parameters():
    usd_per_flop = 1e-18
    moe = cost.serving_cost_per_mtok(37.0, usd_per_flop)
    dense = cost.serving_cost_per_mtok(671.0, usd_per_flop)
    assert dense / moe == pytest.approx(671 / 37)


def test_energy_and_its_subsidy_enter_the_chip_cost():
    full = cost.chip_cost_per_second(2.0, 1.0, 1.5, 0.10)
    half = cost.chip_cost_per_second(2.0, 1.0, 1.5, 0.10, energy_subsidy=0.5)
    assert full == pytest.approx((2.0 + 1.0 * 1.5 * 0.10) / 3600)
    assert full - half == pytest.approx(0.5 * 1.5 * 0.10 / 3600)


def test_supercluster_penalty_raises_the_cost_of_a_flop():
    per_second = cost.chip_cost_per_second(1.0, 1.46, 1.3, 0.08)
    plain = cost.cost_per_flop(per_second, 780.0, 0.35)
    penalised = cost.cost_per_flop(per_second, 780.0, 0.35, efficiency=0.75)
    assert penalised / plain == pytest.approx(1 / 0.75)


def test_fleet_cost_weights_chip_kinds_by_the_flop_they_deliver():
    mixed = cost.fleet_cost_per_flop(3.0, 1.0, 2.0, 6.0)
    assert mixed == pytest.approx((3 * 2 + 1 * 6) / 4)
    assert cost.fleet_cost_per_flop(0.0, 0.0, 2.0, 6.0) == 2.0  # no fleet: rent advanced


@pytest.mark.parametrize("load,expected", [(0.5, 1.0), (1.0, 1.0), (1.5, 2.0), (3.0, 5.0)])
def test_surge_multiplier_rises_only_above_capacity(load, expected):
    assert cost.surge_multiplier(load, 2.0) == pytest.approx(expected)
    assert math.isfinite(float(np.asarray(cost.surge_multiplier(load, 2.0))))


def test_the_hardware_factor_compounds_the_yearly_decline():
    # 30% cheaper a year: two years later 0.7 * 0.7 = 0.49; a year before 1 / 0.7
    assert cost.hardware_factor(24 + 5, 5, 0.3) == pytest.approx(0.49)
    assert cost.hardware_factor(5, 5, 0.3) == 1.0
    assert cost.hardware_factor(5 - 12, 5, 0.3) == pytest.approx(1 / 0.7)
    # half a year: sqrt(0.64) = 0.8
    assert cost.hardware_factor(6, 0, 0.36) == pytest.approx(0.8)


def test_compliance_cost_is_the_rate_of_each_bloc_times_its_buyers_tokens():
    from sim.market.cost import compliance_cost_usd

    tokens = np.array([[10.0, 0.0], [5.0, 2.0], [1.0, 4.0]])  # 3 blocs x 2 vendors
    rates = np.array([0.0, 2.0, 0.5])  # no cost in the first bloc
    # vendor 0: 2*5 + 0.5*1 = 10.5; vendor 1: 2*2 + 0.5*4 = 6
    np.testing.assert_allclose(compliance_cost_usd(tokens, rates), [10.5, 6.0])
    assert np.all(compliance_cost_usd(tokens, np.zeros(3)) == 0.0)
