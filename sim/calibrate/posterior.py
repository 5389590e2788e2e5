"""The posterior of the calibration: the SMM sandwich covariance of the fitted parameters.

The fit (:mod:`sim.calibrate.fit`) minimises

    J(theta) = (m(theta) - t)' W (m(theta) - t),     W = diag(1 / h_k^2)

over the in-sample targets k = 1..K, with m_k(theta) the moment averaged over S seeds
(common random numbers), t_k the published figure and h_k the half-width of its band
(:meth:`sim.calibrate.fit.Problem.distance`; J in squared half bands). Linearising the
moments around the fitted values theta_hat, m(theta) ~ m(theta_hat) + G (theta - theta_hat)
with G = dm/dtheta (K x P, target units per parameter unit), the minimiser moves with the
error e = m(theta_hat) - t as theta - theta_hat = -(G'WG)^-1 G'W e, so

    V = (G'WG)^-1 G'W Omega W G (G'WG)^-1          (parameter units squared)

where Omega = Cov(e) (K x K, target units squared). In the textbook method of simulated
moments (Gourieroux and Monfort 1996; Grazzini and Richiardi 2015) the data moments are a
sample mean with covariance Omega and the S simulated paths add Omega / S, hence the
factor (1 + 1/S). Here the targets are published figures with bands, not samples, so the
two sides of e are written out separately:

    Omega = Omega_data + Omega_sim / S
    Omega_data = diag((h_k / z)^2),   z = 1.645 (the band read as a 90% interval: each
                                       half-width is 1.645 standard deviations of its figure)
    Omega_sim  = the covariance of the single-seed moments across the S seeds at theta_hat

Omega_data says how far the true figure may lie from the quoted one (sources' spread,
definitions, rounding), as the band's author judged it; it is an assumption about the band,
not an estimate. Omega_sim / S is the noise the seed average leaves in m(theta_hat). With
Omega_data = Omega_sim the formula is the textbook (1 + 1/S) Omega. History read as one
realisation of the model's own noise would add Omega_sim once more; it is left out, as the
bands are read as covering the figures' whole uncertainty.

G is taken by central finite differences, each parameter's step a fixed share of its box
(``rel_step``, 5% by default), both points clipped into the box (:func:`jacobian`). With
common random numbers the averaged moments are a deterministic function of theta, so the
differences carry no seed noise, only the model's discreteness over the step.

Identification. The moments need not pin every parameter (10 in-sample targets for 12
parameters: at least two directions are flat). In box units (each parameter scaled by its
box width, so a step of 1 crosses the box), M = D G'WG D (D = diag(widths)) is the
curvature of the linearised J: moving the parameters along a unit direction v raises J by
v'Mv squared half bands. A set of parameters counts as identified when every direction within
it raises J by at least ``tol`` (1 squared half band across a whole box, the profiles' flat
tolerance in :func:`sim.calibrate.fit.profile`): the smallest eigenvalue of M over the set is
>= ``tol``. :func:`identified` keeps the largest such set, and of those the stiffest (the
largest smallest eigenvalue; Brun, Reichert and Kuensch 2001 rank parameter subsets by the
same quantity, their collinearity index being 1 / sqrt of it). At lambda = tol = 1 the
posterior SD along that direction is about 1 / z = 0.61 box widths, twice a uniform's over
the box (0.29): a flatter direction says less than the box. The set need not be unique
(the file reports how many sets of that size pass); the parameters outside it are
unidentified: no precision is claimed for them, and draws take them from their box
(uniform). The sandwich is computed on
the identified block only, so its covariance is conditional on the unidentified parameters
at their fitted values. The condition numbers of M (all parameters, and the identified
block) are reported.

    python -m sim.calibrate.posterior [--world small] [--seeds 3] [--out PATH]

reads the fitted values from ``scenarios/world/calibrated.yaml`` and writes
``scenarios/posterior/calibrated.yaml`` (atomically), which
:func:`sim.experiment.uncertainty.sample_posterior` and
``python -m sim.experiment.draws ... --prior posterior`` draw from.
"""

