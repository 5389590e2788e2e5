"""Pricing: markups under logit demand, the rules, and the Bertrand-Nash benchmark."""

from types import SimpleNamespace

import numpy as np
import pytest

from sim.market.panel import DemandPanel
from sim.market.pricing import markup_factor, nash_prices
from sim.rules.pricing import MarketView, best_response, cost_plus, penetration


def make_panel(n_firms, alpha, quality=None, n_buyers=50, eps=0.0, lam=1.0, nest=None,
               rng=None):
    """API offerings only, identical buyers unless ``alpha`` varies by buyer."""
    quality = np.zeros(n_firms) if quality is None else np.asarray(quality)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (n_buyers,)).copy()
    return DemandPanel(
        base_utility=np.tile(quality, (n_buyers, 1)),
        alpha=alpha,
        own_price=np.ones((n_buyers, n_firms)),
        available=np.ones((n_buyers, n_firms), bool),
        weight=np.full(n_buyers, 100.0),
        is_api=np.ones(n_firms, bool),
        nest=np.zeros(n_firms, int) if nest is None else np.asarray(nest),
        nest_lambda=lam, price_elasticity=eps, reference_price=10.0,
    )


@pytest.mark.parametrize("n_firms,alpha,eps", [(2, 3.0, 0.0), (4, 3.0, 0.0), (5, 2.0, 0.3)])
def test_symmetric_nash_matches_the_closed_form(n_firms, alpha, eps):
    """Symmetric firms, logit in log price: E = eps + a (1 - 1/J), p = c E / (E - 1)."""
    cost = np.full(n_firms, 0.5)
    prices, converged = nash_prices(make_panel(n_firms, alpha, eps=eps), cost,
                                    np.ones(n_firms, bool), max_markup=100.0)
    elasticity = eps + alpha * (1 - 1 / n_firms)
    assert converged
    assert prices == pytest.approx(cost * elasticity / (elasticity - 1), rel=1e-8)


def profit(panel, cost, prices, j):
    tokens, _ = panel.tokens(prices)
    return (prices[j] - cost[j]) * tokens[:, j].sum()


@pytest.mark.parametrize("lam", [1.0, 0.6])
def test_asymmetric_nash_prices_satisfy_every_first_order_condition(lam):
    """No vendor gains from a small price change: d profit / d p = 0 numerically."""
    rng = np.random.default_rng(3)
    panel = make_panel(4, rng.uniform(1.5, 4.0, 80), quality=[0.0, 0.5, 1.0, -0.3],
                       n_buyers=80, eps=0.2, lam=lam, nest=[0, 0, 1, 1])
    cost = np.array([0.3, 0.5, 1.0, 0.2])
    prices, converged = nash_prices(panel, cost, np.ones(4, bool), max_markup=50.0)
    assert converged
    for j in range(4):
        h = 1e-6 * prices[j]
        up, down = prices.copy(), prices.copy()
        up[j] += h
        down[j] -= h
        slope = (profit(panel, cost, up, j) - profit(panel, cost, down, j)) / (2 * h)
        assert abs(slope) / profit(panel, cost, prices, j) * prices[j] < 1e-5


def test_the_markup_cap_binds_when_demand_is_inelastic():
    assert markup_factor(0.8, 30.0) == 30.0
    assert markup_factor(2.0, 30.0) == pytest.approx(2.0)
    prices, _ = nash_prices(make_panel(1, 0.5), np.array([1.0]), np.array([True]), 30.0)
    assert prices[0] == pytest.approx(30.0)


def market_for(panel, prices, config):
    menu = SimpleNamespace(price=prices, is_api=panel.is_api, on_sale=panel.is_api.copy(),
                           n_slots=prices.size)
    return MarketView(menu, panel, config)


def test_best_response_with_inertia_converges_to_nash_in_the_static_limit():
    """Fixed costs and demand, no events: the rule, month after month, reaches the formula."""
    n, alpha = 3, 2.5
    panel = make_panel(n, alpha)
    cost = np.full(n, 1.0)
    config = SimpleNamespace(max_markup=30.0, inertia=0.3)
    vendors = [SimpleNamespace(index=j, marginal_cost=1.0, price=4.0) for j in range(n)]
    for _ in range(300):
        prices = np.array([v.price for v in vendors])
        market = market_for(panel, prices, config)
        targets = [best_response(v, market) for v in vendors]
        for v, target in zip(vendors, targets, strict=True):
            v.price = v.price ** (1 - config.inertia) * target ** config.inertia
    elasticity = alpha * (1 - 1 / n)
    assert [v.price for v in vendors] == pytest.approx(
        list(cost * elasticity / (elasticity - 1)), rel=1e-8)


def test_cost_plus_and_penetration_rules():
    panel = make_panel(3, 2.0)
    prices = np.array([2.0, 4.0, 8.0])
    config = SimpleNamespace(cost_plus_markup=0.5, penetration_discount=0.5,
                             penetration_floor=0.8, max_markup=30.0)
    market = market_for(panel, prices, config)
    vendor = SimpleNamespace(index=0, marginal_cost=2.0, price=2.0)
    assert cost_plus(vendor, market) == pytest.approx(3.0)
    # rivals 4 and 8, weighted by their expected tokens
    tokens = panel.tokens(prices)[0].sum(axis=0)
    rivals = (4.0 * tokens[1] + 8.0 * tokens[2]) / (tokens[1] + tokens[2])
    assert penetration(vendor, market) == pytest.approx(max(1.6, 0.5 * rivals))


def test_a_rivals_price_cut_lowers_the_others_nash_markups_in_the_textbook_logit():
    """One buyer type, plain logit in log price with an outside option: a rival's lower
    cost (so a lower price) takes share s_j from every other vendor, so their elasticity
    E_j = e + a (1 - s_j) rises and their Nash Lerner index 1 / E_j falls. The Lerner
    indices are checked against that closed form at the solved prices, with the shares
    computed here from the utilities."""
    from sim.market.panel import DemandPanel

    a, e = 2.0, 0.2
    base = np.array([[1.0, 0.8, 0.5]])
    panel = DemandPanel(base_utility=base, alpha=np.array([a]), own_price=np.ones((1, 3)),
                        available=np.ones((1, 3), bool), weight=np.array([100.0]),
                        is_api=np.ones(3, bool), nest=np.zeros(3, int), nest_lambda=1.0,
                        price_elasticity=e, reference_price=1.0,
                        outside_utility=np.array([0.0]))

    def lerner(cost):
        prices, converged = nash_prices(panel, np.asarray(cost), np.ones(3, bool), 1e4,
                                        tolerance=1e-13, max_iter=200)
        assert converged
        v = np.exp(base[0] - a * np.log(prices))
        shares = v / (1.0 + v.sum())
        closed_form = 1.0 / (e + a * (1.0 - shares))
        np.testing.assert_allclose(1.0 - np.asarray(cost) / prices, closed_form, rtol=1e-9)
        return closed_form

    before = lerner([1.0, 1.0, 1.0])
    after = lerner([0.1, 1.0, 1.0])  # vendor 0's cost, so its price, falls tenfold
    assert after[0] > before[0]  # the cutter gains share, so its elasticity falls
    assert np.all(after[1:] < before[1:])
