"""A failed job does not stop a sweep: the other jobs finish on every launcher, the
failure is marked and tabled, the multirun exits 1, and resuming retries only it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config import SCENARIOS_DIR

ROOT = SCENARIOS_DIR.parent
QUICK = ["world=small", "output.plots=false", "output.report=false", "output.progress=false"]
FRAGILE = (
    "from sim.rules.pricing import best_response\n"
    "from sim.rules import rule\n\n\n"
    "@rule('vendor_pricing', 'fragile')\n"
    "def fragile(vendor, market):\n"
    "    if vendor.model.cfg.seed == {bad}:\n"
    "        raise RuntimeError('this seed fails')\n"
    "    return best_response(vendor, market)\n")

pytestmark = pytest.mark.slow


def sim(*args: str) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` from the repository root; the caller checks the exit status."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def fragile_sweep(tmp_path: Path, bad: int | None = 3) -> list[str]:
    """Arguments of a six-seed sweep whose pricing rule raises for seed ``bad``."""
    plugin = tmp_path / "fragile.py"
    plugin.write_text(FRAGILE.format(bad=bad))
    return ["-m", *QUICK, "world.end=2026-03", "seed=range(6)", f"rules.plugins=[{plugin}]",
            "rules.vendor_pricing=fragile", f"hydra.sweep.dir={tmp_path / 'sweep'}"]


def seed_of(run_dir: Path, sweep: Path) -> int:
    return int(run_dir.relative_to(sweep).parts[1].removeprefix("seed="))


@pytest.mark.parametrize("launcher", ["basic", "joblib", "submitit_local"])
def test_one_failed_job_leaves_the_other_five_gathered_and_exits_non_zero(tmp_path, launcher):
    extra = {"basic": [], "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
             "submitit_local": ["hydra/launcher=submitit_local"]}[launcher]
    sweep = tmp_path / "sweep"
    result = sim(*fragile_sweep(tmp_path), *extra)
    assert result.returncode == 1, result.stderr
    assert "1 jobs failed" in result.stderr
    assert sorted(seed_of(p.parent, sweep) for p in sweep.rglob("DONE")) == [0, 1, 2, 4, 5]
    [marker] = list(sweep.rglob("FAILED"))
    failed = marker.parent
    assert seed_of(failed, sweep) == 3 and not (failed / "DONE").exists()
    # nothing of the run is left beside the marker: Hydra's config and the job's log only
    assert {p.name for p in failed.iterdir() if p.suffix != ".log"} == {".hydra", "FAILED"}
    text = json.loads(marker.read_text())
    assert text["type"] == "RuntimeError" and text["error"] == "this seed fails"
    assert "seed=3" in text["overrides"]
    gathered = sweep / "gathered"
    failures = pd.read_csv(gathered / "failures.csv")
    assert list(failures.columns) == ["job", "overrides", "error"]
    assert failures.job.tolist() == [str(failed.relative_to(sweep))]
    assert "seed=3" in failures.overrides[0].split()
    assert failures.error[0] == "RuntimeError: this seed fails"
    runs = json.loads((gathered / "runs.json").read_text())
    assert (runs["finished"], runs["failed"], runs["unfinished"]) == (5, 1, 0)
    assert runs["seeds"] == [0, 1, 2, 4, 5]
    table = pd.read_parquet(gathered / "timeseries.parquet")
    assert sorted(table.seed.unique()) == [0, 1, 2, 4, 5]


def test_resuming_retries_only_the_failed_job_and_then_succeeds_once_fixed(tmp_path):
    sweep = tmp_path / "sweep"
    args = fragile_sweep(tmp_path)
    assert sim(*args).returncode == 1
    finished = sorted(p.parent for p in sweep.rglob("DONE"))
    # every file of a finished run, its .hydra/ included, keeps its bytes and its time
    stamps = {f: f.stat().st_mtime_ns for run in finished for f in run.rglob("*")
              if f.is_file() and f.suffix != ".log"}
    assert any(f.parent.name == ".hydra" for f in stamps)
    failed = next(sweep.rglob("FAILED")).parent
    stale = failed / ".timeseries.csv.x1y2.tmp"  # as left by a write that was killed
    stale.write_text("partial")

    again = sim(*args)  # nothing fixed: the same job fails again, the others are skipped
    log = again.stdout + again.stderr
    assert again.returncode == 1
    assert log.count("already done, skipping") == 5
    assert log.count("running scenario=") == 1 and "seed=3 " in log
    assert not stale.exists() and (failed / "FAILED").exists()
    assert {f: f.stat().st_mtime_ns for f in stamps} == stamps  # finished runs untouched

    fragile_sweep(tmp_path, bad=None)  # fix the rule, rerun the same command
    fixed = sim(*args)
    assert fixed.returncode == 0, fixed.stderr
    assert not list(sweep.rglob("FAILED")) and (failed / "DONE").exists()
    assert {f: f.stat().st_mtime_ns for f in stamps} == stamps
    runs = json.loads((sweep / "gathered" / "runs.json").read_text())
    assert (runs["finished"], runs["failed"], runs["unfinished"]) == (6, 0, 0)
    assert pd.read_csv(sweep / "gathered" / "failures.csv").empty


#: A plugin that kills the whole sweep (SIGKILL: nothing can clean up) while the job whose
#: folder contains $SIM_TEST_KILL_AT writes timeseries.csv: after the table is written to
#: its temporary file, before the rename. Without the variable it changes nothing.
KILLER = (
    "import os\n"
    "import signal\n"
    "from pathlib import Path\n\n"
    "import sim.outputs.files as files\n"
    "from sim.core.files import atomic_write\n\n"
    "TARGET = os.environ.get('SIM_TEST_KILL_AT')\n\n\n"
    "def killed_while_writing(path, write):\n"
    "    if TARGET and TARGET in str(path) and Path(path).name == 'timeseries.csv':\n"
    "        def write_then_die(tmp):\n"
    "            write(tmp)\n"
    "            os.kill(os.getpid(), signal.SIGKILL)\n"
    "        return atomic_write(path, write_then_die)\n"
    "    return atomic_write(path, write)\n\n\n"
    "files.atomic_write = killed_while_writing\n")
#: What a run writes that must not depend on how the sweep got there (the manifest holds
#: times, the log its own lines).
TABLES = ("timeseries.parquet", "timeseries.csv", "events.csv", "entries.csv", "summary.json")


def test_a_sigkill_during_a_table_write_then_resume_gives_a_clean_sweeps_bytes(tmp_path):
    killer = tmp_path / "killer.py"
    killer.write_text(KILLER)

    def sweep_args(folder: Path) -> list[str]:
        return [sys.executable, "-m", "sim", "-m", *QUICK, "world.end=2023-06", "seed=0,1,2",
                f"rules.plugins=[{killer}]", f"hydra.sweep.dir={folder}"]

    resumed, clean = tmp_path / "resumed", tmp_path / "clean"
    killed = subprocess.run(sweep_args(resumed), cwd=ROOT, capture_output=True, text=True,
                            timeout=600, env={**os.environ, "SIM_TEST_KILL_AT": "seed=1"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [stray] = list(resumed.rglob(".*.tmp"))  # the killed write's temporary file
    assert stray.name.startswith(".timeseries.csv.") and stray.stat().st_size > 0
    assert "seed=1" in str(stray) and not (stray.parent / "DONE").exists()
    [first] = [p.parent for p in resumed.rglob("DONE")]  # seed 0 finished before the kill
    stamps = {f: f.stat().st_mtime_ns for f in first.iterdir()
              if f.is_file() and f.suffix != ".log"}  # the log says it was skipped

    again = subprocess.run(sweep_args(resumed), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert not list(resumed.rglob("*.tmp"))
    assert {f: f.stat().st_mtime_ns for f in stamps} == stamps  # the finished run untouched
    assert subprocess.run(sweep_args(clean), cwd=ROOT, capture_output=True, text=True,
                          timeout=600).returncode == 0
    runs = sorted(p.parent.relative_to(clean) for p in clean.rglob("DONE"))
    assert runs == sorted(p.parent.relative_to(resumed) for p in resumed.rglob("DONE"))
    assert len(runs) == 3
    for run_dir in runs:
        for name in TABLES:
            assert (resumed / run_dir / name).read_bytes() == \
                (clean / run_dir / name).read_bytes(), run_dir / name
        assert sorted(p.name for p in (resumed / run_dir).iterdir()) == \
            sorted(p.name for p in (clean / run_dir).iterdir())


def test_a_refused_value_in_a_sweep_is_marked_and_the_other_value_runs(tmp_path):
    sweep = tmp_path / "sweep"
    result = sim("-m", *QUICK, "world.end=2024-06",
                 "world.vendors.openai.funding_musd_per_month=-1,5",
                 f"hydra.sweep.dir={sweep}")
    assert result.returncode == 1
    [done] = [p.parent for p in sweep.rglob("DONE")]
    assert "funding_musd_per_month=5" in done.name
    [marker] = list(sweep.rglob("FAILED"))
    text = json.loads(marker.read_text())
    assert text["type"] == "ConfigError" and "-1.0 is not allowed" in text["error"]
    assert "world.vendors.openai.funding_musd_per_month=-1" in text["overrides"]
