"""Capability from evaluations: the Epoch Capabilities Index (ECI) on training compute,
time and the lab, estimated by ordinary least squares on the recorded releases.

The regression, on the history file's releases that have both an ECI score and a
training-compute estimate:

    ECI_i = a log10(C_i) + g tau_i + phi_lab(i) + eps_i

with C_i the training compute (FLOP), tau_i the years from the model's reference month
(``world.capability.reference_month``) to the release month, and phi_l a fixed effect per
lab (no common intercept: the fixed effects span it). Standard errors are classical,
s^2 (X'X)^-1 with s^2 = e'e / (n - k), and heteroskedasticity-robust HC1 (White 1980,
with the n / (n - k) correction), (n / (n - k)) (X'X)^-1 X' diag(e^2) X (X'X)^-1;
those of the derived quantities below come from the delta method.

The mapping into the model's unit, OOM of effective compute q (:mod:`sim.market.capability`):

    ECI = a q + c,      q = log10(C) + log10(m(t)) + e_lab

    a      ECI points per OOM          world.capability.index.points_per_oom
    c      = mean over labs of phi_l   world.capability.index.offset (ECI points)
    g / a  OOM per year of algorithmic progress (pre- and post-training), so that
           algo_halving_months = 12 log10(2) a / g          (months)
    e_l    = (phi_l - c) / a           world.vendors.<lab>.efficiency_oom (OOM; the mean lab 0)

so that a model placed by its compute, q = log10(C) + (g / a) tau + e_l, sits at the
regression's prediction on the ECI scale. ``python -m sim.calibrate.capability_index``
prints the estimates and the values for ``scenarios/world/default.yaml``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.core.calendar import parse_month

#: log10(2): the OOM in one doubling.
LOG10_2 = math.log10(2.0)
#: Decimals the world file stores of each estimate (the shipped values are these roundings).
DIGITS = 3


@dataclass(frozen=True)
class Releases:
    """The releases the regression uses: one entry per release, in file order."""

    labs: tuple[str, ...]
    log_flop: np.ndarray  # log10 of training compute (log10 FLOP)
    years: np.ndarray  # years from the reference month to the release month
    eci: np.ndarray  # ECI points
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexFit:
    """An OLS fit of ECI on log10 FLOP, years and lab fixed effects.

    Attributes:
        names: the coefficients, ``log10_flop``, ``years``, then one per lab (``lab:<id>``).
        coef: their estimates; ``cov``, ``cov_hc1``: classical and HC1 covariances.
        n, r2: releases used and the share of the ECI variance explained (centred).
        sigma: the residual standard deviation, sqrt(e'e / (n - k)) (ECI points).
        labs: the labs with a fixed effect, in ``names`` order.
    """

    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    cov_hc1: np.ndarray
    n: int
    r2: float
    sigma: float
    labs: tuple[str, ...]

    def _cov(self, robust: bool) -> np.ndarray:
        return self.cov_hc1 if robust else self.cov

    def se(self, robust: bool = False) -> np.ndarray:
        """Standard errors of :attr:`coef` (classical, or HC1 with ``robust``)."""
        return np.sqrt(np.diag(self._cov(robust)))

    @property
    def points_per_oom(self) -> float:
        """a: ECI points per OOM of effective compute (the log10 FLOP coefficient)."""
        return float(self.coef[0])

    @property
    def points_per_year(self) -> float:
        """g: ECI points per year at equal compute and lab."""
        return float(self.coef[1])

    @property
    def fixed_effects(self) -> np.ndarray:
        """phi_l: each lab's ECI at log10 FLOP = 0 and tau = 0 (ECI points)."""
        return self.coef[2:]

    # -- the mapping, with delta-method standard errors ------------------------------------

    def _derived(self) -> tuple[dict[str, float], dict[str, np.ndarray]]:
        """Values and gradients (over :attr:`coef`) of the quantities the model uses."""
        a, g, phi = self.points_per_oom, self.points_per_year, self.fixed_effects
        n_labs = len(phi)
        k = len(self.coef)
        values: dict[str, float] = {}
        grads: dict[str, np.ndarray] = {}
        offset = float(phi.mean())
        values["offset"] = offset
        grads["offset"] = np.r_[0.0, 0.0, np.full(n_labs, 1.0 / n_labs)]
        values["eci_at_q25"] = 25.0 * a + offset
        grads["eci_at_q25"] = grads["offset"] + np.r_[25.0, np.zeros(k - 1)]
        values["algo_oom_per_year"] = g / a
        grads["algo_oom_per_year"] = np.r_[-g / a**2, 1.0 / a, np.zeros(n_labs)]
        values["algo_halving_months"] = 12.0 * LOG10_2 * a / g
        grads["algo_halving_months"] = np.r_[12.0 * LOG10_2 / g, -12.0 * LOG10_2 * a / g**2,
                                             np.zeros(n_labs)]
        for j, lab in enumerate(self.labs):
            key = f"efficiency:{lab}"
            values[key] = (phi[j] - offset) / a
            grad = np.zeros(k)
            grad[0] = -(phi[j] - offset) / a**2
            grad[2:] = -1.0 / (n_labs * a)
            grad[2 + j] += 1.0 / a
            grads[key] = grad
        return values, grads

    def derived(self, robust: bool = False) -> dict[str, tuple[float, float]]:
        """The mapping's quantities with their standard errors (delta method):

        ``offset`` (c, ECI points), ``eci_at_q25`` (25 a + c: the map at the data's
        centre, where it is precise; c alone is an extrapolation to q = 0),
        ``algo_oom_per_year`` (g / a, OOM per year),
        ``algo_halving_months`` (12 log10(2) a / g, months) and ``efficiency:<lab>``
        ((phi_l - c) / a, OOM).
        """
        values, grads = self._derived()
        cov = self._cov(robust)
        return {key: (value, float(np.sqrt(grads[key] @ cov @ grads[key])))
                for key, value in values.items()}

    @property
    def offset(self) -> float:
        """c: the mean lab's fixed effect, so that ECI = a q + c (ECI points)."""
        return float(self.fixed_effects.mean())

    @property
    def algo_halving_months(self) -> float:
        """Months for the compute a capability needs to halve: 12 log10(2) a / g."""
        return 12.0 * LOG10_2 * self.points_per_oom / self.points_per_year

    def efficiency_oom(self) -> dict[str, float]:
        """Each lab's efficiency relative to the mean lab, (phi_l - c) / a (OOM)."""
        return {lab: float((phi - self.offset) / self.points_per_oom)
                for lab, phi in zip(self.labs, self.fixed_effects, strict=True)}

    def world_values(self, digits: int = DIGITS) -> dict[str, float]:
        """The values the world file stores, rounded to ``digits`` decimals, by config path
        (``capability.index.points_per_oom``, ``vendors.<lab>.efficiency_oom``, ...)."""
        values = {"capability.index.points_per_oom": self.points_per_oom,
                  "capability.index.offset": self.offset,
                  "capability.algo_halving_months": self.algo_halving_months}
        values.update({f"vendors.{lab}.efficiency_oom": e
                       for lab, e in self.efficiency_oom().items()})
        return {path: round(value, digits) for path, value in values.items()}


def ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of ``y`` (n,) on the columns of ``x`` (n, k).

        b = (X'X)^-1 X'y,   e = y - X b
        V = s^2 (X'X)^-1,   s^2 = e'e / (n - k)                            (classical)
        V_HC1 = n / (n - k) (X'X)^-1 X' diag(e^2) X (X'X)^-1                (White, HC1)

    Returns (b, e, V, V_HC1). Raises ValueError when X has less than full column rank or
    no degree of freedom is left (n <= k).
    """
    n, k = x.shape
    if n <= k:
        raise ValueError(f"{n} observations for {k} coefficients: no degree of freedom left")
    if np.linalg.matrix_rank(x) < k:
        raise ValueError("the regressors are collinear (X'X is singular)")
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    e = y - x @ b
    cov = float(e @ e) / (n - k) * xtx_inv
    meat = (x * (e**2)[:, None]).T @ x
    cov_hc1 = n / (n - k) * xtx_inv @ meat @ xtx_inv
    return b, e, cov, cov_hc1


def fit_index(releases: Releases) -> IndexFit:
    """The OLS fit of ECI on log10 FLOP, years and one fixed effect per lab (module
    docstring). Labs are ordered by their first release."""
    labs = tuple(dict.fromkeys(releases.labs))
    dummies = np.array([[lab == name for name in labs] for lab in releases.labs], dtype=float)
    x = np.column_stack([releases.log_flop, releases.years, dummies])
    y = np.asarray(releases.eci, dtype=float)
    b, e, cov, cov_hc1 = ols(y, x)
    r2 = 1.0 - float(e @ e) / float(((y - y.mean()) ** 2).sum())
    sigma = math.sqrt(float(e @ e) / (len(y) - x.shape[1]))
    names = ("log10_flop", "years", *(f"lab:{lab}" for lab in labs))
    return IndexFit(names, b, cov, cov_hc1, len(y), r2, sigma, labs)


def history_releases(history_file: str, reference_month: str) -> Releases:
    """The releases of a history file (``sim/data``) with both an ECI score and a training
    compute, with the years from ``reference_month`` to each release month."""
    from sim.data import load_events  # the data layer, read only when a file is asked for

    ref = parse_month(reference_month)
    rows = [e for e in load_events(history_file)
            if e.kind == "release" and e.eci is not None and e.training_flop is not None]
    return Releases(
        labs=tuple(e.vendor for e in rows),
        log_flop=np.log10([e.training_flop for e in rows]),
        years=np.array([(parse_month(e.date) - ref) / 12.0 for e in rows]),
        eci=np.array([e.eci for e in rows]),
        models=tuple(e.model or "" for e in rows),
    )


def report(fit: IndexFit) -> str:
    """The estimates, their standard errors and the mapping, as text."""
    lines = [f"ECI = a log10(FLOP) + g years + phi_lab     n = {fit.n}, "
             f"k = {len(fit.coef)}, R^2 = {fit.r2:.3f}, residual SD = {fit.sigma:.2f} points",
             "",
             f"{'coefficient':<22}{'estimate':>10}{'SE':>9}{'SE HC1':>9}"]
    for name, b, se, robust in zip(fit.names, fit.coef, fit.se(), fit.se(robust=True),
                                   strict=True):
        lines.append(f"{name:<22}{b:>10.3f}{se:>9.3f}{robust:>9.3f}")
    lines += ["", "mapping into the model (ECI = a q + c; delta-method SEs)",
              f"{'quantity':<32}{'value':>10}{'SE':>9}{'SE HC1':>9}"]
    plain, robust = fit.derived(), fit.derived(robust=True)
    lines.append(f"{'a: points per OOM':<32}{fit.points_per_oom:>10.3f}"
                 f"{fit.se()[0]:>9.3f}{fit.se(robust=True)[0]:>9.3f}")
    labels = {"offset": "c: offset (ECI points)", "eci_at_q25": "ECI at q = 25: 25 a + c",
              "algo_oom_per_year": "g/a: algorithmic OOM per year",
              "algo_halving_months": "algo_halving_months"}
    for key, (value, se) in plain.items():
        label = labels.get(key, key.replace("efficiency:", "efficiency_oom ") + " (OOM)")
        lines.append(f"{label:<32}{value:>10.3f}{se:>9.3f}{robust[key][1]:>9.3f}")
    lines += ["", "values for scenarios/world/default.yaml (rounded as stored):"]
    lines += [f"  {path}: {value}" for path, value in fit.world_values().items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate.capability_index",
        description="Estimate the map from training compute, time and lab to the Epoch "
                    "Capabilities Index on the world's history file, and print it.")
    parser.add_argument("--world", default="default",
                        help="the world whose history_file and reference month to use")
    args = parser.parse_args(argv)
    from sim.config import compose_config  # Hydra: only for the command

    world = compose_config([f"world={args.world}"]).world
    releases = history_releases(world.history_file, world.capability.reference_month)
    print(f"{world.history_file}: {len(releases.eci)} releases with ECI and training FLOP "
          f"(years from {world.capability.reference_month})\n")
    print(report(fit_index(releases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
