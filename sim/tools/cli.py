"""The job behind ``python -m sim``: validate, run, write every output, mark it done.

A run writes into Hydra's output folder, in this order:

- ``.hydra/``: the resolved config and the overrides (Hydra's own, at the start);
- ``timeseries.parquet`` and ``timeseries.csv``: the tidy series (month, metric, entity,
  segment, value, unit); ``events.csv`` and ``entries.csv``;
- the standard plots (PNG; PDF or SVG with ``output.figure_formats``), drawn in worker
  processes, and ``report.html`` (inside a sweep only with ``output.plots_in_sweeps=true``:
  the gathered report covers the sweep);
- ``summary.json``: end-state and averages of the headline metrics, once the tables it
  summarises and the figures drawn from them are written;
- ``manifest.json``: package version, git commit, seed, start and end, wall time and where
  it went, Python and library versions;
- ``DONE``, last. A folder without it holds no finished run; a folder with it is skipped
  when a sweep is resumed.

Before the model runs, the config is validated and the free disk space checked against
an estimate of what the run writes (:mod:`sim.outputs.space`). A config that fails either
writes nothing: the folder Hydra made for it is removed, and a single run exits with
status 2 after one line on stderr. Inside a sweep a failed job keeps its folder with a
``FAILED`` marker instead, and the sweep goes on (:mod:`sim.tools.failures`).

A run stopped by Ctrl-C, or whose outputs cannot be written (a full disk), removes what
it had written but its config and log, so nothing is left that could be taken for a
finished run; it says so in one line on stderr and exits with status 130 (Ctrl-C, see
:func:`interrupted`) or 1.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config import ConfigError, to_config
from sim.core.dates import month_after
from sim.core.files import write_text
from sim.core.timing import TimeSplit
from sim.model.results import Results, run
from sim.outputs.files import DONE, TABLE, manifest, summary, write_json, write_table
from sim.outputs.space import DiskSpaceError, check_free_space, estimate_bytes
from sim.rules import RuleError
from sim.tools.failures import clear_outputs, clear_stale, mark_failed

log = logging.getLogger("sim")


#: A step on the job's composed config before it is validated (a parameter draw: it sets
#: the draw's levers in place); returns what ``summary.json`` records of it, or None.
Prepare = Callable[[DictConfig], dict[str, Any] | None]


def run_job(cfg: DictConfig, prepare: Prepare | None = None) -> float | None:
    """Run one Hydra job; return the end value of the first headline (for sweepers).

    ``prepare`` (``python -m sim`` passes the parameter draw's,
    :func:`sim.experiment.draws.apply_draw`) changes the config before it is saved and
    validated; what it returns goes into ``summary.json`` under ``draw``, and an error it
    raises refuses the job like a bad config.

    Inside a multirun a failing job is marked ``FAILED`` and returns None instead of
    raising, so that every launcher still runs the sweep's other jobs
    (:mod:`sim.tools.failures`); a single run is refused with exit status 2, or exits with
    status 1 when its outputs cannot be written. Ctrl-C removes the job's partial outputs
    and raises :class:`RunInterrupted` (``python -m sim`` turns it into one line and exit
    status 130).
    """
    hydra = HydraConfig.get()
    out_dir = Path(hydra.runtime.output_dir)
    if (out_dir / DONE).exists():
        log.info("already done, skipping: %s", out_dir)
        return None
    multirun = hydra.mode == RunMode.MULTIRUN
    if multirun:
        clear_stale(out_dir)  # a resumed sweep retries a failed job from a clean folder
    drawn: dict[str, Any] | None = None
    refused: Exception | None = None
    try:
        drawn = prepare(cfg) if prepare is not None else None
    except (ConfigError, ValueError, OSError) as err:  # a bad draw: refused, config kept
        refused = err
    save_job_config(cfg, out_dir)
    try:
        if refused is not None:
            raise _RefusedError(refused)
        return _run(cfg, out_dir, drawn)
    except KeyboardInterrupt as stop:
        clear_outputs(out_dir)
        sweep_dir = Path(hydra.sweep.dir) if multirun else None
        raise RunInterrupted(out_dir, sweep_dir) from stop
    except _RefusedError as refused:
        if not multirun:
            refuse(out_dir, refused.error)
        mark_failed(out_dir, refused.error, list(hydra.overrides.task))
    except Exception as err:  # any error of one job must not stop the sweep
        if not multirun:
            if isinstance(err, _WriteError):
                _write_failed(out_dir, err.error)
            raise
        mark_failed(out_dir, err, list(hydra.overrides.task))
    return None


def save_job_config(cfg: DictConfig, out_dir: Path) -> None:
    """Write the job's ``.hydra/`` (``config.yaml``, ``hydra.yaml``, ``overrides.yaml``), as
    Hydra would, for a job that runs.

    Hydra writes them before the task starts, so a resumed sweep would rewrite those of its
    finished runs (naming, say, a plugin file changed since, beside a manifest naming the old
    one); ``hydra.output_subdir`` is null in ``scenarios/config.yaml`` and the job writes them
    itself once it knows it is not finished.
    """
    hydra_dir = out_dir / ".hydra"
    hydra_dir.mkdir(parents=True, exist_ok=True)
    hydra_cfg = HydraConfig.instance().cfg
    for name, node in (("config.yaml", cfg), ("hydra.yaml", hydra_cfg),
                       ("overrides.yaml", hydra_cfg.hydra.overrides.task)):
        write_text(hydra_dir / name, OmegaConf.to_yaml(node))


class _RefusedError(Exception):
    """A bad config or a rule error, found before or during the run (carries the error)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _WriteError(Exception):
    """An output could not be written (a full disk, a folder made read-only); carries the
    :class:`OSError`."""

    def __init__(self, error: OSError) -> None:
        super().__init__(f"could not write the run's outputs: {error}")
        self.error = error


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: its partial outputs were removed; names its folder."""

    def __init__(self, out_dir: Path, sweep_dir: Path | None = None) -> None:
        super().__init__(str(out_dir))
        self.out_dir, self.sweep_dir = out_dir, sweep_dir


def interrupted(err: KeyboardInterrupt) -> str:
    """The one line ``python -m sim`` prints when Ctrl-C stops it (then exit status 130).

    It says that no finished run was written and what is left: the run's folder with its
    config and log only (a single run), or how to resume (a sweep).
    """
    if not isinstance(err, RunInterrupted):
        return "interrupted: no run was finished by this command"
    if err.sweep_dir is not None:
        return (f"interrupted: the sweep stopped; the run in {err.out_dir} was not finished "
                "(its partial outputs were removed; runs with DONE are finished); resume by "
                f"rerunning the same command with hydra.sweep.dir={err.sweep_dir}")
    return (f"interrupted: no finished run was written (partial folder {err.out_dir}: "
            "its outputs were removed, its config and log kept)")


def _run(cfg: DictConfig, out_dir: Path, drawn: dict[str, Any] | None = None
         ) -> float | None:
    """Validate, check the disk, run, write the outputs and ``DONE``; refuse a bad config
    or rule, or a disk too full for the outputs."""
    in_sweep = HydraConfig.get().mode == RunMode.MULTIRUN
    try:
        # with the job's overrides: an override of world.end cuts a scenario short on
        # purpose, while an event after an end written in a file is refused
        config = to_config(cfg, list(HydraConfig.get().overrides.task))
        figures = not in_sweep or config.output.plots_in_sweeps
        # before the model runs: a full disk found after it would waste the whole run
        check_free_space(out_dir, estimate_bytes(config, figures=figures))
    except (ConfigError, RuleError, ValueError, DiskSpaceError) as err:
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
    try:
        # a sweep's jobs already keep every core busy: its figures are drawn in the job itself
        write_outputs(results, out_dir, figures=figures, split=split,
                      workers=1 if in_sweep else None, draw=drawn)
        write_json(out_dir / "manifest.json", manifest(
            config.seed, started.isoformat(), datetime.now(UTC).isoformat(), wall,
            scenario=config.scenario.name, world=config.world.name, engine=config.engine,
            overrides=list(HydraConfig.get().overrides.task), seconds=split.as_dict()))
        write_text(out_dir / DONE, f"finished {datetime.now(UTC).isoformat()}\n")
    except OSError as err:
        raise _WriteError(err) from err
    log.info(split.line())  # last: what the run's time went to
    print(f"Outputs in: {out_dir}")
    return results.value("token_share_bloc", "CN", "startups")


def write_outputs(results: Results, out_dir: Path, figures: bool = True,
                  split: TimeSplit | None = None, workers: int | None = None,
                  draw: dict[str, Any] | None = None) -> TimeSplit:
    """The tables of one run, then (unless ``figures`` is False) its plots and report, then
    its summary, which so never stands beside tables or figures not yet written; returns
    the time each part took (added to ``split`` when given).

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
    decomposition = None
    # for the report only (a sweep compares its runs in its own report)
    if (figures and config.output.report and config.output.decomposition
            and config.scenario.events):
        from sim.tools.decompose import lever_decomposition

        with split.time("decomposition"):
            decomposition = lever_decomposition(config, own=results)
            write_table(decomposition, out_dir, "decomposition", ["csv"])
    if figures and (config.output.plots or config.output.report):
        _draw(results, out_dir, split, workers, decomposition)
    # after the figures: a summary stands beside the tables it summarises and what was
    # drawn from them (a run killed while plotting leaves no summary that looks final)
    with split.time("tables"):
        write_json(out_dir / "summary.json", {
            "scenario": config.scenario.name, "world": config.world.name,
            "seed": config.seed,
            # what the @mean outcomes of gathered/runs.csv average after
            "history_until": config.world.history_until,
            "headlines": summary(results.table, config.world.history_until),
            # a run of a parameter draw: its file, index and lever values (runs.csv's draw)
            **({"draw": draw} if draw is not None else {}),
        })
    return split


