"""Global sensitivity: Sobol indices (Sobol 2001; Saltelli 2002; Saltelli et al. 2010)
with SALib, over the levers' boxes.

Saltelli's scheme samples ``n (D + 2)`` points for D levers (``n (2D + 2)`` with second
order indices), from a scrambled Sobol sequence; each point is a design, run on every seed
(common random numbers) and the outcome averaged over the seeds, so the indices are of
the seed-averaged outcome. The first-order index S1 of a lever is the share of the
outcome's variance its main effect explains; the total index ST adds every interaction it
takes part in. Confidence intervals are bootstrap intervals (SALib's, 95% by default).

:func:`sobol_indices` works on any function of named inputs (its test uses the Ishigami
function, whose indices are known in closed form); :func:`sobol` runs the model.
SALib is a development dependency: ``pip install -e '.[dev]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.evaluate import evaluate_many
from sim.experiment.levers import lever

Bounds = Mapping[str, tuple[float, float]]


@dataclass
class SobolResult:
    """Sobol indices of one outcome.

    Attributes:
        indices: a row per input: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the conf
            columns are half-widths of the confidence intervals).
        samples: the sampled inputs, a row per design.
        y: the outcome of each design (seed-averaged for the model).
        runs: the runs table of :func:`sobol` (one row per design and seed), else None.
        second_order: ``S2`` and ``S2_conf`` as input x input tables, when computed.
    """

    indices: pd.DataFrame
    samples: pd.DataFrame
    y: np.ndarray
    runs: pd.DataFrame | None = None
    second_order: dict[str, pd.DataFrame] | None = None


def problem(bounds: Bounds) -> dict[str, Any]:
    """SALib's problem dict for named inputs and their boxes."""
    for name, (lo, hi) in bounds.items():
        if not lo < hi:
            raise ValueError(f"input {name}: box ({lo}, {hi}) must have lo < hi")
    return {"num_vars": len(bounds), "names": list(bounds),
            "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()]}


def saltelli_sample(bounds: Bounds, n: int, second_order: bool = False,
                    seed: int = 0) -> pd.DataFrame:
    """Saltelli's sample: ``n (D + 2)`` rows (``n (2D + 2)`` with second order), a column
    per input. ``n`` should be a power of 2 (the Sobol sequence's balance)."""
    from SALib.sample import sobol as sobol_sample

    points = sobol_sample.sample(problem(bounds), n, calc_second_order=second_order,
                                 seed=seed)
    return pd.DataFrame(points, columns=list(bounds))


def analyse(bounds: Bounds, y: np.ndarray, second_order: bool = False,
            conf_level: float = 0.95, seed: int = 0) -> tuple[pd.DataFrame, dict | None]:
    """Sobol indices of ``y`` (in the order of :func:`saltelli_sample`'s rows)."""
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{int(np.sum(~np.isfinite(y)))} of {y.size} outcomes are not "
                         "finite; Sobol indices need a finite outcome everywhere")
    result = sobol_analyze.analyze(problem(bounds), y, calc_second_order=second_order,
                                   conf_level=conf_level, print_to_console=False, seed=seed)
    names = list(bounds)
    indices = pd.DataFrame({k: result[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
                           index=pd.Index(names, name="input"))
    pairs = None
    if second_order:
        pairs = {k: pd.DataFrame(result[k], index=names, columns=names)
                 for k in ("S2", "S2_conf")}
    return indices, pairs


def sobol_indices(func: Callable[[dict[str, float]], float], bounds: Bounds, n: int,
                  second_order: bool = False, seed: int = 0) -> SobolResult:
    """Sobol indices of any function of named inputs over their boxes."""
    samples = saltelli_sample(bounds, n, second_order, seed)
    y = np.array([func(row) for row in samples.to_dict("records")], dtype=float)
    indices, pairs = analyse(bounds, y, second_order, seed=seed)
    return SobolResult(indices, samples, y, None, pairs)


def sobol(levers: Sequence[str] | Bounds, outcome: str, n: int, seeds: Sequence[int],
          world: str = "small", scenario: str = "baseline", overrides: Sequence[str] = (),
          second_order: bool = False, n_jobs: int = 1, progress: bool = True,
          sample_seed: int = 0) -> SobolResult:
    """Sobol indices of one model outcome over levers' boxes.

    Args:
        levers: lever names (each sampled over its :attr:`Lever.box`), or a mapping of
            lever name to a box of your own (checked against the lever's range).
        outcome: an outcome name (:mod:`sim.experiment.outcomes`).
        n: base sample size (a power of 2); the model runs ``n (D + 2) len(seeds)`` times.
        seeds: the seeds every design runs on (common random numbers).
        world, scenario, overrides, n_jobs, progress: as for :func:`evaluate_many`.
        second_order: also compute the pairwise indices S2.
        sample_seed: seed of the scrambled Sobol sequence and of the bootstrap.
    """
    if isinstance(levers, Mapping):
        bounds = {name: (lever(name).check(lo), lever(name).check(hi))
                  for name, (lo, hi) in levers.items()}
    else:
        bounds = {name: lever(name).box for name in levers}
    samples = saltelli_sample(bounds, n, second_order, sample_seed)
    designs = samples.to_dict("records")
    runs = evaluate_many(designs, seeds, n_jobs=n_jobs, progress=progress, world=world,
                         scenario=scenario, outcomes=[outcome], overrides=overrides)
    y = runs.groupby("design")[outcome].mean().sort_index().to_numpy()
    indices, pairs = analyse(bounds, y, second_order, seed=sample_seed)
    return SobolResult(indices, samples, y, runs, pairs)
