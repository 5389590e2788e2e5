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


def test_open_releases_spill_faster_than_closed_ones():
    k = np.array([20.0])
    from_open = cap.spillover(k, 21.0, -np.inf, np.array([1.0]), 0.15, 0.03)
    from_closed = cap.spillover(k, -np.inf, 21.0, np.array([1.0]), 0.15, 0.03)
    assert from_open[0] == pytest.approx(0.15)
    assert from_closed[0] == pytest.approx(0.03)


def test_spillover_scales_with_absorptive_capacity_and_never_overshoots():
    k = np.array([20.0, 20.0, 22.0])
    gained = cap.spillover(k, 21.0, 21.0, np.array([1.0, 2.0, 1.0]), 0.9, 0.9)
    assert gained[2] == 0.0  # ahead of both frontiers: nothing to learn
    assert gained[0] <= 1.0 and gained[1] <= 1.0  # capped at the gap


def test_gap_in_months_uses_the_frontier_growth_rate():
    assert cap.gap_in_months(1.1, 1.1) == pytest.approx(12.0)


def test_compute_optimal_size_follows_chinchilla():
    # C = 6 N D with D = 20 N: N = sqrt(C / 120)
    assert cap.compute_optimal_params_b(1.2e23, 20) == pytest.approx(
        math.sqrt(1.2e23 / 120) / 1e9)