def _draw(results: Results, out_dir: Path, split: TimeSplit, workers: int | None,
          decomposition: Any = None) -> None:
    """The run's figures (in ``output.figure_formats``) and its report (with the
    decomposition by lever, a table, when there is one)."""
    config = results.config
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
            extra = to_html(card)
            if decomposition is not None:
                from sim.report.decomposition_report import decomposition_html

                extra += decomposition_html(decomposition)
            write_run_report(results.table, results.events, config, out_dir, figures=drawn,
                             report_dates=tuple(config.output.report_dates),
                             extra_html=extra)
    if not config.output.plots:
        shutil.rmtree(out_dir / "plots", ignore_errors=True)
    elif "png" not in config.output.figure_formats:
        for paths in drawn.values():
            for path in paths:
                if path.suffix == ".png":
                    path.unlink(missing_ok=True)


def refuse(out_dir: Path, err: Exception) -> NoReturn:
    """Leave nothing of the run behind, say why once on the terminal, exit with status 2.

    Not logged as well: Hydra's console handler would print the same refusal twice, and
    the run's log file goes with its folder.
    """
    _discard(out_dir)
    print(f"error: {err}", file=sys.stderr)
    raise SystemExit(2) from err


def _write_failed(out_dir: Path, err: OSError) -> NoReturn:
    """A single run whose outputs could not be written: remove what it wrote but its
    config and log, say why in one line on stderr, exit with status 1."""
    clear_outputs(out_dir)
    print(f"error: could not write the run's outputs to {out_dir} ({err}); what it had "
          "written was removed, its config and log kept", file=sys.stderr)
    raise SystemExit(1) from err


