"""Gathering a sweep: every run of a multirun folder into a table of runs (one row each,
with its overrides, parameter draw and headline outcomes), a dictionary of the columns,
the long table of all finished runs' series, the paired differences from the baseline
(:func:`sim.analysis.sweep_stats.difference_table`), the split of each headline's spread
between parameters and seeds (in a sweep of parameter draws), and the plots and report.

    python -m sim.sweep outputs/sweeps/2026-11-29_10-00-00
    python -m sim.sweep outputs/sweeps/2026-11-29_10-00-00 --headline-only

runs by itself at the end of every ``python -m sim -m ...`` (a Hydra callback;
``output.gather=headline`` there is ``--headline-only`` here), and can be run again on a
folder at any time, for example after resuming an interrupted sweep.

Streamed: runs are read one at a time, each run's series appended to a partitioned
Parquet dataset (:mod:`sim.tools.series_store`), so memory holds one run's table, the
headline series of every run (for the report's figures; about 1,500 rows a small-world
run) and one row of outcomes a run. ``--headline-only`` reads only the headline series
of each run (the rest of its Parquet file is never decoded) and keeps no series: for
sweeps of thousands of runs, it writes ``runs.csv``, ``metrics.csv``, the uncertainty
table and a report of the outcomes.

Runs without ``DONE`` are left out of the long table and counted in ``runs.json``; they
keep a row in ``runs.csv`` with their status. Failed ones (with a ``FAILED`` marker,
:mod:`sim.tools.failures`) are listed in ``failures.csv``, and then the multirun, or this
command, exits with status 1 once everything else is gathered.

Types are kept: numbers stay numbers (an override whose every value is a number is a
numeric column, ``true``/``false`` a boolean one), text only for true labels
(:mod:`sim.tools.sweep_runs`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from hydra.experimental.callback import Callback
from pandas.api.types import union_categoricals

from sim.analysis.outcomes import compute_outcomes
from sim.analysis.sweep_stats import difference_table
from sim.analysis.variance import uncertainty_table
from sim.core.dates import REPORT_DATES
from sim.outputs.files import TABLE, write_json, write_table
from sim.tools.failures import FAILED, read_failure
from sim.tools.metric_docs import metrics_table
from sim.tools.series_store import CATEGORIES, CSV_ROWS, SeriesWriter, labelled, series_schema
from sim.tools.sweep_runs import (
    GATHERED,
    HEADLINE_METRICS,
    EventTable,
    RunRecord,
    has_draws,
    headline_rows,
    parameter_frame,
    read_table,
    run_folders,
    run_row,
    run_table,
    sweep_records,
)

log = logging.getLogger("sim.tools.gather")
SCORED_RUNS = 10  #: baseline runs read back for the sweep's validation scorecard
#: The headline series of this many runs are joined into one frame as the gather goes.
CONSOLIDATE = 16
#: What a gather reads: every series (``full``) or the headline series only (``headline``).
MODES: tuple[str, ...] = ("full", "headline")
def joined(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Runs' labelled tables as one, the :data:`CATEGORIES` kept categorical (over the
    union of their categories: pandas would turn categoricals that differ into text)."""
    frames = list(frames)
    for column in CATEGORIES:
        categories = union_categoricals([f[column] for f in frames]).categories
        frames = [f.assign(**{column: f[column].cat.set_categories(categories)})
                  for f in frames]
    return pd.concat(frames, ignore_index=True)


def _finished(records: Sequence[RunRecord], sweep_dir: Path) -> list[RunRecord]:
    done = [r for r in records if r.status == "finished"]
    if not done:
        raise FileNotFoundError(f"no finished run (with a DONE file) under {sweep_dir}")
    return done


