"""``python -m benchmarks``: the speed and memory table of the simulation.

Cases: the model's CPU and wall time per world (small, default) and the time of
``import sim`` and of the public names; the small world in the vectorized engine, in the
frozen per-agent reference (:mod:`benchmarks.reference_agents`, the speed yardstick of the
engine ratio) and in the live per-agent engine; 10,000 and 100,000 startups with every
country for 96 months; the default world in the vectorized engine and the frozen reference;
a parallel sweep of small-world runs through the joblib launcher; and where one
default-world run of ``python -m sim`` spends its time (model, tables, figures, report),
against the target that the outputs take at most the model's time; and how long the
dashboard takes to redraw each figure on the small world, against half a second. Writes
``benchmarks/results/benchmarks.json``, a profile of the largest world, and prints the table.

    python -m benchmarks            # the full suite (a few minutes)
    python -m benchmarks --quick    # tiny sizes, to check that it runs
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.reference_agents import reference_firms
from benchmarks.suite import (
    as_dict,
    config_for,
    dashboard_redraw,
    import_time,
    measure,
    model_time,
    profile,
    redraw_line,
    run_split,
    split_line,
)

RESULTS = Path(__file__).resolve().parent / "results"


def _sweep_wall(runs: int, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "-m", "world=small", f"seed=range({runs})",
                        "hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}",
                        "output.progress=false", f"hydra.sweep.dir={tmp}/sweep"],
                       check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1])
        return time.perf_counter() - start


def sweep_timing(runs: int, jobs: int = 2) -> dict:
    """Wall time of multiruns of small-world runs on the joblib launcher, start-up and
    gathering (tables, plots, report) included. Two sizes separate the fixed cost (start-up,
    gathering) from the cost per run, which projects the time of 1,000 runs."""
    few = max(2, runs // 4)
    wall_few, wall = _sweep_wall(few, jobs), _sweep_wall(runs, jobs)
    per_run = (wall - wall_few) / (runs - few)
    fixed = wall - per_run * runs
    return {"runs": runs, "jobs": jobs, "wall_s": wall, "runs_few": few,
            "wall_few_s": wall_few, "per_run_s": per_run, "fixed_s": fixed,
            "projected_1000_runs_min": (fixed + per_run * 1000) / 60}


def table(rows: list[dict]) -> str:
    head = (f"{'case':<28} {'engine':<7} {'firms':>7} {'nations':>7} {'months':>6} "
            f"{'median s':>9} {'agent-steps/s':>14} {'buyer steps/s':>14} {'peak MiB':>9} "
            f"{'record':>7}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['case']:<28} {r['engine']:<7} {r['firms']:>7} {r['nations']:>7} "
                     f"{r['months']:>6} {r['median_s']:>9.3f} {r['agent_steps_per_s']:>14,.0f} "
                     f"{r['buyer_steps_per_s']:>14,.0f} {r['peak_mib']:>9.1f} "
                     f"{r['record_share']:>7.1%}")
    return "\n".join(lines)


def model_table(times: list[dict], imports: list[dict]) -> str:
    """The model's time per world and the import times, as printed."""
    lines = [f"{'world':<10} {'months':>6} {'CPU s':>7} {'wall s':>7}   (model run, median)"]
    lines += [f"{t['world']:<10} {t['months']:>6} {t['cpu_s']:>7.3f} {t['wall_s']:>7.3f}"
              for t in times]
    lines += [f"{i['statement']:<50} CPU {i['cpu_s']:.3f} s, wall {i['wall_s']:.3f} s"
              for i in imports]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a check that it runs")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sweep-runs", type=int, default=40,
                        help="small-world runs in the timed joblib sweep (0: skip)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    repeats = 1 if args.quick else args.repeats
    end = "2023-06" if args.quick else None
    # (name, config, engine label, context of the runs): the reference is the agent engine
    # with the firms' procedure frozen in benchmarks/reference_agents.py
    cases = [
        ("small world", config_for(None, "small", "vector", end), None, contextlib.nullcontext),
        ("small world", config_for(None, "small", "agent", end), "reference", reference_firms),
        ("small world", config_for(None, "small", "agent", end), None, contextlib.nullcontext),
    ]
    sizes = (200, 2000) if args.quick else (10_000, 100_000)
    for n in sizes:
        cases.append((f"{n:,} startups, all nations", config_for(n, "default", "vector", end),
                      None, contextlib.nullcontext))
    print("measuring the model's CPU and wall time per world, and import times...", flush=True)
    times = [as_dict(model_time(world, max(repeats, 3) if not args.quick else 1, end))
             for world in ("small", "default")]
    imports = [import_time(statement, 1 if args.quick else 5)
               for statement in ("import sim", "from sim import compose_config, run")]
    rows = []
    for name, cfg, engine, within in cases:
        print(f"measuring {name} ({engine or cfg.engine})...", flush=True)
        rows.append(as_dict(measure(name, cfg, repeats, engine, within)))
    vector, reference, agent = rows[0], rows[1], rows[2]
    ratio = reference["buy_s"] / vector["buy_s"]  # per agent-step of the buyers, same world
    whole_ratio = reference["median_s"] / vector["median_s"]
    live_ratio = agent["buy_s"] / vector["buy_s"]
    # the same comparison where buyers dominate: the default world's 22,000 firms
    default_end = end or "2026-12"
    large = []
    for engine, within in (("vector", contextlib.nullcontext), ("agent", reference_firms)):
        label = "reference" if engine == "agent" else engine
        print(f"measuring the default world ({label})...", flush=True)
        large.append(as_dict(measure("default world", config_for(None, "default", engine,
                                                                 default_end), 1, label, within)))
    rows.extend(large)
    large_ratio = large[1]["buy_s"] / large[0]["buy_s"]
    growth = rows[4]["median_s"] / rows[3]["median_s"]
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor()},
        "rows": rows,
        "model_time": times,
        "import_time": imports,
        "vector_to_reference_speedup_buyers": ratio,
        "vector_to_reference_speedup_whole_run": whole_ratio,
        "vector_to_reference_speedup_buyers_default_world": large_ratio,
        "vector_to_live_agent_speedup_buyers": live_ratio,
        "time_growth_10x_firms": growth,
    }
    # once: a default-world run through the command line takes a minute on a busy machine
    print("timing one command-line run (model, tables, figures, report)...", flush=True)
    result["run_split"] = (run_split("small", end) if args.quick
                           else run_split("default"))
    print("timing the dashboard's figure redraws...", flush=True)
    result["dashboard_redraw"] = dashboard_redraw(3 if args.quick else 36,
                                                  1 if args.quick else 3)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.quick:
        print("profiling the largest world...", flush=True)
        profile(cases[-1][1], args.out / "profile_largest.txt")
    if args.sweep_runs and not args.quick:
        print(f"timing a joblib sweep of {args.sweep_runs} small-world runs...", flush=True)
        result["sweep"] = sweep_timing(args.sweep_runs)
    (args.out / "benchmarks.json").write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(table(rows))
    print()
    print(model_table(times, imports))
    print(f"\nvectorized engine / frozen per-agent reference, per buyer step: {ratio:.0f}x "
          f"faster; whole run: {whole_ratio:.1f}x (same small world); per buyer step on the "
          f"default world: {large_ratio:.0f}x; against the live agent engine: "
          f"{live_ratio:.0f}x per buyer step (small world)")
    print(f"time from {rows[3]['firms']:,} to {rows[4]['firms']:,} firms: x{growth:.2f}")
    print(split_line(result["run_split"]))
    print(redraw_line(result["dashboard_redraw"]))
    if "sweep" in result:
        s = result["sweep"]
        print(f"joblib sweep: {s['runs']} runs in {s['wall_s']:.1f} s on {s['jobs']} jobs "
              f"({s['per_run_s']:.2f} s per run, {s['fixed_s']:.1f} s fixed), "
              f"projected {s['projected_1000_runs_min']:.1f} min for 1,000 runs")
    print(f"written: {args.out / 'benchmarks.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
