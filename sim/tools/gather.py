"""Gathering a sweep: every run of a multirun folder into a table of runs (one row each,
with its overrides and headline outcomes) and a long table of all finished runs' series,
with the paired differences from the baseline (:func:`sim.analysis.sweep_stats.difference_table`,
the numbers the sweep report shows) and the comparison plots and report.

    python -m sim.sweep outputs/sweeps/2026-11-29_10-00-00

runs by itself at the end of every ``python -m sim -m ...`` (a Hydra callback), and can be
run again on a folder at any time, for example after resuming an interrupted sweep.
Runs without ``DONE`` are left out of the long table and counted in ``runs.json``; they
keep a row in ``runs.csv`` with their status. Failed ones (with a ``FAILED`` marker,
:mod:`sim.tools.failures`) are listed in ``failures.csv``, and then the multirun, or this
command, exits with status 1 once everything else is gathered.

Types are kept: numbers stay numbers (an override whose every value is a number is a
numeric column, ``true``/``false`` a boolean one), text only for true labels. The
``output.*`` overrides say how a run was written, not what it is, and are left out.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from hydra.experimental.callback import Callback

from sim.analysis.outcomes import OUTCOMES, compute_outcomes
from sim.analysis.sweep_stats import difference_table
from sim.core.calendar import format_month, parse_month
from sim.core.dates import REPORT_DATES, SCENARIO_FROM
from sim.outputs.files import DONE, TABLE, write_json, write_table
from sim.tools.failures import FAILED, read_failure

log = logging.getLogger("sim.tools.gather")
GATHERED = "gathered"
SCORED_RUNS = 10  #: baseline runs read back for the sweep's validation scorecard
#: Above this many rows the long table's CSV is written gzipped (``timeseries.csv.gz``,
#: about a tenth of the size); at 250 rows a month, 3,000,000 rows are some 100
#: small-world runs of ten years. Parquet is always written; so is ``runs.csv``.
CSV_ROWS = 3_000_000
#: Override prefixes left out of the gathered tables: how a run was written, not what it is.
NOT_A_PARAMETER: tuple[str, ...] = ("output.",)
#: Label columns of the long table besides the overrides and the month.
LABELS: tuple[str, ...] = ("metric", "entity", "segment", "unit", "scenario", "run")
#: Those the long table's Parquet stores as categoricals: a run's own table's (which its
#: timeseries.parquet keeps as categoricals) and the run's folder, the longest string. Not
#: ``scenario`` or the overrides: a pivot by scenario would get categorical columns, to
#: which pandas refuses to add a difference column; nor ``month``, which compares in order.
CATEGORIES: tuple[str, ...] = ("metric", "entity", "segment", "unit", "run")
#: The first columns of ``runs.csv``; overrides, then ``status``, then the outcomes follow.
RUN_ID: tuple[str, ...] = ("run", "scenario", "seed")
#: ``world.history_until`` of the shipped worlds: for a run folder that does not say its own.
DEFAULT_HISTORY_UNTIL = format_month(parse_month(SCENARIO_FROM) - 1)


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


def parameters_of(overrides: dict[str, str]) -> dict[str, str]:
    """The overrides that describe a run (scenario and seed aside: they have columns)."""
    return {k: v for k, v in overrides.items()
            if k not in ("scenario", "seed") and not k.startswith(NOT_A_PARAMETER)}


def typed(column: pd.Series) -> pd.Series:
    """An override column as numbers where every given value is one, as booleans where
    every given value is true/false (Hydra's spelling), else as text. Runs launched
    without the override keep a missing value."""
    given = column.dropna()
    if given.empty:
        return column
    numbers = pd.to_numeric(given, errors="coerce")
    if numbers.notna().all():
        return pd.to_numeric(column)
    lowered = given.astype(str).str.lower()
    if lowered.isin(["true", "false"]).all():
        flags = column.astype(str).str.lower().map({"true": True, "false": False})
        return flags.astype("boolean")  # keeps a missing value missing
    return column


def _run_config(run_dir: Path) -> dict[str, Any]:
    """The run's saved config (``.hydra/config.yaml``), or {} if it has none."""
    path = run_dir / ".hydra" / "config.yaml"
    if not path.exists():
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a large file, once per run
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}


def _identity(run_dir: Path, overrides: dict[str, str],
              summary: dict[str, Any] | None) -> tuple[str, int | None, str]:
    """A run's scenario, seed and ``world.history_until``: from its summary when finished,
    else from its overrides and saved config."""
    summary = summary or {}
    config: dict[str, Any] | None = None

    def saved() -> dict[str, Any]:
        nonlocal config
        if config is None:
            config = _run_config(run_dir)
        return config

    # each source only when the one before says nothing: the saved config is large
    scenario = summary.get("scenario") or overrides.get("scenario") \
        or (saved().get("scenario") or {}).get("name") or ""
    seed = summary.get("seed")
    if seed is None:
        seed = overrides.get("seed") or saved().get("seed")
    history = summary.get("history_until") \
        or (saved().get("world") or {}).get("history_until")
    if not isinstance(history, str) or history.startswith("${"):
        history = DEFAULT_HISTORY_UNTIL  # an older run folder: the shipped worlds' value
    return str(scenario), (None if seed is None else int(seed)), history


def _read_table(run_dir: Path) -> pd.DataFrame:
    """A run's tidy table (Parquet, or CSV for a run written with output.formats=[csv])."""
    parquet = run_dir / f"{TABLE}.parquet"
    if parquet.exists():
        table = pd.read_parquet(parquet)
    else:
        table = pd.read_csv(run_dir / f"{TABLE}.csv", dtype={"month": str})
    for column in ("metric", "entity", "segment", "unit"):
        table[column] = table[column].astype(str)
    return table


