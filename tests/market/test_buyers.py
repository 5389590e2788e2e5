"""The buyers' formulas against hand computations, and the pricing panel's nested logit
against the buyers' choice probabilities."""

import math

import numpy as np
import pytest

from sim.core.constants import NESTS
from sim.market import buyers, diffusion
from sim.market.demand import choice_probabilities
from sim.market.panel import DemandPanel


def test_a_firm_pays_the_list_price_for_an_api_and_cost_plus_fixed_share_to_self_host():
    # self-hosting: 2 USD/Mtok serving at 1.5x overhead, 1,000 USD/month over 500 Mtok
    price = buyers.firm_price_paid(np.array([7.0, np.nan]), np.array([np.nan, 2.0]),
                                   np.array([True, False]), 1.5, 1000.0, 500.0)
    assert price == pytest.approx([7.0, 2.0 * 1.5 + 1000.0 / 500.0])


def test_a_country_spreads_self_hosting_over_one_user_at_least():
    # no users yet: the fixed cost falls on one user's 0.2 Mtok
    price = buyers.national_price_paid(np.array([3.0, 0.0]), np.array([0.0, 1.0]),
                                       np.array([True, False]), 50.0, 0.0, 0.2)
    assert price == pytest.approx([3.0, 1.0 + 50.0 / 0.2])
    many = buyers.national_price_paid(3.0, 1.0, False, 50.0, 1e6, 0.2)
    assert float(many) == pytest.approx(1.0 + 50.0 / 2e5)


def test_token_volume_at_the_reference_price_is_the_base_volume_and_has_constant_elasticity():
    assert buyers.token_volume(100.0, 10.0, 10.0, 0.4) == pytest.approx(100.0)
    assert (buyers.token_volume(100.0, 20.0, 10.0, 0.4)
            / buyers.token_volume(100.0, 10.0, 10.0, 0.4)) == pytest.approx(2.0 ** -0.4)


def test_firm_utility_adds_its_terms_with_their_signs():
    # b = 2 * 1.5 = 3; g = 4 * 0.5 * (1 + 0.25) = 2.5
    base = buyers.firm_base_utility(1.5, 0.5, np.array([1.0, 2.0]), np.array([0.1, 0.0]),
                                    np.array([0.2, 0.4]), np.array([0.3, -0.3]),
                                    2.0, 4.0, 0.25)
    assert base == pytest.approx([3.0 + 0.1 - 0.5 + 0.3, 6.0 - 1.0 - 0.3])
    u = buyers.firm_utility(base, 1.2, np.array([math.e, 1.0]), 0.7, np.array([False, True]))
    assert u == pytest.approx([base[0] - 1.2, base[1] - 0.7])


def test_firm_base_utility_on_all_rows_equals_it_on_each_row():
    rng = np.random.default_rng(3)
    n, J = 6, 5
    q, priv = rng.uniform(0.5, 2, n), rng.uniform(0, 1, n)
    cap, appeal, risk = rng.normal(size=J), rng.normal(size=J), rng.uniform(size=J)
    affinity = rng.normal(size=(n, J))
    table = buyers.firm_base_utility(q[:, None], priv[:, None], cap[None, :], appeal[None, :],
                                     risk[None, :], affinity, 1.3, 0.8, 0.1)
    for i in range(n):
        row = buyers.firm_base_utility(q[i], priv[i], cap, appeal, risk, affinity[i],
                                       1.3, 0.8, 0.1)
        assert np.array_equal(table[i], row)


def test_nation_utility_leans_towards_its_side_and_penalises_self_hosting():
    sign = np.array([-1.0, 1.0, 0.0])  # a US, a Chinese and another bloc's offering
    base = buyers.nation_base_utility(np.ones(3), np.zeros(3), sign,
                                      np.array([True, True, False]), 0.5, 2.0, 1.0, 0.6)
    assert base == pytest.approx([2.0 - 0.5, 2.0 + 0.5, 2.0 - 0.6])
    assert buyers.utility_at_price(base, 0.5, np.full(3, 4.0)) == pytest.approx(
        base - 0.5 * math.log(4.0))


