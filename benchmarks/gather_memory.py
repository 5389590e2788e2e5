"""Gather memory and time against the number of runs: a sweep of N copies of one finished
run (each with its own seed), gathered in a fresh process, whose peak resident memory
(``ru_maxrss``) and wall time are reported.

    python -m benchmarks.gather_memory --n 100 400                 # a small-world run first
    python -m benchmarks.gather_memory --run outputs/runs/.../<run> --n 100 400 --headline-only

Streaming keeps one run's table in memory at a time, so the peak should stay nearly flat
as N grows (the rows of outcomes and the headline series of every run are all that grow).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

#: What a copy of the run keeps: the files a gather reads.
FILES = ("summary.json", "timeseries.parquet", "events.csv", "DONE")


def make_run(folder: Path) -> Path:
    """A finished small-world run (baseline, seed 0, no figures) in ``folder``."""
    subprocess.run([sys.executable, "-m", "sim", "world=small", "output.plots=false",
                    "output.report=false", "output.progress=false",
                    f"hydra.run.dir={folder}"], check=True, capture_output=True)
    return folder


def make_sweep(run: Path, sweep: Path, n: int) -> Path:
    """``n`` copies of ``run`` in ``sweep``, seeds 0 to n − 1 (one table file each)."""
    summary = json.loads((run / "summary.json").read_text())
    for seed in range(n):
        folder = sweep / "baseline" / f"seed={seed}"
        (folder / ".hydra").mkdir(parents=True, exist_ok=True)
        (folder / ".hydra" / "overrides.yaml").write_text(
            yaml.safe_dump(["scenario=baseline", f"seed={seed}"]))
        for name in FILES:
            if name == "summary.json":
                (folder / name).write_text(json.dumps({**summary, "seed": seed}))
            else:
                shutil.copy(run / name, folder / name)
    return sweep


def measure(sweep: Path, headline_only: bool) -> dict[str, float]:
    """Gather ``sweep`` (tables only) in a fresh process: peak RSS (MiB) and wall (s)."""
    args = [sys.executable, "-m", "sim.sweep", str(sweep), "--no-plots"]
    if headline_only:
        args.append("--headline-only")
    # a process of its own around the gather: its children's ru_maxrss is the gather's only
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
             ".ru_maxrss)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", probe, *args], check=True,
                         capture_output=True, text=True).stdout
    return {"peak_rss_mib": int(out.split()[-1]) / 1024,  # ru_maxrss is in KiB on Linux
            "wall_s": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gather_memory",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, help="a finished run folder (default: make one)")
    parser.add_argument("--n", type=int, nargs="+", default=[100, 400],
                        help="sweep sizes, smallest first (default 100 400)")
    parser.add_argument("--headline-only", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gather_memory_") as tmp:
        run = args.run or make_run(Path(tmp) / "run")
        for n in sorted(args.n):
            sweep = make_sweep(run, Path(tmp) / f"sweep{n}", n)
            result = measure(sweep, args.headline_only)
            print(f"{n:6d} runs: peak RSS {result['peak_rss_mib']:7.0f} MiB, "
                  f"wall {result['wall_s']:6.1f} s"
                  + (" (headline only)" if args.headline_only else ""), flush=True)
            shutil.rmtree(sweep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
