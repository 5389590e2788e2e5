"""Batched sweeps (``hydra.sweeper.batch``): several runs of one config in one Hydra job.

A batched sweep writes the same run folders, byte for byte, as one job per run; a run
that fails in a batch marks its own folder and the batch goes on; a bad seed is refused
before any job, though its config is composed once for all the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config import SCENARIOS_DIR
from sim.tools.announce import sweep_sizes
from sim.tools.batch import batched_jobs, count_jobs, decode_runs, encode_runs, split_job

ROOT = SCENARIOS_DIR.parent
QUICK = ["world=small", "world.end=2023-06", "output.plots=false", "output.report=false",
         "output.progress=false"]
#: What a run writes that must not depend on how the sweep ran it (the manifest holds
#: times, the log its own lines, hydra.yaml the job's number and the sweeper's settings).
TABLES = ("timeseries.parquet", "timeseries.csv", "events.csv", "entries.csv", "summary.json",
          ".hydra/config.yaml", ".hydra/overrides.yaml")
FRAGILE = (
    "from sim.rules.pricing import best_response\n"
    "from sim.rules import rule\n\n\n"
    "@rule('vendor_pricing', 'fragile')\n"
    "def fragile(vendor, market):\n"
    "    if vendor.model.cfg.seed == 1:\n"
    "        raise RuntimeError('this seed fails')\n"
    "    return best_response(vendor, market)\n")


def sim(*args: str) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` from the repository root; the caller checks the exit status."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_runs_that_differ_only_in_seed_or_draw_share_a_job():
    jobs = [[f"scenario={s}", f"seed={i}", f"draw.index={d}"]
            for s in ("a", "b") for d in (0, 1) for i in (0, 1, 2)]
    assert batched_jobs(jobs, 1) == jobs
    batched = batched_jobs(jobs, 5)  # per scenario: a job of five runs, then one alone
    assert len(batched) == 4 == count_jobs({"scenario": 2, "draw.index": 2, "seed": 3}, 5)
    first = batched[0]
    assert split_job(first) == (("scenario=a",), ("seed=0", "draw.index=0"))
    assert first[-1] == ("hydra.sweeper.runs=['seed=0,draw.index=0','seed=1,draw.index=0',"
                         "'seed=2,draw.index=0','seed=0,draw.index=1','seed=1,draw.index=1']")
    runs = decode_runs(["seed=1,draw.index=1", "seed=2,draw.index=1"])
    assert runs == [["seed=1", "draw.index=1"], ["seed=2", "draw.index=1"]]
    assert encode_runs(runs) == "hydra.sweeper.runs=['seed=1,draw.index=1','seed=2,draw.index=1']"
    # a group's last run alone is a plain job: the run's overrides, no list of runs
    assert batched[1] == ["scenario=a", "seed=2", "draw.index=1"]
    assert batched[3] == ["scenario=b", "seed=2", "draw.index=1"]
    assert count_jobs({"seed": 40}, 10) == 4 and count_jobs({"scenario": 3}, 10) == 3
    assert sweep_sizes(["seed=range(4)", "world=small", "scenario=a,b"]) == \
        {"seed": 4, "scenario": 2}
    with pytest.raises(ValueError, match="batch=0"):
        batched_jobs(jobs, 0)


def _files(sweep: Path) -> dict[str, bytes]:
    """Every run's :data:`TABLES` by path relative to the sweep."""
    out = {}
    for done in sweep.rglob("DONE"):
        for name in TABLES:
            path = done.parent / name
            out[str(path.relative_to(sweep))] = path.read_bytes()
    return out


@pytest.mark.slow
def test_a_batched_sweep_writes_the_same_bytes_as_one_job_per_run(tmp_path):
    design = tmp_path / "design.csv"
    design.write_text("draw,spill_open\n0,0.2\n1,0.7\n")
    runs = ["seed=0,1", f"draw.file={design}", "draw.index=0,1"]
    alone = sim("-m", *QUICK, *runs, f"hydra.sweep.dir={tmp_path / 'alone'}")
    assert alone.returncode == 0, alone.stderr
    # 4 runs of one config: a job of three, then one alone, on two worker processes
    batched = sim("-m", *QUICK, *runs, "hydra.sweeper.batch=3", "hydra/launcher=joblib",
                  "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={tmp_path / 'batched'}",
                  "hydra.verbose=[sim.tools.batch]")
    assert batched.returncode == 0, batched.stderr
    log = batched.stdout + batched.stderr
    assert "4 runs in 2 jobs of up to 3" in log
    assert "(1 configs composed so far)" in log  # the parent composed one config, not four
    expected, got = _files(tmp_path / "alone"), _files(tmp_path / "batched")
    assert len(expected) == 4 * len(TABLES) and got.keys() == expected.keys()
    assert [k for k in expected if got[k] != expected[k]] == []
    for done in (tmp_path / "batched").rglob("DONE"):  # each run its own log
        assert "running scenario=" in next(done.parent.glob("*.log")).read_text()
    for name in ("runs.csv", "paired_differences.csv"):
        assert (tmp_path / "alone" / "gathered" / name).read_bytes() == \
            (tmp_path / "batched" / "gathered" / name).read_bytes()


@pytest.mark.slow
def test_a_failed_run_marks_its_folder_and_the_batch_goes_on(tmp_path):
    plugin = tmp_path / "fragile.py"
    plugin.write_text(FRAGILE)
    sweep = tmp_path / "sweep"
    # past the history, where the pricing rule is first asked
    args = ["-m", *QUICK, "world.end=2026-02", "seed=range(3)", f"rules.plugins=[{plugin}]",
            "rules.vendor_pricing=fragile", "hydra.sweeper.batch=3",
            f"hydra.sweep.dir={sweep}"]
    result = sim(*args)
    assert result.returncode == 1, result.stderr
    assert "1 jobs failed" in result.stderr
    seeds = sorted(int(p.parent.parent.name.removeprefix("seed=")) for p in sweep.rglob("DONE"))
    assert seeds == [0, 2]
    [marker] = list(sweep.rglob("FAILED"))
    assert marker.parent.parent.name == "seed=1"
    text = json.loads(marker.read_text())
    assert text["error"] == "this seed fails" and "seed=1" in text["overrides"]
    assert {p.name for p in marker.parent.iterdir() if p.suffix != ".log"} == \
        {".hydra", "FAILED"}
    runs = pd.read_csv(sweep / "gathered" / "runs.csv")
    assert runs.status.tolist() == ["finished", "failed", "finished"]
    # resumed: the finished runs of the batch are skipped, the failed one retried
    again = sim(*args)
    log = again.stdout + again.stderr
    assert again.returncode == 1 and log.count("already done, skipping") == 2
    assert log.count("running scenario=") == 1


@pytest.mark.slow
def test_a_bad_seed_in_a_batch_is_refused_before_any_job(tmp_path):
    sweep = tmp_path / "sweep"
    result = sim("-m", *QUICK, "seed=0,1,abc", "hydra.sweeper.batch=3",
                 f"hydra.sweep.dir={sweep}")
    assert result.returncode != 0
    assert "seed=abc" in result.stderr
    assert not list(sweep.rglob(".hydra"))