def test_device_utility_without_a_price_leaves_out_only_the_price_term():
    args = (np.array([1.0, 2.0]), np.array([0.1, 0.2]), np.array([10.0, 100.0]),
            np.array([True, False]), np.array([False, True]), 1.0, 0.5, 0.3, 0.2)
    free = buyers.device_utility(*args)
    assert free == pytest.approx([1.1 - 0.5 * math.log(10) - 0.3,
                                  2.2 - 0.5 * math.log(100) + 0.2])
    priced = buyers.device_utility(*args, alpha=2.0, price=np.array([3.0, 5.0]))
    assert priced - free == pytest.approx(-2.0 * np.log([3.0, 5.0]))


def test_shares_move_part_of_the_way_and_drop_what_is_gone():
    shares, target = np.array([0.5, 0.5]), np.array([1.0, 0.0])
    assert buyers.adjust_shares(shares, target, np.array([True, True]), 0.25) == pytest.approx(
        [0.625, 0.375])
    assert buyers.adjust_shares(shares, target, np.array([True, False]), 0.25) == pytest.approx(
        [1.0, 0.0])
    assert buyers.adjust_shares(None, target, np.array([True, True]), 0.25) == pytest.approx(
        target)
    rows = buyers.adjust_shares(np.array([[0.5, 0.5], [0.2, 0.8]]),
                                np.array([[1.0, 0.0], [0.0, 1.0]]), np.ones((2, 2), bool), 0.5)
    assert rows == pytest.approx(np.array([[0.75, 0.25], [0.1, 0.9]]))


def test_cost_per_user_skips_unused_offerings():
    # an unused offering with no price yet (nan) costs nothing
    cost = buyers.cost_per_user(np.array([0.25, 0.75, 0.0]), np.array([2.0, 1.0, 5.0]),
                                np.array([4.0, 2.0, np.nan]), 0.1)
    assert float(cost) == pytest.approx(0.1 * (0.25 * 2 * 4 + 0.75 * 1 * 2))


def test_adoption_starts_at_a_share_of_the_potential_then_diffuses():
    # cost equal to the budget (600 USD a year * 10% / 12 = 5 USD a month): half affordable
    # one income type (everyone at 600 USD a year)
    one = (np.array([600.0]), np.array([1.0]))
    potential, adopted, mix = diffusion.adoption_step(np.nan, 5.0, 0.8, *one, 0.01, 0.3, 0.1,
                                                      2.0, 0.1)
    assert float(potential) == pytest.approx(0.4)
    assert float(adopted) == pytest.approx(0.04)
    assert mix == pytest.approx([1.0])
    _, later, _ = diffusion.adoption_step(0.04, 5.0, 0.8, *one, 0.01, 0.3, 0.1, 2.0, 0.1)
    assert float(later) == pytest.approx(0.04 + (0.01 + 0.3 * 0.04 / 0.4) * (0.4 - 0.04))


def random_panel(rng, lam):
    n, J = 40, 9
    nest = rng.integers(0, len(NESTS), J)
    is_api = rng.random(J) < 0.6
    available = rng.random((n, J)) < 0.7
    available[0] = False  # a buyer with nothing to buy
    available[:, 1] = False  # an offering nobody may buy
    panel = DemandPanel(
        base_utility=rng.normal(0.0, 2.0, (n, J)), alpha=rng.uniform(0.5, 3.0, n),
        own_price=rng.uniform(0.1, 20.0, (n, J)), available=available,
        weight=rng.uniform(1.0, 1000.0, n), is_api=is_api, nest=nest, nest_lambda=lam,
        price_elasticity=rng.uniform(0.0, 0.8), reference_price=rng.uniform(1.0, 10.0))
    return panel, rng.uniform(0.05, 30.0, J)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("lam", [1.0, 0.7, 0.35])
def test_the_pricing_panel_uses_the_buyers_nested_logit_and_token_volume(seed, lam):
    panel, api_prices = random_panel(np.random.default_rng(seed), lam)
    # the price each buyer pays and its utility, written out independently of the panel
    price = np.where(panel.is_api[None, :], api_prices[None, :], panel.own_price)
    utility = panel.base_utility - panel.alpha[:, None] * np.log(price)
    expected = choice_probabilities(utility, panel.available, panel.nest, lam)
    probabilities = panel.probabilities(api_prices)
    assert np.abs(probabilities - expected).max() < 1e-12
    tokens, _ = panel.tokens(api_prices)
    volume = panel.weight[:, None] * (price / panel.reference_price) ** -panel.price_elasticity
    assert np.abs(tokens - volume * expected).max() <= 1e-12 * np.abs(volume).max()
    assert probabilities[0].sum() == 0.0 and probabilities[:, 1].sum() == 0.0
