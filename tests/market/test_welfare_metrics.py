"""Market power, concentration and welfare measures against hand computations."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.market import metrics

# A hand-made bloc: vendor A sells 100 Mtok at 10 USD/Mtok, cost 2; vendor B dumps 1,000 Mtok
# at 1 USD/Mtok, cost 5. Revenue 1,000 + 1,000; margins 800 and -4,000.
PRICE, COST, TOKENS = [10.0, 1.0], [2.0, 5.0], [100.0, 1000.0]


def test_revenue_weighted_lerner_of_a_bloc_with_a_dumping_vendor():
    value = metrics.revenue_weighted_lerner(PRICE, COST, TOKENS)
    assert value == pytest.approx((800.0 - 4000.0) / 2000.0)  # -1.6
    per_vendor = metrics.lerner_index(PRICE, COST)  # 0.8 and -4
    assert value > per_vendor.min()
    # the token-weighted mean, (0.8 * 100 - 4 * 1000) / 1100 = -3.56, weighs B by its tokens
    assert value > (0.8 * 100 - 4.0 * 1000) / 1100


def test_revenue_weighted_lerner_leaves_out_vendors_without_sales():
    # C is not on sale (nan price) and D sells nothing: the value is A's and B's
    value = metrics.revenue_weighted_lerner([*PRICE, np.nan, 3.0], [*COST, 1.0, 1.0],
                                            [*TOKENS, 0.0, 0.0])
    assert value == pytest.approx(-1.6)
    assert np.isnan(metrics.revenue_weighted_lerner([np.nan], [1.0], [0.0]))
    assert np.isnan(metrics.revenue_weighted_lerner([], [], []))


@given(st.lists(st.tuples(st.floats(0.01, 100), st.floats(0, 1000), st.floats(0, 1e6)),
                min_size=1, max_size=10))
def test_revenue_weighted_lerner_is_at_most_one(rows):
    price, cost, tokens = zip(*rows, strict=True)
    value = metrics.revenue_weighted_lerner(price, cost, tokens)
    assert np.isnan(value) or value <= 1.0 + 1e-12


def test_social_cost_variant_adds_the_energy_subsidy_back():
    social = metrics.social_marginal_cost(COST, [1.0, 0.5])
    assert social == pytest.approx([3.0, 5.5])
    value = metrics.revenue_weighted_lerner(PRICE, social, TOKENS)
    # margins (10 - 3) 100 = 700 and (1 - 5.5) 1000 = -4,500 on revenue 2,000
    assert value == pytest.approx((700.0 - 4500.0) / 2000.0)  # -1.9


def test_revenue_hhi_of_a_hand_made_market():
    assert metrics.hhi_with_fringe([600.0, 300.0, 100.0]) == pytest.approx(3600 + 900 + 100)
    assert metrics.hhi_with_fringe([0.0, 0.0]) == 0.0


def test_self_hosted_fringe_dilutes_shares_and_adds_nothing():
    # API tokens 50 (lab A) and 30 (lab B); 20 tokens self-hosted on A's weights
    assert metrics.hhi_with_fringe([50.0, 30.0], 20.0) == pytest.approx(2500 + 900)
    credited = metrics.hhi([50.0 + 20.0, 30.0])  # the old measure: 4,900 + 900
    assert credited == pytest.approx(5800)
    assert metrics.hhi_with_fringe([50.0, 30.0], 20.0) < credited


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=10), st.floats(0, 1e6))
def test_self_hosted_tokens_do_not_raise_any_labs_share(api, fringe):
    # every lab's share with the fringe is at most its share without: the HHI falls
    with_fringe = metrics.hhi_with_fringe(api, fringe)
    assert 0.0 <= with_fringe <= metrics.hhi(api) + 1e-6


def test_group_shares_sum_to_one():
    # revenue 1, 2, 3, 4 by vendors of blocs 0, 1, 0, 2 (bloc 3 has none)
    shares = metrics.group_shares([1.0, 2.0, 3.0, 4.0], [0, 1, 0, 2], 4)
    assert shares == pytest.approx([0.4, 0.2, 0.4, 0.0])
    assert shares.sum() == pytest.approx(1.0)
    assert metrics.group_shares([0.0, 0.0], [0, 1], 3) == pytest.approx([0.0, 0.0, 0.0])


def test_total_welfare():
    assert metrics.total_welfare(10.0, 5.0, 3.0) == pytest.approx(12.0)
