"""Evaluating designs: a run function with named inputs and named scalar outputs (the
shape EMA Workbench and SALib expect), built on :func:`sim.config.compose_config` and
:func:`sim.model.results.run`.

    >>> evaluate({"cn_price_factor": 0.3, "quality_weight": 8}, seed=0)
    {'cn_share_startups': 0.41, ...}

Every design is run on the same seeds (common random numbers: the model draws each
random number from a stream named by its role, :mod:`sim.core.streams`), so differences
between designs on one seed are the levers' effect, not noise.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from sim.config import Config, compose_raw, to_config
from sim.core.files import atomic_write
from sim.experiment.levers import apply_params
from sim.experiment.outcomes import OUTCOMES, compute_outcomes
from sim.model.results import run

#: The first columns of a runs table; levers and outcomes follow.
ID_COLUMNS: tuple[str, ...] = ("design", "seed")


@functools.lru_cache(maxsize=16)
def _composed(world: str, scenario: str, overrides: tuple[str, ...]) -> DictConfig:
    # composing takes ~0.2 s, copying the composed tree ~0.01 s: compose once per setting
    # and set each design's levers on a copy (unresolved, so scenario parameters still
    # reach the events that refer to them)
    return compose_raw([f"world={world}", f"scenario={scenario}", *overrides])


def build_config(params: Mapping[str, Any], seed: int, world: str = "small",
                 scenario: str = "baseline", overrides: Sequence[str] = ()) -> Config:
    """The validated config of a design: the composed world and scenario (with Hydra
    ``overrides`` such as ``world.end=2026-06``), the levers and paths set, the seed.

    Raises:
        LeverError: an unknown lever, a value outside its range, or a scenario lever the
            scenario cannot take.
        ConfigError: a config path's value that validation refuses.
    """
    tree = copy.deepcopy(_composed(world, scenario, tuple(overrides)))
    apply_params(tree, params)
    tree.seed = int(seed)
    tree.output.progress = False
    return to_config(tree)


def evaluate(params: Mapping[str, Any], seed: int, world: str = "small",
             scenario: str = "baseline", outcomes: Iterable[str] | None = None,
             overrides: Sequence[str] = ()) -> dict[str, float]:
    """Run one design on one seed and return its named scalar outcomes.

    Args:
        params: named levers (:data:`sim.experiment.levers.LEVERS`) or dotted config paths.
        seed: the run's seed.
        world, scenario: names under ``scenarios/world`` and ``scenarios/scenario``.
        outcomes: outcome names (:mod:`sim.experiment.outcomes`); all registered if None.
        overrides: further Hydra overrides (``world.end=2026-06`` shortens the horizon).
    """
    cfg = build_config(params, seed, world, scenario, overrides)
    results = run(cfg)
    return compute_outcomes(results.table, cfg.world.history_until, outcomes)


def _row(design: int, params: Mapping[str, Any], seed: int, kwargs: dict) -> dict[str, Any]:
    # one job of evaluate_many; module level so that joblib's workers can pickle it
    return {"design": design, "seed": int(seed), **params,
            **evaluate(params, seed, **kwargs)}


def evaluate_jobs(jobs: Sequence[tuple[int, Mapping[str, Any], int]], n_jobs: int = 1,
                  world: str = "small", scenario: str = "baseline",
                  outcomes: Iterable[str] | None = None,
                  overrides: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Run ``(design, params, seed)`` jobs; yield each row (``design``, ``seed``, the
    params, the outcomes) as its run finishes: in the jobs' order on one worker, in the
    order they finish on several (joblib workers, ``n_jobs`` > 1 or -1 for every core).

    The caller keeps the rows as they come (a resumable experiment saves them,
    :mod:`sim.experiment.resume`). Every job's design is checked before any run.
    """
    names = list(outcomes) if outcomes is not None else list(OUTCOMES)
    kwargs = {"world": world, "scenario": scenario, "outcomes": names,
              "overrides": tuple(overrides)}
    checked: set[int] = set()
    for design, params, seed in jobs:  # refuse a bad design before any run
        if design not in checked:
            build_config(params, seed, world, scenario, overrides)
            checked.add(design)
    if n_jobs == 1:
        for job in jobs:
            yield _row(*job, kwargs)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from parallel(delayed(_row)(*job, kwargs) for job in jobs)


def evaluate_many(designs: Sequence[Mapping[str, Any]] | pd.DataFrame, seeds: Iterable[int],
                  n_jobs: int = 1,
                  progress: bool = True, world: str = "small", scenario: str = "baseline",
                  outcomes: Iterable[str] | None = None,
                  overrides: Sequence[str] = ()) -> pd.DataFrame:
    """Run every design on every seed: one row per (design, seed).

    Columns: ``design`` (the design's position in ``designs``), ``seed``, every lever or
    path any design sets (NaN where a design leaves it at the scenario's value), then every
    outcome. Every design gets the same seeds (common random numbers).

    Args:
        designs: mappings of levers or paths to values, or a frame with a row per design
            (the draws of :func:`sim.experiment.uncertainty.sample_parameters`).
        n_jobs: worker processes (joblib; 1 runs here, -1 uses every core).
        progress: a tqdm progress bar over the runs.
        world, scenario, outcomes, overrides: as for :func:`evaluate`.
    """
    from tqdm.auto import tqdm

    if isinstance(designs, pd.DataFrame):  # a row per design, a column per lever
        designs = designs.to_dict("records")
    seeds = [int(s) for s in seeds]
    names = list(outcomes) if outcomes is not None else list(OUTCOMES)
    jobs = [(i, dict(params), seed) for i, params in enumerate(designs) for seed in seeds]
    rows = []
    with tqdm(total=len(jobs), disable=not progress, desc="runs", unit="run") as bar:
        for row in evaluate_jobs(jobs, n_jobs, world, scenario, names, overrides):
            rows.append(row)
            bar.update()
    return runs_frame(rows, [k for params in designs for k in params], names)


def runs_frame(rows: Sequence[Mapping[str, Any]], levers: Iterable[str],
               outcomes: Iterable[str]) -> pd.DataFrame:
    """Rows of :func:`evaluate_jobs` as a runs table: ``design``, ``seed``, the levers, the
    outcomes, sorted by design then seed, levers as numbers."""
    lever_columns = list(dict.fromkeys(levers))
    columns = [*ID_COLUMNS, *lever_columns, *outcomes]
    frame = pd.DataFrame(list(rows), columns=columns)
    frame = frame.sort_values(list(ID_COLUMNS), kind="stable", ignore_index=True)
    for column in lever_columns:  # numbers, not objects, whatever the designs held
        frame[column] = pd.to_numeric(frame[column])
    for column in ID_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame


def exact_float(value: float) -> str:
    """A float as CSV text that reads back to the same float and as a float: Python's
    shortest round-trip form, which keeps ``.0`` on whole numbers (``-6.0``, not ``-6``,
    so a column of whole-number lever values still reads back as float64)."""
    return repr(float(value))


def write_runs(runs: pd.DataFrame, path: str | Path) -> Path:
    """Write a runs table (one row per design and seed) as CSV, atomically, numbers as
    numbers (every float exactly, :func:`exact_float`); a folder gets ``runs.csv``."""
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path = path / "runs.csv"
    return atomic_write(path, lambda tmp: runs.to_csv(tmp, index=False,
                                                      float_format=exact_float))
