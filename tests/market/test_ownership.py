"""The outside option and ownership: closed forms, finite differences, the rule and the solver.

Expected values come from closed forms solved here independently (scipy's brentq), from
brute-force formulas, or from finite differences of profits and demand, never from the
code under test.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.optimize import brentq

from sim.market.demand import choice_probabilities, inclusive_value, outside_share
from sim.market.ownership import merge, owners, ownership_matrix
from sim.market.panel import DemandPanel
from sim.market.pricing import nash_prices
from sim.rules.pricing import MarketView, best_response


def panel_of(base, alpha, outside, eps=0.0, lam=1.0, nest=None, weight=100.0):
    """API offerings only; ``base`` is (n, J), ``alpha`` and ``outside`` per buyer."""
    base = np.atleast_2d(np.asarray(base, dtype=float))
    n, j = base.shape
    return DemandPanel(
        base_utility=base, alpha=np.broadcast_to(np.asarray(alpha, float), (n,)).copy(),
        own_price=np.ones((n, j)), available=np.ones((n, j), bool),
        weight=np.full(n, weight), is_api=np.ones(j, bool),
        nest=np.zeros(j, int) if nest is None else np.asarray(nest),
        nest_lambda=lam, price_elasticity=eps, reference_price=1.0,
        outside_utility=None if outside is None else
        np.broadcast_to(np.asarray(outside, float), (n,)).copy())


def asymmetric_panel(outside=0.5, alpha=(1.8, 3.5)):
    rng = np.random.default_rng(7)
    base = np.array([1.0, 1.5, 0.8, 1.2, 0.3]) + rng.normal(0, 0.3, (40, 5))
    return panel_of(base, rng.uniform(*alpha, 40), outside + rng.normal(0, 0.5, 40),
                    eps=0.25, lam=0.7, nest=[0, 0, 1, 1, 1])


# -- the outside option in the nested logit ------------------------------------------------------

def test_choice_probabilities_with_an_outside_good_match_the_formula():
    rng = np.random.default_rng(0)
    u, nest, lam, u0 = rng.normal(size=(6, 5)), np.array([0, 0, 1, 1, 2]), 0.6, rng.normal(size=6)
    available = rng.random((6, 5)) > 0.2
    e = np.where(available, np.exp(u / lam), 0.0)
    s = np.stack([e[:, nest == g].sum(axis=1) for g in range(3)], axis=1)
    denominator = np.exp(u0) + (s ** lam).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.nan_to_num(e / s[:, nest] * s[:, nest] ** lam / denominator[:, None])
    got = choice_probabilities(u, available, nest, lam, outside_utility=u0)
    assert got == pytest.approx(expected, abs=1e-14)
    assert outside_share(u, available, nest, lam, u0) == pytest.approx(np.exp(u0) / denominator)
    assert got.sum(axis=1) + np.exp(u0) / denominator == pytest.approx(1.0)
    assert inclusive_value(u, available, nest, lam, u0) == pytest.approx(np.log(denominator))


def test_no_outside_option_is_bit_identical_and_a_very_bad_one_vanishes():
    rng = np.random.default_rng(1)
    u, nest = rng.normal(size=(4, 5)), np.array([0, 0, 1, 1, 2])
    for lam in (1.0, 0.7):
        plain = choice_probabilities(u, np.ones(5, bool), nest, lam)
        assert np.array_equal(plain, choice_probabilities(u, np.ones(5, bool), nest, lam, None))
        far = choice_probabilities(u, np.ones(5, bool), nest, lam, outside_utility=-800.0)
        assert far == pytest.approx(plain, abs=1e-15)


def test_the_panel_uses_the_outside_option_as_choice_probabilities_do():
    panel = asymmetric_panel()
    prices = np.array([1.0, 2.0, 0.5, 0.8, 0.3])
    utility = panel.base_utility - panel.alpha[:, None] * np.log(prices)[None, :]
    expected = choice_probabilities(utility, panel.available, panel.nest, panel.nest_lambda,
                                    panel.outside_utility)
    assert panel.probabilities(prices) == pytest.approx(expected, abs=1e-14)


# -- elasticities with the outside option: finite differences ------------------------------------

def log_tokens(panel, prices):
    return np.log(panel.tokens(prices)[0].sum(axis=0))


def test_demand_derivatives_and_elasticities_match_finite_differences():
    panel = asymmetric_panel()
    prices = np.array([1.0, 2.0, 0.5, 0.8, 0.3])
    _, tokens, derivatives = panel.demand_derivatives(prices)
    assert tokens == pytest.approx(panel.tokens(prices)[0].sum(axis=0))
    h = 1e-6
    numeric = np.empty((5, 5))
    for k in range(5):
        up, down = prices.copy(), prices.copy()
        up[k] *= np.exp(h)
        down[k] *= np.exp(-h)
        numeric[:, k] = (log_tokens(panel, up) - log_tokens(panel, down)) / (2 * h)
    assert derivatives == pytest.approx(numeric, abs=1e-7)
    # the own-price elasticity includes substitution to the outside good
    assert panel.elasticity(prices) == pytest.approx(-np.diag(numeric), abs=1e-7)
    # dE_j / d ln p_k from the Jacobian against differences of E
    _, _, jacobian = panel.elasticity_jacobian(prices)
    numeric_g = np.empty((5, 5))
    for k in range(5):
        up, down = prices.copy(), prices.copy()
        up[k] *= np.exp(h)
        down[k] *= np.exp(-h)
        numeric_g[:, k] = (panel.elasticity(up) - panel.elasticity(down)) / (2 * h)
    assert jacobian == pytest.approx(numeric_g, abs=1e-6)


# -- a monopolist against the outside option ------------------------------------------------------

@pytest.mark.parametrize("alpha,eps,outside", [(2.0, 0.0, 0.0), (3.0, 0.4, 1.0), (1.5, 0.2, -1.0)])
def test_a_monopolist_follows_the_inverse_elasticity_rule(alpha, eps, outside):
    """One buyer type, one product: s = e^(v - a ln p) / (e^u0 + e^(v - a ln p)) and
    E = a (1 - s) + e; at the solver's price (p - c) / p = 1 / E."""
    v, cost = 1.0, 0.7
    panel = panel_of([[v]], alpha, outside, eps=eps)
    prices, converged = nash_prices(panel, np.array([cost]), np.array([True]), 1000.0)
    p = prices[0]
    share = np.exp(v - alpha * np.log(p)) / (np.exp(outside) + np.exp(v - alpha * np.log(p)))
    elasticity = alpha * (1.0 - share) + eps
    assert converged
    assert (p - cost) / p == pytest.approx(1.0 / elasticity, rel=1e-9)


