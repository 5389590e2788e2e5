"""API revenue against world GDP: the size of the simulated market in the economy.

World GDP is read from ``sim/data/world_gdp.csv`` (IMF WEO, current US dollars) and grown
past its last year at the file's own 2023-2025 growth rate:

    g = (Y_2025 / Y_2023) ** (1 / 2) - 1,        Y_t = Y_2025 * (1 + g) ** (t - 2025)

The model's prices are in US dollars without inflation, so the share mixes a nominal
denominator with an undeflated numerator: read it as an order of magnitude.
"""

from __future__ import annotations

import pandas as pd

from sim.data import read_csv


def world_gdp(year: int, name: str = "world_gdp.csv") -> float:
    """World GDP in ``year`` (USD per year): the file's figure, or its extrapolation."""
    rows = {int(r["year"]): float(r["value"]) * 1e12 for r in read_csv(name)}
    if year in rows:
        return rows[year]
    growth = (rows[2025] / rows[2023]) ** 0.5 - 1.0
    return rows[2025] * (1.0 + growth) ** (year - 2025)


def api_revenue_in_year(revenue: pd.DataFrame, year: int) -> pd.Series:
    """Each vendor's API revenue summed over the twelve months of ``year`` (USD), from
    the wide ``revenue`` series (a row per month ``YYYY-MM``, USD per month)."""
    months = revenue.loc[f"{year}-01":f"{year}-12"]
    if len(months) != 12:
        raise KeyError(f"the run does not cover the whole of {year}")
    return months.sum()


def api_revenue_gdp_share(revenue: pd.DataFrame, year: int) -> float:
    """All vendors' API revenue in ``year`` over world GDP in that year (1)."""
    return float(api_revenue_in_year(revenue, year).sum()) / world_gdp(year)
