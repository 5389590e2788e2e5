"""The labs' release hazards: estimated on a release table, and the rule that draws on them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small_config
from hypothesis import given
from hypothesis import strategies as st

from sim.market.releases import exposure, release_rates
from sim.model import AIMarket
from sim.rules.release import hazard


def test_a_hand_counted_table():
    # window months 0..11; A enters at 0 and releases at 3, 6, 9; B enters at 5 (before it
    # nothing), releases at 8 and twice in 10 (one month); C enters at 20, after the window
    table = {"A": [9, 0, 6, 3], "B": [5, 8, 10, 10], "C": [20]}
    rates = release_rates(table, 0, 11, prior_months=0.0)
    # A: at risk 1..11 (11 months), 3 release months; B: 6..11 (6 months), 2 release months
    assert rates["A"].releases == 3 and rates["A"].exposure_months == 11
    assert rates["A"].mle == pytest.approx(3 / 11)
    assert rates["A"].se == pytest.approx(math.sqrt((3 / 11) * (8 / 11) / 11))
    assert rates["B"].releases == 2 and rates["B"].exposure_months == 6
    assert rates["C"].exposure_months == 0 and math.isnan(rates["C"].mle)
    # T_0 = 0: each lab's own MLE; C, never at risk, gets the pooled hazard 5 / 17
    assert rates["A"].rate == pytest.approx(3 / 11)
    assert rates["C"].rate == pytest.approx(5 / 17)


def test_the_prior_shrinks_towards_the_pooled_hazard():
    table = {"A": [0, 3, 6, 9], "B": [5, 8, 10]}
    h0 = 5 / 17
    shrunk = release_rates(table, 0, 11, prior_months=12.0)
    assert shrunk["A"].rate == pytest.approx((3 + 12 * h0) / (11 + 12))
    assert shrunk["B"].rate == pytest.approx((2 + 12 * h0) / (6 + 12))
    everyone = release_rates(table, 0, 11, prior_months=1e9)
    assert everyone["A"].rate == pytest.approx(h0) and everyone["B"].rate == pytest.approx(h0)


def test_exposure_starts_after_entry_or_at_the_window():
    assert exposure(first_release=-5, window_start=0, window_end=23) == (0, 23)
    assert exposure(first_release=4, window_start=0, window_end=23) == (5, 23)
    assert exposure(first_release=-5, window_start=None, window_end=23) == (-4, 23)


@given(st.lists(st.floats(0.02, 0.6), min_size=1, max_size=6), st.integers(0, 2**31 - 1))
def test_known_hazards_come_back_within_four_standard_errors(hazards, seed):
    rng = np.random.default_rng(seed)
    months = 2000
    table = {f"lab{i}": [0, *np.flatnonzero(rng.random(months) < h) + 1]
             for i, h in enumerate(hazards)}
    rates = release_rates(table, 1, months, prior_months=0.0)
    for i, h in enumerate(hazards):
        r = rates[f"lab{i}"]
        assert abs(r.mle - h) < 4 * math.sqrt(h * (1 - h) / months)


def test_the_rule_releases_at_the_estimated_frequency():
    model = AIMarket(small_config("rules.vendor_release=hazard", "world.end=2026-06"))
    vendor = model.vendors[0]
    vendor.release_rate = 0.25
    draws = sum(hazard(vendor, model) for _ in range(4000))
    assert abs(draws / 4000 - 0.25) < 4 * math.sqrt(0.25 * 0.75 / 4000)
    vendor.release_rate = 0.0
    assert not any(hazard(vendor, model) for _ in range(200))


def test_every_lab_gets_its_hazard_from_the_record():
    model = AIMarket(small_config("rules.vendor_release=hazard"))
    for vendor in model.vendors:
        assert 0 < vendor.release_rate < 1, vendor.vid
