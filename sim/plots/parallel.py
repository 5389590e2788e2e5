"""Drawing a run's standard figures in worker processes, one figure per task.

Why: laying out and rasterising nine figures takes several times the model's own run on
the small world (matplotlib does it in Python, one figure at a time), while the other
cores of the machine sit idle. Each worker imports only :mod:`sim.plots` and reads the
run's saved table, so nothing of the model is pickled or imported there, and a figure
drawn by a worker is byte for byte the one drawn here from the same table.

Workers start from a fork server that imports the figure modules once (``forkserver``),
or else by ``spawn`` (where the platform has no fork server); never by ``fork``, which
copies a process that may hold threads (Hydra's, a BLAS pool's) and their locks. The
figures are drawn here, one after the other, when only one CPU is usable, when asked
(``workers=1``, e.g. inside a sweep, whose jobs already use every core), or when the pool
cannot start or breaks (a sandbox without process semaphores, a worker killed).

Importing this module loads neither matplotlib nor the figures: a process that only hands
the figures out does not pay for them.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.core.dates import SCENARIO_FROM
from sim.plots.captions import RUN_FIGURE_NAMES

log = logging.getLogger("sim.plots")

#: The run folder's files the figures are drawn from (:mod:`sim.outputs.files` names them).
TABLE_FILES: tuple[str, ...] = ("timeseries.parquet", "timeseries.csv")
EVENTS_FILE = "events.csv"
#: Figures in the order they are handed out: the slowest first (the prices' three panels
#: and the market shares' eight hatched ones take twice any other), so that no worker is
#: left with one of them at the end.
_FIRST = ("prices", "market_shares", "lerner", "hhi", "revenue_token_shares")
#: What the fork server imports once, before forking each worker.
_PRELOAD = ["sim.plots.run_figures", __name__]
#: Formats when none are given (:data:`sim.plots.export.DEFAULT_FORMATS`, not imported
#: here: it would load matplotlib).
_PNG = ("png",)


@dataclass(frozen=True)
class FigureTask:
    """One figure to draw in a worker: everything it needs, as plain picklable values."""

    name: str
    run_dir: str
    scenario: str
    stem: str
    formats: tuple[str, ...]
    scenario_from: str
    vendor_blocs: tuple[tuple[str, str], ...] | None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def read_run_tables(run_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A run folder's tidy table (Parquet, else CSV) and its events, as the figures read
    them (docs/outputs.md, "Redraw from a run folder").

    Raises:
        FileNotFoundError: when the folder has no table.
    """
    run_dir = Path(run_dir)
    path = next((run_dir / f for f in TABLE_FILES if (run_dir / f).exists()), None)
    if path is None:
        raise FileNotFoundError(f"no {' or '.join(TABLE_FILES)} in {run_dir}")
    if path.suffix == ".parquet":
        table = pd.read_parquet(path)
    else:
        table = pd.read_csv(path, dtype={"month": str, "metric": str, "entity": str,
                                         "segment": str, "unit": str},
                            keep_default_na=False, na_values=[""])
    events_path = run_dir / EVENTS_FILE
    events = (pd.read_csv(events_path, dtype=str).fillna("") if events_path.exists()
              else None)
    return table, events


#: A worker's tables, read once for all the figures it draws: (run folder, tables).
_CACHE: dict[str, tuple[pd.DataFrame, pd.DataFrame | None]] = {}


def draw_one(task: FigureTask) -> tuple[str, list[str] | None, str]:
    """Draw and save one figure (in a worker).

    Returns:
        The figure's name, its paths (None when the table lacks its series) and, then,
        why it was left out: the worker's log goes nowhere, so the caller logs it.
    """
    from sim.plots.export import save
    from sim.plots.run_figures import RUN_FIGURES

    if task.run_dir not in _CACHE:
        _CACHE.clear()  # a worker serves one run
        _CACHE[task.run_dir] = read_run_tables(task.run_dir)
    table, events = _CACHE[task.run_dir]
    extra = ({"vendor_blocs": dict(task.vendor_blocs) if task.vendor_blocs else None}
             if task.name in ("prices", "lerner") else {})
    try:
        fig = RUN_FIGURES[task.name](table, events, task.scenario,
                                     scenario_from=task.scenario_from, **extra)
    except KeyError as err:  # as run_figures does: a custom world without a series
        return task.name, None, str(err)
    return task.name, [str(p) for p in save(fig, task.stem, formats=task.formats)], ""


def _context() -> mp.context.BaseContext:
    """A fork server that has imported the figure modules, or spawn where there is none."""
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return mp.get_context("spawn")


