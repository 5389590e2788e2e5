"""Global sensitivity of model outcomes to levers, resumable: Morris screening or Sobol
indices, the indices as a tidy table, their stability as the sample grows, and a figure.
What ``python -m sim.sensitivity`` runs.

A :class:`Screening` fixes the sample (method, levers and boxes, ``n``, grid levels,
sample seed, world, scenario, overrides): the same screening always draws the same
designs. The runs are kept in a folder (:mod:`sim.experiment.resume`), so a rerun does only
the (design, seed) pairs it lacks, and the folder records the screening (``spec.json``)
so that a different one is refused there.

**Stability.** Morris trajectories are independent, and Saltelli's sample is built block
by block from the points of a Sobol sequence, so the first half of either sample is a
sample of its own with ``n / 2``. The indices are computed on both, on the same runs; for
the main index (``mu_star`` for Morris, scaled by the largest ``mu_star`` at ``n``; ``ST``
for Sobol, already a share) the indices are called **stable** when

- no lever's main index moves by more than ``tolerance`` (default 0.1) from ``n / 2`` to
  ``n``, and
- no two levers whose main indices at ``n`` differ by more than ``tolerance`` swap order.

``stability.csv`` reports both numbers and the widest confidence half-width (scaled the
same way), which says how far the indices at ``n`` may still be from their limit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.levers import lever_bounds
from sim.experiment.morris import morris_analyse, morris_sample
from sim.experiment.outcomes import outcome
from sim.experiment.resume import claim_folder, run_resumable, save_runs
from sim.experiment.sensitivity import analyse as sobol_analyse
from sim.experiment.sensitivity import saltelli_sample

#: Methods, and the main index of each (the one stability is judged on).
METHODS: dict[str, str] = {"morris": "mu_star", "sobol": "ST"}
#: Columns of the tidy indices table (``indices.csv``).
INDEX_COLUMNS: tuple[str, ...] = ("method", "outcome", "lever", "index", "value", "conf", "n")
#: Columns of the stability table (``stability.csv``).
STABILITY_COLUMNS: tuple[str, ...] = ("method", "outcome", "index", "n_half", "n",
                                      "max_change", "swapped_pairs", "max_conf", "stable")


def check_n(method: str, n: int) -> int:
    """``n`` if the method can use it (and its half), else ValueError naming it.

    Morris: trajectories, at least 4 (two halves of at least 2). Sobol: the base sample,
    a power of 2, at least 4 (the Sobol sequence is balanced at powers of 2).
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r}: one of {', '.join(METHODS)}")
    what = "Morris trajectories" if method == "morris" else "Sobol's base sample, a power of 2"
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 4:
        raise ValueError(f"--n {n!r}: {what}, at least 4, so that its first half is a "
                         "sample of its own")
    if method == "sobol" and n & (n - 1):
        raise ValueError(f"--n {n}: Sobol's base sample must be a power of 2 (4, 8, 16, ...)")
    return int(n)


