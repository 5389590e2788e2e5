"""Third-party hosts' pure formulas (sim.market.hosting): the fringe price and the split of
buyers' money."""

from __future__ import annotations

import numpy as np

from sim.market import hosting


def test_the_fringe_price_is_cost_times_one_plus_the_margin():
    # a host serving at $0.12 per million tokens with a 50% margin asks $0.18
    assert np.isclose(hosting.fringe_price(0.12, 0.5), 0.18)
    assert np.allclose(hosting.fringe_price(np.array([1.0, 2.0]), 2.0), [3.0, 6.0])


def test_a_zero_margin_prices_at_cost_and_the_margin_inverts_the_price():
    cost = np.array([0.02, 0.5, 3.0])
    assert np.array_equal(hosting.fringe_price(cost, 0.0), cost)
    assert np.allclose(hosting.margin_over_cost(hosting.fringe_price(cost, 2.3), cost), 2.3)


def test_the_blend_weighs_input_and_output_prices_by_their_share():
    # DeepSeek-V3 on DeepInfra, $0.28 in / $0.88 out, at 3 input tokens per output token
    assert np.isclose(hosting.blended_price(0.28, 0.88, 0.75), 0.75 * 0.28 + 0.25 * 0.88)
    assert hosting.blended_price(1.0, 5.0, 1.0) == 1.0


def test_buyers_money_goes_to_the_lab_the_hosts_cost_and_the_hosts_margin():
    # 10 million tokens at $3 served at $1 with a 10% licence: $30 = $3 + $10 + $17
    spend, licence, serving, margin = hosting.hosted_split(3.0, 1.0, 10.0, 0.1)
    assert (spend, licence, serving, margin) == (30.0, 3.0, 10.0, 17.0)
    spend, licence, serving, margin = hosting.hosted_split(
        np.array([2.0, 0.5]), np.array([0.5, 0.1]), np.array([4.0, 0.0]), 0.0)
    assert np.array_equal(licence, [0.0, 0.0])
    assert np.allclose(spend, licence + serving + margin)
