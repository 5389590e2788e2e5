"""The numbers behind the sweep figures, from a gathered sweep table: each series by run,
bands across seeds, paired differences from the baseline, event studies. Figures are in
:mod:`sim.plots.sweep_figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.plots.style import SCENARIO_ORDER, month_number

#: Columns every gathered table has; any other column is a parameter (or bookkeeping).
STANDARD_COLUMNS: tuple[str, ...] = ("month", "metric", "entity", "segment", "value", "unit",
                                     "scenario", "seed")
#: Columns of the gathered table that are neither data nor parameters.
BOOKKEEPING_COLUMNS: tuple[str, ...] = ("run",)
BASELINE = "baseline"
#: Quantiles of the 90% band across seeds.
BAND: tuple[float, float] = (0.05, 0.95)
#: First month of the scenarios' own events (the month after the recorded history).
SCENARIO_FROM = "2026-01"
Key = str | tuple[str, str, str]


@dataclass(frozen=True)
class Series:
    """One series of the tidy table, with its label and unit."""

    key: str
    metric: str
    segment: str
    entity: str
    label: str
    unit: str


_HEADLINES = {h.key: h for h in HEADLINES}


def series_of(key: Key, gathered: pd.DataFrame | None = None) -> Series:
    """The series a headline key or a (metric, segment, entity) tuple names.

    Args:
        key: a key of :data:`sim.analysis.headline.HEADLINES`, or (metric, segment, entity).
        gathered: the table, to read the unit of a tuple's series from.

    Raises:
        KeyError: for an unknown headline key.
    """
    if isinstance(key, str):
        if key not in _HEADLINES:
            raise KeyError(f"unknown headline {key!r}; known: {sorted(_HEADLINES)}")
        h = _HEADLINES[key]
        return Series(h.key, h.metric, h.segment, h.entity, h.label, h.unit)
    metric, segment, entity = key
    unit = ""
    if gathered is not None:
        units = gathered.loc[gathered["metric"] == metric, "unit"].astype(str).unique()
        unit = str(units[0]) if len(units) else ""
    return Series(f"{metric}.{segment}.{entity}", metric, segment, entity,
                  f"{metric} ({segment}, {entity})", unit)


def _keys(keys: Key | Sequence[Key]) -> list[Key]:
    """One key (a string or a tuple) or a list of them, as a list."""
    if isinstance(keys, str | tuple):
        return [keys]
    return list(keys)


def parameter_columns(gathered: pd.DataFrame) -> list[str]:
    """The swept parameters: extra columns that take more than one value."""
    extra = [c for c in gathered.columns
             if c not in STANDARD_COLUMNS and c not in BOOKKEEPING_COLUMNS]
    return [c for c in extra if gathered[c].nunique(dropna=False) > 1]


def parameter_values(values: Sequence) -> list:
    """The distinct values of a parameter in order: numerically where they are numbers."""
    unique = list(pd.unique(pd.Series(values)))
    try:
        return sorted(unique, key=float)
    except (TypeError, ValueError):
        return sorted(unique, key=str)


def scenarios_in(gathered: pd.DataFrame) -> list[str]:
    """The scenarios of a sweep: the shipped ones in their usual order, then the others."""
    present = set(gathered["scenario"].astype(str))
    return [s for s in SCENARIO_ORDER if s in present] + sorted(present - set(SCENARIO_ORDER))


# -- the numbers behind the figures ------------------------------------------------------------

def runs(gathered: pd.DataFrame, key: Key) -> pd.DataFrame:
    """One series of every run: scenario, seed, the swept parameters, month, value.

    Infinite values (a gap to a frontier that does not exist yet) become NaN.

    Raises:
        KeyError: when the sweep has no such series.
        ValueError: when two runs share scenario, seed and parameters (the sweep then
            varies something that has no column, and runs cannot be told apart).
    """
    s = series_of(key, gathered)
    rows = gathered[(gathered["metric"] == s.metric) & (gathered["segment"] == s.segment)
                    & (gathered["entity"] == s.entity)]
    if rows.empty:
        raise KeyError(f"no series {s.metric!r} / {s.segment!r} / {s.entity!r} in the sweep")
    params = parameter_columns(gathered)
    out = rows[["scenario", "seed", *params, "month", "value"]].copy()
    out["scenario"] = out["scenario"].astype(str)
    out["month"] = out["month"].astype(str)
    out["value"] = out["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    index = ["scenario", "seed", *params, "month"]
    if out.duplicated(index).any():
        raise ValueError("several runs share scenario, seed and parameters "
                         f"({', '.join(index[:-1])}); add the varied setting as a column")
    return out.sort_values(index, kind="stable").reset_index(drop=True)


def bands(frame: pd.DataFrame, by: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Mean, 90% band (5th and 95th percentiles) and count of ``value`` across runs.

    Args:
        frame: one row per run and time (from :func:`runs` or :func:`paired_differences`).
        by: the grouping columns (e.g. scenario and month).
        value: the column to summarise.

    Returns:
        One row per group: ``by`` columns, ``mean``, ``low``, ``high``, ``n`` (runs with a
        value). With one run the band is that run.
    """
    grouped = frame.groupby(list(by), sort=True, observed=True)[value]
    out = pd.DataFrame({
        "mean": grouped.mean(),
        "low": grouped.quantile(BAND[0]),
        "high": grouped.quantile(BAND[1]),
        "n": grouped.count(),
    })
    return out.reset_index()


