"""World GDP and the API market's share of it, by hand."""

import pandas as pd
import pytest

from sim.calibrate.gdp import api_revenue_gdp_share, api_revenue_in_year, world_gdp


def test_world_gdp_is_the_file_then_grows_at_its_2023_2025_rate():
    assert world_gdp(2024) == pytest.approx(111.33e12)
    assert world_gdp(2025) == pytest.approx(117.17e12)
    # g = sqrt(117.17 / 106.94) - 1 = 0.046738...; 2027: 117.17 * 1.046738 ** 2 = 128.38
    assert world_gdp(2027) == pytest.approx(128.378e12, rel=1e-4)


def test_share_sums_the_year_over_vendors():
    months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    revenue = pd.DataFrame({"a": [1e9] * 24, "b": [0.5e9] * 24}, index=months)
    # 2025: 12 x 1.5B = 18B over 117.17T
    assert api_revenue_in_year(revenue, 2025).sum() == pytest.approx(18e9)
    assert api_revenue_gdp_share(revenue, 2025) == pytest.approx(18e9 / 117.17e12)
    with pytest.raises(KeyError):
        api_revenue_in_year(revenue.iloc[:-1], 2025)
