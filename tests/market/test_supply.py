"""Costs implied by prices: the inversion of the owners' first-order conditions, conduct and
the cost shifter.

Expected values come from known costs (prices solved from them by the Nash solver, then
inverted), from closed forms of the plain logit in log price written here from the
shares, and from hand formulas of the regression, never from the code under test.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.market.panel import DemandPanel
from sim.market.pricing import nash_prices
from sim.market.supply import (
    cost_shifter,
    implied_conduct,
    implied_marginal_cost,
    invert_prices,
)

MAX_MARKUP = 1e4  # far from any price here: the guard must not bind for the inversion to hold


def synthetic_panel(alpha=(1.6, 2.4, 3.5), outside=(0.5, -0.5, 1.0), eps=0.2, lam=0.7,
                    self_hosting=True, unavailable=()) -> DemandPanel:
    """Three buyer types, four API offerings in two nests, plus one self-hosted slot that
    nobody prices (it competes, but the inversion must leave it alone); the offerings in
    ``unavailable`` nobody may buy."""
    base = np.array([[1.0, 1.4, 0.6, 0.9, 0.2],
                     [0.5, 1.1, 1.0, 0.4, 0.6],
                     [1.3, 0.8, 0.3, 1.2, -0.2]])
    n, j = base.shape
    is_api = np.array([True, True, True, True, not self_hosting])
    available = np.ones((n, j), bool)
    available[:, list(unavailable)] = False
    return DemandPanel(
        base_utility=base, alpha=np.asarray(alpha, float), own_price=np.full((n, j), 0.4),
        available=available, weight=np.array([100.0, 250.0, 60.0]),
        is_api=is_api, nest=np.array([0, 0, 1, 1, 2]), nest_lambda=lam,
        price_elasticity=eps, reference_price=2.0, outside_utility=np.asarray(outside, float))


COST = np.array([0.8, 1.5, 0.3, 0.6, np.nan])
#: products 0 and 2 have one owner (a lab and its open-weight line), 1 and 3 their own
CO_OWNED = np.eye(5)
CO_OWNED[0, 2] = CO_OWNED[2, 0] = 1.0


def solve_nash(panel, cost, ownership):
    active = panel.is_api.copy()
    prices, converged = nash_prices(panel, cost, active, MAX_MARKUP, tolerance=1e-13,
                                    max_iter=200, ownership=ownership)
    assert converged
    return prices, active


@pytest.mark.parametrize("ownership", [np.eye(5), CO_OWNED], ids=["single", "co-owned"])
@pytest.mark.parametrize("lam", [1.0, 0.7])
def test_the_inversion_recovers_known_costs_from_nash_prices(ownership, lam):
    panel = synthetic_panel(lam=lam)
    prices, on_sale = solve_nash(panel, COST, ownership)
    inversion = invert_prices(panel, prices, ownership, on_sale)
    assert inversion.cost[:4] == pytest.approx(COST[:4], rel=1e-6)
    assert list(inversion.status) == ["ok"] * 4 + ["not_priced"]
    assert np.isnan(inversion.cost[4]) and np.isnan(inversion.lerner[4])
    assert implied_marginal_cost(panel, prices, ownership, on_sale) == pytest.approx(
        inversion.cost, rel=0, abs=0, nan_ok=True)


def test_co_ownership_matters_for_the_recovered_costs():
    """Inverting co-owned Nash prices as if single-product gives higher costs for the
    co-owned products (the single-product rule explains only 1/E of their margin, not the
    part that keeps sales in the family) and the same costs for the others."""
    panel = synthetic_panel()
    prices, on_sale = solve_nash(panel, COST, CO_OWNED)
    wrong = implied_marginal_cost(panel, prices, np.eye(5), on_sale)
    assert np.all(wrong[[0, 2]] > COST[[0, 2]] * (1 + 1e-3))
    assert wrong[[1, 3]] == pytest.approx(COST[[1, 3]], rel=1e-6)


def plain_logit_shares(base, alpha, outside, prices):
    """s_j = exp(b_j - a ln p_j) / (exp(u_0) + sum_k exp(b_k - a ln p_k))."""
    v = np.exp(base - alpha * np.log(prices))
    return v / (np.exp(outside) + v.sum())


def plain_logit_panel(base, alpha, outside, n_buyers=3):
    """Identical buyers, plain logit (lambda = 1), no volume elasticity."""
    j = base.size
    return DemandPanel(
        base_utility=np.tile(base, (n_buyers, 1)), alpha=np.full(n_buyers, alpha),
        own_price=np.ones((n_buyers, j)), available=np.ones((n_buyers, j), bool),
        weight=np.full(n_buyers, 50.0), is_api=np.ones(j, bool), nest=np.zeros(j, int),
        nest_lambda=1.0, price_elasticity=0.0, reference_price=1.0,
        outside_utility=np.full(n_buyers, outside))


def test_plain_logit_single_product_costs_match_the_closed_form():
    """Utility linear in log price: E_j = a (1 - s_j) and c_j = p_j (1 - 1/E_j), at any
    prices (not only Nash ones)."""
    base, alpha, outside = np.array([1.0, 0.3, 1.5, -0.4]), 2.7, 0.8
    prices = np.array([3.0, 1.2, 6.0, 0.7])
    shares = plain_logit_shares(base, alpha, outside, prices)
    expected = prices * (1.0 - 1.0 / (alpha * (1.0 - shares)))
    got = implied_marginal_cost(plain_logit_panel(base, alpha, outside), prices, np.eye(4),
                                np.ones(4, bool))
    assert got == pytest.approx(expected, rel=1e-12)


def multi_product_closed_form(prices, shares, alpha, owner):
    """Plain logit in log price, owner f of products j:

        p_j - c_j = p_j / a + sum_{k in f} s_k p_k / (a (1 - s_f)),   s_f = sum_{k in f} s_k

    (the first-order conditions divided by Q_j; the single-product case is
    p_j / (a (1 - s_j)))."""
    cost = np.empty_like(prices)
    for j in range(prices.size):
        mine = owner == owner[j]
        cost[j] = prices[j] - prices[j] / alpha - (
            (shares[mine] * prices[mine]).sum() / (alpha * (1.0 - shares[mine].sum())))
    return cost


def test_plain_logit_multi_product_costs_match_the_closed_form():
    base, alpha, outside = np.array([1.0, 0.3, 1.5, -0.4, 0.9]), 3.1, 0.2
    prices = np.array([3.0, 1.2, 6.0, 0.7, 2.2])
    owner = np.array([0, 0, 1, 2, 2])
    ownership = (owner[:, None] == owner[None, :]).astype(float)
    shares = plain_logit_shares(base, alpha, outside, prices)
    got = implied_marginal_cost(plain_logit_panel(base, alpha, outside), prices, ownership,
                                np.ones(5, bool))
    assert got == pytest.approx(multi_product_closed_form(prices, shares, alpha, owner),
                                rel=1e-12)


def test_a_price_where_demand_is_inelastic_is_flagged_not_costed():
    """a (1 - s) < 1: the Lerner index the condition asks for is 1 / E > 1, a negative cost."""
    base, alpha, outside = np.array([1.0, 0.0]), 0.9, 0.0
    prices = np.array([2.0, 1.0])
    inversion = invert_prices(plain_logit_panel(base, alpha, outside), prices, np.eye(2),
                              np.ones(2, bool))
    shares = plain_logit_shares(base, alpha, outside, prices)
    assert list(inversion.status) == ["above_monopoly"] * 2
    assert np.all(np.isnan(inversion.cost))
    assert inversion.lerner == pytest.approx(1.0 / (alpha * (1.0 - shares)), rel=1e-12)


def test_a_cheap_sibling_of_an_expensive_product_is_flagged_not_costed():
    """A cheap product beside an expensive sibling: raising its price sends buyers to the
    sibling, so its condition asks for a margin above its price (m > 1, the closed form's
    cost is negative) although alone it would be costed."""
    base, alpha, outside = np.array([11.0, 0.0, 0.5]), 3.0, 0.0
    prices = np.array([40.0, 1.0, 3.0])
    owner = np.array([0, 0, 1])
    ownership = (owner[:, None] == owner[None, :]).astype(float)
    panel = plain_logit_panel(base, alpha, outside)
    inversion = invert_prices(panel, prices, ownership, np.ones(3, bool))
    shares = plain_logit_shares(base, alpha, outside, prices)
    expected = multi_product_closed_form(prices, shares, alpha, owner)
    assert expected[1] < 0 and inversion.status[1] == "above_monopoly"
    assert np.isnan(inversion.cost[1])
    assert inversion.lerner == pytest.approx(1.0 - expected / prices, rel=1e-12)
    assert list(inversion.status[[0, 2]]) == ["ok", "ok"]
    alone = invert_prices(panel, prices, np.eye(3), np.ones(3, bool))
    assert alone.status[1] == "ok"


def test_products_not_on_sale_or_unavailable_are_left_out():
    panel = synthetic_panel()
    prices, on_sale = solve_nash(panel, COST, np.eye(5))
    on_sale[1] = False
    inversion = invert_prices(panel, prices, np.eye(5), on_sale)
    assert inversion.status[1] == "not_priced"
    # with product 1 gone the others' elasticities change: their costs differ, still finite
    assert np.all(np.isfinite(inversion.cost[[0, 2, 3]]))
    nobody = synthetic_panel(unavailable=[3])
    assert invert_prices(nobody, prices, np.eye(5), nobody.is_api).status[3] == "no_demand"


@pytest.mark.parametrize("field,change,words", [
    ("prices", lambda p, o, s: (np.where(np.arange(5) == 2, -1.0, p), o, s), "prices[2] = -1.0"),
    ("prices", lambda p, o, s: (p[:4], o, s), "prices has shape (4,)"),
    ("ownership", lambda p, o, s: (p, o[:4, :4], s), "ownership has shape (4, 4)"),
    ("ownership", lambda p, o, s: (p, o - np.eye(5), s), "ownership[0, 0] = 0"),
])
def test_bad_input_names_field_value_and_allowed_range(field, change, words):
    panel = synthetic_panel()
    prices, on_sale = solve_nash(panel, COST, np.eye(5))
    with pytest.raises(ValueError) as err:
        invert_prices(panel, *change(prices, np.eye(5), on_sale))
    assert words in str(err.value) and field in str(err.value)


@settings(max_examples=30, deadline=None)
@given(costs=st.lists(st.floats(0.05, 20.0), min_size=4, max_size=4),
       alphas=st.lists(st.floats(1.3, 5.0), min_size=3, max_size=3),
       co_owned=st.booleans())
def test_inverting_nash_prices_is_the_identity(costs, alphas, co_owned):
    panel = synthetic_panel(alpha=alphas)
    cost = np.append(costs, np.nan)
    ownership = CO_OWNED if co_owned else np.eye(5)
    prices, on_sale = solve_nash(panel, cost, ownership)
    assert implied_marginal_cost(panel, prices, ownership, on_sale)[:4] == pytest.approx(
        cost[:4], rel=1e-6)


def test_conduct_is_one_at_nash_and_scales_the_margin():
    panel = synthetic_panel()
    prices, on_sale = solve_nash(panel, COST, CO_OWNED)
    lerner = invert_prices(panel, prices, CO_OWNED, on_sale).lerner
    assert implied_conduct(prices[:4], lerner[:4], COST[:4]) == pytest.approx(1.0, rel=1e-6)
    # an engineering cost that leaves half the Nash margin: theta = 1/2
    half = prices - 0.5 * (prices - COST)
    assert implied_conduct(prices[:4], lerner[:4], half[:4]) == pytest.approx(0.5, rel=1e-6)
    assert np.isnan(implied_conduct(np.array([1.0]), np.array([-0.2]), np.array([0.5]))[0])


# -- the cost shifter -----------------------------------------------------------------------

def test_the_shifter_recovers_known_deltas_exactly_without_noise():
    rng = np.random.default_rng(4)
    engineering = rng.uniform(0.01, 5.0, 40)
    groups = np.array(["US", "CN", "EU", "US"] * 10)
    delta = {"US": 1.2, "CN": -0.4, "EU": 0.3}
    implied = engineering * np.exp([delta[g] for g in groups])
    fit = cost_shifter(implied, engineering, groups=groups, clusters=np.arange(40) % 7)
    for g, value in delta.items():
        assert fit.by_group[g][0] == pytest.approx(value, abs=1e-12)
        assert fit.by_group[g][1] == pytest.approx(0.0, abs=1e-12)
    assert fit.by_group["US"][3] == 20
    pooled = (1.2 * 20 + -0.4 * 10 + 0.3 * 10) / 40
    assert fit.delta == pytest.approx(pooled, abs=1e-12)
    one = cost_shifter(engineering * np.exp(0.7), engineering)
    assert one.delta == pytest.approx(0.7, abs=1e-12) and one.se == pytest.approx(0, abs=1e-12)
    assert one.factor == pytest.approx(np.exp(0.7)) and np.isnan(one.se_cluster)


def test_the_shifters_standard_errors_match_the_hand_formulas():
    rng = np.random.default_rng(5)
    n = 30
    engineering = rng.uniform(0.1, 2.0, n)
    noise = rng.normal(0.0, 0.3, n)
    implied = engineering * np.exp(0.5 + noise)
    clusters = np.repeat(np.arange(6), 5)
    fit = cost_shifter(implied, engineering, clusters=clusters)
    y = np.log(implied / engineering)
    assert fit.delta == pytest.approx(y.mean(), rel=1e-12)
    assert fit.se == pytest.approx(y.std(ddof=1) / np.sqrt(n), rel=1e-12)
    # CR1 for a mean: G/(G-1) (n-1)/(n-1) sum_c (sum_{i in c} u_i)^2 / n^2
    u = y - y.mean()
    sums = np.array([u[clusters == c].sum() for c in range(6)])
    assert fit.se_cluster == pytest.approx(np.sqrt(6 / 5 * (sums ** 2).sum()) / n, rel=1e-12)


@pytest.mark.parametrize("implied,engineering,words", [
    ([1.0, np.nan], [1.0, 1.0], "implied[1] = nan"),
    ([1.0, 2.0], [1.0, -1.0], "engineering[1] = -1.0"),
    ([1.0], [1.0], "1 observation(s)"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "implied has shape (2,)"),
])
def test_the_shifter_refuses_bad_costs_by_name(implied, engineering, words):
    with pytest.raises(ValueError) as err:
        cost_shifter(np.array(implied), np.array(engineering))
    assert words in str(err.value)
