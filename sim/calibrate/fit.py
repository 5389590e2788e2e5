"""The method of simulated moments (Gourieroux and Monfort; Grazzini and Richiardi 2015).

For parameters theta, the model runs on a fixed set of seeds (common random numbers, so
the objective is a deterministic function of theta), each in-sample moment is averaged
over the seeds, and the distance to the targets is

    J(theta) = sum_k w_k ((m_k(theta) - t_k) / h_k) ** 2

with h_k the half-width of target k's tolerance band (a miss of one band counts one).
``scipy.optimize.differential_evolution`` searches the box of allowed values globally,
then Nelder-Mead polishes. A profile of J along each parameter, the others at the
optimum, shows which parameters the targets identify (a flat profile: not identified).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from scipy import optimize

from sim.calibrate.moments import Target, compute, load_targets
from sim.config import Config, compose_config, validate
from sim.model.results import run

#: The cache key of the vendor-months at the markup guard (not a target id)
CAP_MONTHS = "nash_cap_months"


def nash_cap_months(results) -> float:
    """Vendor-months in which the Bertrand-Nash benchmark sits at the markup guard (1)."""
    return float(np.nansum(results.series("nash_at_markup_cap").to_numpy()))


@dataclass(frozen=True)
class FreeParameter:
    """A parameter no source pins down, with the box the search may use."""

    path: str  #: dotted config path, e.g. ``world.demand.quality_weight``
    low: float
    high: float


#: The parameters fitted by default: the weight of capability, the weight of privacy,
#: Anthropic's appeal beyond its capability (its enterprise share is a target of its own),
#: firms' price sensitivity, and the size and growth of the firms' market: the value of not
#: buying in each segment and the median firm's volume, and the growth of use with the
#: frontier (the revenue and market-size targets). The pull of open weights
#: (``spill_open``) and Western firms' trust in Chinese APIs had flat profiles in every
#: fit (docs/calibration.md): they stay priors.
DEFAULT_PARAMETERS: tuple[FreeParameter, ...] = (
    FreeParameter("world.demand.quality_weight", 1.0, 6.0),
    FreeParameter("world.demand.privacy_weight", 0.0, 6.0),
    FreeParameter("world.vendors.anthropic.appeal", -2.0, 8.0),
    FreeParameter("world.firms.startups.alpha", 1.2, 4.0),
    FreeParameter("world.firms.enterprises.alpha", 1.2, 4.0),
    FreeParameter("world.demand.volume_per_oom", 0.0, 0.25),
    FreeParameter("world.demand.outside_utility.startups", -8.0, 4.0),
    FreeParameter("world.demand.outside_utility.enterprises", -8.0, 4.0),
    FreeParameter("world.demand.outside_utility.nations", -8.0, 4.0),
    FreeParameter("world.demand.outside_utility.devices", -8.0, 4.0),
    FreeParameter("world.firms.startups.volume_median_mtok", 50.0, 2000.0),
    FreeParameter("world.firms.enterprises.volume_median_mtok", 500.0, 20000.0),
)

#: In ``targets`` mode (``world.history_mode=targets``) the rules price from 2023, so two
#: more parameters meet the in-sample facts: US firms' trust in Chinese APIs (T09, the
#: Chinese share of developer tokens; a flat profile while list prices were replayed) and the
#: serving overhead over the engineering cost (the revenue targets: the price level the rules
#: set), whose supply-side estimate is 4.77 (docs/calibration.md, "Supply side").
TARGETS_PARAMETERS: tuple[FreeParameter, ...] = (
    *DEFAULT_PARAMETERS,
    FreeParameter("world.demand.affinity.US.CN", -8.0, 0.0),
    FreeParameter("world.compute.serving_overhead", 1.0, 10.0),
)
#: The parameter sets ``python -m sim.calibrate --parameters`` offers.
PARAMETER_SETS: dict[str, tuple[FreeParameter, ...]] = {
    "default": DEFAULT_PARAMETERS, "targets": TARGETS_PARAMETERS}


def set_path(cfg: Config, path: str, value: float) -> None:
    """Set a dotted path on a config of dataclasses and dicts."""
    parts = path.split(".")
    node = cfg
    for part in parts[:-1]:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        node[parts[-1]] = value
    else:
        setattr(node, parts[-1], type(getattr(node, parts[-1]))(value))


def get_path(cfg: Config, path: str) -> float:
    node = cfg
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return float(node)


@dataclass
class Problem:
    """A calibration problem: the base config, the parameters, the targets, the seeds."""

    base: Config
    parameters: Sequence[FreeParameter]
    targets: Sequence[Target]  #: the targets fitted (in-sample)
    scored: Sequence[Target] = ()  #: every target whose moment is computed (for reports)
    seeds: Sequence[int] = (0, 1)
    #: J's cost of each vendor-month the Nash benchmark spends at the markup guard: the
    #: guard is numerical only, so a fit that leans on it is penalised (a constraint of the
    #: model, not a fact of the world)
    cap_penalty: float = 1.0
    evaluations: int = 0
    cache: dict = field(default_factory=dict)

    def config(self, theta: Sequence[float], seed: int) -> Config:
        cfg = copy.deepcopy(self.base)
        for p, value in zip(self.parameters, theta, strict=True):
            set_path(cfg, p.path, float(value))
        cfg.seed = int(seed)
        return validate(cfg)

    def moments(self, theta: Sequence[float], targets: Sequence[Target] | None = None,
                ) -> dict[str, np.ndarray]:
        """Each target's simulated moment on every seed (runs are cached by theta)."""
        key = tuple(round(float(x), 12) for x in theta)
        if key not in self.cache:
            self.evaluations += 1
            every = {t.id: t for t in [*self.targets, *self.scored] if t.moment}.values()
            results = [run(self.config(theta, seed)) for seed in self.seeds]
            runs = [compute(r, every) for r in results]
            self.cache[key] = {t.id: np.array([r[t.id] for r in runs]) for t in every}
            self.cache[key][CAP_MONTHS] = np.array([nash_cap_months(r) for r in results])
        wanted = targets if targets is not None else self.targets
        return {t.id: self.cache[key][t.id] for t in wanted}

    def distance(self, theta: Sequence[float]) -> float:
        """J(theta): squared misses in units of each target's half band, summed."""
        moments = self.moments(theta)
        total = 0.0
        for t in self.targets:
            value = float(np.mean(moments[t.id]))
            if not np.isfinite(value):
                return 1e6
            total += ((value - t.value) / t.half_width) ** 2
        key = tuple(round(float(x), 12) for x in theta)
        return total + self.cap_penalty * float(np.mean(self.cache[key][CAP_MONTHS]))