def draw_saved_run_figures(run_dir: str | Path, scenario: str, out_dir: str | Path, *,
                           formats: Sequence[str] = _PNG,
                           scenario_from: str = SCENARIO_FROM,
                           vendor_blocs: Mapping[str, str] | None = None,
                           workers: int | None = None,
                           tables: tuple[pd.DataFrame, pd.DataFrame | None] | None = None
                           ) -> dict[str, list[Path]]:
    """Draw every standard figure of a saved run, each in a worker process, and save it.

    Args:
        run_dir: the run's folder (its ``timeseries.parquet`` or ``.csv`` and
            ``events.csv``).
        scenario: the scenario's name, for the titles.
        out_dir: folder for the files (created if missing).
        formats: file formats (:data:`sim.plots.export.FIGURE_FORMATS`).
        scenario_from: first month of the scenario's own events.
        vendor_blocs: vendor id to bloc, for the vendors' colours.
        workers: processes to draw in (default: one per usable CPU, at most one per
            figure); 1 draws here, one figure after the other.
        tables: the run's table and events, when the caller holds them: a figure drawn
            here then needs no reading back, and a folder without a saved table (a run
            with ``output.formats=[]``) is drawn here from them.

    Returns:
        As :func:`sim.plots.run_figures.draw_run_figures`: for each figure drawn, its name
        and its paths (PNG first), in the order of
        :data:`sim.plots.captions.RUN_FIGURE_NAMES`.
    """
    out_dir = Path(out_dir)
    n = min(len(RUN_FIGURE_NAMES), usable_cpus() if workers is None else max(1, workers))
    saved = any((Path(run_dir) / f).exists() for f in TABLE_FILES)
    if n > 1 and (saved or tables is None):
        try:
            return _in_workers(run_dir, scenario, out_dir, tuple(formats), scenario_from,
                               vendor_blocs, n)
        except (BrokenProcessPool, OSError, NotImplementedError, ImportError) as err:
            log.warning("drawing the figures in this process: no worker processes (%s)", err)
    from sim.plots.run_figures import draw_run_figures

    table, events = tables if tables is not None else read_run_tables(run_dir)
    return draw_run_figures(table, events, scenario, out_dir, scenario_from=scenario_from,
                            vendor_blocs=vendor_blocs, formats=formats)


def _in_workers(run_dir: str | Path, scenario: str, out_dir: Path, formats: tuple[str, ...],
                scenario_from: str, vendor_blocs: Mapping[str, str] | None,
                workers: int) -> dict[str, list[Path]]:
    """The figures drawn by ``workers`` processes, in the report's order."""
    blocs = tuple(vendor_blocs.items()) if vendor_blocs is not None else None
    names = sorted(RUN_FIGURE_NAMES,
                   key=lambda n: _FIRST.index(n) if n in _FIRST else len(_FIRST))
    tasks = [FigureTask(name, str(Path(run_dir).resolve()), scenario, str(out_dir / name),
                        formats, scenario_from, blocs) for name in names]
    drawn: dict[str, list[Path]] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        for future in as_completed([pool.submit(draw_one, task) for task in tasks]):
            name, paths, why = future.result()
            if paths is None:
                log.warning("figure %s left out: %s", name, why)
            else:
                drawn[name] = [Path(p) for p in paths]
    return {name: drawn[name] for name in RUN_FIGURE_NAMES if name in drawn}


# -- figures as PNG bytes for a server (the dashboard) ----------------------------------------

def figure_png(name: str, table: pd.DataFrame, events: pd.DataFrame | None, scenario: str,
               dpi: float, kwargs: Mapping[str, object]) -> bytes:
    """One standard figure (:data:`sim.plots.run_figures.RUN_FIGURES`) as PNG bytes.

    Args:
        name: the figure's name.
        table, events: the run's tables so far.
        scenario: the title's scenario line.
        dpi: the resolution.
        kwargs: the figure function's keywords (``scenario_from``, ``vendor_blocs``).
    """
    from sim.plots.run_figures import RUN_FIGURES
    from sim.plots.style import png_bytes

    return png_bytes(RUN_FIGURES[name](table, events, scenario, **kwargs), dpi=dpi)


class FigurePool:
    """Worker processes that draw figures as PNG bytes for a server's many sessions.

    Why: a page server is one Python process, whose sessions share one interpreter lock;
    a figure takes a few tenths of a second of matplotlib, and ten sessions drawing in the
    server's process would take turns on one core while the model steps wait. Drawn here,
    a figure costs the server only the pickling of its table; the workers use the other
    cores. The pool starts at its first figure, and draws in the calling process where
    only one CPU is usable or when it cannot start or breaks (a sandbox without process
    semaphores, a worker killed): the figure is the same.

    Args:
        workers: processes (default: one per usable CPU).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = usable_cpus() if workers is None else max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.broken = self.workers < 2

    def _executor(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self.broken:
                return None
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                                 mp_context=_context())
            return self._pool

    def png(self, name: str, table: pd.DataFrame, events: pd.DataFrame | None,
            scenario: str, dpi: float, **kwargs: object) -> bytes:
        """:func:`figure_png` in a worker (here when there is none); blocks until drawn,
        without holding the interpreter lock."""
        pool = self._executor()
        if pool is not None:
            try:
                return pool.submit(figure_png, name, table, events, scenario, dpi,
                                   kwargs).result()
            except (BrokenProcessPool, OSError, NotImplementedError, ImportError) as err:
                log.warning("drawing figures in this process: the workers broke (%s)", err)
                self.close()
                with self._lock:
                    self.broken = True
        return figure_png(name, table, events, scenario, dpi, kwargs)

    def close(self) -> None:
        """End the workers (a later figure starts them again unless the pool broke)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
