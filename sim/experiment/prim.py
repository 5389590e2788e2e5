"""Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman and Fisher
1999; Bryant and Lempert 2010): a box of lever ranges in which the runs of interest
concentrate.

Starting from the box around every run, each step peels off the ``alpha`` share of the
runs still inside at one end of one lever, choosing the peel that leaves the highest share
of runs of interest (the density), until fewer than ``mass_min`` of all runs remain. The
trajectory lists every box with its coverage (the share of all runs of interest that it
holds), density and mass (the share of all runs it holds); the researcher picks a box on
it, typically the last one above a density threshold. No pasting, one box (EMA
Workbench's ``prim`` does more; this one has no dependency).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class PrimResult:
    """The peeling trajectory and its boxes.

    Attributes:
        trajectory: a row per box: ``coverage``, ``density``, ``mass``, ``restricted``
            (how many levers the box limits).
        boxes: the box of each row: a DataFrame with ``lo`` and ``hi`` per lever.
    """

    trajectory: pd.DataFrame
    boxes: list[pd.DataFrame]

    def chosen(self, min_density: float = 0.8) -> int:
        """The row of the box of highest coverage whose density reaches ``min_density``
        (of several, the densest; if none reaches it, the densest box)."""
        good = self.trajectory[self.trajectory.density >= min_density]
        if not len(good):
            return int(self.trajectory.density.idxmax())
        best = good[good.coverage == good.coverage.max()]  # ties: the densest
        return int(best.density.idxmax())

    def box(self, min_density: float = 0.8) -> pd.DataFrame:
        """The box of highest coverage whose density reaches ``min_density`` (else the
        densest box)."""
        return self.boxes[self.chosen(min_density)]


def prim(x: pd.DataFrame, y: np.ndarray | pd.Series, alpha: float = 0.05,
         mass_min: float = 0.05) -> PrimResult:
    """PRIM's peeling trajectory.

    Args:
        x: the levers, a column each, a row per run (e.g. the lever columns of
            :func:`sim.experiment.evaluate_many`'s table).
        y: per run, whether it is of interest (booleans, or 0/1).
        alpha: the share of the box's runs peeled off in one step.
        mass_min: stop before the box holds fewer than this share of all runs.
    """
    values = x.to_numpy(dtype=float)
    interest = np.asarray(y, dtype=float)
    if values.shape[0] != interest.size:
        raise ValueError(f"{values.shape[0]} rows of levers but {interest.size} outcomes")
    if not np.isin(interest, (0.0, 1.0)).all():
        raise ValueError("y must say per run whether it is of interest (booleans or 0/1)")
    n, total = len(interest), interest.sum()
    lo, hi = values.min(axis=0), values.max(axis=0)
    inside = np.ones(n, dtype=bool)
    rows, boxes = [], []

    def record() -> None:
        held = interest[inside]
        rows.append({"coverage": held.sum() / total if total else np.nan,
                     "density": held.mean(), "mass": inside.mean(),
                     "restricted": int(np.sum((lo > values.min(axis=0))
                                              | (hi < values.max(axis=0))))})
        boxes.append(pd.DataFrame({"lo": lo.copy(), "hi": hi.copy()}, index=x.columns))

    record()
    while True:
        best = None  # (density, -removed, column, side, limit)
        for j in range(values.shape[1]):
            column = values[inside, j]
            for side, limit in (("lo", np.quantile(column, alpha)),
                                ("hi", np.quantile(column, 1 - alpha))):
                keep = inside & ((values[:, j] >= limit) if side == "lo"
                                 else (values[:, j] <= limit))
                removed = inside.sum() - keep.sum()
                # a peel must remove something and leave enough; ties: peel the fewest
                if removed == 0 or keep.sum() < mass_min * n:
                    continue
                candidate = (interest[keep].mean(), -removed, j, side, limit)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        if best is None:
            break
        _, _, j, side, limit = best
        if side == "lo":
            inside &= values[:, j] >= limit
            lo[j] = limit
        else:
            inside &= values[:, j] <= limit
            hi[j] = limit
        record()
    return PrimResult(pd.DataFrame(rows), boxes)