@dataclass(frozen=True)
class Screening:
    """What fixes a screening's sample and runs (everything but the seeds and outcomes).

    Attributes:
        method: ``morris`` or ``sobol``.
        bounds: lever name -> (lo, hi), each inside the lever's range.
        n: Morris trajectories, or Sobol's base sample (see :func:`check_n`).
        levels: Morris grid levels (even).
        sample_seed: the seed of the sample and of the bootstrap.
        world, scenario, overrides: as for :func:`sim.experiment.evaluate`.
    """

    method: str
    bounds: Mapping[str, tuple[float, float]]
    n: int
    levels: int = 4
    sample_seed: int = 0
    world: str = "small"
    scenario: str = "baseline"
    overrides: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, method: str, levers: Sequence[str] | Mapping[str, tuple[float, float] | None],
           n: int, **kwargs) -> Screening:
        """A screening over levers (their boxes, or boxes of your own checked against
        their ranges). Raises LeverError or ValueError naming the bad input."""
        check_n(method, n)
        bounds = lever_bounds(levers)
        if len(bounds) < 2:
            raise ValueError(f"--levers: name at least two levers (got {', '.join(bounds)})")
        levels = kwargs.get("levels", 4)
        if method == "morris" and (levels < 2 or levels % 2):
            raise ValueError(f"--levels {levels}: an even number of Morris grid levels, at "
                             "least 2 (an odd number gives the grid's points unequal chances)")
        overrides = tuple(kwargs.pop("overrides", ()))
        return cls(method, bounds, int(n), overrides=overrides, **kwargs)

    def record(self) -> dict:
        """The screening as JSON-able data (``spec.json``)."""
        data = asdict(self)
        data["bounds"] = {k: list(v) for k, v in self.bounds.items()}
        data["overrides"] = list(self.overrides)
        return data

    def digest(self) -> str:
        """A short hash of :meth:`record`: the default folder's name."""
        text = json.dumps(self.record(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def rows(self, n: int | None = None) -> int:
        """The designs of a sample with ``n`` (default: this one's)."""
        d = len(self.bounds)
        return (self.n if n is None else n) * (d + 1 if self.method == "morris" else d + 2)

    def sample(self) -> pd.DataFrame:
        """The designs: a row each, a column per lever."""
        if self.method == "morris":
            return morris_sample(self.bounds, self.n, self.levels, self.sample_seed)
        return saltelli_sample(self.bounds, self.n, seed=self.sample_seed)

    def analyse(self, samples: pd.DataFrame, y: np.ndarray, n: int | None = None,
                ) -> pd.DataFrame:
        """The indices of the first ``rows(n)`` designs: a row per lever."""
        k = self.rows(n)
        if self.method == "morris":
            return morris_analyse(self.bounds, samples.iloc[:k], y[:k], self.levels,
                                  seed=self.sample_seed)
        return sobol_analyse(self.bounds, y[:k], seed=self.sample_seed)[0]


def tidy(method: str, name: str, table: pd.DataFrame, n: int) -> pd.DataFrame:
    """A row per lever and index: the indices of one outcome in the shape of ``indices.csv``."""
    pairs = ({"mu": None, "mu_star": "mu_star_conf", "sigma": None} if method == "morris"
             else {"S1": "S1_conf", "ST": "ST_conf"})
    rows = [{"method": method, "outcome": name, "lever": lev, "index": index,
             "value": float(table.loc[lev, index]),
             "conf": float(table.loc[lev, conf]) if conf else np.nan, "n": n}
            for lev in table.index for index, conf in pairs.items()]
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def stability(method: str, name: str, half: pd.DataFrame, full: pd.DataFrame, n: int,
              tolerance: float = 0.1) -> dict:
    """Whether one outcome's main index is stable from ``n / 2`` to ``n`` (module
    docstring): a row of ``stability.csv``."""
    main = METHODS[method]
    a, b = half[main].to_numpy(float), full[main].to_numpy(float)
    conf = full[f"{main}_conf"].to_numpy(float)
    scale = float(np.max(np.abs(b))) if method == "morris" else 1.0
    scale = scale if scale > 0 else 1.0
    a, b, conf = a / scale, b / scale, conf / scale
    change = float(np.max(np.abs(a - b)))
    swapped = sum(1 for i in range(len(b)) for j in range(i + 1, len(b))
                  if abs(b[i] - b[j]) > tolerance and np.sign(a[i] - a[j]) != np.sign(b[i] - b[j]))
    return {"method": method, "outcome": name, "index": main, "n_half": n // 2, "n": n,
            "max_change": change, "swapped_pairs": swapped,
            "max_conf": float(np.nanmax(conf)) if len(conf) else np.nan,
            "stable": bool(change <= tolerance and swapped == 0)}


@dataclass
class ScreeningResult:
    """A finished screening: ``indices`` (tidy), ``stability`` (a row per outcome),
    ``runs`` (a row per design and seed), the ``folder`` and the ``figure`` path."""

    indices: pd.DataFrame
    stability: pd.DataFrame
    runs: pd.DataFrame
    folder: Path
    figure: Path | None = None


def screen(screening: Screening, outcomes: Sequence[str], seeds: Sequence[int],
           folder: str | Path, n_jobs: int = 1, progress: bool = True,
           tolerance: float = 0.1, figure: bool = True) -> ScreeningResult:
    """Run (or resume) a screening in ``folder`` and write its tables and figure.

    Writes ``spec.json``, ``design.csv`` (the sample), ``runs.csv`` (a row per design and
    seed; resumable), ``indices.csv`` (:data:`INDEX_COLUMNS`), ``stability.csv``
    (:data:`STABILITY_COLUMNS`) and ``morris.png`` or ``sobol.png``, each atomically.
    Indices are of each outcome averaged over the seeds.

    Raises:
        OutcomeError: an unknown outcome. ResumeError: the folder holds another screening.
        ValueError: an outcome that is not finite in some run (naming it).
    """
    for name in outcomes:
        outcome(name)
    if not outcomes:
        raise ValueError("--outcomes: name at least one outcome")
    if not seeds:
        raise ValueError("--seeds: at least one seed")
    folder = Path(folder)
    claim_folder(screening.record(), folder, "screening")
    samples = screening.sample()
    save_runs(samples.rename_axis("design").reset_index(), folder / "design.csv")
    runs = run_resumable(samples, seeds, folder, outcomes, n_jobs=n_jobs, progress=progress,
                         world=screening.world, scenario=screening.scenario,
                         overrides=screening.overrides)
    means = runs.groupby("design")[list(outcomes)].mean().reindex(range(len(samples)))
    parts, rows = [], []
    for name in outcomes:
        y = means[name].to_numpy(float)
        bad = int(np.sum(~np.isfinite(y)))
        if bad:
            raise ValueError(f"outcome {name}: {bad} of {y.size} designs have no finite "
                             "value (a headline this world or horizon lacks?)")
        full = screening.analyse(samples, y)
        half = screening.analyse(samples, y, screening.n // 2)
        parts.append(tidy(screening.method, name, full, screening.n))
        rows.append(stability(screening.method, name, half, full, screening.n, tolerance))
    indices = pd.concat(parts, ignore_index=True)
    stable = pd.DataFrame(rows, columns=list(STABILITY_COLUMNS))
    save_runs(indices, folder / "indices.csv")
    save_runs(stable, folder / "stability.csv")
    drawn = None
    if figure:
        from sim.plots.experiment_figures import morris_figure, sobol_figure
        from sim.plots.export import save

        fig = (morris_figure if screening.method == "morris" else sobol_figure)(indices)
        drawn = save(fig, folder / screening.method)[0]
    return ScreeningResult(indices, stable, runs, folder, drawn)
