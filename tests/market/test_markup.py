"""The markup guard by hand."""

import numpy as np

from sim.market.markup import at_markup_cap, count_at_cap


def test_prices_at_or_above_the_cap_bind_and_those_below_do_not():
    cost = np.array([1.0, 1.0, 2.0, 0.5, 1.0])
    price = np.array([30.0, 29.0, 61.0, 15.0 * (1 - 1e-8), 29.99999])
    # 30 = 30 x 1; 29 < 30; 61 > 60; 15(1 - 1e-8) within the tolerance of 15;
    # 29.99999 is 3.3e-7 below 30, inside the relative tolerance 1e-6
    assert at_markup_cap(price, cost, 30.0).tolist() == [1.0, 0.0, 1.0, 1.0, 1.0]
    assert at_markup_cap(price, cost, 30.0, tolerance=0.0).tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_vendors_not_selling_have_no_flag_and_count_as_zero():
    flags = at_markup_cap([np.nan, 10.0, 10.0, 5.0], [1.0, np.nan, 0.0, 1.0], 5.0)
    assert np.isnan(flags[:3]).all() and flags[3] == 1.0
    assert count_at_cap(flags) == 1.0
    assert count_at_cap([]) == 0.0
