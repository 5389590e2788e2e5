"""Parameter uncertainty: draws of the levers from their priors, to run on common seeds.

Seeds alone give the model's stochastic spread. Parameters the 2023-2024 facts cannot
identify (flat calibration profiles: US firms' distrust of Chinese APIs, the open
spillover share; docs/calibration.md) are uncertain too, and a band that ignores them is
too narrow. :func:`sample_parameters` draws designs from each lever's prior, and
:func:`sim.experiment.evaluate_many` runs every draw on the same seeds (common random
numbers), so the spread across draws on one seed is the parameters' and the spread
across seeds for one draw is the model's noise.

Priors (:class:`Prior`):

- uniform over the lever's box (:attr:`sim.experiment.levers.Lever.box`: the calibration's
  search box for a fitted parameter, else the sourced range or a declared plausible box),
  the default;
- uniform over a box of your own, ``(lo, hi)``, or triangular, ``(lo, mode, hi)``;
- :func:`world_priors`: triangular over the box with its mode at a world's value, e.g. the
  fitted values of ``world=calibrated``. docs/calibration.md reports point estimates and
  whether each is identified, not intervals, so a fitted value is a mode here, not a
  posterior.

Designs are a Latin hypercube (McKay, Beckman and Conover 1979; ``scipy.stats.qmc``): each
lever's range is cut into ``n`` strata of equal prior probability and every stratum holds
exactly one draw, which covers each lever's range with far fewer draws than independent
sampling (``method="random"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.config import compose_raw
from sim.experiment.levers import LeverError, lever

#: Sampling methods of :func:`sample_parameters`.
METHODS: tuple[str, ...] = ("lhs", "random")


@dataclass(frozen=True)
class Prior:
    """A lever's prior: uniform over ``[lo, hi]``, or triangular with mode ``mode``."""

    lo: float
    hi: float
    mode: float | None = None

    @property
    def kind(self) -> str:
        return "uniform" if self.mode is None else "triangular"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The quantiles of probabilities ``u`` in [0, 1): maps a uniform draw to a draw."""
        u = np.asarray(u, dtype=float)
        lo, hi = self.lo, self.hi
        if self.mode is None:
            return lo + u * (hi - lo)
        width, c = hi - lo, self.mode
        split = (c - lo) / width  # the cdf at the mode
        left = lo + np.sqrt(u * width * (c - lo))
        right = hi - np.sqrt((1 - u) * width * (hi - c))
        return np.where(u < split, left, right)


PriorSpec = Prior | tuple[float, float] | tuple[float, float, float] | None


def prior(name: str, spec: PriorSpec = None) -> Prior:
    """The prior of lever ``name``: its box if ``spec`` is None, ``(lo, hi)``,
    ``(lo, mode, hi)`` or a :class:`Prior`; checked against the lever's range.

    Raises:
        LeverError: an unknown lever, or a prior that is empty, has its mode outside it, or
            leaves the lever's allowed range (naming lever, values and range).
    """
    lev = lever(name)
    if spec is None:
        spec = lev.box
    if not isinstance(spec, Prior):
        values = tuple(float(v) for v in spec)
        if len(values) == 2:
            spec = Prior(values[0], values[1])
        elif len(values) == 3:
            spec = Prior(values[0], values[2], values[1])
        else:
            raise LeverError(f"prior of {name} = {spec!r}: give (lo, hi) or (lo, mode, hi)")
    if not (math.isfinite(spec.lo) and math.isfinite(spec.hi) and spec.lo < spec.hi):
        raise LeverError(f"prior of {name} = [{spec.lo:g}, {spec.hi:g}]: needs lo < hi, "
                         "both finite")
    if spec.mode is not None and not spec.lo <= spec.mode <= spec.hi:
        raise LeverError(f"prior of {name}: mode {spec.mode:g} is outside "
                         f"[{spec.lo:g}, {spec.hi:g}]")
    lev.check(spec.lo)  # each end within the lever's range, or LeverError naming it
    lev.check(spec.hi)
    return spec


def world_priors(levers: Sequence[str], world: str = "calibrated",
                 scenario: str = "baseline") -> dict[str, Prior]:
    """Triangular priors over each lever's box, with the mode at the value of ``world``
    (with ``scenario``: a scenario lever's mode is the scenario's parameter).

    A lever whose world value is not in its box, or that the world does not set (a scenario
    lever on a scenario without it), keeps the uniform prior over its box.
    """
    tree = compose_raw([f"world={world}", f"scenario={scenario}"])
    out = {}
    for name in levers:
        lev = lever(name)
        if lev.paths:
            value = OmegaConf.select(tree, lev.paths[0], default=None)
        else:
            value = OmegaConf.select(tree, f"scenario.params.{lev.param}", default=None)
        lo, hi = lev.box
        inside = isinstance(value, int | float) and lo <= float(value) <= hi
        out[name] = prior(name, (lo, float(value), hi) if inside else (lo, hi))
    return out


def sample_parameters(levers: Sequence[str] | Mapping[str, PriorSpec], n: int,
                      seed: int = 0, method: str = "lhs") -> pd.DataFrame:
    """``n`` draws of the levers from their priors: a row per draw, a column per lever.

    Args:
        levers: lever names (each drawn uniformly over its box), or a mapping of lever name
            to a prior: ``(lo, hi)``, ``(lo, mode, hi)`` or a :class:`Prior`
            (:func:`world_priors` gives triangular ones at a world's values).
        n: the number of draws.
        seed: the seed of the design (the same seed gives the same draws).
        method: ``lhs``, a Latin hypercube (one draw in each of ``n`` equally probable
            strata of every lever, the strata paired at random), or ``random``
            (independent draws).

    The frame is a list of designs for :func:`sim.experiment.evaluate_many`, which runs
    each on every seed (common random numbers).

    Raises:
        LeverError: see :func:`prior`. ValueError: ``n`` < 1 or an unknown method.
    """
    from scipy.stats import qmc

    specs = dict(levers) if isinstance(levers, Mapping) else {name: None for name in levers}
    priors = {name: prior(name, spec) for name, spec in specs.items()}
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n = {n!r}: a number of draws, at least 1")
    if method not in METHODS:
        raise ValueError(f"method = {method!r}: one of {', '.join(METHODS)}")
    if not priors:
        raise ValueError("levers: name at least one lever to draw")
    rng = np.random.default_rng(seed)
    if method == "lhs":
        u = qmc.LatinHypercube(d=len(priors), rng=rng).random(int(n))
    else:
        u = rng.random((int(n), len(priors)))
    return pd.DataFrame({name: p.ppf(u[:, j]) for j, (name, p) in enumerate(priors.items())})
