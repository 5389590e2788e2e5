"""Gathering at scale, on hand-made sweeps: the long table streamed run by run into a
partitioned Parquet dataset equals the table gathered in memory; ``metrics.csv`` names
every metric; a headline-only gather gives the same ``runs.csv``; a sweep of parameter
draws gets its draw columns and the uncertainty table; and the gather's memory does not
grow with the number of runs."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from conftest import write_finished_run

from sim.analysis.outcomes import OUTCOMES
from sim.report.outcome_report import write_outcome_report
from sim.report.sweep_report import write_sweep_report
from sim.tools import series_store
from sim.tools.gather import gather, write_gathered
from sim.tools.metric_docs import UNDOCUMENTED, documented_metrics

PARAM = "world.demand.price_elasticity"
DATE = "2026-12"
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]


def _run(folder, scenario, seed, value, param=None, draw=None, rows=0):
    """A finished run whose table holds a headline series (China's share of startup tokens,
    ``value`` in DATE), a non-headline series, and ``rows`` rows of a filler metric."""
    overrides = [f"scenario={scenario}", f"seed={seed}", "output.plots=false"]
    if param is not None:
        overrides.append(f"{PARAM}={param}")
    if draw is not None:
        overrides += ["draw.file=design.csv", f"draw.index={draw[0]}"]
    write_finished_run(folder, overrides, scenario, seed, value, DATE)
    share = pd.DataFrame({"month": MONTHS, "metric": "token_share_bloc", "entity": "CN",
                          "segment": "startups", "value": np.linspace(0, value, len(MONTHS)),
                          "unit": "1"})
    price = share.assign(metric="price", entity="deepseek", segment="all",
                         value=seed + 1.0, unit="USD per million tokens")
    filler = pd.DataFrame({"month": "2025-01", "metric": "tokens", "entity": "market",
                           "segment": "startups", "value": np.arange(rows, dtype=float),
                           "unit": "million tokens per month"})
    table = pd.concat([share, price, filler], ignore_index=True)
    for column in ("metric", "entity", "segment", "unit"):
        table[column] = table[column].astype("category")
    table.to_parquet(folder / "timeseries.parquet", index=False)
    summary = {"scenario": scenario, "seed": seed, "history_until": "2025-12"}
    if draw is not None:
        summary["draw"] = {"file": "design.csv", "index": draw[0], "values": draw[1]}
    (folder / "summary.json").write_text(json.dumps(summary))


@pytest.fixture
def sweep_dir(tmp_path):
    sweep = tmp_path / "sweep"
    for i, (scenario, seed, param) in enumerate(
            [("baseline", 0, "0.5"), ("baseline", 1, None), ("cut", 0, "0.5"),
             ("cut", 1, None)]):
        _run(sweep / f"r{i}", scenario, seed, 0.1 * (i + 1), param)
    return sweep


def _plain(frame):
    """A long table with its categoricals as text, rows in a fixed order."""
    frame = frame.astype({c: str for c in series_store.CATEGORIES})
    return frame.sort_values(["run", "metric", "month", "value"]).reset_index(drop=True)


def test_the_streamed_dataset_equals_the_table_gathered_in_memory(sweep_dir, monkeypatch):
    monkeypatch.setattr(series_store, "PART_ROWS", 60)  # 48 rows a run: a file for each
    out = write_gathered(sweep_dir, [DATE], plots=False)
    folder = out / "timeseries.parquet"
    assert folder.is_dir() and len(list(folder.glob("part-*.parquet"))) == 4
    streamed = pd.read_parquet(folder)
    for label in series_store.CATEGORIES:  # categoricals kept, as in a run's own table
        assert isinstance(streamed[label].dtype, pd.CategoricalDtype), label
    for label in ("month", "scenario"):
        assert pd.api.types.is_string_dtype(streamed[label].dtype), label
    assert streamed["seed"].dtype == np.int64 and streamed[PARAM].dtype == np.float64
    in_memory, _ = gather(sweep_dir)
    pd.testing.assert_frame_equal(_plain(streamed), _plain(in_memory), check_dtype=False)
    csv = pd.read_csv(out / "timeseries.csv")
    assert len(csv) == len(streamed) and csv[PARAM].dtype == np.float64
    assert not list(out.glob(".*.tmp"))  # nothing left under a temporary name


def test_above_the_csv_limit_the_series_are_in_parquet_only(sweep_dir):
    out = write_gathered(sweep_dir, [DATE], plots=False)  # first a CSV
    assert (out / "timeseries.csv").exists()
    out = write_gathered(sweep_dir, [DATE], plots=False, csv_rows=120)  # 4 runs of 48 rows
    assert not (out / "timeseries.csv").exists() and not (out / "timeseries.csv.gz").exists()
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 192
    tables = json.loads((out / "runs.json").read_text())["tables"]
    assert tables["series_csv"].startswith("none: 192 rows")
    assert (out / "runs.csv").exists() and (out / "metrics.csv").exists()


def test_metrics_csv_describes_every_metric_of_the_series_and_every_outcome(sweep_dir):
    out = write_gathered(sweep_dir, [DATE], plots=False)
    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics.columns) == ["metric", "unit", "description", "table"]
    series = metrics[metrics.table == "timeseries"].set_index("metric")
    table = pd.read_parquet(out / "timeseries.parquet")
    assert set(series.index) == set(table["metric"].astype(str))
    assert series.loc["price", "unit"] == "USD per million tokens"
    assert series.loc["price", "description"] == documented_metrics()["price"]
    assert not (series["description"] == UNDOCUMENTED).any()
    outcomes = metrics[metrics.table == "runs"].set_index("metric")
    assert list(outcomes.index) == list(OUTCOMES)
    assert outcomes.loc["cn_share_startups@mean", "description"].startswith(
        "Chinese models' share of startup tokens, mean after the recorded history")


def test_a_headline_only_gather_gives_the_full_gathers_runs_table(sweep_dir):
    full = pd.read_csv(write_gathered(sweep_dir, [DATE], plots=False) / "runs.csv")
    out = write_gathered(sweep_dir, [DATE], plots=False, mode="headline")
    headline = pd.read_csv(out / "runs.csv")
    pd.testing.assert_frame_equal(headline, full)
    assert full["cn_share_startups@mean"].notna().all()
    # and it keeps no series (an earlier full gather's are removed: they would not match)
    assert not (out / "timeseries.parquet").exists() and not (out / "timeseries.csv").exists()
    assert json.loads((out / "runs.json").read_text())["mode"] == "headline"
    with pytest.raises(ValueError, match="gather mode 'fast'"):
        write_gathered(sweep_dir, [DATE], plots=False, mode="fast")


def test_a_sweep_of_draws_has_its_draw_columns_and_the_uncertainty_table(tmp_path):
    sweep = tmp_path / "sweep"
    # two draws x two seeds x two scenarios; the draw moves the value by 0.2, a seed by 0.1
    for scenario, lift in (("baseline", 0.0), ("cut", 0.05)):
        for d, spill in enumerate((0.2, 0.8)):
            for seed in (0, 1):
                _run(sweep / scenario / f"d{d}s{seed}", scenario, seed,
                     0.1 + 0.2 * d + 0.1 * seed + lift, draw=(d, {"spill_open": spill}))
    out = write_gathered(sweep, [DATE], plots=False)
    runs = pd.read_csv(out / "runs.csv")
    assert list(runs.columns[:5]) == ["run", "scenario", "seed", "draw", "draw.spill_open"]
    assert runs["draw"].dtype == np.int64 and runs["draw.spill_open"].dtype == np.float64
    assert not [c for c in runs.columns if c in ("draw.file", "draw.index")]
    assert sorted(runs.loc[runs.draw == 1, "draw.spill_open"].unique()) == [0.8]
    assert pd.read_parquet(out / "timeseries.parquet")["draw"].notna().all()
    table = pd.read_csv(out / "uncertainty.csv")
    row = table[(table.quantity == "value") & (table.outcome == "cn_share_startups")
                & (table.scenario == "baseline")].iloc[0]
    # values 0.1, 0.2 (draw 0) and 0.3, 0.4 (draw 1): between 0.01, within 0.0025
    assert row["var_param"] == pytest.approx(0.01) and row["var_seed"] == pytest.approx(0.0025)
    assert row["share_param"] == pytest.approx(0.8)
    assert (row["n_draws"], row["n_runs"]) == (2, 4)
    diff = table[(table.quantity == "difference") & (table.outcome == "cn_share_startups")]
    assert diff["mean"].tolist() == pytest.approx([0.05])  # paired by seed and draw
    assert diff["var_total"].tolist() == pytest.approx([0.0], abs=1e-12)
    # both reports show the split: the full one beside its bands, the headline-only one
    gathered, events = gather(sweep)
    assert gathered["draw"].tolist().count(1) == len(gathered) // 2
    full = write_sweep_report(gathered, events, tmp_path / "full", report_dates=[DATE],
                              figures={}, uncertainty=table).read_text()
    outcomes = write_outcome_report(runs, tmp_path / "outcomes", uncertainty=table).read_text()
    for page in (full, outcomes):
        assert "Parameter uncertainty" in page
        # cn_share_startups, baseline: mean 25%, interval of 0.1..0.4, 80% from parameters
        assert ('<td class="num">25.0</td><td class="num">[11.5, 38.5]</td>'
                '<td class="num">80%</td>') in page


def _peak(sweep):
    """Peak traced allocation while gathering ``sweep`` (tables only, no CSV)."""
    tracemalloc.start()
    try:
        write_gathered(sweep, [DATE], plots=False, csv_rows=0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gather_peak_allocation_does_not_grow_with_the_number_of_runs(tmp_path):
    # each run 20,000 rows (about 1 MB as a table): holding every run at once would take
    # four times as much for 80 runs as for 20; streaming holds one run at a time, plus a
    # row of outcomes and the headline series (here 24 rows) of every run
    sweeps = {}
    for n in (20, 80):
        sweeps[n] = tmp_path / f"n{n}"
        for i in range(n):
            _run(sweeps[n] / f"r{i:03d}", "baseline", i, 0.5, rows=20_000)
    write_gathered(sweeps[20], [DATE], plots=False, csv_rows=0)  # warm: imports, caches
    peaks = {n: _peak(sweep) for n, sweep in sweeps.items()}
    assert peaks[80] < 1.5 * peaks[20], peaks
