"""The entry-profit formula and the ``profit`` entry rule on hand-built labs and demand
(whole runs: tests/test_entry.py).

Expected values are hand calculations: with p = 8 and c = 4 USD per million tokens, a = 4,
pi = 0.25, l = lambda = 0.5 and H = 24 months, the application earns pi a p = 8 USD per
million tokens, competing with its customers costs kappa m = (0.5 + 0.5 * 0.5) * 4 = 3, so
each million tokens a month of revealed demand is worth 24 * (8 - 3) = 120 USD over the
horizon: Pi_v = 120 T_v - K.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.market import entry as en
from sim.rules.entry import profit, revealed_demand

# the hand-built world of the module docstring
PRICE, COST = 8.0, 4.0
SETTINGS = dict(app_value_per_api_usd=4.0, margin_share=0.25, horizon_months=24.0,
                harm_volume_loss=0.5, leave_share=0.5)
PER_MTOK = 120.0  # H (pi a p - kappa m), USD per (million tokens per month)


class Segment:
    """A firm segment whose customers of slot 0 use ``volume`` tokens by vertical."""

    def __init__(self, volume):
        self.volume = np.asarray(volume, dtype=float)

    def vertical_tokens(self, slot, growth):
        return self.volume * growth if slot == 0 else np.zeros_like(self.volume)


def world(tokens_by_segment, bought, entry_cost_usd, entries=()):
    """A lab (slot 0) and a model stub: each segment's reference volumes by vertical and the
    tokens it bought on the lab's API this month."""
    segments = {f"s{i}": Segment(t) for i, t in enumerate(tokens_by_segment)}
    model = SimpleNamespace(
        firms=segments,
        firm_month={s: SimpleNamespace(growth=1.0) for s in segments},
        demand={s: SimpleNamespace(tokens=np.array([b, 0.0])) for s, b in
                zip(segments, bought, strict=True)},
        entries=list(entries),
        cfg=SimpleNamespace(world=SimpleNamespace(entry=SimpleNamespace(
            entry_cost_usd=entry_cost_usd, **SETTINGS))))
    vendor = SimpleNamespace(index=0, vid="lab", price=PRICE, marginal_cost=COST,
                             entry_value=np.nan)
    return vendor, model


def test_revealed_demand_splits_what_each_segment_bought_over_its_verticals():
    # startups bought 7.5e6 Mtok with volumes 1 : 4 : 2.5; enterprises 2e6 all in vertical 2
    vendor, model = world([[1, 4, 2.5], [0, 0, 3]], [7.5e6, 2e6], 0.0)
    np.testing.assert_allclose(revealed_demand(vendor, model), [1e6, 4e6, 4.5e6])


def test_the_per_token_value_is_the_hand_calculation():
    kappa = en.lost_api_share(0.5, 0.5)
    assert kappa == 0.75
    profits = en.entry_profit(np.array([1.0, 2.0]), PRICE, PRICE - COST, 4.0, 0.25, 24.0, 0.0,
                              kappa)
    np.testing.assert_array_equal(profits, [PER_MTOK, 2 * PER_MTOK])


THRESHOLD = PER_MTOK * 4e6  # Pi of the largest vertical (T = 4e6) at K = 0: 4.8e8 USD


@pytest.mark.parametrize(("cost", "enters"), [
    (0.0, True),
    (np.nextafter(THRESHOLD, 0.0), True),  # Pi just above 0
    (THRESHOLD, False),  # Pi = 0: no gain, no entry
    (np.nextafter(THRESHOLD, np.inf), False),
    (2 * THRESHOLD, False),
])
def test_the_decision_flips_exactly_where_the_best_profit_crosses_zero(cost, enters):
    vendor, model = world([[1, 4, 2.5]], [7.5e6], cost)
    assert profit(vendor, model) == (1 if enters else None)
    assert vendor.entry_value == THRESHOLD - cost


def test_a_vertical_already_entered_is_not_entered_again():
    """Vertical 1 entered: the next best is vertical 2 (T = 2.5e6), Pi = 3e8 - K."""
    vendor, model = world([[1, 4, 2.5]], [7.5e6], 1e8, entries=[(0, "lab", 1, 3)])
    assert profit(vendor, model) == 2
    assert vendor.entry_value == PER_MTOK * 2.5e6 - 1e8
    # another lab's entry into vertical 1 does not count
    vendor, model = world([[1, 4, 2.5]], [7.5e6], 1e8, entries=[(0, "rival", 1, 3)])
    assert profit(vendor, model) == 1


def test_no_customers_no_entry_and_no_value():
    vendor, model = world([[0, 0, 0]], [0.0], 0.0)
    assert profit(vendor, model) is None
    assert np.isnan(vendor.entry_value)


def test_an_application_worth_less_than_the_api_profit_it_costs_is_never_entered():
    """pi a p < kappa m: more tokens only lower Pi, which stays at or below -K."""
    tokens = np.array([1e3, 1e6, 1e9])
    profits = en.entry_profit(tokens, PRICE, PRICE - COST, 1.0, 0.25, 24.0, 0.0, 0.75)
    assert (profits < 0).all()
    assert en.best_vertical(profits) == (None, profits[0])


# -- comparative statics --------------------------------------------------------------------

tokens_st = st.lists(st.floats(0.0, 1e8), min_size=1, max_size=12).map(np.array)
params_st = st.fixed_dictionaries({
    "api_price": st.floats(0.01, 100.0),
    "margin_share_of_price": st.floats(-1.0, 1.0),  # m / p (negative: sold below cost)
    "app_value_per_api_usd": st.floats(0.0, 20.0),
    "margin_share": st.floats(0.0, 1.0),
    "horizon_months": st.floats(1.0, 120.0),
    "entry_cost_usd": st.floats(0.0, 1e10),
    "lost_share": st.floats(0.0, 1.0),
})


def decide(tokens, p, cost=None):
    profits = en.entry_profit(tokens, p["api_price"], p["margin_share_of_price"] * p["api_price"],
                              p["app_value_per_api_usd"], p["margin_share"],
                              p["horizon_months"],
                              p["entry_cost_usd"] if cost is None else cost, p["lost_share"])
    return en.best_vertical(profits)[0]


@settings(max_examples=300, deadline=None)
@given(tokens_st, params_st, st.data())
def test_more_revealed_demand_in_a_vertical_makes_entry_there_weakly_more_likely(tokens, p,
                                                                                  data):
    v = data.draw(st.integers(0, tokens.size - 1))
    more = tokens.copy()
    more[v] += data.draw(st.floats(0.0, 1e8))
    before, after = decide(tokens, p), decide(more, p)
    if before is not None:
        assert after is not None  # entry somewhere stays worth it
    if before == v:
        assert after == v  # and where it was worth most, still there


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1e8), min_size=2, max_size=36), params_st,
       st.floats(1.0, 10.0))
def test_more_revealed_demand_makes_entry_weakly_earlier(path, p, scale):
    """A path of one vertical's monthly tokens, and the same path scaled up: the lab enters
    the scaled one no later."""
    def first_entry(series):
        months = [t for t, x in enumerate(series) if decide(np.array([x]), p) is not None]
        return months[0] if months else len(series)

    assert first_entry([scale * x for x in path]) <= first_entry(path)


@settings(max_examples=300, deadline=None)
@given(tokens_st, params_st, st.floats(0.0, 1e10))
def test_a_larger_entry_cost_makes_entry_weakly_less_likely(tokens, p, extra):
    if decide(tokens, p, p["entry_cost_usd"] + extra) is not None:
        assert decide(tokens, p) is not None
