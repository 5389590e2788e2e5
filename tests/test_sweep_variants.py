"""Sweeps over rules (or any other override) are split by every swept key, never pooled:
bands and paired differences on a small hand-made sweep, whose numbers are worked out here
by hand; and ``paired_differences.csv`` always has its header and says when there is no
baseline to pair with."""

from __future__ import annotations

import csv as csv_module
import math

import pandas as pd
import pytest
from conftest import write_finished_run

from sim.analysis.sweep_stats import band_frame, difference_bands, difference_table
from sim.plots import sweep_figures as sweep_plots
from sim.tools.gather import gather, write_gathered

RULE = "rules.vendor_pricing"
DATE = "2026-12"
T_90_2DF = 2.919985580355516  # Student t, 95th percentile, two degrees of freedom

# (scenario, seed, rule, value of cn_share_startups at DATE)
RULE_SWEEP = [
    ("baseline", 0, "best_response", 0.10), ("baseline", 1, "best_response", 0.20),
    ("baseline", 2, "best_response", 0.60),
    ("baseline", 0, "cost_plus", 0.40), ("baseline", 1, "cost_plus", 0.50),
    ("baseline", 2, "cost_plus", 0.30),
]
# the same two rules under a scenario too, and a third rule the baseline never ran
WITH_SCENARIO = [*RULE_SWEEP,
                 ("cut", 0, "best_response", 0.15), ("cut", 1, "best_response", 0.40),
                 ("cut", 2, "best_response", 0.65),
                 ("cut", 0, "cost_plus", 0.40), ("cut", 1, "cost_plus", 0.60),
                 ("cut", 2, "cost_plus", 0.50),
                 ("cut", 0, "my_rule", 0.90)]


def _write_run(folder, scenario, seed, rule, value):
    overrides = [f"scenario={scenario}", f"seed={seed}", f"{RULE}={rule}"]
    write_finished_run(folder, overrides, scenario, seed, value, DATE)


def _sweep(tmp_path, runs):
    for i, run in enumerate(runs):
        _write_run(tmp_path / f"run{i}", *run)
    return tmp_path


def _percentile(values, q):
    """Linear interpolation between the order statistics (numpy's and pandas' default)."""
    v = sorted(values)
    at = q * (len(v) - 1)
    lo = math.floor(at)
    return v[lo] + (at - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def _at(frame, **where):
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


def test_a_rule_sweep_gives_a_band_per_rule(tmp_path):
    gathered, _ = gather(_sweep(tmp_path, RULE_SWEEP))
    frame = band_frame(gathered, "cn_share_startups")
    at_date = frame[frame["month"] == DATE]
    assert len(at_date) == 2 and (at_date["n"] == 3).all()  # not one band of six runs
    for rule in ("best_response", "cost_plus"):
        values = [v for _, _, r, v in RULE_SWEEP if r == rule]
        row = _at(at_date, **{RULE: rule})
        assert row["mean"].item() == pytest.approx(sum(values) / 3, abs=1e-12)
        assert row["low"].item() == pytest.approx(_percentile(values, 0.05), abs=1e-12)
        assert row["high"].item() == pytest.approx(_percentile(values, 0.95), abs=1e-12)


def test_the_bands_figure_draws_a_line_per_rule_with_the_hand_means(tmp_path):
    gathered, events = gather(_sweep(tmp_path, RULE_SWEEP))
    fig = sweep_plots.metric_bands(gathered, "cn_share_startups", events=events)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}
    assert sorted(lines) == [f"baseline, {RULE}=best_response", f"baseline, {RULE}=cost_plus"]
    # best response at DATE: (10 + 20 + 60) / 3 = 30%; cost plus: (40 + 50 + 30) / 3 = 40%
    assert lines[f"baseline, {RULE}=best_response"].get_ydata()[-1] == pytest.approx(30.0)
    assert lines[f"baseline, {RULE}=cost_plus"].get_ydata()[-1] == pytest.approx(40.0)
    colors = {ln.get_color() for ln in lines.values()}
    assert len(colors) == 2  # one scenario, two rules: told apart by colour, not only dashes


