"""Statistics of a sweep across seeds: each series by run, bands (mean and percentiles),
paired differences from the baseline and their confidence intervals.

Every reader of a gathered sweep (``paired_differences.csv`` written by
:mod:`sim.tools.gather`, the figures of :mod:`sim.plots.sweep_figures`, the tables of the
sweep report) computes them here, so the same sweep gives the same numbers everywhere.

A *gathered* table has the columns of a run's tidy table plus ``scenario`` and ``seed``,
a ``run`` column (bookkeeping), and one column per command-line override (named by its
key, e.g. ``world.demand.price_elasticity``). An override column that takes more than
one value is a swept *parameter*. A sweep of parameter draws also has a ``draw`` column
(the draw's index): like the seed, a draw is a replicate, not a variant. Bands and
intervals pool the draws and seeds of a variant, so they include parameter uncertainty,
and a pair is the same seed *and* the same draw (:mod:`sim.analysis.variance` splits the
spread between the two).

Never pooled. A band, a difference and a table row are always of one *variant*: one
scenario with one value of every swept parameter (:func:`variant_columns`). A sweep of
``rules.vendor_pricing=best_response,cost_plus`` gives two baseline bands, one per rule,
never one band mixing both rules' runs.

Pairing. A paired difference is y(scenario run) − y(baseline run) for the baseline run
with the same seed and the same value of every swept parameter: common random numbers
remove most of the noise the two runs share. Where there is nothing to pair with (no
baseline runs, only baseline runs, or no baseline run with a variant's parameter values),
:func:`difference_table` says so in its ``note`` column instead of leaving rows out.

A run launched without an override has no value in that column (NaN): it ran with the
default. Missing is one value of its own, everywhere: a run with the default pairs with a
baseline run with the default, a missing value counts as a distinct value of the
parameter, and it gets its own row in the tables (pandas groups and merges NaN keys only
when told to; every grouping here is told to).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.headline import HEADLINES, Headline
from sim.analysis.tidy import TIDY_COLUMNS, rows

#: The column of a run's parameter draw, in a sweep of draws: a replicate, like the seed.
DRAW = "draw"
#: Columns every gathered table has (``draw`` in a sweep of draws); any other column is a
#: parameter (or bookkeeping).
STANDARD_COLUMNS: tuple[str, ...] = (*TIDY_COLUMNS, "scenario", "seed", DRAW)
#: Columns of the gathered table that are neither data nor parameters.
BOOKKEEPING_COLUMNS: tuple[str, ...] = ("run",)
BASELINE = "baseline"
#: Quantiles of the 90% band across seeds.
BAND: tuple[float, float] = (0.05, 0.95)
#: Level of the confidence interval of a mean paired difference.
CI_LEVEL = 0.90
#: A series: a headline key, or (metric, segment, entity).
Key = str | tuple[str, str, str]
#: The headlines by key.
HEADLINE_BY_KEY: dict[str, Headline] = {h.key: h for h in HEADLINES}


#: A series of the tidy table with its label and unit: a headline, or any
#: (metric, segment, entity) named by :func:`series_of`.
Series = Headline


def series_of(key: Key, gathered: pd.DataFrame | None = None) -> Series:
    """The series a headline key or a (metric, segment, entity) tuple names.

    Args:
        key: a key of :data:`sim.analysis.headline.HEADLINES`, or (metric, segment, entity).
        gathered: the table, to read the unit of a tuple's series from.

    Raises:
        KeyError: for an unknown headline key.
    """
    if isinstance(key, str):
        if key not in HEADLINE_BY_KEY:
            raise KeyError(f"unknown headline {key!r}; known: {sorted(HEADLINE_BY_KEY)}")
        return HEADLINE_BY_KEY[key]
    metric, segment, entity = key
    unit = ""
    if gathered is not None:
        units = gathered.loc[gathered["metric"] == metric, "unit"].astype(str).unique()
        unit = str(units[0]) if len(units) else ""
    return Series(f"{metric}.{segment}.{entity}", metric, segment, entity,
                  f"{metric} ({segment}, {entity})", unit)


def as_keys(keys: Key | Sequence[Key]) -> list[Key]:
    """One key (a string or a tuple: always one series) or a list of them, as a list."""
    if isinstance(keys, str | tuple):
        return [keys]
    return list(keys)


def parameter_columns(gathered: pd.DataFrame) -> list[str]:
    """The swept parameters: override columns that take more than one value (a run
    without the override, NaN, counts as a value: the default)."""
    extra = [c for c in gathered.columns
             if c not in STANDARD_COLUMNS and c not in BOOKKEEPING_COLUMNS]
    return [c for c in extra if gathered[c].nunique(dropna=False) > 1]


def variant_columns(gathered: pd.DataFrame) -> list[str]:
    """The columns that tell the sweep's variants apart: ``scenario`` and every swept
    parameter. Statistics are grouped by all of them (and the month), never fewer."""
    return ["scenario", *parameter_columns(gathered)]


def replicate_columns(gathered: pd.DataFrame) -> list[str]:
    """What tells the runs of one variant apart: the seed, and the draw in a sweep of
    parameter draws."""
    return ["seed", *([DRAW] if DRAW in gathered.columns else [])]


def parameter_values(values: Sequence) -> list:
    """The distinct values of a parameter in order: numerically where they are numbers."""
    unique = list(pd.unique(pd.Series(values)))
    try:
        return sorted(unique, key=float)
    except (TypeError, ValueError):
        return sorted(unique, key=str)


def runs(gathered: pd.DataFrame, key: Key) -> pd.DataFrame:
    """One series of every run: scenario, seed (and draw), the swept parameters, month,
    value.

    Infinite values (a gap to a frontier that does not exist yet) become NaN.

    Raises:
        KeyError: when the sweep has no such series.
        ValueError: when two runs share scenario, seed and parameters (the sweep then
            varies something that has no column, and runs cannot be told apart).
    """
    s = series_of(key, gathered)
    picked = rows(gathered, s.metric, s.segment, s.entity)
    if picked.empty:
        raise KeyError(f"no series {s.metric!r} / {s.segment!r} / {s.entity!r} in the sweep")
    params = parameter_columns(gathered)
    replicates = replicate_columns(gathered)
    out = picked[["scenario", *replicates, *params, "month", "value"]].copy()
    out["scenario"] = out["scenario"].astype(str)
    out["month"] = out["month"].astype(str)
    out["value"] = out["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    index = ["scenario", *replicates, *params, "month"]
    if out.duplicated(index).any():
        raise ValueError("several runs share scenario, seed (draw) and parameters "
                         f"({', '.join(index[:-1])}); add the varied setting as a column")
    return out.sort_values(index, kind="stable").reset_index(drop=True)


def bands(frame: pd.DataFrame, by: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Mean, 90% band (5th and 95th percentiles) and count of ``value`` across runs.

    Args:
        frame: one row per run and time (from :func:`runs` or :func:`paired_differences`).
        by: the grouping columns (e.g. scenario and month); a missing parameter value
            is a group of its own.
        value: the column to summarise.

    Returns:
        One row per group: ``by`` columns, ``mean``, ``low``, ``high``, ``n`` (runs with a
        value). With one run the band is that run.
    """
    grouped = frame.groupby(list(by), sort=True, observed=True, dropna=False)[value]
    out = pd.DataFrame({
        "mean": grouped.mean(),
        "low": grouped.quantile(BAND[0]),
        "high": grouped.quantile(BAND[1]),
        "n": grouped.count(),
    })
    return out.reset_index()


