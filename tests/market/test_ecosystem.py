"""The ecosystem stock and the linear network effect (sim.market.ecosystem), against closed
forms: the geometric stock and the tipping threshold of the symmetric two-family logit."""

from __future__ import annotations

import numpy as np
import pytest

from sim.market.ecosystem import (
    accumulate_stock,
    network_utility,
    stock_shares,
    two_family_share,
)


def test_a_constant_flow_fills_the_stock_geometrically():
    # E(t) = (1 - delta)^t E0 + T (1 - (1 - delta)^t) / delta, T = api + (1 + d) self
    delta, d, e0, api, own = 0.1, 0.5, 40.0, 3.0, 2.0
    stock = np.array([e0])
    for _ in range(25):
        stock = accumulate_stock(stock, np.array([api]), np.array([own]), delta, d)
    flow = api + (1 + d) * own
    expected = (1 - delta) ** 25 * e0 + flow * (1 - (1 - delta) ** 25) / delta
    assert stock[0] == pytest.approx(expected, rel=1e-12)


def test_derivatives_count_only_self_hosted_tokens():
    stock = accumulate_stock(np.zeros(2), np.array([5.0, 0.0]), np.array([0.0, 5.0]), 0.2, 1.0)
    assert list(stock) == [5.0, 10.0]  # the open family's self-hosted tokens count twice


def test_shares_sum_to_one_and_are_zero_without_a_stock():
    assert list(stock_shares(np.array([1.0, 3.0]))) == [0.25, 0.75]
    assert list(stock_shares(np.zeros(3))) == [0.0, 0.0, 0.0]
    assert list(network_utility(np.array([0.25, 0.75]), 2.0)) == [0.5, 1.5]


def fixed_points(weight: float, advantage: float = 0.0) -> list[float]:
    """Roots of f(s) - s on (0, 1), by sign changes on a grid that avoids s = 1/2 exactly,
    refined by bisection."""
    grid = np.linspace(1e-9, 1 - 1e-9, 20_000)
    gap = two_family_share(grid, weight, advantage) - grid
    roots = []
    for i in np.flatnonzero(np.sign(gap[:-1]) != np.sign(gap[1:])):
        lo, hi = grid[i], grid[i + 1]
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.sign(two_family_share(mid, weight, advantage) - mid) == np.sign(gap[i]):
                lo = mid
            else:
                hi = mid
        roots.append((lo + hi) / 2)
    return roots


def slope(weight: float, s: float) -> float:
    """d s'/d s = 2 nu s' (1 - s') (the logistic's derivative times 2 nu)."""
    f = two_family_share(s, weight)
    return float(2 * weight * f * (1 - f))


@pytest.mark.parametrize("weight", [0.0, 0.5, 1.5, 1.99])
def test_below_two_the_symmetric_market_has_one_stable_equilibrium(weight):
    roots = fixed_points(weight)
    assert len(roots) == 1
    assert roots[0] == pytest.approx(0.5, abs=1e-9)
    assert slope(weight, 0.5) == pytest.approx(weight / 2)  # < 1: stable


@pytest.mark.parametrize("weight", [2.01, 2.5, 4.0, 8.0])
def test_above_two_it_tips_two_stable_equilibria_around_an_unstable_one(weight):
    roots = fixed_points(weight)
    assert len(roots) == 3
    low, mid, high = roots
    assert mid == pytest.approx(0.5, abs=1e-9) and slope(weight, mid) > 1  # unstable
    assert slope(weight, low) < 1 and slope(weight, high) < 1  # stable
    assert low == pytest.approx(1 - high, abs=1e-9)  # symmetric
    # with m = 2 s - 1 the fixed points solve m = tanh(nu m / 2) (2 logistic(y) - 1 =
    # tanh(y / 2)), the Curie-Weiss equation at beta = nu / 2: its critical point beta = 1 is
    # nu = 2, and its positive root, found by iterating tanh, is the high equilibrium
    m = 1.0
    for _ in range(10_000):
        m = np.tanh(weight * m / 2)
    assert high == pytest.approx((1 + m) / 2, abs=1e-6)


def test_an_advantage_large_enough_leaves_one_equilibrium_even_above_two():
    # at nu = 2.5 a small advantage keeps three equilibria, a large one removes the low one
    assert len(fixed_points(2.5, 0.05)) == 3
    assert len(fixed_points(2.5, 2.0)) == 1