def _expected(differences):
    n = len(differences)
    mean = sum(differences) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
    return {"n": n, "mean": mean, "se": sd / math.sqrt(n),
            "ci_low": mean - T_90_2DF * sd / math.sqrt(n),
            "ci_high": mean + T_90_2DF * sd / math.sqrt(n),
            "low": _percentile(differences, 0.05), "high": _percentile(differences, 0.95)}


def test_paired_differences_are_per_rule_and_a_rule_without_baseline_is_noted(tmp_path):
    sweep_dir = _sweep(tmp_path, WITH_SCENARIO)
    out = write_gathered(sweep_dir, [DATE], plots=False)
    csv = pd.read_csv(out / "paired_differences.csv", keep_default_na=False,
                      na_values=[""])
    by_hand = {  # cut minus baseline, seed by seed, within each rule
        "best_response": [0.15 - 0.10, 0.40 - 0.20, 0.65 - 0.60],  # 0.05, 0.20, 0.05
        "cost_plus": [0.40 - 0.40, 0.60 - 0.50, 0.50 - 0.30],      # 0.00, 0.10, 0.20
    }
    numbers = csv[csv["note"].isna()]
    assert sorted(numbers[RULE]) == sorted(by_hand)  # one row per rule, none pooled
    for rule, differences in by_hand.items():
        row = _at(numbers, **{RULE: rule}).iloc[0]
        assert row["scenario"] == "cut" and row["headline"] == "cn_share_startups"
        for stat, value in _expected(differences).items():
            assert row[stat] == pytest.approx(value, abs=1e-12), (rule, stat)
    lonely = csv[csv["note"].notna()]
    assert list(lonely[RULE]) == ["my_rule"] and list(lonely["scenario"]) == ["cut"]
    assert "no 'baseline' run with the same seed and parameter values" in lonely["note"].item()
    assert lonely["mean"].isna().all()
    gathered, _ = gather(sweep_dir)
    bands_ = difference_bands(gathered, "cn_share_startups")
    cut = bands_[(bands_["scenario"] == "cut") & (bands_["month"] == DATE)]
    for rule, differences in by_hand.items():
        assert _at(cut, **{RULE: rule})["mean"].item() == pytest.approx(
            sum(differences) / 3, abs=1e-12)


def test_a_sweep_with_nothing_to_pair_writes_the_header_and_says_why(tmp_path):
    out = write_gathered(_sweep(tmp_path / "rules", RULE_SWEEP), [DATE], plots=False)
    with (out / "paired_differences.csv").open(newline="") as f:
        header = next(csv_module.reader(f))
    assert header[:4] == ["headline", "label", "unit", "scenario"]
    assert {RULE, "mean", "ci_low", "ci_high", "n", "note"} <= set(header)
    csv = pd.read_csv(out / "paired_differences.csv")
    assert len(csv) == 1 and csv["mean"].isna().all()
    assert csv["note"].item().startswith("only 'baseline' runs in the sweep")
    assert RULE in csv["note"].item()  # and it names what was swept

    no_baseline = [("cut", *run[1:]) for run in RULE_SWEEP]
    out = write_gathered(_sweep(tmp_path / "cut", no_baseline), [DATE], plots=False)
    csv = pd.read_csv(out / "paired_differences.csv")
    assert len(csv) == 1 and "no 'baseline' runs in the sweep" in csv["note"].item()


def test_difference_table_columns_are_the_same_whatever_the_sweep(tmp_path):
    full, _ = gather(_sweep(tmp_path / "a", WITH_SCENARIO))
    rules_only, _ = gather(_sweep(tmp_path / "b", RULE_SWEEP))
    assert list(difference_table(full, [DATE]).columns) == list(
        difference_table(rules_only, [DATE]).columns)
