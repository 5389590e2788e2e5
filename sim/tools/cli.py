"""The job behind ``python -m sim``: validate, run, write every output, mark it done.

A run writes into Hydra's output folder:

- ``.hydra/``: the resolved config and the overrides (Hydra's own);
- ``timeseries.parquet`` and ``timeseries.csv``: the tidy series (month, metric, entity,
  segment, value, unit); ``events.csv`` and ``entries.csv``;
- ``summary.json``: end-state and averages of the headline metrics;
- ``manifest.json``: package version, git commit, seed, start and end, wall time,
  Python and library versions;
- the standard plots (PNG; PDF or SVG with ``output.figure_formats``), drawn in worker
  processes, and ``report.html`` (inside a sweep only with ``output.plots_in_sweeps=true``:
  the gathered report covers the sweep);
- ``DONE``, last. A folder with ``DONE`` is skipped when a sweep is resumed.

A config that fails validation writes nothing: the folder Hydra made for it is removed.
Inside a sweep a failed job keeps its folder with a ``FAILED`` marker instead, and the
sweep goes on (:mod:`sim.tools.failures`).
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import ConfigError, to_config
from sim.core.dates import month_after
from sim.core.files import write_text
from sim.core.timing import TimeSplit
from sim.model.results import Results, run
from sim.outputs.files import DONE, TABLE, manifest, summary, write_json, write_table
from sim.rules import RuleError
from sim.tools.failures import clear_stale, mark_failed

log = logging.getLogger("sim")


def run_job(cfg: DictConfig) -> float | None:
    """Run one Hydra job; return the end value of the first headline (for sweepers).

    Inside a multirun a failing job is marked ``FAILED`` and returns None instead of
    raising, so that every launcher still runs the sweep's other jobs
    (:mod:`sim.tools.failures`); a single run is refused with exit status 2.
    """
    hydra = HydraConfig.get()
    out_dir = Path(hydra.runtime.output_dir)
    if (out_dir / DONE).exists():
        log.info("already done, skipping: %s", out_dir)
        return None
    if hydra.mode != RunMode.MULTIRUN:
        try:
            return _run(cfg, out_dir)
        except _RefusedError as refused:
            refuse(out_dir, refused.error)
    clear_stale(out_dir)  # a resumed sweep retries a failed job from a clean folder
    try:
        return _run(cfg, out_dir)
    except _RefusedError as refused:
        mark_failed(out_dir, refused.error, list(hydra.overrides.task))
    except Exception as err:  # any error of one job must not stop the sweep
        mark_failed(out_dir, err, list(hydra.overrides.task))
    return None


class _RefusedError(Exception):
    """A bad config or a rule error, found before or during the run (carries the error)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _run(cfg: DictConfig, out_dir: Path) -> float | None:
    """Validate, run, write the outputs and ``DONE``; refuse a bad config or rule."""
    try:
        config = to_config(cfg)
    except (ConfigError, RuleError, ValueError) as err:
        raise _RefusedError(err) from err
    started = datetime.now(UTC)
    clock = time.perf_counter()
    log.info("running scenario=%s world=%s seed=%s engine=%s", config.scenario.name,
             config.world.name, config.seed, config.engine)
    try:
        results = run(config, progress=config.output.progress)
    except (ConfigError, RuleError) as err:  # found once the world is built, or by a rule
        raise _RefusedError(err) from err
    wall = time.perf_counter() - clock
    split = TimeSplit()
    split.add("model", wall)
    in_sweep = HydraConfig.get().mode == RunMode.MULTIRUN
    # a sweep's jobs already keep every core busy: its figures are drawn in the job itself
    write_outputs(results, out_dir, figures=not in_sweep or config.output.plots_in_sweeps,
                  split=split, workers=1 if in_sweep else None)
    write_json(out_dir / "manifest.json", manifest(
        config.seed, started.isoformat(), datetime.now(UTC).isoformat(), wall,
        scenario=config.scenario.name, world=config.world.name, engine=config.engine,
        overrides=list(HydraConfig.get().overrides.task), seconds=split.as_dict()))
    write_text(out_dir / DONE, f"finished {datetime.now(UTC).isoformat()}\n")
    log.info(split.line())  # last: what the run's time went to
    print(f"Outputs in: {out_dir}")
    return results.value("token_share_bloc", "CN", "startups")


def write_outputs(results: Results, out_dir: Path, figures: bool = True,
                  split: TimeSplit | None = None, workers: int | None = None) -> TimeSplit:
    """The tables, the summary and, unless ``figures`` is False, the plots and the report
    of one run; returns the time each part took (added to ``split`` when given).

    The figures are drawn from the saved table by ``workers`` processes (default: one per
    CPU, :mod:`sim.plots.parallel`); the report embeds their PNGs.
    """
    config = results.config
    split = TimeSplit() if split is None else split
    log.info("writing tables to %s", out_dir)
    with split.time("tables"):
        write_table(results.table, out_dir, TABLE, config.output.formats)
        write_table(results.events, out_dir, "events", ["csv"])
        write_table(results.entries, out_dir, "entries", ["csv"])
        write_json(out_dir / "summary.json", {
            "scenario": config.scenario.name, "world": config.world.name, "seed": config.seed,
            "headlines": summary(results.table, config.world.history_until),
        })
    if not (figures and (config.output.plots or config.output.report)):
        return split
    formats = list(config.output.figure_formats)
    if config.output.report and "png" not in formats:
        formats.append("png")  # the report embeds PNGs; removed below
    log.info("drawing figures (%s)", ", ".join(formats))
    with split.time("figures"):
        from sim.plots.parallel import draw_saved_run_figures  # matplotlib: half a second

        drawn = draw_saved_run_figures(
            out_dir, config.scenario.name, out_dir / "plots", formats=formats,
            scenario_from=month_after(config.world.history_until),
            vendor_blocs={vid: v.bloc for vid, v in config.world.vendors.items()},
            workers=workers, tables=(results.table, results.events))
    if config.output.report:
        from sim.calibrate.moments import load_targets
        from sim.calibrate.scorecard import scorecard, to_html
        from sim.report.run_report import write_run_report

        with split.time("report"):
            card = scorecard([results], load_targets())
            write_table(card, out_dir, "scorecard", ["csv"])
            write_run_report(results.table, results.events, config, out_dir, figures=drawn,
                             report_dates=tuple(config.output.report_dates),
                             extra_html=to_html(card))
    if not config.output.plots:
        shutil.rmtree(out_dir / "plots", ignore_errors=True)
    elif "png" not in config.output.figure_formats:
        for paths in drawn.values():
            for path in paths:
                if path.suffix == ".png":
                    path.unlink(missing_ok=True)
    return split


def refuse(out_dir: Path, err: Exception) -> NoReturn:
    """Leave nothing of the run behind, say why once on the terminal, exit with status 2.

    Not logged as well: Hydra's console handler would print the same refusal twice, and
    the run's log file goes with its folder.
    """
    _discard(out_dir)
    print(f"error: {err}", file=sys.stderr)
    raise SystemExit(2) from err


def _discard(out_dir: Path) -> None:
    """Remove the folder Hydra made for a refused run, unless it holds anything of ours."""
    if not out_dir.exists():
        return
    ours = [p for p in out_dir.iterdir() if p.name != ".hydra" and p.suffix != ".log"]
    if ours:
        return
    shutil.rmtree(out_dir, ignore_errors=True)
    parent = out_dir.parent
    while parent.name not in ("outputs", "") and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
