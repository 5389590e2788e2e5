"""The gathered sweep tables: one row per run in ``runs.csv`` (overrides, status and every
headline outcome), numbers kept numeric, no ``output.*`` columns.

A hand-made sweep folder gives values worked out by hand; a two-run sweep through
``python -m sim -m`` checks the outcomes against the runs' own ``summary.json``, which the
run computes by another path (:func:`sim.outputs.files.summary`).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.outcomes import OUTCOMES
from sim.config import SCENARIOS_DIR
from sim.tools.gather import gather_runs, write_gathered

ROOT = SCENARIOS_DIR.parent
ELASTICITY = "world.demand.price_elasticity"
PRICING = "rules.vendor_pricing"
BANS = "world.demand.ban_covers_self_hosting"
MONTHS = ["2025-11", "2025-12", "2026-01", "2026-02"]

# (folder, scenario, seed, elasticity or None, values of cn_share_startups by month,
#  history_until written where: "summary", "config" (the saved config only) or None)
FINISHED = [
    ("a", "baseline", 0, "0.5", [0.10, 0.20, 0.30, 0.50], "summary"),
    ("b", "baseline", 1, "1.5", [0.00, 0.10, 0.40, 0.60], "config"),
    ("c", "cut", 0, None, [0.20, 0.20, 0.20, 0.80], "summary"),
]


def _hydra(folder, overrides, config=None):
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    if config is not None:
        (folder / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))


def _overrides(scenario, seed, elasticity):
    out = [f"scenario={scenario}", f"seed={seed}", f"{PRICING}=cost_plus",
           f"{BANS}=true", "world.end=2026-02", "output.plots=false", "output.progress=False"]
    if elasticity is not None:
        out.append(f"{ELASTICITY}={elasticity}")
    return out


@pytest.fixture
def sweep_dir(tmp_path):
    for name, scenario, seed, elasticity, shares, history in FINISHED:
        folder = tmp_path / name
        config = {"seed": seed, "world": {"history_until": "2025-12"}}
        _hydra(folder, _overrides(scenario, seed, elasticity),
               config if history == "config" else None)
        summary = {"scenario": scenario, "seed": seed}
        if history == "summary":
            summary["history_until"] = "2025-12"
        (folder / "summary.json").write_text(json.dumps(summary))
        table = pd.DataFrame({"month": MONTHS, "metric": "token_share_bloc", "entity": "CN",
                              "segment": "startups", "value": shares, "unit": "share"})
        table.to_parquet(folder / "timeseries.parquet", index=False)
        (folder / "events.csv").write_text("month,kind,vendor,bloc,label\n")
        (folder / "DONE").write_text("finished\n")
    # a failed job: its config says scenario and seed (no overrides name them)
    _hydra(tmp_path / "d", [f"{ELASTICITY}=2.5", "output.plots=false"],
           {"seed": 4, "scenario": {"name": "cut"}})
    (tmp_path / "d" / "FAILED").write_text(json.dumps(
        {"error": "boom", "type": "RuntimeError", "overrides": []}))
    # a job still running (or killed): neither DONE nor FAILED
    _hydra(tmp_path / "e", ["scenario=cut", "seed=5", f"{ELASTICITY}=0.5"])
    return tmp_path


def test_runs_csv_has_one_row_per_run_with_typed_columns(sweep_dir):
    out = write_gathered(sweep_dir, ["2026-02"], plots=False)
    runs = pd.read_csv(out / "runs.csv")
    assert list(runs.run) == ["a", "b", "c", "d", "e"]  # every job, finished or not
    assert list(runs.columns[:3]) == ["run", "scenario", "seed"]
    assert list(runs.scenario) == ["baseline", "baseline", "cut", "cut", "cut"]
    assert list(runs.seed) == [0, 1, 0, 4, 5] and runs.seed.dtype == np.int64
    assert list(runs.status) == ["finished", "finished", "finished", "failed", "unfinished"]
    assert not [c for c in runs.columns if c.startswith("output.")]
    # every override its own column, numbers as numbers, flags as flags, labels as text
    assert runs[ELASTICITY].dtype == np.float64
    assert runs[ELASTICITY].tolist()[:2] == [0.5, 1.5] and math.isnan(runs[ELASTICITY][2])
    assert runs[ELASTICITY][3] == 2.5
    assert runs[BANS].tolist()[:3] == [True, True, True]
    assert runs[PRICING].tolist()[:3] == ["cost_plus"] * 3
    assert runs["world.end"].tolist()[:3] == ["2026-02"] * 3
    # every registered outcome, each a float column
    assert set(OUTCOMES) <= set(runs.columns)
    assert all(runs[name].dtype == np.float64 for name in OUTCOMES)
    assert list(runs.columns).index("status") < list(runs.columns).index(next(iter(OUTCOMES)))


def test_the_outcomes_are_the_hand_computed_scalars(sweep_dir):
    runs = gather_runs(sweep_dir).set_index("run")
    # the last month, and the mean after the history (2026-01 and 2026-02)
    assert runs.loc["a", "cn_share_startups"] == 0.50
    assert runs.loc["a", "cn_share_startups@mean"] == pytest.approx((0.30 + 0.50) / 2)
    # history_until read from the saved config when the summary lacks it
    assert runs.loc["b", "cn_share_startups@mean"] == pytest.approx((0.40 + 0.60) / 2)
    assert runs.loc["c", "cn_share_startups@mean"] == pytest.approx((0.20 + 0.80) / 2)
    # a headline the table does not record, and a run that did not finish: missing
    assert np.isnan(runs.loc["a", "us_lerner"])
    assert runs.loc[["d", "e"], list(OUTCOMES)].isna().all().all()


def test_the_long_table_keeps_numbers_numeric_and_labels_as_categories(sweep_dir):
    out = write_gathered(sweep_dir, ["2026-02"], plots=False)
    table = pd.read_parquet(out / "timeseries.parquet")
    assert len(table) == 3 * len(MONTHS)  # the finished runs
    assert not [c for c in table.columns if c.startswith("output.")]
    assert table["value"].dtype == np.float64 and table["seed"].dtype == np.int64
    assert table[ELASTICITY].dtype == np.float64
    for label in ("metric", "entity", "segment", "unit", "run"):  # as in a run's own table
        assert isinstance(table[label].dtype, pd.CategoricalDtype), label
    for label in ("month", "scenario", PRICING):  # compared in order, pivoted: plain text
        assert pd.api.types.is_string_dtype(table[label].dtype), label
    csv = pd.read_csv(out / "timeseries.csv")
    assert csv["value"].dtype == np.float64 and csv[ELASTICITY].dtype == np.float64
    assert len(csv) == len(table)


@pytest.mark.slow
def test_a_two_run_sweep_gathers_the_runs_own_summaries(tmp_path):
    sweep = tmp_path / "sweep"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "world=small", "world.start=2025-07",
         "world.end=2026-03", f"{ELASTICITY}=0.3,0.6", "output.plots=false",
         "output.report=false", "output.progress=false", f"hydra.sweep.dir={sweep}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    runs = pd.read_csv(sweep / "gathered" / "runs.csv")
    assert len(runs) == 2 and (runs.status == "finished").all()
    assert runs[ELASTICITY].tolist() == [0.3, 0.6] and runs.seed.tolist() == [0, 0]
    assert not [c for c in runs.columns if c.startswith("output.")]
    assert all(runs[name].dtype == np.float64 for name in OUTCOMES)
    for row in runs.to_dict("records"):
        summary = json.loads((sweep / row["run"] / "summary.json").read_text())
        for key, headline in summary["headlines"].items():
            for name, expected in ((key, headline["end"]),
                                   (f"{key}@mean", headline["mean_after_history"])):
                if expected is None:  # JSON has no NaN or infinity: written as null
                    assert not np.isfinite(row[name]), name
                else:
                    assert row[name] == pytest.approx(expected, rel=1e-12), name