def _collect(sweep_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read every run once: the long table and the events of the finished runs, and the
    table of all runs (one row each, outcomes for the finished ones)."""
    sweep_dir = Path(sweep_dir)
    done, pending = run_folders(sweep_dir)
    if not done:
        raise FileNotFoundError(f"no finished run (with a {DONE} file) under {sweep_dir}")
    tables, events, rows = [], [], []
    for run_dir in done:
        summary = json.loads((run_dir / "summary.json").read_text())
        overrides = overrides_of(run_dir)
        scenario, seed, history = _identity(run_dir, overrides, summary)
        parameters = parameters_of(overrides)
        table = _read_table(run_dir)
        name = str(run_dir.relative_to(sweep_dir))
        rows.append({"run": name, "scenario": scenario, "seed": seed, **parameters,
                     "status": "finished", **compute_outcomes(table, history)})
        table["scenario"] = scenario
        table["seed"] = seed
        table["run"] = name
        for key, value in parameters.items():
            table[key] = value
        tables.append(table)
        run_events = pd.read_csv(run_dir / "events.csv", dtype=str).fillna("")
        run_events["scenario"] = scenario
        events.append(run_events)
    for run_dir in pending:
        overrides = overrides_of(run_dir)
        scenario, seed, _ = _identity(run_dir, overrides, None)
        status = "failed" if (run_dir / FAILED).exists() else "unfinished"
        rows.append({"run": str(run_dir.relative_to(sweep_dir)), "scenario": scenario,
                     "seed": seed, **parameters_of(overrides), "status": status})
    gathered = pd.concat(tables, ignore_index=True)
    swept = [c for c in gathered.columns if c not in (*LABELS, "month", "value", "seed")]
    for key in swept:  # numeric sweeps (a parameter) become numbers
        gathered[key] = typed(gathered[key])
    all_events = pd.concat(events, ignore_index=True).drop_duplicates(
        subset=["scenario", "month", "kind", "label"])
    if pending:
        log.warning("%d runs without %s left out (unfinished or failed)", len(pending), DONE)
    return gathered, all_events, run_table(rows)


def run_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per run: ``run``, ``scenario``, ``seed``, each override, ``status`` and
    every outcome of :data:`sim.analysis.outcomes.OUTCOMES` (NaN for a run that did not
    finish), each column typed (see :func:`typed`)."""
    frame = pd.DataFrame(rows)
    outcomes = list(OUTCOMES)
    overrides = sorted(c for c in frame.columns
                       if c not in (*RUN_ID, "status", *outcomes))
    frame = frame.reindex(columns=[*RUN_ID, *overrides, "status", *outcomes])
    frame["seed"] = frame["seed"].astype("Int64")  # an integer, missing where unknown
    for key in overrides:
        frame[key] = typed(frame[key])
    frame[outcomes] = frame[outcomes].astype(np.float64)
    return frame.sort_values("run", kind="stable").reset_index(drop=True)


def gather(sweep_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All finished runs as one long table with ``scenario``, ``seed``, ``run`` and
    override columns, and all their events with a ``scenario`` column."""
    gathered, events, _ = _collect(sweep_dir)
    return gathered, events


def gather_runs(sweep_dir: Path) -> pd.DataFrame:
    """The table of ``gathered/runs.csv``: one row per run (see :func:`run_table`)."""
    return _collect(sweep_dir)[2]


def with_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """The long table with :data:`CATEGORIES` as categoricals: what its Parquet stores, a
    fraction of the size of repeated strings, read back as categoricals by pandas."""
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


def write_gathered(sweep_dir: Path, report_dates: list[str] | None = None,
                   plots: bool = True, figure_formats: Sequence[str] = ("png",)) -> Path:
    """Gather a sweep into ``<sweep_dir>/gathered/``: the runs table, the long table,
    the events, the differences, and unless ``plots`` is False the plots (in
    ``figure_formats``; the report embeds PNGs, drawn in any case) and report."""
    sweep_dir = Path(sweep_dir)
    out = sweep_dir / GATHERED
    counts = write_failures(sweep_dir)
    if not counts["finished"]:  # the failures table and the counts still say what happened
        write_json(out / "runs.json", counts)
    # gathering a large sweep takes a while: say what is going on, step by step
    log.info("gathering %d finished runs from %s", counts["finished"], sweep_dir)
    gathered, events, runs = _collect(sweep_dir)
    write_table(runs, out, "runs", ["csv", "parquet"])
    months = sorted(gathered.month.unique())
    dates = [d for d in (report_dates or REPORT_DATES) if d in months] or months[-1:]
    csv = "csv" if len(gathered) <= CSV_ROWS else "csv.gz"
    if csv == "csv.gz":
        log.info("%d rows: the long table's CSV is gzipped (%s/%s.csv.gz)",
                 len(gathered), out, TABLE)
    write_table(with_categories(gathered), out, TABLE, ["parquet"])
    write_table(gathered, out, TABLE, [csv])
    stale = out / f"{TABLE}.{'csv.gz' if csv == 'csv' else 'csv'}"
    stale.unlink(missing_ok=True)  # from an earlier gather of fewer, or more, runs
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
        "tables": {"runs": "runs.csv", "series": f"{TABLE}.parquet, {TABLE}.{csv}"},
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
