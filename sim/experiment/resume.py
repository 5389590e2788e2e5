"""Resumable experiments: a runs table in a folder that grows as runs finish, so that an
interrupted experiment, run again, does only the runs it lacks.

The table is ``runs.csv`` (:data:`RUNS_FILE`): a row per design and seed, keyed by
``(design, seed)``, with the design's levers and the outcomes. Rows are saved as they
finish, by rewriting the whole file atomically (:func:`sim.core.files.atomic_write`) at
most every ``save_every`` seconds and when the experiment stops, finished, failed or
interrupted (Ctrl-C): a reader sees the table before or after a save, never half a row.
A rerun reads it, checks that its rows are the same designs (the levers' values) and
carry the outcomes asked for, and runs only the missing ``(design, seed)`` pairs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.files import atomic_write, write_text
from sim.experiment.evaluate import ID_COLUMNS, evaluate_jobs, exact_float, runs_frame
from sim.experiment.outcomes import OUTCOMES

#: The runs table of a resumable experiment, inside its folder.
RUNS_FILE = "runs.csv"
#: What an experiment's folder holds: the settings that fix its designs.
SPEC_FILE = "spec.json"


class ResumeError(ValueError):
    """A folder whose runs table belongs to another experiment."""


def save_runs(runs: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV, atomically, every float exactly and as a float
    (:func:`sim.experiment.evaluate.exact_float`)."""
    return atomic_write(path, lambda tmp: runs.to_csv(tmp, index=False,
                                                      float_format=exact_float))


def load_runs(folder: str | Path) -> pd.DataFrame | None:
    """The runs table saved in ``folder`` (None if there is none yet)."""
    path = Path(folder) / RUNS_FILE
    if not path.exists():
        return None
    runs = pd.read_csv(path)
    missing = [c for c in ID_COLUMNS if c not in runs]
    if missing:
        raise ResumeError(f"{path}: no column {', '.join(missing)}; not a runs table")
    return runs


def claim_folder(record: Mapping[str, Any], folder: Path, what: str = "experiment") -> None:
    """Record an experiment's settings in ``folder/spec.json``, or refuse a folder that
    holds another experiment, naming each setting that differs."""
    path = folder / SPEC_FILE
    record = json.loads(json.dumps(dict(record)))  # as it reads back: lists, not tuples
    if path.exists():
        saved = json.loads(path.read_text(encoding="utf-8"))
        differ = [f"{k}: {saved.get(k)!r} there, {v!r} here"
                  for k, v in record.items() if saved.get(k) != v]
        differ += [f"{k}: {saved[k]!r} there, not set here" for k in saved
                   if k not in record]
        if differ:
            raise ResumeError(f"{folder} holds another {what} ({'; '.join(differ)}); "
                              "choose another folder (--out)")
        return
    write_text(path, json.dumps(record, indent=2) + "\n")


def check_resumable(runs: pd.DataFrame, designs: pd.DataFrame, outcomes: Sequence[str],
                    path: Path) -> None:
    """Refuse a saved runs table whose rows are other designs or lack an outcome."""
    lacking = [o for o in outcomes if o not in runs]
    if lacking:
        have = [c for c in runs.columns if c not in (*ID_COLUMNS, *designs.columns)]
        raise ResumeError(f"{path} has no outcome {', '.join(lacking)} (it has "
                          f"{', '.join(have) or 'none'}): choose another folder (--out)")
    unknown = [c for c in designs.columns if c not in runs]
    others = [c for c in runs.columns if c not in (*ID_COLUMNS, *designs.columns)
              and c not in OUTCOMES and "@" not in c]
    if unknown or others:
        what = (f"no lever {', '.join(unknown)}" if unknown
                else f"columns {', '.join(others)} that are neither levers nor outcomes")
        raise ResumeError(f"{path} has {what}: it is another experiment; choose another "
                          "folder (--out)")
    if len(runs) and (runs.design.max() >= len(designs) or runs.design.min() < 0):
        raise ResumeError(f"{path} has design {int(runs.design.max())}, but this experiment "
                          f"has designs 0 to {len(designs) - 1}; choose another folder (--out)")
    saved = runs[list(designs.columns)].to_numpy(dtype=float)
    expected = designs.to_numpy(dtype=float)[runs.design.to_numpy()]
    if not np.allclose(saved, expected, rtol=1e-12, atol=1e-12, equal_nan=True):
        bad = int(np.argmax(~np.isclose(saved, expected, rtol=1e-12, atol=1e-12,
                                        equal_nan=True).all(axis=1)))
        raise ResumeError(f"{path}: row {bad} (design {int(runs.design.iloc[bad])}) has other "
                          "lever values than this experiment's design; choose another "
                          "folder (--out)")


