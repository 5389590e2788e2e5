"""How much of a sweep's spread comes from the parameters and how much from the seeds.

A sweep over parameter draws × seeds runs draw d (d = 1..D) on seeds s = 1..n_d. With
y_ds an outcome, ȳ_d the mean of draw d over its seeds, ȳ the mean of all N = Σ n_d runs,
the law of total variance splits the runs' variance (population variances, ddof 0) exactly:

    Var_total = (1/N) Σ_d Σ_s (y_ds − ȳ)²
              = (1/N) Σ_d n_d (ȳ_d − ȳ)²        between draws: the parameters
              + (1/N) Σ_d Σ_s (y_ds − ȳ_d)²     within draws: the seeds
    share_param = between / Var_total,   share_seed = within / Var_total = 1 − share_param

With n_d = S seeds for every draw this is Var_between-draws(mean over seeds) +
E_draws(Var within draw over seeds). It is a split of the spread observed, and the
between term still holds the seeds' noise of each draw's mean (σ²_seed / S): with few seeds
it overstates the parameters. The one-way random-effects analysis of variance estimates
the two variances without that bias (Searle, Casella and McCulloch 1992, ch. 3):

    MS_between = N · between / (D − 1),   MS_within = N · within / (N − D)
    n0 = (N − Σ n_d² / N) / (D − 1)       (= S for a balanced design)
    σ²_seed = MS_within,   σ²_param = max(0, (MS_between − MS_within) / n0)
    share_param_adjusted = σ²_param / (σ²_param + σ²_seed)

:func:`variance_split` computes both from one array; :func:`variance_table` applies it to
every group of a long table. Pure functions: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

#: The quantiles of the 90% interval of the runs (draws × seeds together).
INTERVAL: tuple[float, float] = (0.05, 0.95)


@dataclass(frozen=True)
class VarianceSplit:
    """The split of a sweep's spread (see the module docstring for the equations).

    Attributes:
        n_draws, n_runs: D draws with a value, N runs with a value.
        mean, low, high: the mean of the runs and their 5th and 95th percentiles.
        var_total, var_param, var_seed: Var_total, between, within (ddof 0).
        share_param: between / Var_total (NaN when no draw has two seeds, or all equal).
        share_param_adjusted: the analysis-of-variance estimate (NaN likewise, and for D < 2).
    """

    n_draws: int
    n_runs: int
    mean: float
    low: float
    high: float
    var_total: float
    var_param: float
    var_seed: float
    share_param: float
    share_param_adjusted: float


def variance_split(values: np.ndarray | Sequence[float], draws: np.ndarray | Sequence
                   ) -> VarianceSplit:
    """Split the variance of ``values`` into between and within the groups ``draws``.

    Args:
        values: one outcome per run; NaN and infinite values are left out.
        draws: each run's draw (any labels); runs of a draw are its seeds.

    Raises:
        ValueError: when ``values`` and ``draws`` differ in length.
    """
    y = np.asarray(values, dtype=float).reshape(-1)
    labels = np.asarray(draws).reshape(-1)
    if y.shape != labels.shape:
        raise ValueError(f"values ({y.size}) and draws ({labels.size}) differ in length")
    keep = np.isfinite(y)
    y, labels = y[keep], labels[keep]
    n = y.size
    nan = float("nan")
    if n == 0:
        return VarianceSplit(0, 0, nan, nan, nan, nan, nan, nan, nan, nan)
    group, _ = pd.factorize(labels, use_na_sentinel=False)  # a missing draw: a group
    counts = np.bincount(group).astype(float)
    means = np.bincount(group, weights=y) / counts
    grand = y.mean()
    total = float(np.mean((y - grand) ** 2))
    between = float(np.sum(counts * (means - grand) ** 2) / n)
    within = float(np.sum((y - means[group]) ** 2) / n)
    d = counts.size
    replicated = counts.max() >= 2  # some draw has two seeds: the seeds' spread is seen
    share = between / total if replicated and total > 0 else nan
    adjusted = nan
    if replicated and d >= 2 and n > d:
        ms_between = n * between / (d - 1)
        ms_within = n * within / (n - d)
        n0 = (n - np.sum(counts ** 2) / n) / (d - 1)
        var_param = max(0.0, (ms_between - ms_within) / n0)
        if var_param + ms_within > 0:
            adjusted = var_param / (var_param + ms_within)
    low, high = np.quantile(y, INTERVAL)
    return VarianceSplit(int(d), int(n), float(grand), float(low), float(high), total,
                         between, within, share, adjusted)


#: The columns :func:`variance_table` adds after the grouping columns.
SPLIT_COLUMNS: tuple[str, ...] = tuple(VarianceSplit.__dataclass_fields__)


def variance_table(frame: pd.DataFrame, by: Sequence[str], draw: str = "draw",
                   value: str = "value") -> pd.DataFrame:
    """:func:`variance_split` of ``value`` across ``draw`` for every group of ``by``.

    Args:
        frame: one row per run (and group): the ``by`` columns, ``draw`` and ``value``.
        by: the grouping columns (an outcome, a scenario, swept parameters); a missing
            value is a group of its own.
        draw: the column that names each run's draw.

    Returns:
        One row per group: the ``by`` columns, then :data:`SPLIT_COLUMNS`.

    Raises:
        KeyError: a column of ``by``, ``draw`` or ``value`` the frame lacks.
    """
    missing = [c for c in (*by, draw, value) if c not in frame.columns]
    if missing:
        raise KeyError(f"variance_table: the frame has no column {missing}")
    rows = []
    if len(frame):
        grouped = frame.groupby(list(by), sort=False, dropna=False, observed=True)
        for keys, part in grouped:
            keys = keys if isinstance(keys, tuple) else (keys,)
            split = variance_split(part[value].to_numpy(dtype=float), part[draw].to_numpy())
            rows.append({**dict(zip(by, keys, strict=True)), **asdict(split)})
    return pd.DataFrame(rows, columns=[*by, *SPLIT_COLUMNS])


#: Columns of a runs table (``gathered/runs.csv``) that are no swept parameter.
RUN_COLUMNS: tuple[str, ...] = ("run", "scenario", "seed", "status", "draw")


def swept_in_runs(runs: pd.DataFrame, outcomes: Sequence[str]) -> list[str]:
    """The override columns of a runs table that take more than one value among its
    finished runs (the draw's columns, ``draw`` and ``draw.<lever>``, are not overrides)."""
    finished = runs[runs["status"] == "finished"] if "status" in runs.columns else runs
    return [c for c in runs.columns
            if c not in RUN_COLUMNS and not c.startswith("draw.") and c not in outcomes
            and finished[c].nunique(dropna=False) > 1]


def uncertainty_table(runs: pd.DataFrame, outcomes: Sequence[str] | None = None,
                      baseline: str = "baseline") -> pd.DataFrame:
    """Each outcome's spread across draws × seeds, split between parameters and seeds.

    Per outcome and *variant* (scenario and value of every swept override; the draws and
    seeds are pooled, never the variants), :func:`variance_split` of

    - ``quantity = "value"``: the outcome of each run;
    - ``quantity = "difference"``: for a scenario other than ``baseline``, its run minus the
      baseline run with the same seed, draw and override values (common random numbers and
      common parameters), so that the split says how much of the *effect's* spread the
      parameters make.

    Args:
        runs: a runs table with a ``draw`` column (``gathered/runs.csv`` of a sweep of
            parameter draws); runs that did not finish are left out.
        outcomes: outcome columns (default: every one of
            :data:`sim.analysis.outcomes.OUTCOMES` the table has).
        baseline: the scenario the differences are taken from.

    Returns:
        Columns ``quantity``, ``outcome``, ``unit``, ``scenario``, the swept overrides, then
        :data:`SPLIT_COLUMNS` (``low`` and ``high`` the 90% interval of the runs, draws and
        seeds together: it includes parameter uncertainty).

    Raises:
        KeyError: a runs table without a ``draw`` column.
    """
    from sim.analysis.outcomes import OUTCOMES, outcome

    if "draw" not in runs.columns:
        raise KeyError("uncertainty_table: the runs table has no 'draw' column (a sweep of "
                       "parameter draws has one)")
    outcomes = [c for c in (outcomes if outcomes is not None else OUTCOMES) if c in runs]
    params = swept_in_runs(runs, outcomes)
    finished = runs[runs["status"] == "finished"] if "status" in runs.columns else runs
    ids = ["scenario", "seed", "draw", *params]
    long = finished[[*ids, *outcomes]].melt(id_vars=ids, value_vars=outcomes,
                                           var_name="outcome", value_name="value")
    by = ["outcome", "scenario", *params]
    parts = [variance_table(long, by).assign(quantity="value")]
    base = long.loc[long["scenario"] == baseline].drop(columns="scenario").rename(
        columns={"value": "baseline"})
    others = long.loc[long["scenario"] != baseline]
    if len(base) and len(others):
        # pandas merges a missing override with a missing one: a default with a default
        pairs = others.merge(base, on=["outcome", "seed", "draw", *params], how="inner")
        pairs["value"] = pairs["value"] - pairs["baseline"]
        parts.append(variance_table(pairs, by).assign(quantity="difference"))
    table = pd.concat(parts, ignore_index=True)
    table["unit"] = table["outcome"].map(lambda name: outcome(name).unit)
    order = {name: i for i, name in enumerate(outcomes)}
    table = table.sort_values(["quantity", "outcome"], key=lambda s: s.map(order)
                              if s.name == "outcome" else s.map({"value": 0, "difference": 1}),
                              kind="stable")
    return table[["quantity", "outcome", "unit", "scenario", *params, *SPLIT_COLUMNS]
                 ].reset_index(drop=True)