# -- a symmetric logit merger ---------------------------------------------------------------------

def symmetric_share(v, alpha, outside, prices):
    weights = np.exp(v - alpha * np.log(np.asarray(prices)))
    return weights / (np.exp(outside) + weights.sum())


def symmetric_equilibrium(n, alpha, v, outside, cost):
    """All n at one price: (p - c) / p = 1 / (a (1 - s))."""
    def foc(p):
        s = symmetric_share(v, alpha, outside, np.full(n, p))[0]
        return (p - cost) / p - 1.0 / (alpha * (1.0 - s))
    return brentq(foc, cost * (1 + 1e-9), cost * 100, xtol=1e-14)


def merged_equilibrium(n, alpha, v, outside, cost):
    """Two firms merged at p_m, n - 2 rivals at p_r. Logit in log price: a firm's FOC is
    m = 1 / (a (1 - S_f)) with S_f its total share (2 s_m merged, s_r a rival)."""
    def shares(pm, pr):
        s = symmetric_share(v, alpha, outside, [pm, pm] + [pr] * (n - 2))
        return s[0], s[-1]

    def rival_price(pm):
        def foc(pr):
            return (pr - cost) / pr - 1.0 / (alpha * (1.0 - shares(pm, pr)[1]))
        return brentq(foc, cost * (1 + 1e-9), cost * 100, xtol=1e-14)

    def merged_foc(pm):
        sm = shares(pm, rival_price(pm))[0]
        return (pm - cost) / pm - 1.0 / (alpha * (1.0 - 2.0 * sm))
    pm = brentq(merged_foc, cost * (1 + 1e-9), cost * 100, xtol=1e-14)
    return pm, rival_price(pm)


@pytest.mark.parametrize("n,alpha,outside", [(3, 2.5, 0.0), (5, 2.0, 1.0), (4, 3.0, -0.5)])
def test_a_symmetric_merger_matches_the_closed_form(n, alpha, outside):
    v, cost = 1.0, 1.0
    panel = panel_of(np.full((1, n), v), alpha, outside)
    costs, active = np.full(n, cost), np.ones(n, bool)
    before, ok_before = nash_prices(panel, costs, active, 100.0, tolerance=1e-12)
    o = np.eye(n)
    o[0, 1] = o[1, 0] = 1.0
    after, ok_after = nash_prices(panel, costs, active, 100.0, tolerance=1e-12, ownership=o)
    assert ok_before and ok_after
    assert before == pytest.approx(symmetric_equilibrium(n, alpha, v, outside, cost), rel=1e-9)
    pm, pr = merged_equilibrium(n, alpha, v, outside, cost)
    assert after[:2] == pytest.approx([pm, pm], rel=1e-8)
    assert after[2:] == pytest.approx(np.full(n - 2, pr), rel=1e-8)
    assert after[0] - before[0] > after[2] - before[2] > 0


def test_identity_ownership_is_the_single_product_solution_bit_for_bit():
    panel = asymmetric_panel()
    cost = np.array([0.3, 0.5, 0.2, 0.4, 0.1])
    plain = nash_prices(panel, cost, np.ones(5, bool), 50.0)
    identity = nash_prices(panel, cost, np.ones(5, bool), 50.0, ownership=np.eye(5))
    assert np.array_equal(plain[0], identity[0]) and plain[1] == identity[1]