def build_problem(world: str = "small", seeds: int = 2,
                  parameters: Sequence[FreeParameter] = DEFAULT_PARAMETERS,
                  end: str = "2025-12", targets: Sequence[str] | None = None,
                  overrides: Sequence[str] = ()) -> Problem:
    """The calibration problem of ``python -m sim.calibrate`` (and of its posterior,
    :mod:`sim.calibrate.posterior`): ``world`` run from its start to ``end`` on seeds
    ``0..seeds-1``, fitted to the in-sample targets of ``sim/data/calibration_targets.csv``
    (or to the targets ``targets`` names), every mapped target scored; ``overrides`` are
    further config overrides (``world.history_mode=targets``, a rule).

    Raises:
        ValueError: a target id that is not an in-sample target.
    """
    every = load_targets()
    fitted = [t for t in every if t.role == "in_sample"]
    if targets is not None:
        known = {t.id: t for t in fitted}
        unknown = [i for i in targets if i not in known]
        if unknown:
            raise ValueError(f"targets {', '.join(unknown)}: not in-sample targets "
                             f"(those are {', '.join(known)})")
        fitted = [known[i] for i in targets]
    scored = [t for t in every if t.moment]
    base = compose_config([f"world={world}", f"world.end={end}", *overrides])
    return Problem(base, tuple(parameters), fitted, scored, seeds=range(seeds))


def fitted_values(world_file: str | Path,
                  parameters: Sequence[FreeParameter] = DEFAULT_PARAMETERS) -> dict[str, float]:
    """The values a world file (``scenarios/world/calibrated.yaml``, as
    ``python -m sim.calibrate`` writes it: the paths without their leading ``world.``) gives
    each parameter, by dotted path.

    Raises:
        KeyError: a parameter the file does not set (naming path and file).
    """
    tree = yaml.safe_load(Path(world_file).read_text(encoding="utf-8")) or {}
    values = {}
    for p in parameters:
        node = tree
        for part in p.path.split(".")[1:]:  # the file is the world node
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{p.path}: {world_file} does not set it")
            node = node[part]
        values[p.path] = float(node)
    return values


@dataclass
class Fit:
    """The result of a calibration."""

    parameters: list[FreeParameter]
    theta: np.ndarray
    distance: float
    evaluations: int
    seconds: float
    profiles: dict[str, tuple[np.ndarray, np.ndarray]]
    identified: dict[str, bool]

    def values(self) -> dict[str, float]:
        return {p.path: float(x) for p, x in zip(self.parameters, self.theta, strict=True)}


def profile(problem: Problem, theta: np.ndarray, points: int = 7,
            flat_tolerance: float = 1.0) -> tuple[dict, dict]:
    """J along each parameter's box, the others at ``theta``.

    A parameter counts as identified when J varies by more than ``flat_tolerance`` across
    its box: by default one squared half band, that is moving the parameter anywhere in
    its box cannot push a target by more than about one band.
    """
    profiles, identified = {}, {}
    for i, p in enumerate(problem.parameters):
        grid = np.linspace(p.low, p.high, points)
        values = []
        for x in grid:
            trial = np.array(theta, dtype=float)
            trial[i] = x
            values.append(problem.distance(trial))
        values = np.array(values)
        profiles[p.path] = (grid, values)
        identified[p.path] = bool(np.ptp(values) > flat_tolerance)
    return profiles, identified


def calibrate(problem: Problem, maxiter: int = 8, popsize: int = 5, polish_evals: int = 40,
              seed: int = 0, profile_points: int = 7) -> Fit:
    """Differential evolution over the box, a Nelder-Mead polish, then the profiles."""
    start = time.perf_counter()
    bounds = [(p.low, p.high) for p in problem.parameters]
    global_fit = optimize.differential_evolution(
        problem.distance, bounds, maxiter=maxiter, popsize=popsize, seed=seed, polish=False,
        init="sobol", tol=1e-6)
    local = optimize.minimize(problem.distance, global_fit.x, method="Nelder-Mead",
                              options={"maxfev": polish_evals, "xatol": 1e-3, "fatol": 1e-4})
    best = local.x if local.fun <= global_fit.fun else global_fit.x
    best = np.clip(best, [b[0] for b in bounds], [b[1] for b in bounds])
    profiles, identified = (profile(problem, best, profile_points) if profile_points
                            else ({}, {}))
    return Fit(list(problem.parameters), best, problem.distance(best), problem.evaluations,
               time.perf_counter() - start, profiles, identified)
