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


def test_affordability_at_a_budget_that_underflows_to_zero():
    """The limits, not 0/0: a budget of 5e-324 of income is 0.0 a month once divided by
    twelve; nothing that costs something is affordable on it, and free tokens are (the
    fuzz tier found the NaN this made in a whole run)."""
    shares = affordability(np.array([0.0, 1e-9, 3.0]), 1_000.0, 5e-324, 2.0)
    assert shares.tolist() == [1.0, 0.0, 0.0]


@given(cost=st.floats(0, 1e300), income=st.floats(0, 1e12), share=st.floats(0, 1),
       steepness=st.floats(0.1, 10))
def test_affordability_is_a_share_for_any_input(cost, income, share, steepness):
    value = float(affordability(cost, income, share, steepness))
    assert 0.0 <= value <= 1.0