def band_frame(gathered: pd.DataFrame, key: Key) -> pd.DataFrame:
    """Mean and 90% band across seeds of one series, per variant (scenario and swept
    parameter values) and month."""
    return bands(runs(gathered, key), [*variant_columns(gathered), "month"])


def paired_differences(gathered: pd.DataFrame, key: Key,
                       baseline: str = BASELINE) -> pd.DataFrame:
    """Each run minus the baseline run with the same seed (and draw) and parameters,
    month by month.

    A missing parameter value (the default) pairs with a missing one. The baseline is
    paired with itself too, so its difference is exactly zero. A run without a baseline
    partner is left out.

    Returns:
        Columns scenario, seed, the parameters, month, value, ``baseline`` (the paired
        baseline value) and ``difference``.

    Raises:
        ValueError: when the sweep has no run of ``baseline``.
    """
    frame = runs(gathered, key)
    if baseline not in set(frame["scenario"]):
        raise ValueError(f"the sweep has no {baseline!r} runs to difference against")
    pair = [*replicate_columns(gathered), *parameter_columns(gathered), "month"]
    base = frame.loc[frame["scenario"] == baseline, [*pair, "value"]].rename(
        columns={"value": "baseline"})
    # pandas merges NaN keys with NaN keys: a default pairs with a default
    out = frame.merge(base, on=pair, how="inner", validate="many_to_one")
    out["difference"] = out["value"] - out["baseline"]
    return out


