"""The model for EMA Workbench (Kwakkel 2017): levers as uncertainties, headlines as
outcomes, ready for ``perform_experiments`` and scenario discovery.

    from ema_workbench import SequentialEvaluator, perform_experiments
    from sim.experiment import ema_model

    model = ema_model(levers=["cn_price_factor", "us_distrust_of_cn"],
                      outcomes=["soft_power_cn", "cn_share_startups@mean"],
                      overrides=["world.end=2026-06"])
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=20, evaluator=evaluator)

Each lever becomes a ``RealParameter`` over its box (:attr:`Lever.box`, or a box of your
own), each outcome a ``ScalarOutcome``; a run is :func:`sim.experiment.evaluate`. With
``replications`` > 1 the model is a ``ReplicatorModel`` that runs every experiment on
seeds ``seed, seed + 1, ...`` (common random numbers) and reports each outcome's mean over
them; with one, a ``Model`` on ``seed``.

EMA Workbench is an optional extra: ``pip install -e '.[ema]'`` (``make test`` installs
it). :func:`ema_prim` runs EMA's PRIM (with pasting) and returns the project's
:class:`sim.experiment.prim.PrimResult`, so both PRIMs give the same tables.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.experiment.evaluate import evaluate
from sim.experiment.levers import DEFAULT_LEVERS, lever
from sim.experiment.outcomes import outcome
from sim.experiment.prim import PrimResult


def workbench() -> ModuleType:
    """The ``ema_workbench`` package, or ImportError saying how to install it."""
    try:
        with warnings.catch_warnings():  # its optional back-ends warn when absent
            warnings.simplefilter("ignore", UserWarning)
            return importlib.import_module("ema_workbench")
    except ImportError as err:
        raise ImportError("EMA Workbench is an optional extra: pip install -e '.[ema]' "
                          f"({err})") from err


def run_design(world: str, scenario: str, outcomes: tuple[str, ...],
               overrides: tuple[str, ...], seed: int = 0, **levers: float) -> dict[str, float]:
    """One experiment: the levers on ``seed`` (EMA passes them as keywords)."""
    return evaluate(levers, seed, world=world, scenario=scenario, outcomes=outcomes,
                    overrides=overrides)


def ema_model(world: str = "small", levers: Sequence[str] | Mapping[str, Any] = DEFAULT_LEVERS,
              outcomes: Sequence[str] | None = None, replications: int = 1,
              scenario: str = "baseline", overrides: Sequence[str] = (), seed: int = 0,
              name: str = "aimarket") -> Any:
    """An ``ema_workbench.Model`` (``ReplicatorModel`` when ``replications`` > 1).

    Args:
        world, scenario, overrides: as for :func:`sim.experiment.evaluate`.
        levers: lever names (each over its box), or a mapping of name to ``(lo, hi)``
            (checked against the lever's range) or None (its box).
        outcomes: outcome names; every headline's end value if None.
        replications: seeds per experiment; above 1, outcomes are means over them.
        seed: the (first) seed.
        name: the model's name in EMA's tables (letters and digits).

    Raises:
        LeverError, OutcomeError: an unknown lever or outcome, or a box outside a range.
        ValueError: ``replications`` below 1. ImportError: EMA Workbench not installed.
    """
    ema = workbench()
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications = {replications!r}: a whole number, at least 1")
    items = levers.items() if isinstance(levers, Mapping) else ((k, None) for k in levers)
    boxes = {}
    for key, box in items:
        lev = lever(key)
        boxes[key] = lev.box if box is None else (lev.check(box[0]), lev.check(box[1]))
    names = tuple(outcomes) if outcomes is not None else tuple(h.key for h in HEADLINES)
    for key in names:
        outcome(key)
    function = functools.partial(run_design, world, scenario, names, tuple(overrides))
    if replications == 1:
        model = ema.Model(name, function=function)
        model.constants = [ema.Constant("seed", int(seed))]
        model.outcomes = [ema.ScalarOutcome(key) for key in names]
    else:
        model = ema.ReplicatorModel(name, function=function)
        model.replications = [{"seed": int(seed) + i} for i in range(replications)]
        model.outcomes = [ema.ScalarOutcome(key, function=np.mean) for key in names]
    model.uncertainties = [ema.RealParameter(key, float(lo), float(hi))
                           for key, (lo, hi) in boxes.items()]
    return model


def ema_prim(x: pd.DataFrame, y: np.ndarray | pd.Series, threshold: float = 0.8,
             alpha: float = 0.05, mass_min: float = 0.05) -> PrimResult:
    """EMA Workbench's PRIM (peeling, then pasting) on levers ``x`` and the runs of
    interest ``y``, as a :class:`PrimResult` (its trajectory and boxes).

    Args:
        x: the levers, a column each, a row per run.
        y: per run, whether it is of interest.
        threshold: the density EMA's search aims at (``Prim(threshold=...)``).
        alpha, mass_min: the peeling share and the smallest box (as :func:`prim`).
    """
    workbench()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as ema_prim_module

        interest = np.asarray(y, dtype=bool)
        found = ema_prim_module.Prim(x.reset_index(drop=True).astype(float), interest,
                                     threshold=threshold, peel_alpha=alpha,
                                     mass_min=mass_min).find_box()
    steps = found.peeling_trajectory
    trajectory = pd.DataFrame({"coverage": steps.coverage.to_numpy(float),
                               "density": steps.density.to_numpy(float),
                               "mass": steps.mass.to_numpy(float),
                               "restricted": steps.res_dim.to_numpy(int)})
    boxes = [pd.DataFrame({"lo": lims.loc[0, list(x.columns)].to_numpy(float),
                           "hi": lims.loc[1, list(x.columns)].to_numpy(float)},
                          index=x.columns) for lims in found.box_lims]
    return PrimResult(trajectory, boxes)
