"""Screening with Morris's elementary effects (Morris 1991; Campolongo, Cariboni and
Saltelli 2007), with SALib's sampler and analyser.

Each of ``n`` trajectories starts at a random point of a grid of ``levels`` values per
lever (over the levers' boxes) and moves one lever at a time by ``levels / (2 (levels -
1))`` of its box; the change in the outcome over the move, divided by the move as a share
of the box, is an elementary effect. Per lever:

- ``mu``: the mean effect (signed: effects of opposite sign cancel);
- ``mu_star``: the mean absolute effect, the screening measure of importance;
- ``sigma``: the effects' standard deviation: non-linearity or interaction with other
  levers (0 for a lever that acts alone and linearly);
- ``mu_star_conf``: half the width of a bootstrap confidence interval of ``mu_star``.

All are in the outcome's unit per the lever's whole box: a linear ``y = a x`` over a box
of width ``w`` has ``mu = a w``. The model runs ``n (D + 1)`` designs for ``D`` levers (each
on every seed, the outcome averaged over the seeds). Trajectories are independent, so the
first ``n / 2`` are a Morris design of their own: :mod:`sim.experiment.screening` compares
the indices of both halves to say whether ``n`` is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiment.sensitivity import Bounds, problem

#: The indices of :func:`morris_analyse`, in its columns' order.
MORRIS_INDICES: tuple[str, ...] = ("mu", "mu_star", "sigma", "mu_star_conf")


def morris_sample(bounds: Bounds, n: int, levels: int = 4, seed: int = 0) -> pd.DataFrame:
    """``n`` Morris trajectories over the boxes: ``n (D + 1)`` rows, a column per input.

    Raises:
        ValueError: ``n`` < 2 or ``levels`` not an even number of at least 2 (an odd
            number of levels cannot give every grid point the same chance).
    """
    from SALib.sample import morris as morris_sampler

    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n = {n!r}: the number of Morris trajectories, at least 2")
    if isinstance(levels, bool) or not isinstance(levels, int | np.integer) or levels < 2 \
            or levels % 2:
        raise ValueError(f"levels = {levels!r}: an even number of grid levels, at least 2")
    points = morris_sampler.sample(problem(bounds), int(n), num_levels=int(levels),
                                   seed=seed)
    return pd.DataFrame(points, columns=list(bounds))


def morris_analyse(bounds: Bounds, samples: pd.DataFrame | np.ndarray, y: np.ndarray,
                   levels: int = 4, conf_level: float = 0.95, seed: int = 0,
                   num_resamples: int = 1000) -> pd.DataFrame:
    """Morris indices of ``y`` (one value per row of ``samples``, in their order): a row
    per input with :data:`MORRIS_INDICES` (see the module docstring).

    Raises:
        ValueError: ``y`` has a value that is not finite, naming how many.
    """
    from SALib.analyze import morris as morris_analyser

    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{int(np.sum(~np.isfinite(y)))} of {y.size} outcomes are not "
                         "finite; Morris indices need a finite outcome everywhere")
    x = np.asarray(samples, dtype=float)
    result = morris_analyser.analyze(problem(bounds), x, y, num_resamples=num_resamples,
                                     conf_level=conf_level, print_to_console=False,
                                     num_levels=int(levels), seed=seed)
    return pd.DataFrame({k: np.asarray(result[k], dtype=float) for k in MORRIS_INDICES},
                        index=pd.Index(list(bounds), name="input"))


@dataclass
class MorrisResult:
    """Morris indices of one outcome: ``indices`` (a row per input, :data:`MORRIS_INDICES`),
    the ``samples`` (a row per design) and the outcome ``y`` of each."""

    indices: pd.DataFrame
    samples: pd.DataFrame
    y: np.ndarray


def morris_indices(func: Callable[[dict[str, float]], float], bounds: Bounds, n: int,
                   levels: int = 4, seed: int = 0) -> MorrisResult:
    """Morris indices of any function of named inputs over their boxes (its tests use
    functions whose indices are known in closed form)."""
    samples = morris_sample(bounds, n, levels, seed)
    y = np.array([func(row) for row in samples.to_dict("records")], dtype=float)
    return MorrisResult(morris_analyse(bounds, samples, y, levels, seed=seed), samples, y)
