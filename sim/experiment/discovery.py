"""Scenario discovery: which lever settings lead to an outcome of interest, as PRIM boxes.
What ``python -m sim.discover "soft_power_cn > 0.3"`` runs.

A Latin hypercube of ``n`` designs over the levers' boxes
(:func:`sim.experiment.sample_parameters`) runs on every seed, resumably
(:mod:`sim.experiment.resume`); each run (a design on a seed) is a case, of interest when
its outcome meets the condition. PRIM (:mod:`sim.experiment.prim`) then peels the lever
space down to boxes where such runs concentrate.

**Which PRIM.** The project's own (:func:`sim.experiment.prim.prim`: peeling only, no
dependency) by default, so the same command gives the same boxes whether or not EMA
Workbench is installed; ``prim="ema"`` runs EMA Workbench's (peeling then pasting,
:func:`sim.experiment.ema.ema_prim`), written in the same tables.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.levers import lever_bounds
from sim.experiment.outcomes import outcome
from sim.experiment.prim import PrimResult, prim
from sim.experiment.resume import claim_folder, run_resumable, save_runs
from sim.experiment.uncertainty import sample_parameters

#: Comparisons a condition may use.
OPERATORS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
#: PRIM implementations: the project's (default) and EMA Workbench's.
PRIMS: tuple[str, ...] = ("project", "ema")
#: Columns of ``boxes.csv``: a row per box of the peeling trajectory and lever.
BOX_COLUMNS: tuple[str, ...] = ("condition", "box", "lever", "lo", "hi", "coverage",
                                "density", "mass", "restricted", "chosen")
_CONDITION = re.compile(r"^\s*([A-Za-z_][\w]*(?:@[\w-]+)?)\s*(>=|<=|>|<)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Condition:
    """Runs of interest: ``outcome op threshold`` (``soft_power_cn > 0.3``)."""

    outcome: str
    op: str
    threshold: float

    @property
    def text(self) -> str:
        return f"{self.outcome} {self.op} {self.threshold:g}"

    def of(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Per value, whether it meets the condition."""
        return OPERATORS[self.op](np.asarray(values, dtype=float), self.threshold)


def parse_condition(text: str) -> Condition:
    """``"soft_power_cn > 0.3"`` as a :class:`Condition`.

    Raises:
        ValueError: not ``OUTCOME OP NUMBER`` with OP one of >, >=, <, <=, naming the text.
        OutcomeError: an unknown outcome.
    """
    match = _CONDITION.match(text)
    if not match:
        raise ValueError(f"condition {text!r}: write OUTCOME OP NUMBER, OP one of "
                         f"{', '.join(OPERATORS)}, e.g. \"soft_power_cn > 0.3\"")
    name, op, number = match.groups()
    outcome(name)
    try:
        threshold = float(number)
    except ValueError:
        raise ValueError(f"condition {text!r}: {number!r} is not a number") from None
    if not np.isfinite(threshold):
        raise ValueError(f"condition {text!r}: the threshold must be finite")
    return Condition(name, op, threshold)