from __future__ import annotations

import argparse
import itertools
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.calibrate.fit import (
    CAP_MONTHS,
    DEFAULT_PARAMETERS,
    FreeParameter,
    Problem,
    build_problem,
    fitted_values,
)
from sim.config import SCENARIOS_DIR
from sim.core.files import write_text
from sim.outputs.files import git_commit

#: A band's half-width in standard deviations of its figure: the band read as a 90%
#: interval of a normal, scipy.stats.norm.ppf(0.95).
BAND_Z = 1.6448536269514722
#: The default finite-difference step, as a share of each parameter's box.
REL_STEP = 0.05
#: The default flatness tolerance (squared half bands across a whole box; see
#: :func:`identified`), the profiles' ``flat_tolerance``.
FLAT_TOL = 1.0
#: Up to this many parameters the identified set is searched over every subset (2^P).
EXHAUSTIVE_UP_TO = 16
#: Where the command writes the posterior, and where it reads the fitted values.
POSTERIOR_FILE = SCENARIOS_DIR / "posterior" / "calibrated.yaml"
WORLD_FILE = SCENARIOS_DIR / "world" / "calibrated.yaml"


# -- pure functions -------------------------------------------------------------------------------

def jacobian(moment_fn: Callable[[np.ndarray], np.ndarray], theta: Sequence[float],
             steps: Sequence[float], lower: Sequence[float] | None = None,
             upper: Sequence[float] | None = None) -> np.ndarray:
    """G = dm/dtheta by central differences (K x P; moment units per parameter unit).

        G[:, i] = (m(theta + a e_i) - m(theta - b e_i)) / (a + b)

    with a = b = ``steps[i]``, except that each point is clipped into ``[lower, upper]``
    where those are given (a fitted value near its box's edge gets a one-sided share of
    the step; the quotient stays a first-order derivative).

    Raises:
        ValueError: a step that is not positive, a stencil of zero width, or moments that
            are not finite (naming the parameter).
    """
    theta = np.asarray(theta, dtype=float)
    steps = np.asarray(steps, dtype=float)
    if steps.shape != theta.shape or not np.all(steps > 0):
        raise ValueError(f"steps {steps.tolist()}: one positive step per parameter")
    lo = np.full_like(theta, -np.inf) if lower is None else np.asarray(lower, dtype=float)
    hi = np.full_like(theta, np.inf) if upper is None else np.asarray(upper, dtype=float)
    columns = []
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] = min(theta[i] + steps[i], hi[i])
        minus[i] = max(theta[i] - steps[i], lo[i])
        width = plus[i] - minus[i]
        if width <= 0:
            raise ValueError(f"parameter {i}: the stencil [{minus[i]:g}, {plus[i]:g}] is empty")
        up = np.asarray(moment_fn(plus), dtype=float)
        down = np.asarray(moment_fn(minus), dtype=float)
        if not (np.all(np.isfinite(up)) and np.all(np.isfinite(down))):
            raise ValueError(f"parameter {i}: moments not finite at {minus[i]:g} or "
                             f"{plus[i]:g} ({down.tolist()}, {up.tolist()})")
        columns.append((up - down) / width)
    return np.column_stack(columns)


