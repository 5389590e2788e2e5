"""Revenue-level and market-size moments against values worked out by hand."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.calibrate import moments as mom
from sim.calibrate.moments import load_targets
from sim.calibrate.scorecard import scorecard
from sim.model.results import Results

MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]


def revenue_run(revenue: dict[str, list[float]], months: list[str] = MONTHS,
                spend: dict[tuple[str, str], list[float]] | None = None) -> Results:
    """A Results object with the series ``revenue`` (USD per month, by vendor) and, given
    ``spend`` ((metric, segment) -> values), segment series of entity ``market``."""
    rows = [(month, "revenue", vendor, "all", value, "USD per month")
            for vendor, values in revenue.items()
            for month, value in zip(months, values, strict=True)]
    rows += [(month, metric, "market", segment, value, "USD per month")
             for (metric, segment), values in (spend or {}).items()
             for month, value in zip(months, values, strict=True)]
    table = pd.DataFrame(rows, columns=["month", "metric", "entity", "segment", "value", "unit"])
    return Results(table, pd.DataFrame(), pd.DataFrame(), SimpleNamespace(world=None))


def ramp(start: float, step: float) -> list[float]:
    """Monthly revenue start, start + step, ... over the 36 months of 2023-2025."""
    return [start + step * i for i in range(len(MONTHS))]


@pytest.fixture
def run() -> Results:
    # month index i: 2023-12 is 11, 2024-10..12 are 21..23, 2025-05..07 are 28..30
    return revenue_run({
        "openai": ramp(100e6, 10e6),        # 100M + 10M i
        "openai_oss": [0.0] * 31 + [5e6] * 5,  # from 2025-08
        "anthropic": ramp(10e6, 5e6),       # 10M + 5M i
        "zhipu": [1e6] * 36,
        "minimax": [0.0] * 24 + [2e6] * 12,  # 2025 only
    })


def test_openai_is_twelve_times_its_month_over_both_lines(run):
    # 2023-12: 100M + 110M = 210M a month -> 2.52B a year
    assert mom.openai_annualised_revenue_2023_12(run) == pytest.approx(2.52)
    # 2024-12 (i = 23): 330M -> 3.96B
    assert mom.openai_annualised_revenue_2024_12(run) == pytest.approx(3.96)
    # 2025-06 (i = 29): 390M; the open line starts in 2025-08, so adds nothing
    assert mom.openai_annualised_revenue_2025_06(run) == pytest.approx(4.68)


def test_anthropic_run_rate(run):
    # 2024-12: 10M + 5M * 23 = 125M a month -> 1.5B a year
    assert mom.anthropic_annualised_revenue_2024_12(run) == pytest.approx(1.5)


def test_the_market_is_the_firms_api_spend_averaged_over_the_window():
    # startups spend 10M + 1M i a month, 2M of it self-hosted; enterprises 20M, none
    # self-hosted (nations and devices are not in Menlo's survey, so not in the moment)
    spend = {("spend", "startups"): ramp(10e6, 1e6),
             ("spend_self_hosted", "startups"): [2e6] * 36,
             ("spend", "enterprises"): [20e6] * 36,
             ("spend_self_hosted", "enterprises"): [0.0] * 36,
             ("spend", "nations"): [99e6] * 36}
    run = revenue_run({"openai": [1e6] * 36}, spend=spend)
    # 2024-10..12 (i = 21..23): startups' API spend 29, 30, 31 -> 30; plus 20 -> 50M a month
    assert mom.api_market_annualised_late_2024(run) == pytest.approx(0.6)
    # 2025-05..07 (i = 28..30): 36, 37, 38 -> 37; plus 20 -> 57M -> 0.684B a year
    assert mom.api_market_annualised_mid_2025(run) == pytest.approx(0.684)


def test_chinese_labs_in_million_usd(run):
    # Zhipu: 1M a month over the twelve months of 2024 -> 12M
    assert mom.zhipu_api_revenue_2024(run) == pytest.approx(12.0)
    # MiniMax: 2M a month in 2025-01..09 -> 24M a year
    assert mom.minimax_api_revenue_2025(run) == pytest.approx(24.0)


def test_a_vendor_missing_from_the_run_counts_as_zero():
    run = revenue_run({"anthropic": [1e6] * 36})
    assert mom.openai_annualised_revenue_2024_12(run) == 0.0


def test_a_run_that_stops_inside_the_window_has_no_value():
    spend = {(metric, segment): [1e6] * 23 for metric in ("spend", "spend_self_hosted")
             for segment in ("startups", "enterprises")}
    run = revenue_run({"openai": [1e6] * 23}, MONTHS[:23], spend)  # ends 2024-11
    targets = [t for t in load_targets() if t.id in {"T24", "T27", "T23"}]
    card = scorecard([run], targets).set_index("id")
    assert card.loc["T23", "simulated"] == pytest.approx(0.012)
    assert np.isnan(card.loc["T24", "simulated"])
    assert np.isnan(card.loc["T27", "simulated"])


def test_revenue_targets_are_sourced_dated_and_split_by_year():
    targets = {t.id: t for t in load_targets()}
    for tid in ("T23", "T24", "T26", "T27", "T29"):
        assert targets[tid].role == "in_sample", tid
    for tid in ("T25", "T28", "T30"):
        assert targets[tid].role == "out_of_sample", tid
    for tid in ("T23", "T24", "T25", "T26", "T27", "T28", "T29", "T30"):
        t = targets[tid]
        assert t.source.startswith("http") and t.low <= t.value <= t.high, tid
        assert t.moment in mom.MOMENTS, tid
