"""Capability growth and spillover."""

import math

import numpy as np
import pytest

from sim.market import capability as cap


def test_algorithmic_progress_halves_needed_compute_every_halving_period():
    assert cap.algo_multiplier(8, 0, 8) == pytest.approx(2.0)
    assert cap.algo_multiplier(0, 0, 8) == 1.0


def test_capability_is_log10_of_effective_compute():
    assert cap.capability_of(1e25, 0, 0, 8) == pytest.approx(25.0)
    later = cap.capability_of(1e25, 8, 0, 8)
    assert later - 25.0 == pytest.approx(math.log10(2))


def test_diminishing_returns_tenfold_compute_adds_one_unit():
    window = np.array([1e24, 1e25, 1e26])
    assert np.diff(cap.own_capability(window)) == pytest.approx([1.0, 1.0])


def test_open_weights_teach_more_than_lagged_closed_models():
    base = np.array([20.0])
    from_open = cap.spillover_target(base, 21.0, -np.inf, np.array([1.0]), 0.5, 0.2)
    from_closed = cap.spillover_target(base, -np.inf, 21.0, np.array([1.0]), 0.5, 0.2)
    assert from_open[0] == pytest.approx(0.5)
    assert from_closed[0] == pytest.approx(0.2)


def test_spillover_scales_with_absorptive_capacity_and_needs_a_gap():
    base = np.array([20.0, 20.0, 22.0])
    target = cap.spillover_target(base, 21.0, 20.5, np.array([1.0, 0.5, 1.0]), 0.5, 0.9)
    assert target[0] == pytest.approx(max(0.5 * 1.0, 0.9 * 0.5))
    assert target[1] == pytest.approx(0.5 * target[0])
    assert target[2] == 0.0  # ahead of both frontiers: nothing to learn


def test_absorption_closes_a_share_of_the_distance_each_month():
    bonus = 0.0
    for _ in range(12):
        bonus = cap.absorb(bonus, 1.0, 0.2)
    assert bonus == pytest.approx(1 - 0.8 ** 12)


def test_gap_in_months_uses_the_frontier_growth_rate():
    assert cap.gap_in_months(1.1, 1.1) == pytest.approx(12.0)


def test_compute_optimal_size_follows_chinchilla():
    # C = 6 N D with D = 20 N: N = sqrt(C / 120)
    assert cap.compute_optimal_params_b(1.2e23, 20) == pytest.approx(
        math.sqrt(1.2e23 / 120) / 1e9)


def test_the_index_is_a_linear_map_of_capability_and_back():
    # ECI = a q + c: with a = 4 points per OOM and c = 12, q = 30 OOM is 132 points
    assert cap.capability_index(30.0, 4.0, 12.0) == pytest.approx(132.0)
    assert cap.capability_from_index(132.0, 4.0, 12.0) == pytest.approx(30.0)
    q = np.array([20.0, 27.5, 33.85])
    assert cap.capability_from_index(cap.capability_index(q, 4.073, 12.125), 4.073,
                                     12.125) == pytest.approx(q, abs=1e-12)
    assert cap.capability_index(-np.inf, 4.0, 12.0) == -np.inf  # no model yet stays none


def test_compute_placement_adds_the_lab_efficiency():
    # 1e25 FLOP, 8 months after the reference with 8-month halving, 0.5 OOM above the mean lab
    assert cap.capability_of(1e25, 8, 0, 8, efficiency=0.5) == pytest.approx(
        25.0 + math.log10(2) + 0.5)


def test_a_lab_offset_is_the_mean_of_its_release_residuals():
    assert cap.efficiency_offset([0.2, -0.4, 0.8]) == pytest.approx(0.2)
    assert math.isnan(cap.efficiency_offset([]))


def test_a_release_excess_decays_geometrically():
    excess = 2.0
    for _ in range(7):
        excess = cap.decay_excess(excess, 0.1)
    assert excess == pytest.approx(2.0 * 0.9 ** 7)
    assert cap.decay_excess(1.0, 0.0) == 1.0 and cap.decay_excess(1.0, 1.0) == 0.0