@dataclass(frozen=True)
class Discovery:
    """What fixes the runs of a discovery: levers and boxes, ``n`` designs, the sample's
    seed, world, scenario, overrides and the outcome (not the threshold: another threshold
    on the same outcome reuses the runs)."""

    bounds: Mapping[str, tuple[float, float]]
    n: int
    outcome: str
    sample_seed: int = 0
    world: str = "small"
    scenario: str = "baseline"
    overrides: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, levers: Sequence[str] | Mapping[str, tuple[float, float] | None], n: int,
           outcome_name: str, **kwargs) -> Discovery:
        """Raises LeverError or ValueError naming the bad input."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
            raise ValueError(f"--n {n!r}: the number of designs, at least 2")
        bounds = lever_bounds(levers)
        if not bounds:
            raise ValueError("--levers: name at least one lever")
        overrides = tuple(kwargs.pop("overrides", ()))
        return cls(bounds, int(n), outcome_name, overrides=overrides, **kwargs)

    def record(self) -> dict:
        """The settings as JSON-able data (``spec.json``)."""
        return {"bounds": {k: list(v) for k, v in self.bounds.items()}, "n": self.n,
                "outcome": self.outcome, "sample_seed": self.sample_seed,
                "world": self.world, "scenario": self.scenario,
                "overrides": list(self.overrides)}

    def digest(self) -> str:
        """A short hash of :meth:`record`: the default folder's name."""
        text = json.dumps(self.record(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def sample(self) -> pd.DataFrame:
        """The designs: a Latin hypercube over the boxes, a row each."""
        return sample_parameters(dict(self.bounds), self.n, seed=self.sample_seed)


def boxes_table(found: PrimResult, condition: Condition, min_density: float) -> pd.DataFrame:
    """The trajectory's boxes in the shape of ``boxes.csv`` (:data:`BOX_COLUMNS`)."""
    chosen = found.chosen(min_density)
    rows = []
    for k, (step, box) in enumerate(zip(found.trajectory.itertuples(), found.boxes,
                                        strict=True)):
        for name, limits in box.iterrows():
            rows.append({"condition": condition.text, "box": k, "lever": name,
                         "lo": float(limits.lo), "hi": float(limits.hi),
                         "coverage": float(step.coverage), "density": float(step.density),
                         "mass": float(step.mass), "restricted": int(step.restricted),
                         "chosen": k == chosen})
    return pd.DataFrame(rows, columns=list(BOX_COLUMNS))


@dataclass
class DiscoveryResult:
    """A finished discovery: ``boxes`` (``boxes.csv``), the ``runs``, the ``folder``, the
    ``figure`` path, and the share of runs of interest."""

    boxes: pd.DataFrame
    runs: pd.DataFrame
    folder: Path
    share: float
    figure: Path | None = None

    @property
    def chosen(self) -> pd.DataFrame:
        """The chosen box: a row per lever."""
        return self.boxes[self.boxes.chosen].reset_index(drop=True)


def discover(spec: Discovery, condition: Condition, seeds: Sequence[int],
             folder: str | Path, n_jobs: int = 1, progress: bool = True,
             alpha: float = 0.05, mass_min: float = 0.05, min_density: float = 0.8,
             method: str = "project", figure: bool = True) -> DiscoveryResult:
    """Run (or resume) the designs in ``folder``, then PRIM; write ``boxes.csv`` and
    ``prim.png`` (and ``spec.json``, ``design.csv``, ``runs.csv``), each atomically.

    Args:
        spec, condition: the runs and the runs of interest.
        seeds: the seeds each design runs on; every run is a case.
        alpha, mass_min: PRIM's peeling share and smallest box (shares of runs).
        min_density: the chosen box is the one of highest coverage with at least this
            density (else the densest).
        method: ``project`` or ``ema`` (:data:`PRIMS`).

    Raises:
        ValueError: an unknown method, an outcome that is NaN in some run, or a condition
            that no run (or every run) meets, with the outcome's range.
    """
    if method not in PRIMS:
        raise ValueError(f"--prim {method!r}: one of {', '.join(PRIMS)}")
    if condition.outcome != spec.outcome:
        raise ValueError(f"condition on {condition.outcome}, runs of {spec.outcome}")
    folder = Path(folder)
    claim_folder(spec.record(), folder, "discovery")
    designs = spec.sample()
    save_runs(designs.rename_axis("design").reset_index(), folder / "design.csv")
    runs = run_resumable(designs, seeds, folder, [spec.outcome], n_jobs=n_jobs,
                         progress=progress, world=spec.world, scenario=spec.scenario,
                         overrides=spec.overrides)
    values = runs[spec.outcome].to_numpy(float)
    if np.isnan(values).any():
        raise ValueError(f"outcome {spec.outcome} is NaN in {int(np.isnan(values).sum())} of "
                         f"{values.size} runs (a headline this world or horizon lacks?)")
    interest = condition.of(values)
    if interest.all() or not interest.any():
        raise ValueError(f"{'every' if interest.all() else 'no'} run meets {condition.text}: "
                         f"{spec.outcome} ranges from {values.min():.4g} to "
                         f"{values.max():.4g} over the {values.size} runs; move the threshold")
    x = runs[list(spec.bounds)]
    if method == "ema":
        from sim.experiment.ema import ema_prim

        found = ema_prim(x, interest, threshold=min_density, alpha=alpha, mass_min=mass_min)
    else:
        found = prim(x, interest, alpha=alpha, mass_min=mass_min)
    boxes = boxes_table(found, condition, min_density)
    save_runs(boxes, folder / "boxes.csv")
    drawn = None
    if figure:
        from sim.plots.experiment_figures import prim_figure
        from sim.plots.export import save

        drawn = save(prim_figure(boxes, dict(spec.bounds), condition.text), folder / "prim")[0]
    return DiscoveryResult(boxes, runs, folder, float(interest.mean()), drawn)
