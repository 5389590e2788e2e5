"""Gathering a sweep: every finished run of a multirun folder into one table, with the
paired differences from the baseline (:func:`sim.analysis.sweep_stats.difference_table`,
the numbers the sweep report shows) and the comparison plots and report.

    python -m sim.sweep outputs/sweeps/2026-11-29_10-00-00

runs by itself at the end of every ``python -m sim -m ...`` (a Hydra callback), and can be
run again on a folder at any time, for example after resuming an interrupted sweep.
Runs without ``DONE`` (unfinished or failed) are left out and counted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback

from sim.analysis.sweep_stats import difference_table
from sim.core.dates import REPORT_DATES
from sim.outputs.files import DONE, TABLE, write_json, write_table

log = logging.getLogger("sim.tools.gather")
GATHERED = "gathered"
SCORED_RUNS = 10  #: baseline runs read back for the sweep's validation scorecard
CSV_ROWS = 3_000_000  #: above this, the gathered table is written as Parquet only


def run_folders(sweep_dir: Path) -> tuple[list[Path], list[Path]]:
    """Finished and unfinished run folders of a sweep (any depth below it)."""
    done, pending = [], []
    for hydra_dir in sorted(Path(sweep_dir).rglob(".hydra")):
        run_dir = hydra_dir.parent
        if GATHERED in run_dir.parts:
            continue
        (done if (run_dir / DONE).exists() else pending).append(run_dir)
    return done, pending


def overrides_of(run_dir: Path) -> dict[str, str]:
    """The command-line overrides of a run, as key: value strings."""
    items = yaml.safe_load((run_dir / ".hydra" / "overrides.yaml").read_text()) or []
    out = {}
    for item in items:
        key, _, value = str(item).partition("=")
        out[key.lstrip("+~")] = value
    return out


def gather(sweep_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All finished runs as one long table with ``scenario``, ``seed`` and override columns,
    and all their events with a ``scenario`` column."""
    done, pending = run_folders(sweep_dir)
    if not done:
        raise FileNotFoundError(f"no finished run (with a {DONE} file) under {sweep_dir}")
    tables, events, swept = [], [], set()
    for run_dir in done:
        config = json.loads((run_dir / "summary.json").read_text())  # scenario and seed
        table = pd.read_parquet(run_dir / f"{TABLE}.parquet")
        for column in ("metric", "entity", "segment", "unit"):
            table[column] = table[column].astype(str)
        overrides = overrides_of(run_dir)
        table["scenario"] = config["scenario"]
        table["seed"] = int(config["seed"])
        table["run"] = str(run_dir.relative_to(sweep_dir))
        for key, value in overrides.items():
            if key not in ("scenario", "seed"):
                table[key] = value
                swept.add(key)
        tables.append(table)
        run_events = pd.read_csv(run_dir / "events.csv", dtype=str).fillna("")
        run_events["scenario"] = config["scenario"]
        events.append(run_events)
    gathered = pd.concat(tables, ignore_index=True)
    for key in swept:  # numeric sweeps (a parameter) become numbers
        numbers = pd.to_numeric(gathered[key], errors="coerce")
        if numbers.notna().all():
            gathered[key] = numbers
    all_events = pd.concat(events, ignore_index=True).drop_duplicates(
        subset=["scenario", "month", "kind", "label"])
    if pending:
        log.warning("%d runs without %s left out (unfinished or failed)", len(pending), DONE)
    return gathered, all_events


def write_gathered(sweep_dir: Path, report_dates: list[str] | None = None,
                   plots: bool = True) -> Path:
    """Gather a sweep into ``<sweep_dir>/gathered/``: table, differences, plots, report."""
    sweep_dir = Path(sweep_dir)
    gathered, events = gather(sweep_dir)
    out = sweep_dir / GATHERED
    months = sorted(gathered.month.unique())
    dates = [d for d in (report_dates or REPORT_DATES) if d in months] or months[-1:]
    formats = ["parquet", "csv"] if len(gathered) <= CSV_ROWS else ["parquet"]
    if "csv" not in formats:
        log.info("%d rows: gathered table written as Parquet only", len(gathered))
    write_table(gathered, out, TABLE, formats)
    write_table(events, out, "events", ["csv"])
    differences = difference_table(gathered, dates)
    write_table(differences, out, "paired_differences", ["csv"])
    write_json(out / "runs.json", {
        "finished": int(gathered["run"].nunique()),
        "unfinished": len(run_folders(sweep_dir)[1]),
        "scenarios": sorted(gathered.scenario.unique()),
        "seeds": sorted(int(s) for s in gathered.seed.unique()),
    })
    if plots:
        from sim.calibrate.moments import load_targets
        from sim.calibrate.scorecard import scorecard, to_html
        from sim.model.results import Results
        from sim.plots.sweep_figures import draw_sweep_figures
        from sim.report.sweep_report import write_sweep_report

        figures = draw_sweep_figures(gathered, events, out / "plots")
        done = run_folders(sweep_dir)[0]
        scored = [p for p in done if p.relative_to(sweep_dir).parts[0] == "baseline"] or done
        # the scorecard's spread needs a few seeds, not thousands of runs
        card = scorecard([Results.load(p) for p in scored[:SCORED_RUNS]], load_targets())
        write_table(card, out, "scorecard", ["csv"])
        write_sweep_report(gathered, events, out, report_dates=tuple(dates), figures=figures,
                           extra_html=to_html(card))
    log.info("gathered %d runs into %s", gathered["run"].nunique(), out)
    return out


class GatherCallback(Callback):
    """Gathers a multirun when its last job has finished (set in scenarios/config.yaml)."""

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            out = write_gathered(sweep_dir, list(config.output.report_dates),
                                 plots=bool(config.output.plots))
            print(f"Sweep gathered in: {out}")
        except FileNotFoundError as err:
            log.error("nothing to gather: %s", err)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.sweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path, help="a multirun folder under outputs/sweeps")
    parser.add_argument("--dates", nargs="*", default=list(REPORT_DATES),
                        help="months of the report's tables (YYYY-MM)")
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        out = write_gathered(args.sweep_dir, args.dates, plots=not args.no_plots)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Sweep gathered in: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