def gather(sweep_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All finished runs as one long table in memory (with ``scenario``, ``seed``,
    ``run``, ``draw`` in a sweep of draws, and override columns), and all their events
    with a ``scenario`` column: for a sweep small enough to hold at once. Label columns
    are text; :func:`write_gathered` streams the same table to Parquet instead."""
    sweep_dir = Path(sweep_dir)
    records = sweep_records(sweep_dir)
    params, draws = parameter_frame(records), has_draws(records)
    tables, events = [], EventTable()
    for record in _finished(records, sweep_dir):
        tables.append(labelled(read_table(record.folder), record, params, draws))
        events.add(record.folder, record.scenario)
    gathered = pd.concat(tables, ignore_index=True)
    for column in CATEGORIES:  # categoricals of different runs: text
        gathered[column] = gathered[column].astype(str)
    return gathered, events.frame()


def gather_runs(sweep_dir: Path) -> pd.DataFrame:
    """The table of ``gathered/runs.csv``: one row per run (see
    :func:`sim.tools.sweep_runs.run_table`), reading only each run's headline series."""
    sweep_dir = Path(sweep_dir)
    records = sweep_records(sweep_dir)
    rows = []
    for record in records:
        if record.status != "finished":
            rows.append(run_row(record))
            continue
        table = read_table(record.folder, HEADLINE_METRICS)
        rows.append(run_row(record, compute_outcomes(headline_rows(table),
                                                     record.history_until)))
    return run_table(rows)


def with_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """The long table with :data:`CATEGORIES` as categoricals, as its Parquet stores them."""
    return frame.astype({c: "category" for c in CATEGORIES if c in frame.columns})


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


def _stream(records: Sequence[RunRecord], finished: Sequence[RunRecord], out: Path,
            mode: str, csv_rows: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                               dict[str, Any]]:
    """Read the finished runs one at a time: their outcomes, headline series and events,
    and (``full``) their series into the dataset. Returns the runs table, the headline
    series of every run, the events and what the series writer wrote."""
    params, draws = parameter_frame(records), has_draws(records)
    rows, heads, recent, events, units = [], [], [], EventTable(), {}
    written: dict[str, Any] = {"rows": 0, "runs": 0, "parts": 0, "csv": False}
    writer = SeriesWriter(out, series_schema(params, draws), csv_rows) if mode == "full" \
        else None
    every = max(1, len(finished) // 10)
    try:
        for i, record in enumerate(finished, 1):
            table = read_table(record.folder, None if writer else HEADLINE_METRICS)
            head = headline_rows(table)
            rows.append(run_row(record, compute_outcomes(head, record.history_until)))
            if writer is not None:
                for metric, unit in table[["metric", "unit"]].drop_duplicates().itertuples(
                        index=False):
                    units.setdefault(str(metric), set()).add(str(unit))
                writer.write(labelled(table, record, params, draws))
                recent.append(labelled(head, record, params, draws))
                if len(recent) == CONSOLIDATE:  # a small frame's overhead is some 20 KB
                    heads.append(joined(recent))
                    recent = []
            events.add(record.folder, record.scenario)
            if i % every == 0 or i == len(finished):
                log.info("gathered %d of %d runs", i, len(finished))
        if writer is not None:
            written = writer.close()
    except BaseException:
        if writer is not None:
            writer.__exit__(*sys.exc_info())
        raise
    rows += [run_row(r) for r in records if r.status != "finished"]
    heads += recent
    head_table = joined(heads) if heads else pd.DataFrame()
    written["units"] = units
    return run_table(rows), head_table, events.frame(), written


def write_gathered(sweep_dir: Path, report_dates: list[str] | None = None,
                   plots: bool = True, figure_formats: Sequence[str] = ("png",),
                   mode: str = "full", csv_rows: int = CSV_ROWS) -> Path:
    """Gather a sweep into ``<sweep_dir>/gathered/``: the runs table, the metrics
    dictionary, the long table (``full``), the events, the differences, the uncertainty
    table (a sweep of draws), and unless ``plots`` is False the plots (in
    ``figure_formats``; the report embeds PNGs, drawn in any case) and report.

    Args:
        mode: ``full`` (every series, streamed to ``timeseries.parquet/``) or ``headline``
            (each run's headline series only: runs, metrics, uncertainty and a report of
            the outcomes).
        csv_rows: the long table's CSV is written up to this many rows.

    Raises:
        FileNotFoundError: no finished run. ValueError: an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"gather mode {mode!r}: one of {', '.join(MODES)}")
    sweep_dir = Path(sweep_dir)
    out = sweep_dir / GATHERED
    counts = write_failures(sweep_dir)
    if not counts["finished"]:  # the failures table and the counts still say what happened
        write_json(out / "runs.json", counts)
    records = sweep_records(sweep_dir)
    finished = _finished(records, sweep_dir)
    log.info("gathering %d finished runs from %s (%s)", len(finished), sweep_dir, mode)
    runs, heads, events, written = _stream(records, finished, out, mode, csv_rows)
    write_table(runs, out, "runs", ["csv", "parquet"])
    write_table(metrics_table(written.pop("units")), out, "metrics", ["csv"])
    write_table(events, out, "events", ["csv"])
    uncertainty = uncertainty_table(runs) if has_draws(records) else None
    if uncertainty is not None:
        write_table(uncertainty, out, "uncertainty", ["csv"])
    else:  # an earlier gather's, of draws since removed
        (out / "uncertainty.csv").unlink(missing_ok=True)
    dates: list[str] = []
    if mode == "full":
        months = sorted(heads["month"].astype(str).unique()) if len(heads) else []
        dates = [d for d in (report_dates or REPORT_DATES) if d in months] or months[-1:]
        differences = difference_table(heads, dates)
        write_table(differences, out, "paired_differences", ["csv"])
        for note in differences["note"].dropna().unique():
            if note:  # nothing (or not everything) could be paired: the file says so too
                log.warning("paired differences: %s", note)
    else:  # an earlier full gather's series would no longer match runs.csv
        _remove_series(out)
    if written["runs"] and not written["csv"]:
        log.info("%d rows: above the CSV limit of %d rows, the series are in %s.parquet/ "
                 "only", written["rows"], csv_rows, TABLE)
    write_json(out / "runs.json", {
        **counts, "mode": mode,
        "scenarios": sorted(runs.loc[runs.status == "finished", "scenario"].unique()),
        "seeds": sorted(int(s) for s in runs.loc[runs.status == "finished", "seed"].unique()),
        "draws": int(runs["draw"].nunique()) if "draw" in runs.columns else 0,
        "series_rows": written["rows"],
        "tables": _tables(mode, written, uncertainty is not None, csv_rows),
    })
    if plots:
        _report(sweep_dir, out, heads, events, runs, uncertainty, dates, figure_formats,
                mode)
    log.info("gathered %d runs into %s", len(finished), out)
    return out


def _tables(mode: str, written: dict[str, Any], uncertainty: bool, csv_rows: int
            ) -> dict[str, str]:
    tables = {"runs": "runs.csv", "metrics": "metrics.csv"}
    if uncertainty:
        tables["uncertainty"] = "uncertainty.csv"
    if mode == "full":
        tables["series"] = f"{TABLE}.parquet/ ({written['parts']} part files)"
        tables["series_csv"] = f"{TABLE}.csv" if written["csv"] else \
            f"none: {written['rows']} rows, above the limit of {csv_rows}"
    return tables


def _remove_series(out: Path) -> None:
    import shutil

    for name in (f"{TABLE}.parquet", f"{TABLE}.csv", f"{TABLE}.csv.gz",
                 "paired_differences.csv", "plots"):
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _report(sweep_dir: Path, out: Path, heads: pd.DataFrame, events: pd.DataFrame,
            runs: pd.DataFrame, uncertainty: pd.DataFrame | None, dates: list[str],
            figure_formats: Sequence[str], mode: str) -> None:
    """The sweep's figures, scorecard and report."""
    from sim.calibrate.moments import load_targets
    from sim.calibrate.scorecard import scorecard, to_html
    from sim.model.results import Results
    from sim.plots.sweep_figures import draw_sweep_figures
    from sim.report.outcome_report import write_outcome_report
    from sim.report.sweep_report import write_sweep_report

    done = run_folders(sweep_dir)[0]
    scored = [p for p in done if p.relative_to(sweep_dir).parts[0] == "baseline"] or done
    log.info("writing the sweep's scorecard and report")
    # the scorecard's spread needs a few seeds, not thousands of runs
    card = scorecard([Results.load(p) for p in scored[:SCORED_RUNS]], load_targets())
    write_table(card, out, "scorecard", ["csv"])
    if mode == "headline":
        write_outcome_report(runs, out, uncertainty=uncertainty, extra_html=to_html(card))
        return
    formats = list(dict.fromkeys([*figure_formats, "png"]))  # the report embeds PNGs
    log.info("drawing the sweep's figures (%s)", ", ".join(formats))
    figures = draw_sweep_figures(heads, events, out / "plots", formats=formats)
    write_sweep_report(heads, events, out, report_dates=tuple(dates), figures=figures,
                       extra_html=to_html(card), uncertainty=uncertainty)
    if "png" not in figure_formats:
        for path in (out / "plots").glob("*.png"):
            path.unlink()


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
                                 figure_formats=list(config.output.figure_formats),
                                 mode=str(config.output.gather))
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
    parser.add_argument("--headline-only", action="store_true",
                        help="read each run's headline series only and write no long table "
                             "(runs.csv, metrics.csv, the uncertainty table, a report of the "
                             "outcomes): for sweeps of thousands of runs")
    parser.add_argument("--csv-rows", type=int, default=CSV_ROWS,
                        help=f"write the long table's CSV up to this many rows "
                             f"(default {CSV_ROWS:,}; the Parquet dataset is always written)")
    parser.add_argument("--figure-formats", nargs="+", default=["png"],
                        choices=["png", "pdf", "svg"], help="figure files (default: png)")
    args = parser.parse_args(argv)
    if args.csv_rows < 0:
        parser.error(f"--csv-rows {args.csv_rows}: a number of rows, 0 or more")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        out = write_gathered(args.sweep_dir, args.dates, plots=not args.no_plots,
                             figure_formats=args.figure_formats,
                             mode="headline" if args.headline_only else "full",
                             csv_rows=args.csv_rows)
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
