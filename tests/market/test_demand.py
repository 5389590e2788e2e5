"""Discrete-choice demand against hand computations and independent numerics."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.market.buyers import token_volume
from sim.market.demand import (
    choice_probabilities,
    inclusive_value,
    price_elasticity_of_share,
    sample_choices,
)

NEST = np.array([0, 0, 1, 2])


def nested_by_hand(u, nest, lam):
    """The nested-logit formula written out for one buyer, with plain floats."""
    groups = sorted(set(nest))
    inclusive = {g: sum(math.exp(u[j] / lam) for j in range(len(u)) if nest[j] == g)
                 for g in groups}
    denom = sum(inclusive[g] ** lam for g in groups)
    return [math.exp(u[j] / lam) / inclusive[nest[j]] * inclusive[nest[j]] ** lam / denom
            for j in range(len(u))]


def test_plain_logit_is_the_softmax():
    u = np.array([[1.0, 2.0, 0.5, -1.0]])
    p = choice_probabilities(u, np.ones((1, 4), bool), NEST, 1.0)
    assert p[0] == pytest.approx(np.exp(u[0]) / np.exp(u[0]).sum())


@pytest.mark.parametrize("lam", [0.3, 0.6, 0.9])
def test_nested_logit_matches_the_formula(lam):
    u = np.array([[1.0, 2.0, 0.5, -1.0]])
    p = choice_probabilities(u, np.ones((1, 4), bool), NEST, lam)
    assert p[0] == pytest.approx(nested_by_hand(u[0], NEST, lam), rel=1e-12)


def test_unavailable_offerings_get_no_share_and_empty_rows_are_zero():
    u = np.zeros((2, 4))
    available = np.array([[True, False, True, True], [False] * 4])
    p = choice_probabilities(u, available, NEST, 0.8)
    assert p[0, 1] == 0.0 and p[0].sum() == pytest.approx(1.0)
    assert np.all(p[1] == 0.0)


def test_huge_utilities_do_not_overflow():
    u = np.array([[1000.0, 999.0, -1000.0, 0.0]])
    p = choice_probabilities(u, np.ones((1, 4), bool), NEST, 0.7)
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(u=arrays(float, (5, 4), elements=st.floats(-30, 30)),
       lam=st.floats(0.05, 1.0),
       mask=arrays(bool, (5, 4)))
def test_probabilities_are_shares(u, lam, mask):
    p = choice_probabilities(u, mask, NEST, lam)
    assert np.all(p >= 0) and np.all(p[~mask] == 0)
    sums = p.sum(axis=1)
    assert np.allclose(sums[mask.any(axis=1)], 1.0)


@pytest.mark.parametrize("lam", [1.0, 0.6])
def test_own_price_elasticity_matches_finite_differences(lam):
    """e_ij = -d ln P_ij / d ln p_j, checked by perturbing one log price."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 4))
    alpha = np.array([0.5, 1.5, 3.0])
    log_price = rng.normal(size=4)
    available = np.ones((3, 4), bool)

    def probs(lp):
        return choice_probabilities(base - alpha[:, None] * lp[None, :], available, NEST, lam)

    p = probs(log_price)
    analytic = price_elasticity_of_share(p, alpha, NEST, lam)
    h = 1e-6
    for j in range(4):
        up, down = log_price.copy(), log_price.copy()
        up[j] += h
        down[j] -= h
        numeric = -(np.log(probs(up)[:, j]) - np.log(probs(down)[:, j])) / (2 * h)
        assert analytic[:, j] == pytest.approx(numeric, rel=1e-6)


def test_inclusive_value_is_the_log_sum():
    u = np.array([[1.0, 2.0, 0.5, -1.0]])
    assert inclusive_value(u, np.ones((1, 4), bool), NEST, 1.0)[0] == pytest.approx(
        math.log(np.exp(u[0]).sum()))
    lam = 0.5
    groups = [np.exp(u[0][NEST == g] / lam).sum() ** lam for g in range(3)]
    assert inclusive_value(u, np.ones((1, 4), bool), NEST, lam)[0] == pytest.approx(
        math.log(sum(groups)))


def test_token_volume_has_constant_elasticity():
    assert token_volume(100.0, 10.0, 10.0, 0.3) == pytest.approx(100.0)
    ratio = token_volume(100.0, 1.0, 10.0, 0.3) / token_volume(100.0, 10.0, 10.0, 0.3)
    assert ratio == pytest.approx(10 ** 0.3)


def test_inverse_cdf_sampling_picks_the_first_cumulative_above_the_draw():
    p = np.array([[0.2, 0.0, 0.5, 0.3]] * 4)
    u = np.array([0.1, 0.2, 0.69, 0.999999])
    assert list(sample_choices(p, u)) == [0, 2, 2, 3]


def test_sampled_choices_follow_the_probabilities():
    rng = np.random.default_rng(1)
    p = np.tile([0.1, 0.2, 0.3, 0.4], (200_000, 1))
    counts = np.bincount(sample_choices(p, rng.random(200_000)), minlength=4) / 200_000
    assert counts == pytest.approx([0.1, 0.2, 0.3, 0.4], abs=0.005)
