"""Sweep statistics on a small hand-made sweep: the paired differences written to
``paired_differences.csv`` and those of the sweep report are the same numbers, and they
are the ones worked out by hand, also when some runs lack an override column."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import write_finished_run

from sim.analysis.sweep_stats import difference_table, paired_differences, parameter_columns
from sim.report.sweep_report import write_sweep_report
from sim.tools.gather import gather, write_gathered

PARAM = "world.demand.price_elasticity"
HEADLINE = "cn_share_startups"  # token_share_bloc / startups / CN, a share
DATE = "2026-12"
T_90_1DF = 6.313751514675043  # Student t, 95th percentile, one degree of freedom

# (scenario, seed, the override or None for a run launched without it, value at DATE)
RUNS = [
    ("baseline", 0, None, 0.10), ("baseline", 1, None, 0.20),
    ("baseline", 0, "0.5", 0.30), ("baseline", 1, "0.5", 0.50),
    ("cut", 0, None, 0.15), ("cut", 1, None, 0.10),
    ("cut", 0, "0.5", 0.60), ("cut", 1, "0.5", 0.90),
    ("cut", 2, None, 0.40),  # no baseline run with seed 2: no pair
]
# By hand, per override value: d = cut - baseline for seeds 0 and 1.
BY_HAND = {
    "default": [0.15 - 0.10, 0.10 - 0.20],  # 0.05, -0.10
    "0.5": [0.60 - 0.30, 0.90 - 0.50],      # 0.30, 0.40
}


def _write_run(folder, scenario, seed, override, value):
    overrides = [f"scenario={scenario}", f"seed={seed}"]
    if override is not None:
        overrides.append(f"{PARAM}={override}")
    write_finished_run(folder, overrides, scenario, seed, value, DATE)


@pytest.fixture
def sweep_dir(tmp_path):
    for i, run in enumerate(RUNS):
        _write_run(tmp_path / str(i), *run)
    return tmp_path


def _expected(differences):
    n = len(differences)
    mean = sum(differences) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
    half = T_90_1DF * sd / math.sqrt(n)
    return {"n": n, "mean": mean, "se": sd / math.sqrt(n), "ci_low": mean - half,
            "ci_high": mean + half}


def _by_override(frame):
    """Rows of the cut scenario at DATE, keyed by override value ('default' for none)."""
    rows = frame[(frame["scenario"] == "cut") & (frame["month"] == DATE)]
    out = {}
    for _, row in rows.iterrows():
        value = row[PARAM]
        key = "default" if pd.isna(value) else str(float(value))
        out[key] = row
    return out


def test_a_missing_override_is_the_default_and_pairs_with_a_missing_one(sweep_dir):
    gathered, _ = gather(sweep_dir)
    assert parameter_columns(gathered) == [PARAM]
    diffs = paired_differences(gathered, HEADLINE)
    cut = diffs[(diffs["scenario"] == "cut") & (diffs["month"] == DATE)]
    assert len(cut) == 4  # seed 2 has no baseline partner
    assert sorted(cut["difference"].round(12)) == sorted(
        round(d, 12) for ds in BY_HAND.values() for d in ds)


def test_paired_differences_csv_and_report_table_agree_with_the_hand_computation(sweep_dir):
    out = write_gathered(sweep_dir, [DATE], plots=False)
    csv = pd.read_csv(out / "paired_differences.csv")
    gathered, _ = gather(sweep_dir)
    report = difference_table(gathered, [DATE])
    csv_rows, report_rows = _by_override(csv), _by_override(report)
    assert set(csv_rows) == set(report_rows) == {"default", "0.5"}
    for key, differences in BY_HAND.items():
        for stat, value in _expected(differences).items():
            assert csv_rows[key][stat] == pytest.approx(value, abs=1e-12), (key, stat)
            assert report_rows[key][stat] == pytest.approx(value, abs=1e-12), (key, stat)


def test_the_sweep_report_shows_the_csv_numbers(sweep_dir, tmp_path):
    gathered, events = gather(sweep_dir)
    path = write_sweep_report(gathered, events, tmp_path / "report", report_dates=[DATE],
                              figures={})
    page = path.read_text(encoding="utf-8")
    diffs = page[page.index('<section id="differences">'):]
    # means in percentage points: -2.50 (default) and 35.0 (0.5)
    assert "-2.50" in diffs and "35.0" in diffs
