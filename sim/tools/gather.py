"""Gathering a sweep: every finished run of a multirun folder into one table, with the
paired differences from the baseline (:func:`sim.analysis.sweep_stats.difference_table`,
the numbers the sweep report shows) and the comparison plots and report.

    python -m sim.sweep outputs/sweeps/2026-11-29_10-00-00

runs by itself at the end of every ``python -m sim -m ...`` (a Hydra callback), and can be
run again on a folder at any time, for example after resuming an interrupted sweep.
Runs without ``DONE`` are left out and counted in ``runs.json``: failed ones (with a
``FAILED`` marker, :mod:`sim.tools.failures`) are listed in ``failures.csv``, and then the
multirun, or this command, exits with status 1 once everything else is gathered.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback

from sim.analysis.sweep_stats import difference_table
from sim.core.dates import REPORT_DATES
from sim.outputs.files import DONE, TABLE, write_json, write_table
from sim.tools.failures import FAILED, read_failure

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


def failure_table(sweep_dir: Path) -> pd.DataFrame:
    """One row per failed job: its folder (relative to the sweep), overrides and error."""
    rows = []
    for run_dir in run_folders(sweep_dir)[1]:
        if (run_dir / FAILED).exists():
            failure = read_failure(run_dir)
            error = f"{failure['type']}: {failure['error']}" if failure["type"] \
                else failure["error"]
            rows.append({"job": str(run_dir.relative_to(sweep_dir)),
                         "overrides": " ".join(failure["overrides"]), "error": error})
    return pd.DataFrame(rows, columns=["job", "overrides", "error"])


def write_failures(sweep_dir: Path) -> dict[str, int]:
    """Write ``gathered/failures.csv`` (header only when none failed); return the counts of
    finished, failed and unfinished (neither done nor failed: still running, or killed) runs."""
    done, pending = run_folders(sweep_dir)
    failures = failure_table(sweep_dir)
    write_table(failures, Path(sweep_dir) / GATHERED, "failures", ["csv"])
    for row in failures.itertuples():
        log.error("failed: %s (%s)", row.job, row.error)
    return {"finished": len(done), "failed": len(failures),
            "unfinished": len(pending) - len(failures)}


def write_gathered(sweep_dir: Path, report_dates: list[str] | None = None,
                   plots: bool = True, figure_formats: Sequence[str] = ("png",)) -> Path:
    """Gather a sweep into ``<sweep_dir>/gathered/``: table, differences, plots (in
    ``figure_formats``; the report embeds PNGs, drawn in any case), report."""
    sweep_dir = Path(sweep_dir)
    out = sweep_dir / GATHERED
    counts = write_failures(sweep_dir)
    if not counts["finished"]:  # the failures table and the counts still say what happened
        write_json(out / "runs.json", counts)
    # gathering a large sweep takes a while: say what is going on, step by step
    log.info("gathering %d finished runs from %s", counts["finished"], sweep_dir)
    gathered, events = gather(sweep_dir)
    months = sorted(gathered.month.unique())
    dates = [d for d in (report_dates or REPORT_DATES) if d in months] or months[-1:]
    formats = ["parquet", "csv"] if len(gathered) <= CSV_ROWS else ["parquet"]
    if "csv" not in formats:
        log.info("%d rows: gathered table written as Parquet only", len(gathered))
    write_table(gathered, out, TABLE, formats)
    write_table(events, out, "events", ["csv"])
    differences = difference_table(gathered, dates)
    write_table(differences, out, "paired_differences", ["csv"])
    for note in differences["note"].dropna().unique():
        if note:  # nothing (or not everything) could be paired: the file says so too
            log.warning("paired differences: %s", note)
    write_json(out / "runs.json", {
        **counts,
        "scenarios": sorted(gathered.scenario.unique()),
        "seeds": sorted(int(s) for s in gathered.seed.unique()),
    })
    if plots:
        from sim.calibrate.moments import load_targets
        from sim.calibrate.scorecard import scorecard, to_html
        from sim.model.results import Results
        from sim.plots.sweep_figures import draw_sweep_figures
        from sim.report.sweep_report import write_sweep_report

        formats = list(dict.fromkeys([*figure_formats, "png"]))  # the report embeds PNGs
        log.info("drawing the sweep's figures (%s)", ", ".join(formats))
        figures = draw_sweep_figures(gathered, events, out / "plots", formats=formats)
        log.info("writing the sweep's scorecard and report")
        done = run_folders(sweep_dir)[0]
        scored = [p for p in done if p.relative_to(sweep_dir).parts[0] == "baseline"] or done
        # the scorecard's spread needs a few seeds, not thousands of runs
        card = scorecard([Results.load(p) for p in scored[:SCORED_RUNS]], load_targets())
        write_table(card, out, "scorecard", ["csv"])
        write_sweep_report(gathered, events, out, report_dates=tuple(dates), figures=figures,
                           extra_html=to_html(card))
        if "png" not in figure_formats:
            for path in (out / "plots").glob("*.png"):
                path.unlink()
    log.info("gathered %d runs into %s", gathered["run"].nunique(), out)
    return out


def failed_jobs(sweep_dir: Path) -> int:
    """How many jobs of a sweep failed (read back from ``gathered/failures.csv``)."""
    path = Path(sweep_dir) / GATHERED / "failures.csv"
    return len(pd.read_csv(path)) if path.exists() else 0


class GatherCallback(Callback):
    """Gathers a multirun when its last job has finished (set in scenarios/config.yaml).

    When any job failed it raises ``SystemExit(1)`` after gathering: Hydra 1.3 turns any
    other exception of a callback into a warning, and ``hydra.main`` returns nothing of a
    multirun's jobs to ``python -m sim``, so this is the one place that sees the outcome
    and can set the exit status.
    """

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            out = write_gathered(sweep_dir, list(config.output.report_dates),
                                 plots=bool(config.output.plots),
                                 figure_formats=list(config.output.figure_formats))
            print(f"Sweep gathered in: {out}")
        except FileNotFoundError as err:
            log.error("nothing to gather: %s", err)
        failed = failed_jobs(sweep_dir)
        if failed:
            print(f"error: {failed} jobs failed, listed in "
                  f"{sweep_dir / GATHERED / 'failures.csv'}", file=sys.stderr)
            raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.sweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path, help="a multirun folder under outputs/sweeps")
    parser.add_argument("--dates", nargs="*", default=list(REPORT_DATES),
                        help="months of the report's tables (YYYY-MM)")
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    parser.add_argument("--figure-formats", nargs="+", default=["png"],
                        choices=["png", "pdf", "svg"], help="figure files (default: png)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        out = write_gathered(args.sweep_dir, args.dates, plots=not args.no_plots,
                             figure_formats=args.figure_formats)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Sweep gathered in: {out}")
    failed = failed_jobs(args.sweep_dir)
    if failed:  # gathered, but incomplete: say so in the exit status, as the multirun does
        print(f"error: {failed} jobs failed, listed in {out / 'failures.csv'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
