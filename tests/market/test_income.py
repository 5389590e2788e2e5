"""Income within a country: the log-normal's spread from the Gini, the quadrature over
income types, and the adoption potential averaged over them, against closed forms and
values computed by hand."""

import math

import numpy as np
import pytest

from sim.market import buyers, diffusion, income


def test_sigma_from_the_gini_of_a_log_normal():
    # G = 2 Phi(sigma / sqrt 2) - 1, so G = 0.5 gives sigma = sqrt 2 * Phi^-1(0.75)
    # and Phi^-1(0.75) = 0.6744897501960817 (the upper quartile of the standard normal)
    assert float(income.lognormal_sigma(0.5)) == pytest.approx(math.sqrt(2) * 0.6744897501960817,
                                                              rel=1e-12)
    assert float(income.lognormal_sigma(0.0)) == 0.0
    # the round trip through the closed form of a log-normal's Gini
    for g in (0.255, 0.4, 0.544):
        sigma = float(income.lognormal_sigma(g))
        assert math.erf(sigma / 2) == pytest.approx(g, rel=1e-12)  # 2 Phi(s/sqrt2) - 1
    with pytest.raises(ValueError, match="Gini"):
        income.lognormal_sigma(55.0)  # a Gini on the 0-100 scale


def test_quadrature_weights_sum_to_one_and_integrate_normal_moments():
    z, w = income.quadrature(5)
    assert w.sum() == pytest.approx(1.0, abs=1e-14)
    assert (w * z).sum() == pytest.approx(0.0, abs=1e-14)
    assert (w * z ** 2).sum() == pytest.approx(1.0, rel=1e-13)
    assert (w * z ** 4).sum() == pytest.approx(3.0, rel=1e-13)  # E[Z^4] = 3
    assert (w * z ** 8).sum() == pytest.approx(105.0, rel=1e-12)  # exact to degree 2n - 1 = 9


@pytest.mark.parametrize("nodes,sigma,first,second", [(5, 0.5, 1e-7, 5e-5),
                                                      (5, 1.0, 5e-5, 2e-2),
                                                      (7, 1.0, 1e-7, 5e-4)])
def test_income_types_average_to_the_log_normal_mean_and_second_moment(nodes, sigma, first,
                                                                       second):
    # E[y] = Y and E[y^2] = Y^2 exp(sigma^2) for ln y ~ N(ln Y - sigma^2 / 2, sigma^2); the
    # rule integrates exp(k sigma z) less well as k sigma grows (the tolerances)
    mean = np.array([1200.0, 9000.0])
    y, w = income.income_types(mean, sigma, nodes)
    assert y.shape == (2, nodes)
    assert (w * y).sum(axis=-1) == pytest.approx(mean, rel=first)
    assert (w * y ** 2).sum(axis=-1) == pytest.approx(mean ** 2 * math.exp(sigma ** 2), rel=second)
    # the median income type sits at the log-normal's median, Y exp(-sigma^2 / 2)
    assert y[:, nodes // 2] == pytest.approx(mean * math.exp(-sigma ** 2 / 2), rel=1e-14)


def test_without_spread_every_type_earns_the_mean():
    y, _ = income.income_types(3000.0, 0.0, 5)
    assert y == pytest.approx(np.full(5, 3000.0), rel=1e-15)


def test_potential_of_two_income_types_by_hand():
    # half the people earn 600 USD a year, half 2400; budget 10% of income a month:
    # 5 and 20 USD. At a cost of 5 USD: affordability 1/(1+1^2) = 0.5 and 1/(1+0.25^2) = 16/17
    potential, mix = diffusion.potential_market(5.0, 0.8, np.array([600.0, 2400.0]),
                                                np.array([0.5, 0.5]), 0.1, 2.0)
    by_type = 0.8 * np.array([0.5, 16 / 17])
    assert float(potential) == pytest.approx(0.5 * by_type.sum(), rel=1e-14)
    assert mix == pytest.approx(by_type / by_type.sum(), rel=1e-14)  # the richer half: 65%


def test_potential_of_one_type_at_the_mean_is_the_homogeneous_formula():
    cost, internet, gdp = np.array([3.0, 40.0]), np.array([0.4, 0.9]), np.array([1500.0, 9000.0])
    y, w = income.income_types(gdp, 0.0, 5)
    potential, mix = diffusion.potential_market(cost, internet, y, w, 0.01, 1.5)
    assert potential == pytest.approx(internet * diffusion.affordability(cost, gdp, 0.01, 1.5),
                                      rel=1e-13)
    assert mix == pytest.approx(np.tile(w, (2, 1)), rel=1e-13)


def test_inequality_widens_a_poor_countrys_market_and_narrows_a_rich_ones():
    # where AI costs more than the mean budget, the rich tail can still afford it; where it
    # costs less, the poor tail cannot
    gdp = np.array([600.0, 12_000.0])
    even, _ = diffusion.potential_market(5.0, 1.0, *income.income_types(gdp, 0.0, 7), 0.01, 2.0)
    unequal, mix = diffusion.potential_market(5.0, 1.0, *income.income_types(gdp, 1.0, 7), 0.01,
                                              2.0)
    assert unequal[0] > even[0] and unequal[1] < even[1]
    _, w = income.quadrature(7)
    assert mix[0, -1] > w[-1] and mix[0, 0] < w[0]  # users are richer than the population


def test_mix_over_types_and_price_sensitivity_by_hand():
    shares = np.array([[0.6, 0.3], [0.2, 0.7]])  # two types (rows), two offerings
    assert buyers.mix_over_types(np.array([0.25, 0.75]), shares) == pytest.approx(
        [0.25 * 0.6 + 0.75 * 0.2, 0.25 * 0.3 + 0.75 * 0.7])
    # a = alpha (Y_ref / y) ** eta: 2.5 * (5000 / 1250) ** 0.5 = 5
    assert float(buyers.price_sensitivity(2.5, 5000.0, 1250.0, 0.5)) == pytest.approx(5.0)
