"""Moments against hand computations, on synthetic tables and on a tiny run."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import cached_run

from sim.calibrate import moments as mom
from sim.calibrate.moments import Target, load_targets
from sim.calibrate.scorecard import scorecard, verdict
from sim.model.results import Results

MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]


def synthetic(series: dict, vendors: dict) -> Results:
    """A Results object from {(metric, segment): {entity: [values by month]}}."""
    rows = []
    for (metric, segment), by_entity in series.items():
        for entity, values in by_entity.items():
            for month, value in zip(MONTHS, values, strict=False):
                rows.append((month, metric, entity, segment, value, ""))
    table = pd.DataFrame(rows, columns=["month", "metric", "entity", "segment", "value", "unit"])
    world = SimpleNamespace(vendors={k: SimpleNamespace(bloc=b) for k, b in vendors.items()})
    return Results(table, pd.DataFrame(), pd.DataFrame(), SimpleNamespace(world=world))


def test_chinese_open_share_adds_only_open_chinese_models():
    n = len(MONTHS)
    result = synthetic({
        ("token_share", "startups"): {"a": [0.5] * n, "b": [0.3] * n, "c": [0.2] * n},
        ("openness_level", "all"): {"a": [0] * n, "b": [1] * n, "c": [2] * n},
    }, {"a": "CN", "b": "CN", "c": "US"})
    assert mom.cn_open_share_startups_late_2024(result) == pytest.approx(30.0)


def test_genai_user_share_is_the_first_half_of_2025s_mean_adoption_in_percent():
    n = len(MONTHS)
    adoption = {"IND": [0.01 * i for i in range(n)], "BRA": [0.2] * n}
    result = synthetic({("adoption", "nations"): adoption}, {})
    # months 24 to 29 are 2025-01 to 2025-06: the mean of 0.24 .. 0.29 is 0.265
    assert mom.MOMENTS["genai_user_share_2025h1_IND"](result) == pytest.approx(26.5)
    assert mom.MOMENTS["genai_user_share_2025h1_BRA"](result) == pytest.approx(20.0)
    targets = [t for t in load_targets() if t.moment == "genai_user_share_2025h1_NGA"]
    assert mom.compute(result, targets) == {targets[0].id: pytest.approx(float("nan"),
                                                                          nan_ok=True)}
    assert {t.moment.rsplit("_", 1)[1] for t in load_targets()
            if t.moment.startswith("genai_user_share_2025h1_")} == set(
        mom.GENAI_USER_SHARE_COUNTRIES)


def test_price_of_fixed_capability_uses_the_cheapest_model_at_that_level():
    n = len(MONTHS)
    price = {"openai": [30.0] * n, "cheap": [np.nan] * 5 + [3.0] * (n - 5),
             "weak": [0.1] * n}
    capability = {"openai": [25.0] * n, "cheap": [np.nan] * 5 + [25.5] * (n - 5),
                  "weak": [24.0] * n}
    result = synthetic({("price", "all"): price, ("capability", "all"): capability},
                       {"openai": "US", "cheap": "CN", "weak": "US"})
    # GPT-4 level = openai's capability in 2023-03 (25); cheapest at that level:
    # 2023-06 -> $3 (cheap, released in month 6), 2024-11 -> $3: no fall
    assert mom.fixed_capability_price_decline(result) == pytest.approx(1.0)
    assert mom.gpt35_level_price_fall(result) == pytest.approx(30.0 / 3.0)


def test_moments_of_a_tiny_run_match_the_table():
    result = cached_run("world.end=2025-12")
    table = result.table
    compute = table[(table.metric == "compute_bloc") & (table.month == "2025-05")]
    by_bloc = dict(zip(compute.entity, compute.value, strict=True))
    assert mom.cn_compute_share_2025(result) == pytest.approx(
        100 * by_bloc["CN"] / sum(by_bloc.values()))
    rows = table[(table.metric == "revenue_share") & (table.segment == "enterprises")
                 & (table.entity == "anthropic") & table.month.str.startswith("2024")]
    assert mom.anthropic_enterprise_spend_share_2024(result) == pytest.approx(
        100 * rows.value.mean())
    lag = table[(table.metric == "capability_gap_months") & (table.entity == "closed-open")
                & (table.month == "2024-11")].value.item()
    assert mom.open_closed_lag_months(result) == pytest.approx(lag)


def test_every_mapped_target_has_a_moment_and_a_source():
    for target in load_targets():
        assert target.source.startswith("http")
        assert target.low <= target.value <= target.high
        if target.role != "not_mapped":
            assert target.moment in mom.MOMENTS, target.id


def test_the_scorecard_says_in_band_or_by_how_much_it_misses():
    target = Target("X", "q", 10, 5, 20, "%", "2024", "http://x", "m", "in_sample", "note")
    assert verdict(target, 12.0) == "in band"
    assert verdict(target, 25.0).startswith("above the band by 5 %")
    card = scorecard([cached_run("world.end=2025-12")], load_targets())
    assert set(card.role) == {"in_sample", "out_of_sample", "input", "not_mapped"}
    assert card.in_band.isin([True, False, None]).all()
