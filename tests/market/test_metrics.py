"""Market metrics against their definitions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.market import metrics


def test_hhi_of_n_equal_firms_is_ten_thousand_over_n():
    for n in (1, 2, 4, 10):
        assert metrics.hhi(np.ones(n)) == pytest.approx(10_000 / n)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=20))
def test_hhi_is_between_the_equal_split_and_monopoly(amounts):
    value = metrics.hhi(amounts)
    positive = sum(a > 0 for a in amounts)
    if positive:
        assert 10_000 / positive - 1e-6 <= value <= 10_000 + 1e-6


def test_lerner_index():
    assert metrics.lerner_index(10.0, 2.5) == pytest.approx(0.75)
    assert metrics.lerner_index(1.0, 2.0) == pytest.approx(-1.0)  # dumping


def test_soft_power_weights_countries_by_population():
    population = np.array([100.0, 300.0])
    shares = np.array([[1.0, 0.0], [0.0, 1.0]])  # country A all bloc 0, B all bloc 1
    assert metrics.soft_power(population, shares) == pytest.approx([0.25, 0.75])


def test_consumer_surplus_of_one_offering_is_the_budget_times_the_log_price_gap():
    # one offering of the reference capability at price P: W = -a ln P against the
    # reference option -a ln P_ref, so CS = (B / a) a ln(P_ref / P) = B ln(P_ref / P)
    budget, alpha, price, ref = 500.0, 1.7, 2.0, 10.0
    cs = metrics.consumer_surplus(budget, -alpha * np.log(price), -alpha * np.log(ref), alpha)
    assert cs == pytest.approx(budget * np.log(ref / price))


def _log_sum(utility, nest, lam):
    """ln sum_g (sum_{j in g} exp(u_j / lam)) ** lam, written out for one buyer."""
    total = 0.0
    for g in set(nest.tolist()):
        total += sum(np.exp(u / lam) for u, k in zip(utility, nest, strict=True) if k == g) ** lam
    return np.log(total)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("lam", [1.0, 0.6])
def test_a_uniform_ten_percent_price_cut_raises_surplus_by_its_closed_form(seed, lam):
    """Every price times 0.9 adds -a ln 0.9 to every offering's utility: without an outside
    option CS rises by B ln(1/0.9), whatever the menu; beside an outside option u0 by
    (B / a) [ln(e^u0 + 0.9^-a e^IV) - ln(e^u0 + e^IV)]."""
    from sim.market.demand import inclusive_value

    rng = np.random.default_rng(seed)
    n, J = 5, 6
    base = rng.normal(0.0, 1.0, (n, J))
    price = np.exp(rng.normal(0.0, 1.0, (n, J)))
    alpha = rng.uniform(0.5, 3.0, n)
    budget = rng.uniform(10.0, 1000.0, n)
    nest = np.array([0, 0, 1, 1, 2, 2])
    available = np.ones((n, J), dtype=bool)
    outside = rng.normal(0.0, 1.0, n)
    reference = -alpha * np.log(10.0)

    def surplus(factor, with_outside):
        utility = base - alpha[:, None] * np.log(price * factor)
        value = inclusive_value(utility, available, nest, lam,
                                outside if with_outside else None)
        ref = outside if with_outside else reference
        return metrics.consumer_surplus(budget, value, ref, alpha)

    gain = surplus(0.9, False) - surplus(1.0, False)
    np.testing.assert_allclose(gain, budget * np.log(1 / 0.9), rtol=1e-10)

    gain = surplus(0.9, True) - surplus(1.0, True)
    iv = np.array([_log_sum(base[i] - alpha[i] * np.log(price[i]), nest, lam)
                   for i in range(n)])
    expected = budget / alpha * (np.log(np.exp(outside) + 0.9 ** -alpha * np.exp(iv))
                                 - np.log(np.exp(outside) + np.exp(iv)))
    np.testing.assert_allclose(gain, expected, rtol=1e-10)
    assert np.all(gain < budget * np.log(1 / 0.9))  # some buyers stay outside


def test_quality_adjusted_price_of_a_single_offering_is_its_price():
    # one offering of capability 0 at price p: IV = -a ln p, so P~ = p
    assert metrics.quality_adjusted_price(-1.5 * np.log(4.0), 1.5) == pytest.approx(4.0)