def joint_profit(panel, cost, prices, owned):
    tokens = panel.tokens(prices)[0].sum(axis=0)
    return ((prices - cost) * tokens)[owned].sum()


def test_multi_product_prices_satisfy_every_owners_first_order_condition():
    """Nested logit, outside option, volume elasticity: no owner gains from moving any of
    its prices (finite differences of its joint profit)."""
    panel = asymmetric_panel()
    cost = np.array([0.3, 0.5, 0.2, 0.4, 0.1])
    owner = np.array([0, 0, 2, 0, 4])  # slot 0 owns slots 1 and 3 (across nests)
    o = (owner[:, None] == owner[None, :]).astype(float)
    prices, converged = nash_prices(panel, cost, np.ones(5, bool), 50.0, ownership=o)
    assert converged
    for j in range(5):
        owned = owner == owner[j]
        h = 1e-6 * prices[j]
        up, down = prices.copy(), prices.copy()
        up[j] += h
        down[j] -= h
        slope = (joint_profit(panel, cost, up, owned)
                 - joint_profit(panel, cost, down, owned)) / (2 * h)
        assert abs(slope) * prices[j] / joint_profit(panel, cost, prices, owned) < 1e-6
    single, _ = nash_prices(panel, cost, np.ones(5, bool), 50.0)
    assert np.all(prices[owner == 0] > single[owner == 0])


# -- the best-response rule with ownership ------------------------------------------------------

def test_best_response_with_ownership_iterates_to_the_joint_nash_prices():
    """Price-sensitive buyers (a in [3, 4.5]) and prices near 1, where the markup rule at
    current prices does not overshoot into a cycle (it does where an offering takes nearly
    all its buyers and E falls towards e: hence the model's inertia)."""
    panel = asymmetric_panel(alpha=(3.0, 4.5))
    cost = np.array([1.0, 1.5, 0.8, 1.2, 0.9])
    owner = np.array([0, 0, 2, 0, 4])
    o = (owner[:, None] == owner[None, :]).astype(float)
    nash, _ = nash_prices(panel, cost, np.ones(5, bool), 50.0, ownership=o)
    config = SimpleNamespace(max_markup=50.0)
    vendors = [SimpleNamespace(index=j, marginal_cost=cost[j]) for j in range(5)]
    prices = cost * 2.0
    for _ in range(300):  # every vendor best-responds to last round's prices, no inertia
        menu = SimpleNamespace(price=prices, is_api=panel.is_api, on_sale=panel.is_api.copy(),
                               n_slots=5, marginal_cost=cost)
        market = MarketView(menu, panel, config, o)
        new = np.array([best_response(v, market) for v in vendors])
        if np.max(np.abs(np.log(new / prices))) < 1e-13:
            break
        prices = new
    assert prices == pytest.approx(nash, rel=1e-9)


# -- the ownership matrix -------------------------------------------------------------------------

def test_product_lines_and_mergers_in_the_ownership_matrix():
    owner = owners([None, None, 0, None])  # vendor 2 is a line of vendor 0
    assert list(owner) == [0, 1, 0, 3]
    matrix = ownership_matrix(owner)
    assert matrix.shape == (8, 8) and matrix[4:].sum() == 0 and matrix[:, 4:].sum() == 0
    assert matrix[0, 2] == matrix[2, 0] == 1 and matrix[0, 1] == 0
    # 3 buys vendor 0, and with it its line 2
    assert list(merge(owner, 0, 3)) == [3, 1, 3, 3]


# -- the buyers' side of the outside option -------------------------------------------------------

def test_an_outside_draw_leaves_the_buyer_without_an_offering():
    from sim.market.demand import sample_choices
    probabilities = np.array([[0.2, 0.3, 0.0], [0.2, 0.3, 0.0], [0.2, 0.3, 0.0]])
    uniforms = np.array([0.1, 0.45, 0.7])  # 0.7 is above 0.5: the outside option
    assert list(sample_choices(probabilities, uniforms, outside=True)) == [0, 1, -1]
    assert list(sample_choices(probabilities, uniforms)) == [0, 1, 1]  # without: the last


def test_shares_adjust_with_the_outside_share():
    """Shares (0.5, 0.3), outside 0.2; target (0.2, 0.2), outside 0.6; rate 0.5: the inside
    shares move to (0.35, 0.25) and the outside to 0.4, already summing to one. With the
    second offering withdrawn its 0.25 goes pro rata to the first and to not buying."""
    from sim.market.buyers import adjust_shares
    shares, target = np.array([0.5, 0.3]), np.array([0.2, 0.2])
    both = adjust_shares(shares, target, np.array([True, True]), 0.5, outside=True)
    assert both == pytest.approx([0.35, 0.25])
    one = adjust_shares(shares, target, np.array([True, False]), 0.5, outside=True)
    assert one == pytest.approx([0.35 / 0.75, 0.0])
