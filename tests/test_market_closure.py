"""A closed market: the outside option that keeps pace with the frontier, demand that grows
with capability, the market elasticity, firms standing for a larger market, and no price
held by the markup guard in the small world's baseline before 2030."""

import numpy as np
import pytest
from conftest import assert_engines_agree, cached_run, small_config
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.market import buyers
from sim.market.demand import choice_probabilities, outside_share
from sim.market.metrics import market_elasticity
from sim.model import AIMarket

REFERENCE = 25.3


@settings(max_examples=60, deadline=None)
@given(q=st.lists(st.floats(20.0, 30.0), min_size=2, max_size=6),
       shift=st.floats(-3.0, 3.0), beta=st.floats(0.0, 5.0), b=st.floats(1.0, 12.0),
       level=st.floats(-5.0, 5.0))
def test_an_advancing_frontier_raises_the_odds_of_buying_by_beta_per_oom(q, shift, beta, b,
                                                                           level):
    """Plain logit: ln(s_in / s_0) = ln sum_j exp(b q_j) - u_0. Moving every model and the
    frontier up by D adds b D to the first term and (b - beta) D to u_0: the odds of buying
    rise by exactly beta D, whatever the models, the taste or the level."""
    q = np.array(q)

    def log_odds(capability):
        utility = (b * capability)[None, :]
        u0 = buyers.outside_utility(level, b, capability.max(), beta, REFERENCE)
        args = (utility, np.ones_like(utility, bool), np.zeros(q.size, int), 1.0, u0)
        # the inside share summed, not 1 - s0: no cancellation when s0 is near one
        return np.log(choice_probabilities(*args).sum() / outside_share(*args)[0])

    assert log_odds(q + shift) - log_odds(q) == pytest.approx(beta * shift, abs=1e-7)


def test_without_frontier_weight_shifting_every_model_leaves_every_choice_unchanged():
    rng = np.random.default_rng(3)
    utility = rng.normal(size=(5, 4))
    nest, available = np.array([0, 0, 1, 2]), np.ones((5, 4), bool)
    taste, capability = rng.uniform(2, 10, size=5), rng.uniform(24, 28, size=4)

    def shares(shift):
        u = utility + taste[:, None] * (capability + shift)[None, :]
        u0 = buyers.outside_utility(-1.0, taste, capability.max() + shift, 0.0, REFERENCE)
        return choice_probabilities(u, available, nest, 0.7, u0)

    assert np.allclose(shares(2.5), shares(0.0), rtol=1e-10, atol=1e-14)


def test_demand_grows_tenfold_per_oom_over_eta():
    assert buyers.volume_growth(REFERENCE, REFERENCE, 0.25) == 1.0
    assert buyers.volume_growth(REFERENCE + 4.0, REFERENCE, 0.25) == pytest.approx(10.0)
    assert buyers.volume_growth(REFERENCE + 4.0, REFERENCE, 0.0) == 1.0


@pytest.mark.parametrize("rate", [0.0, 0.08, 1.0])
def test_the_market_elasticity_is_minus_e_minus_r_a_s0(rate):
    """One buyer, identical APIs, an outside option, utility v - a ln p, tokens X p^-e:
    T = X p^-e s_in with d ln s_in / d ln p = -a s_0, so the long-run elasticity is
    -e - a s_0 and the month's (a share r re-choosing) is -e - r a s_0."""
    a, e, u0, h = 1.8, 0.2, 0.5, 1e-7
    p = np.array([2.0, 3.0, 5.0])
    v = np.array([1.0, 1.4, 2.2])

    def tokens(prices):
        utility = (v - a * np.log(prices))[None, :]
        s = choice_probabilities(utility, np.ones((1, 3), bool), np.zeros(3, int), 1.0, u0)
        return 10.0 * prices[None, :] ** -e * s

    utility = v - a * np.log(p)
    s0 = np.exp(u0) / (np.exp(u0) + np.exp(utility).sum())
    long_run, month = market_elasticity(tokens(p), tokens(p * (1 + h)), np.array([rate]),
                                        np.ones(3, bool), h, e)
    assert long_run == pytest.approx(-e - a * s0, rel=1e-5)
    assert month == pytest.approx(-e - rate * a * s0, rel=1e-5)


def test_both_engines_agree_when_each_firm_stands_for_many():
    assert_engines_agree("world.end=2023-09", "world.firms.startups.represents=1500",
                         "world.firms.enterprises.represents=90")


def test_a_better_outside_option_lowers_adoption():
    """One lever: the value of not buying. Everything else, draws included, is the same."""
    low = AIMarket(small_config("world.end=2024-12",
                                "world.demand.outside_utility.startups=-4.0")).run()
    high = AIMarket(small_config("world.end=2024-12",
                                 "world.demand.outside_utility.startups=2.0")).run()
    adoption = {name: (m.firms["startups"].current >= 0).mean()
                for name, m in (("low", low), ("high", high))}
    assert adoption["high"] < adoption["low"]


def test_no_price_sits_at_the_markup_cap_in_the_small_baseline_before_2030():
    """The guard is numerical only: to 2029 the Bertrand-Nash benchmark never reaches it, nor
    do the prices the vendors' rule sets once the recorded list prices end (2026 on). In 2030
    xAI's lead over the frontier takes its Nash price to the guard in the small world as in the
    default world (README, "The markup guard")."""
    results = cached_run()
    nash = results.series("nash_at_markup_cap").loc[:"2029-12"]
    posted = results.series("at_markup_cap").loc["2026-01":"2029-12"]
    assert np.nansum(nash.to_numpy()) == 0
    assert np.nansum(posted.to_numpy()) == 0