#: The nearest folder above a ``hydra.run.dir`` given on the command line that existed
#: before Hydra made the run's folder (:func:`remember_run_dir`); None without one.
_EXISTED: Path | None = None


def remember_run_dir(argv: Sequence[str]) -> None:
    """Before Hydra starts: note the nearest existing folder above a ``hydra.run.dir`` the
    user gave, so that a refused run removes the folders Hydra made and none of the user's."""
    global _EXISTED
    given = [a.split("=", 1)[1] for a in argv if a.startswith("hydra.run.dir=")]
    if not given:
        return
    folder = Path(given[-1]).expanduser().absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    _EXISTED = folder


def _discard(out_dir: Path) -> None:
    """Remove the folder Hydra made for a refused run, unless it holds anything of ours."""
    if not out_dir.exists():
        return
    ours = [p for p in out_dir.iterdir() if p.name != ".hydra" and p.suffix != ".log"]
    if ours:
        return
    shutil.rmtree(out_dir, ignore_errors=True)
    # the empty folders Hydra made above it: up to the nearest folder that existed before a
    # hydra.run.dir the user gave (theirs, even if empty), else inside the default
    # outputs/runs tree (the folders named after the run: scenario, world, seed, ...)
    out_dir = out_dir.absolute()
    if _EXISTED is not None and _EXISTED in out_dir.parents:
        root: Path | None = _EXISTED
    else:
        root = next((p for p in out_dir.parents
                     if p.name == "runs" and p.parent.name == "outputs"), None)
    parent = out_dir.parent
    while root is not None and parent != root and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
