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
  fitted values of ``world=calibrated`` (a mode, not a posterior);
- :func:`sample_posterior`: the calibration's posterior (``scenarios/posterior/calibrated.yaml``,
  written by ``python -m sim.calibrate.posterior``): a multivariate normal around the fitted
  values with the SMM sandwich covariance, truncated to each parameter's box by rejection;
  the parameters the facts do not identify uniform over their box.

Designs are a Latin hypercube (McKay, Beckman and Conover 1979; ``scipy.stats.qmc``): each
lever's range is cut into ``n`` strata of equal prior probability and every stratum holds
exactly one draw, which covers each lever's range with far fewer draws than independent
sampling (``method="random"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from sim.config import SCENARIOS_DIR, compose_raw
from sim.experiment.levers import LEVERS, LeverError, lever

#: Sampling methods of :func:`sample_parameters`.
METHODS: tuple[str, ...] = ("lhs", "random")
#: The calibration's posterior, as ``python -m sim.calibrate.posterior`` writes it.
POSTERIOR_FILE: Path = SCENARIOS_DIR / "posterior" / "calibrated.yaml"


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


# -- the calibration's posterior ------------------------------------------------------------------

def lever_of_path(path: str) -> str | None:
    """The lever that sets exactly the config path ``path`` (None where there is none)."""
    for name, lev in LEVERS.items():
        if lev.paths == (path,):
            return name
    return None


@dataclass(frozen=True)
class FittedPosterior:
    """The calibration's posterior, read from its YAML file (:func:`load_posterior`).

    Attributes:
        paths: each fitted parameter's config path.
        names: its lever's name where a lever sets that path, else the path (what a design
            file's column is called).
        mean: the fitted values, the normal's centre (parameter units).
        boxes: each parameter's box, P x 2: its lever's box where it has a lever (for a
            fitted parameter the calibration's search box), else the file's.
        identified: a boolean per parameter.
        covariance: over the identified parameters, in the order of ``paths``.
    """

    paths: tuple[str, ...]
    names: tuple[str, ...]
    mean: np.ndarray
    boxes: np.ndarray
    identified: np.ndarray
    covariance: np.ndarray


def load_posterior(file: str | Path = POSTERIOR_FILE) -> FittedPosterior:
    """Read the posterior file (``scenarios/posterior/calibrated.yaml`` by default).

    Raises:
        FileNotFoundError: no such file (naming the command that writes it).
        ValueError: a file whose parameters, block and covariance do not agree.
    """
    file = Path(file)
    if not file.is_file():
        raise FileNotFoundError(f"no posterior at {file}: python -m sim.calibrate.posterior "
                                "writes it")
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    params = data["parameters"]
    paths = tuple(p["path"] for p in params)
    names = tuple(lever_of_path(path) or path for path in paths)
    boxes = np.array([LEVERS[n].box if n in LEVERS else p["box"]
                      for n, p in zip(names, params, strict=True)], dtype=float)
    identified = np.array([bool(p["identified"]) for p in params])
    block = data["identified_block"]
    if list(block["paths"]) != [path for path, k in zip(paths, identified, strict=True) if k]:
        raise ValueError(f"{file}: identified_block.paths do not match the identified "
                         "parameters")
    covariance = np.array(block["covariance"], dtype=float).reshape(
        int(identified.sum()), int(identified.sum()))
    mean = np.array([float(p["mean"]) for p in params])
    outside = [n for n, x, (lo, hi) in zip(names, mean, boxes, strict=True)
               if not lo <= x <= hi]
    if outside:
        raise ValueError(f"{file}: fitted values outside their boxes: {', '.join(outside)}")
    return FittedPosterior(paths, names, mean, boxes, identified, covariance)


def sample_posterior(levers: Sequence[str] | None = None, n: int = 50, seed: int = 0,
                     method: str = "lhs", file: str | Path = POSTERIOR_FILE,
                     max_candidates: int = 1000) -> pd.DataFrame:
    """``n`` draws from the calibration's posterior: a row per draw, a column per name.

    The identified parameters are drawn jointly from the normal N(theta_hat, V) of the
    file (:mod:`sim.calibrate.posterior`), x = theta_hat + L z with V = L L' (Cholesky) and
    z standard normal scores, and a draw with any of them outside its box is rejected and
    replaced: the draws follow the normal truncated to the box, which is the posterior
    under a uniform prior over the box. (Clipping instead would pile the mass beyond a
    bound onto the bound, a point mass no belief holds.) The truncation is over every
    identified parameter's box, drawn or not, so a column is the marginal of the one
    truncated posterior whichever columns are asked for.

    Args:
        levers: the names to draw: levers (``quality_weight``) or the file's config paths
            (``world.demand.outside_utility.startups``); None or empty: every parameter of
            the file, each named by its lever where one exists. An unidentified parameter,
            and a lever the calibration does not fit (``spill_open``), is drawn uniformly
            over its box, independently.
        n, seed: the number of draws and the seed (the same seed gives the same draws).
        method: ``lhs``: the normal scores and uniforms of each batch of candidates come
            from a Latin hypercube (stratified in every margin before rejection: exact
            strata only where none is rejected); ``random``: independent.
        file: the posterior file.
        max_candidates: give up (ValueError) after ``max_candidates * n`` candidates.

    Raises:
        LeverError: a name that is neither a lever nor a path of the file.
        ValueError: a bad ``n`` or method, a covariance that is not positive definite, or
            a box that holds too little of the normal to draw from.
    """
    from scipy.stats import norm, qmc

    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n = {n!r}: a number of draws, at least 1")
    if method not in METHODS:
        raise ValueError(f"method = {method!r}: one of {', '.join(METHODS)}")
    post = load_posterior(file)
    wanted = list(levers) if levers else list(post.names)
    where = {**{p: i for i, p in enumerate(post.paths)},
             **{m: i for i, m in enumerate(post.names)}}
    uniform: dict[str, Prior] = {}
    for name in wanted:
        if name in where and post.identified[where[name]]:
            continue
        if name in where:  # unidentified: its box
            lo, hi = post.boxes[where[name]]
            uniform[name] = Prior(float(lo), float(hi))
        else:  # a lever the calibration does not fit, or LeverError
            uniform[name] = prior(name)
    ident = np.flatnonzero(post.identified)
    k = ident.size
    try:
        chol = np.linalg.cholesky(post.covariance) if k else np.zeros((0, 0))
    except np.linalg.LinAlgError as err:
        raise ValueError(f"{file}: the covariance is not positive definite") from err
    lo, hi = post.boxes[ident, 0], post.boxes[ident, 1]
    d = k + len(uniform)
    rng = np.random.default_rng(seed)
    kept: list[np.ndarray] = []
    got = tried = 0
    while got < n:
        need = n - got
        rate = got / tried if tried else 1.0
        batch = int(min(max(need / max(rate, 1e-3), need), max_candidates * n))
        if method == "lhs":
            u = qmc.LatinHypercube(d=d, rng=rng).random(batch) if d else np.zeros((batch, 0))
        else:
            u = rng.random((batch, d))
        x = post.mean[ident] + norm.ppf(u[:, :k]) @ chol.T
        inside = np.all((x >= lo) & (x <= hi), axis=1)
        rows = np.column_stack([x, u[:, k:]])[inside]
        kept.append(rows)
        got += len(rows)
        tried += batch
        if got < n and tried >= max_candidates * n:
            raise ValueError(f"{file}: only {got} of {tried} candidates fell in the boxes "
                             "(the normal lies mostly outside them); widen the boxes or "
                             "check the posterior")
    rows = np.vstack(kept)[:n]
    columns = {}
    for name in wanted:
        if name in uniform:
            j = k + list(uniform).index(name)
            columns[name] = uniform[name].ppf(rows[:, j])
        else:
            columns[name] = rows[:, list(ident).index(where[name])]
    return pd.DataFrame(columns)