def difference_bands(gathered: pd.DataFrame, key: Key,
                     baseline: str = BASELINE) -> pd.DataFrame:
    """Mean and 90% band across seeds of the paired difference, per variant (scenario and
    swept parameter values) and month."""
    return bands(paired_differences(gathered, key, baseline),
                 [*variant_columns(gathered), "month"], "difference")


def with_confidence(frame: pd.DataFrame, by: Sequence[str], value: str = "difference",
                    level: float = CI_LEVEL) -> pd.DataFrame:
    """:func:`bands` of ``value`` with the standard error of the mean and its ``level``
    confidence interval (Student t with n − 1 degrees of freedom; NaN for n < 2).

    Returns:
        ``by`` columns, ``n``, ``mean``, ``se``, ``ci_low``, ``ci_high``, ``low``, ``high``.
    """
    out = bands(frame, by, value)
    sd = frame.groupby(list(by), sort=True, observed=True, dropna=False)[value].std(ddof=1)
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(n > 1, sd.to_numpy(dtype=float) / np.sqrt(n), np.nan)
        t = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
    out["se"] = se
    out["ci_low"] = out["mean"] - t * se
    out["ci_high"] = out["mean"] + t * se
    return out[[*by, "n", "mean", "se", "ci_low", "ci_high", "low", "high"]]


def _headline_frames(frame_of: Callable[[Key], pd.DataFrame],
                     dates: Sequence[str]) -> list[pd.DataFrame]:
    """``frame_of(key)`` of every headline the sweep has, at the dates, with its key."""
    frames = []
    for h in HEADLINES:
        try:
            frame = frame_of(h.key)
        except KeyError:  # a custom world without this series
            continue
        frames.append(frame[frame["month"].isin(list(dates))].assign(headline=h.key))
    return frames


def headline_bands(gathered: pd.DataFrame, dates: Sequence[str]) -> pd.DataFrame:
    """The headline metrics of a sweep at the dates, per scenario (and parameter values).

    Returns:
        Long table: ``headline``, ``scenario``, the swept parameters, ``month``, ``mean``,
        ``low`` and ``high`` (5th and 95th percentiles across seeds) and ``n`` (seeds with
        a value). Units as the table stores them.
    """
    params = parameter_columns(gathered)
    frames = _headline_frames(lambda key: runs(gathered, key), dates)
    values = (pd.concat(frames, ignore_index=True) if frames else
              pd.DataFrame(columns=["headline", "scenario", "seed", *params, "month", "value"]))
    return bands(values, ["headline", "scenario", *params, "month"])