def band_frame(gathered: pd.DataFrame, key: Key) -> pd.DataFrame:
    """Mean and 90% band across seeds of one series, per scenario and month."""
    return bands(runs(gathered, key), ["scenario", "month"])


def paired_differences(gathered: pd.DataFrame, key: Key,
                       baseline: str = BASELINE) -> pd.DataFrame:
    """Each run minus the baseline run with the same seed and parameters, month by month.

    The baseline is paired with itself too, so its difference is exactly zero.

    Returns:
        Columns scenario, seed, the parameters, month, value, ``baseline`` (the paired
        baseline value) and ``difference``.

    Raises:
        ValueError: when the sweep has no run of ``baseline``.
    """
    frame = runs(gathered, key)
    if baseline not in set(frame["scenario"]):
        raise ValueError(f"the sweep has no {baseline!r} runs to difference against")
    pair = ["seed", *parameter_columns(gathered), "month"]
    base = frame.loc[frame["scenario"] == baseline, [*pair, "value"]].rename(
        columns={"value": "baseline"})
    out = frame.merge(base, on=pair, how="inner", validate="many_to_one")
    out["difference"] = out["value"] - out["baseline"]
    return out


def difference_bands(gathered: pd.DataFrame, key: Key,
                     baseline: str = BASELINE) -> pd.DataFrame:
    """Mean and 90% band across seeds of the paired difference, per scenario and month."""
    return bands(paired_differences(gathered, key, baseline), ["scenario", "month"],
                 "difference")


def scenario_events(events: pd.DataFrame | None,
                    scenario_from: str = SCENARIO_FROM) -> pd.DataFrame:
    """The scenarios' own events: from ``scenario_from`` on (the history is shared).

    Returns:
        Columns scenario, month, kind, label; one row per distinct event (a sweep lists
        each scenario's events once per run).
    """
    columns = ["scenario", "month", "kind", "label"]
    if events is None or len(events) == 0 or "scenario" not in events:
        return pd.DataFrame(columns=columns)
    ev = events.assign(scenario=events["scenario"].astype(str),
                       month=events["month"].astype(str), kind=events["kind"].astype(str),
                       label=events["label"].fillna("").astype(str))
    ev = ev[ev["month"] >= scenario_from]
    return ev[columns].drop_duplicates().sort_values(["scenario", "month"]).reset_index(
        drop=True)


def first_event_months(events: pd.DataFrame | None, kind: str,
                       scenario_from: str = SCENARIO_FROM) -> dict[str, str]:
    """For each scenario, the month of its first own event of ``kind`` (``YYYY-MM``)."""
    ev = scenario_events(events, scenario_from)
    ev = ev[ev["kind"] == kind]
    return {str(s): str(m) for s, m in ev.groupby("scenario")["month"].min().items()}


def event_study_frame(gathered: pd.DataFrame, events: pd.DataFrame | None, key: Key,
                      event_kind: str, window: tuple[int, int] = (-6, 24),
                      baseline: str = BASELINE,
                      scenario_from: str = SCENARIO_FROM) -> pd.DataFrame:
    """Paired differences from the baseline against months since a scenario's first event.

    For each scenario (not the baseline) with an event of ``event_kind``, its difference
    from the baseline at the same calendar month and seed, at ``months_since`` =
    month − month of that scenario's first such event, within ``window`` (both ends in).

    Returns:
        The rows of :func:`paired_differences` with ``event_month`` and ``months_since``.

    Raises:
        ValueError: when no scenario of the sweep has such an event.
    """
    firsts = {s: m for s, m in first_event_months(events, event_kind, scenario_from).items()
              if s != baseline}
    diffs = paired_differences(gathered, key, baseline)
    diffs = diffs[diffs["scenario"].isin(list(firsts))].copy()
    if diffs.empty:
        raise ValueError(f"no scenario of the sweep (other than {baseline!r}) has a "
                         f"{event_kind!r} event from {scenario_from}")
    diffs["event_month"] = diffs["scenario"].map(firsts)
    diffs["months_since"] = month_number(diffs["month"]) - month_number(diffs["event_month"])
    lo, hi = window
    return diffs[(diffs["months_since"] >= lo) & (diffs["months_since"] <= hi)].reset_index(
        drop=True)


# -- drawing -----------------------------------------------------------------------------------

