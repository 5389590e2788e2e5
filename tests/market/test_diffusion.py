"""Bass diffusion and affordability."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.market.diffusion import affordability, bass_step


def test_one_bass_step_by_hand():
    # A = 0.1, m = 0.5, p = 0.01, q = 0.2: dA = (0.01 + 0.2 * 0.1 / 0.5) * (0.5 - 0.1) = 0.02
    assert bass_step(0.1, 0.5, 0.01, 0.2) == pytest.approx(0.12)


def test_bass_approaches_the_continuous_solution_for_small_steps():
    # With a constant market, F = A / m solves dF/dt = (p + q F)(1 - F):
    # F(t) = (1 - exp(-(p+q)t)) / (1 + (q/p) exp(-(p+q)t))
    p, q, m, steps = 0.003, 0.05, 0.8, 20_000
    dt = 0.01
    adopted = 0.0
    for _ in range(steps):
        adopted = float(bass_step(adopted, m, p * dt, q * dt))
    t = steps * dt
    exact = (1 - np.exp(-(p + q) * t)) / (1 + q / p * np.exp(-(p + q) * t))
    assert adopted / m == pytest.approx(exact, rel=5e-3)


@given(a=st.floats(0, 1), m=st.floats(0, 1), p=st.floats(0, 0.5), q=st.floats(0, 1))
def test_adoption_stays_within_the_potential(a, m, p, q):
    new = float(bass_step(a, m, p, q))
    assert 0.0 <= new <= max(m, 0.0) + 1e-12
    if a < m:
        assert new >= a


def test_affordability_falls_with_cost_and_rises_with_income():
    assert affordability(1.0, 1200, 0.01, 2.0) == pytest.approx(0.5)  # cost = budget
    assert affordability(0.1, 1200, 0.01, 2.0) > affordability(1.0, 1200, 0.01, 2.0)
    assert affordability(1.0, 12_000, 0.01, 2.0) > affordability(1.0, 1200, 0.01, 2.0)