def difference_table(gathered: pd.DataFrame, dates: Sequence[str],
                     baseline: str = BASELINE, level: float = CI_LEVEL) -> pd.DataFrame:
    """Each scenario's paired difference from the baseline at the dates, per headline.

    What ``paired_differences.csv`` holds and the sweep report shows. For each pair
    (see the module's docstring) d = y(scenario) − y(baseline); per headline, scenario,
    parameter values and month: the mean of d, its standard error and ``level``
    confidence interval (Student t, from the spread of d across seeds), the 5th and 95th
    percentiles of d, and n (pairs with a value).

    Where there is nothing to pair with, a row says why in ``note`` (its numbers empty):
    one row for a sweep without ``baseline`` runs or with nothing else, and one per
    variant (scenario and parameter values) that has no baseline run to pair with.

    Returns:
        Long table: ``headline``, ``label``, ``unit``, ``scenario``, the parameters,
        ``month``, ``n``, ``mean``, ``se``, ``ci_low``, ``ci_high``, ``low``, ``high``,
        ``note`` (empty on a row of numbers).
    """
    params = parameter_columns(gathered)
    by = ["headline", "scenario", *params, "month"]
    columns = ["headline", "label", "unit", *by[1:], "n", "mean", "se", "ci_low", "ci_high",
               "low", "high", "note"]
    scenarios = set(gathered["scenario"].astype(str))
    if baseline not in scenarios:
        return _note_row(columns, f"no {baseline!r} runs in the sweep: no baseline to pair "
                                  f"the scenarios with")
    if scenarios == {baseline}:
        swept = f" (swept: {', '.join(params)}; see the headline bands per value)" \
            if params else ""
        return _note_row(columns, f"only {baseline!r} runs in the sweep: no other scenario "
                                  f"to pair with the baseline{swept}")
    frames = _headline_frames(
        lambda key: paired_differences(gathered, key, baseline), dates)
    diffs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=by)
    diffs = diffs[diffs["scenario"] != baseline]
    out = with_confidence(diffs, by, "difference", level) if len(diffs) else \
        pd.DataFrame(columns=[*by, "n", "mean", "se", "ci_low", "ci_high", "low", "high"])
    out["label"] = out["headline"].map(lambda k: HEADLINE_BY_KEY[k].label)
    out["unit"] = out["headline"].map(lambda k: HEADLINE_BY_KEY[k].unit)
    out["note"] = ""
    order = {h.key: i for i, h in enumerate(HEADLINES)}
    out = out.sort_values("headline", key=lambda s: s.map(order), kind="stable")
    unpaired = _unpaired(gathered, diffs, params, baseline)
    if not len(unpaired):
        return out[columns].reset_index(drop=True)
    return pd.concat([out[columns], unpaired.reindex(columns=columns)], ignore_index=True)


def _note_row(columns: Sequence[str], note: str) -> pd.DataFrame:
    """A table of one row whose numbers are empty and whose ``note`` says why."""
    return pd.DataFrame([{c: (note if c == "note" else None) for c in columns}],
                        columns=list(columns))


def _unpaired(gathered: pd.DataFrame, diffs: pd.DataFrame, params: Sequence[str],
              baseline: str) -> pd.DataFrame:
    """A note row for each variant (not the baseline) with no pair at all."""
    keys = ["scenario", *params]
    present = gathered.loc[gathered["scenario"].astype(str) != baseline, keys].astype(
        {"scenario": str}).drop_duplicates()
    if len(diffs):
        # pandas merges NaN keys with NaN keys: a default parameter value matches a default
        merged = present.merge(diffs[keys].drop_duplicates(), on=keys, how="left",
                               indicator=True)
        lonely = merged.loc[merged["_merge"] == "left_only", keys]
    else:
        lonely = present
    return lonely.assign(note=f"no {baseline!r} run with the same seed and parameter values "
                              f"to pair with").reset_index(drop=True)