def run_resumable(designs: pd.DataFrame, seeds: Sequence[int], folder: str | Path,
                  outcomes: Sequence[str], n_jobs: int = 1, progress: bool = True,
                  world: str = "small", scenario: str = "baseline",
                  overrides: Sequence[str] = (), save_every: float = 5.0) -> pd.DataFrame:
    """Run every design (a row of ``designs``, a column per lever) on every seed, keeping
    the rows in ``folder/runs.csv``, and skip the ``(design, seed)`` pairs already there.

    Args:
        designs: the experiment's designs; row ``i`` is design ``i``.
        seeds: the seeds each design runs on (common random numbers).
        folder: where ``runs.csv`` is kept (made if missing).
        outcomes: outcome names (:mod:`sim.experiment.outcomes`).
        n_jobs, world, scenario, overrides: as for :func:`sim.experiment.evaluate_many`.
        progress: a tqdm bar over all the pairs, starting at those already done.
        save_every: seconds between two saves while runs finish.

    Returns:
        The rows of the requested seeds and outcomes, sorted by design and seed. The file
        keeps every row and outcome saved earlier: a new row gets every outcome the file
        has, so that it stays complete.

    Raises:
        ResumeError: ``runs.csv`` holds other designs or lacks an outcome.
    """
    from tqdm.auto import tqdm

    folder = Path(folder)
    path = folder / RUNS_FILE
    levers, outcomes, seeds = list(designs.columns), list(outcomes), [int(s) for s in seeds]
    saved = load_runs(folder)
    stored = outcomes  # the outcomes every row of the file carries
    if saved is not None:
        check_resumable(saved, designs, outcomes, path)
        stored = [c for c in saved.columns if c not in (*ID_COLUMNS, *levers)]
        saved = saved[[*ID_COLUMNS, *levers, *stored]]
    done = set() if saved is None else set(zip(saved.design, saved.seed, strict=True))
    records = designs.to_dict("records")
    jobs = [(i, records[i], seed) for i in range(len(records)) for seed in seeds
            if (i, seed) not in done]
    rows: list[dict] = []

    def table() -> pd.DataFrame:
        parts = [frame for frame in (saved, runs_frame(rows, levers, stored))
                 if frame is not None and len(frame)]
        if not parts:
            return runs_frame([], levers, stored)
        both = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return both.sort_values(list(ID_COLUMNS), kind="stable", ignore_index=True)

    total = len(records) * len(seeds)
    last = time.monotonic()
    bar = tqdm(total=total, initial=total - len(jobs), disable=not progress, desc="runs",
               unit="run")
    try:
        for row in evaluate_jobs(jobs, n_jobs, world, scenario, stored, overrides):
            rows.append(row)
            bar.update()
            if time.monotonic() - last >= save_every:
                save_runs(table(), path)
                last = time.monotonic()
    finally:
        bar.close()
        if rows or saved is None:
            save_runs(table(), path)
    runs = table()
    return runs.loc[runs.seed.isin(seeds), [*ID_COLUMNS, *levers, *outcomes]].reset_index(
        drop=True)
