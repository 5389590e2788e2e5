"""Market metrics against their definitions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

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


@pytest.mark.parametrize("elasticity", [0.0, 0.3, 1.0, 1.5])
def test_consumer_surplus_is_the_area_under_demand(elasticity):
    volume, ref, index = 50.0, 10.0, 2.0
    area, _ = integrate.quad(lambda x: volume * (x / ref) ** (-elasticity), index, ref)
    assert metrics.consumer_surplus(volume, index, ref, elasticity) == pytest.approx(area)


def test_quality_adjusted_price_of_a_single_offering_is_its_price():
    # one offering of capability 0 at price p: IV = -a ln p, so P~ = p
    assert metrics.quality_adjusted_price(-1.5 * np.log(4.0), 1.5) == pytest.approx(4.0)