def sandwich(G: np.ndarray, W: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """V = (G'WG)^-1 G'W Omega W G (G'WG)^-1 (P x P; parameter units squared).

    G: K x P (moment units per parameter unit); W: K x K (1 / moment units squared);
    Omega: K x K, the covariance of the moments' error (moment units squared). With
    W = Omega^-1 it is (G' Omega^-1 G)^-1, the efficient estimator's variance.

    Raises:
        numpy.linalg.LinAlgError: G'WG singular (separate the identified block first,
            :func:`identified`).
    """
    G, W, omega = (np.asarray(a, dtype=float) for a in (G, W, omega))
    bread = np.linalg.inv(G.T @ W @ G)
    meat = G.T @ W @ omega @ W @ G
    V = bread @ meat @ bread
    return (V + V.T) / 2.0  # symmetric to rounding


def curvature(G: np.ndarray, W: np.ndarray, scale: Sequence[float] | None = None) -> np.ndarray:
    """M = D G'WG D, D = diag(``scale``): the Gauss-Newton curvature of J in units of
    ``scale`` (squared half bands per box width squared when ``scale`` is the box widths)."""
    G = np.asarray(G, dtype=float)
    D = np.ones(G.shape[1]) if scale is None else np.asarray(scale, dtype=float)
    Gs = G * D
    return Gs.T @ np.asarray(W, dtype=float) @ Gs


def condition_number(M: np.ndarray) -> float:
    """The 2-norm condition number of a symmetric positive semi-definite matrix
    (largest over smallest eigenvalue; inf when the smallest is zero or below)."""
    if M.size == 0:
        return float("nan")
    values = np.linalg.eigvalsh(M)
    return float(values[-1] / values[0]) if values[0] > 0 else float("inf")


def identified_sets(G: np.ndarray, W: np.ndarray, tol: float = FLAT_TOL,
                    scale: Sequence[float] | None = None,
                    max_exhaustive: int = EXHAUSTIVE_UP_TO) -> tuple[np.ndarray, int | None]:
    """The identified parameters (a boolean per column of G), and how many sets of
    parameters of the same size would pass too.

    With M = D G'WG D (:func:`curvature`; D = diag(``scale``), the box widths), moving the
    parameters along a unit direction v raises the linearised J by v'Mv. A set of
    parameters is identified when every direction within it does so by at least ``tol``:
    the smallest eigenvalue of M over the set (the others held at their values) is
    >= ``tol``. The identified set is the largest such set and, among the sets of that
    size, the stiffest (largest smallest eigenvalue); a parameter with a zero column in G
    is never in it. The search is over every set for up to ``max_exhaustive`` parameters
    (dropping a parameter never lowers the smallest eigenvalue, by Cauchy's interlacing,
    so the search stops at the first size with a valid set); above that, greedy: drop
    the parameter whose removal raises the smallest eigenvalue most (the count is then
    None). The choice need not be unique: the count says how many sets of that size pass.
    """
    G = np.asarray(G, dtype=float)
    p = G.shape[1]
    M = curvature(G, W, scale)

    def stiffness(index: Sequence[int]) -> float:
        return float(np.linalg.eigvalsh(M[np.ix_(index, index)])[0]) if len(index) else np.inf

    if p <= max_exhaustive:
        for size in range(p, 0, -1):
            passing = [(stiffness(c), c) for c in itertools.combinations(range(p), size)]
            passing = [(lam, c) for lam, c in passing if lam >= tol]
            if passing:
                best = max(passing, key=lambda item: item[0])[1]
                keep = np.zeros(p, dtype=bool)
                keep[list(best)] = True
                return keep, len(passing)
        return np.zeros(p, dtype=bool), 0
    keep = np.ones(p, dtype=bool)
    while keep.any() and stiffness(np.flatnonzero(keep)) < tol:
        index = np.flatnonzero(keep)
        gains = [stiffness(np.delete(index, k)) for k in range(index.size)]
        keep[index[int(np.argmax(gains))]] = False
    return keep, None


def identified(G: np.ndarray, W: np.ndarray, tol: float = FLAT_TOL,
               scale: Sequence[float] | None = None) -> np.ndarray:
    """Which parameters the moments identify (a boolean per column of G): the largest,
    then stiffest, set over which every direction of the linearised J rises by at least
    ``tol`` across a box (:func:`identified_sets`). The kept block's condition number is
    at most its largest eigenvalue / ``tol``."""
    return identified_sets(G, W, tol, scale)[0]


def data_covariance(half_widths: Sequence[float], z: float = BAND_Z) -> np.ndarray:
    """Omega_data = diag((h_k / z)^2): each band's half-width read as z standard
    deviations of its figure (target units squared)."""
    h = np.asarray(half_widths, dtype=float)
    return np.diag((h / z) ** 2)


def simulation_covariance(per_seed: np.ndarray) -> np.ndarray:
    """Omega_sim: the covariance (ddof 1) of the single-seed moments across seeds
    (``per_seed`` S x K; target units squared); zeros with one seed (no estimate)."""
    per_seed = np.atleast_2d(np.asarray(per_seed, dtype=float))
    k = per_seed.shape[1]
    if per_seed.shape[0] < 2:
        return np.zeros((k, k))
    return np.atleast_2d(np.cov(per_seed, rowvar=False, ddof=1))


@dataclass
class Block:
    """The posterior of the identified block: what :func:`posterior_covariance` returns."""

    identified: np.ndarray     #: a boolean per parameter
    covariance: np.ndarray     #: P_id x P_id, parameter units squared
    condition: float           #: condition number of M over every parameter (box units)
    condition_identified: float  #: condition number of M over the identified block
    alternatives: int | None = None  #: sets of the same size that pass too (None: greedy)


def posterior_covariance(G: np.ndarray, W: np.ndarray, omega: np.ndarray,
                         scale: Sequence[float], tol: float = FLAT_TOL) -> Block:
    """Separate the identified block (:func:`identified`) and take its sandwich.

    The condition numbers are of M = D G'WG D in box units (D the box widths), so that
    they compare parameters of different units.
    """
    keep, alternatives = identified_sets(G, W, tol, scale)
    scale = np.asarray(scale, dtype=float)
    full = condition_number(curvature(G, W, scale))
    if not keep.any():
        return Block(keep, np.zeros((0, 0)), full, float("nan"), alternatives)
    G_id = np.asarray(G, dtype=float)[:, keep]
    return Block(keep, sandwich(G_id, W, omega), full,
                 condition_number(curvature(G_id, W, scale[keep])), alternatives)


# -- the model ------------------------------------------------------------------------------------

@dataclass
class Posterior:
    """The posterior of the fitted parameters (see the module docstring)."""

    parameters: list[FreeParameter]
    theta: np.ndarray              #: the fitted values (the normal's centre)
    identified: np.ndarray         #: a boolean per parameter
    covariance: np.ndarray         #: over the identified parameters, in their order
    condition: float
    condition_identified: float
    alternatives: int | None       #: identified sets of the same size (see identified_sets)
    jacobian: np.ndarray           #: K x P, target units per parameter unit
    steps: np.ndarray              #: the finite-difference steps (parameter units)
    targets: list[str]             #: target ids, the rows of the jacobian
    target_values: np.ndarray
    half_widths: np.ndarray
    moments: np.ndarray            #: S x K, each seed's moments at theta
    omega_data: np.ndarray
    omega_sim: np.ndarray
    seeds: list[int]
    distance: float                #: J at theta (squared half bands)
    cap_months: float              #: mean vendor-months at the markup guard at theta
    tol: float
    z: float                       #: a band's half-width in SDs of its figure
    rel_step: float                #: the step as a share of each box
    evaluations: int
    seconds: float

    @property
    def sd(self) -> np.ndarray:
        """Posterior SD per parameter (parameter units); nan where unidentified."""
        out = np.full(len(self.parameters), np.nan)
        out[self.identified] = np.sqrt(np.diag(self.covariance))
        return out

    @property
    def correlation(self) -> np.ndarray:
        """The identified block's correlation matrix."""
        sd = np.sqrt(np.diag(self.covariance))
        return self.covariance / np.outer(sd, sd)

    @property
    def gradient(self) -> np.ndarray:
        """dJ/dtheta at theta in box units, 2 D G'W (m - t) (squared half bands per box
        width): zero at an interior optimum; how far theta is from J's minimum."""
        widths = np.array([p.high - p.low for p in self.parameters])
        miss = self.moments.mean(axis=0) - self.target_values
        return 2.0 * widths * (self.jacobian.T @ (miss / self.half_widths ** 2))


def estimate_posterior(problem: Problem, theta_hat: Sequence[float],
                       seeds: Sequence[int] | None = None, rel_step: float = REL_STEP,
                       tol: float = FLAT_TOL, z: float = BAND_Z,
                       progress: Callable[[str], None] | None = None) -> Posterior:
    """Run the model around ``theta_hat`` and return the sandwich posterior.

    Runs (1 + 2P) parameter sets on every seed of ``seeds`` (default: the problem's): the
    moments at theta_hat, per seed (Omega_sim), and at theta_hat +- a step of
    ``rel_step`` times each box (the Jacobian of the seed-averaged moments). The weights
    are the fit's, W = diag(1 / h_k^2) over ``problem.targets``; the penalty the fit adds
    for vendor-months at the markup guard is a constraint, not a moment, and is left out
    (its value at theta_hat is reported).
    """
    start = time.perf_counter()
    if seeds is not None:
        problem.seeds = tuple(seeds)
        problem.cache.clear()
    theta = np.asarray(theta_hat, dtype=float)
    params = list(problem.parameters)
    lower = np.array([p.low for p in params])
    upper = np.array([p.high for p in params])
    widths = upper - lower
    outside = [p.path for p, x in zip(params, theta, strict=True) if not p.low <= x <= p.high]
    if outside:
        raise ValueError(f"fitted values outside their boxes: {', '.join(outside)}")
    targets = list(problem.targets)
    ids = [t.id for t in targets]
    done = 0

    def averaged(trial: np.ndarray) -> np.ndarray:
        nonlocal done
        moments = problem.moments(trial)
        done += 1
        if progress:
            progress(f"parameter set {done} of {1 + 2 * len(params)}")
        return np.array([float(np.mean(moments[i])) for i in ids])

    averaged(theta)
    at_hat = problem.moments(theta)
    per_seed = np.column_stack([at_hat[i] for i in ids])  # S x K
    steps = rel_step * widths
    G = jacobian(averaged, theta, steps, lower, upper)
    h = np.array([t.half_width for t in targets])
    W = np.diag(1.0 / h ** 2)
    omega_data = data_covariance(h, z)
    omega_sim = simulation_covariance(per_seed)
    S = per_seed.shape[0]
    block = posterior_covariance(G, W, omega_data + omega_sim / S, widths, tol)
    key = tuple(round(float(x), 12) for x in theta)
    return Posterior(
        parameters=params, theta=theta, identified=block.identified,
        covariance=block.covariance, condition=block.condition,
        condition_identified=block.condition_identified,
        alternatives=block.alternatives, jacobian=G, steps=steps,
        targets=ids, target_values=np.array([t.value for t in targets]), half_widths=h,
        moments=per_seed, omega_data=omega_data, omega_sim=omega_sim,
        seeds=list(problem.seeds), distance=problem.distance(theta),
        cap_months=float(np.mean(problem.cache[key][CAP_MONTHS])), tol=tol, z=z,
        rel_step=rel_step, evaluations=done, seconds=time.perf_counter() - start)


# -- the file -------------------------------------------------------------------------------------

def _number(x: float, digits: int = 6) -> float | None:
    return None if not np.isfinite(x) else float(f"{float(x):.{digits}g}")


class _Dumper(yaml.SafeDumper):
    """Lists of plain numbers and strings on one line (boxes, matrix rows, seeds)."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flat = all(isinstance(x, int | float | str) or x is None for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _represent_list)


def to_yaml(post: Posterior, world: str, command: str, fitted_from: str) -> str:
    """The posterior as a YAML data file (a header of comments, then the data)."""
    sd = post.sd
    widths = np.array([p.high - p.low for p in post.parameters])
    ident = [p.path for p, k in zip(post.parameters, post.identified, strict=True) if k]
    parameters = []
    for i, p in enumerate(post.parameters):
        box_sd = widths[i] / np.sqrt(12.0)
        parameters.append({
            "path": p.path, "box": [float(p.low), float(p.high)],
            "mean": float(post.theta[i]), "sd": _number(sd[i]),
            "identified": bool(post.identified[i]),
            "sd_over_box_sd": _number(sd[i] / box_sd, 3),
            "step": _number(post.steps[i]),
            "gradient_box_units": _number(post.gradient[i], 4)})
    data: dict[str, Any] = {
        "what": "posterior of the calibrated parameters: normal(mean, covariance) over the "
                "identified ones, truncated to their boxes by the draws; unidentified ones "
                "from their box (uniform)",
        "world": world, "fitted_from": fitted_from, "seeds": post.seeds,
        "date": datetime.now(UTC).date().isoformat(), "git_commit": git_commit(),
        "command": command, "seconds": round(post.seconds, 1),
        "evaluations": post.evaluations,
        "method": {
            "variance": "V = (G'WG)^-1 G'W Omega W G (G'WG)^-1 over the identified block",
            "W": "diag(1 / h_k^2), h_k a target's half band (the fit's distance)",
            "Omega": "diag((h_k / z)^2) + Omega_sim / S; Omega_sim the covariance of the "
                     "single-seed moments across the S seeds",
            "z": post.z, "rel_step": post.rel_step,
            "jacobian": "central differences, both points clipped into the box",
            "centre": "the fitted values of fitted_from; J there is `distance` and its slope "
                      "gradient_box_units (zero at the fit's optimum): the normal is the "
                      "local approximation at those values",
            "flat_tol": post.tol,
            "identified": "the largest set of parameters over which every direction of "
                          "M = D G'WG D (D: box widths) raises J by at least flat_tol "
                          "squared half bands across a box (smallest eigenvalue >= "
                          "flat_tol), and of those sets the stiffest"},
        "distance": _number(post.distance), "markup_guard_months": _number(post.cap_months),
        "condition_number": _number(post.condition),
        "condition_number_identified": _number(post.condition_identified),
        "identified_sets_of_that_size": post.alternatives,
        "curvature_eigenvalues": [_number(x, 4) for x in np.linalg.eigvalsh(
            curvature(post.jacobian, np.diag(1.0 / post.half_widths ** 2), widths))],
        "unidentified": [p.path for p, k in zip(post.parameters, post.identified, strict=True)
                         if not k],
        "parameters": parameters,
        "identified_block": {
            "paths": ident,
            "covariance": [[float(x) for x in row] for row in post.covariance],
            "correlation": [[round(float(x), 4) for x in row] for row in post.correlation]},
        "targets": [{"id": t, "value": float(v), "half_width": float(h),
                     "simulated": _number(m), "sd_data": _number(np.sqrt(od)),
                     "sd_seed": _number(np.sqrt(os_))}
                    for t, v, h, m, od, os_ in zip(
                        post.targets, post.target_values, post.half_widths,
                        post.moments.mean(axis=0), np.diag(post.omega_data),
                        np.diag(post.omega_sim), strict=True)],
        "jacobian": {"rows": post.targets, "columns": [p.path for p in post.parameters],
                     "values": [[_number(x) for x in row] for row in post.jacobian]},
    }
    header = ("# The posterior of the calibration (the SMM sandwich covariance), written by\n"
              f"# `{command}`; see sim/calibrate/posterior.py and docs/calibration.md\n"
              "# (Posterior). Data, not a config: drawn from by --prior posterior.\n")
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=100)


def table(post: Posterior) -> str:
    """A Markdown table of the posterior (docs/calibration.md)."""
    rows = ["| parameter | box | fitted | posterior SD | SD / box SD | identified |",
            "|---|---|---|---|---|---|"]
    for i, p in enumerate(post.parameters):
        box_sd = (p.high - p.low) / np.sqrt(12.0)
        if post.identified[i]:
            sd = post.sd[i]
            rows.append(f"| `{p.path}` | [{p.low:g}, {p.high:g}] | {post.theta[i]:.4g} | "
                        f"{sd:.3g} | {sd / box_sd:.2f} | yes |")
        else:
            rows.append(f"| `{p.path}` | [{p.low:g}, {p.high:g}] | {post.theta[i]:.4g} | "
                        f"- (box: {box_sd:.3g}) | - | no: drawn from its box |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate.posterior",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default="small", help="world the fit ran on (small)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per parameter set (3)")
    parser.add_argument("--out", type=Path, default=POSTERIOR_FILE,
                        help="the YAML to write (scenarios/posterior/calibrated.yaml)")
    parser.add_argument("--world-file", type=Path, default=WORLD_FILE,
                        help="where the fitted values are (scenarios/world/calibrated.yaml)")
    parser.add_argument("--rel-step", type=float, default=REL_STEP,
                        help="finite-difference step, a share of each box (0.05)")
    parser.add_argument("--tol", type=float, default=FLAT_TOL,
                        help="flatness tolerance, squared half bands across a box (1)")
    parser.add_argument("--end", default="2025-12", help="last month of each run (as the fit)")
    parser.add_argument("--parameters", default=None,
                        help="comma-separated paths, a subset of the fitted ones (all)")
    parser.add_argument("--targets", default=None,
                        help="comma-separated in-sample target ids (all in-sample)")
    args = parser.parse_args(argv)
    if args.seeds < 1 or not 0 < args.rel_step < 0.5:
        parser.error("--seeds needs at least 1 and --rel-step a share in (0, 0.5)")
    params = list(DEFAULT_PARAMETERS)
    if args.parameters:
        by_path = {p.path: p for p in DEFAULT_PARAMETERS}
        wanted = args.parameters.split(",")
        unknown = [w for w in wanted if w not in by_path]
        if unknown:
            parser.error(f"--parameters {', '.join(unknown)}: not fitted parameters")
        params = [by_path[w] for w in wanted]
    try:
        values = fitted_values(args.world_file, params)
        problem = build_problem(args.world, args.seeds, params, args.end,
                                args.targets.split(",") if args.targets else None)
    except (KeyError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    theta = [values[p.path] for p in params]
    print(f"posterior of {len(params)} parameters from {len(problem.targets)} targets on the "
          f"{args.world} world, seeds {list(problem.seeds)}: {1 + 2 * len(params)} parameter "
          "sets...", file=sys.stderr, flush=True)
    post = estimate_posterior(problem, theta, rel_step=args.rel_step, tol=args.tol,
                              progress=lambda s: print(s, file=sys.stderr, flush=True))
    command = "python -m sim.calibrate.posterior " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    write_text(args.out, to_yaml(post, args.world, command.strip(), _shown(args.world_file)))
    print(table(post))
    unidentified = [p.path for p, k in zip(params, post.identified, strict=True) if not k]
    print(f"\ncondition number of G'WG (box units): {post.condition:.3g}; identified block: "
          f"{post.condition_identified:.3g}")
    if unidentified:
        print("unidentified (the moments do not pin them; draws take them from their box): "
              + ", ".join(unidentified))
    print(f"J at the fitted values: {post.distance:.4g}; {post.seconds:.0f} s; "
          f"written to {args.out}", file=sys.stderr)
    return 0


def _shown(path: Path) -> str:
    """A path relative to the repository where it lies in it (no absolute paths in files)."""
    try:
        return str(Path(path).resolve().relative_to(SCENARIOS_DIR.parent))
    except ValueError:
        return Path(path).name


if __name__ == "__main__":
    sys.exit(main())
