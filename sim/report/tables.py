"""The tables of the reports: headline metrics at chosen dates, their spread across seeds,
paired differences from the baseline, and the parameters a run changed. Plain pandas
tables; :mod:`sim.report.html` renders them as HTML.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.headline import HEADLINES

log = logging.getLogger("sim.report.html")

DEFAULT_DATES: tuple[str, ...] = ("2026-12", "2030-12")
#: Level of the confidence interval of a mean paired difference.
CI_LEVEL = 0.90


def _fmt(value: Any) -> str:
    """A number for a table: about three significant figures, '—' when missing."""
    if value is None:
        return "—"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return f"{int(value):,}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return html.escape(str(value))
    if not np.isfinite(v):
        return "—"
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    if abs(v) >= 0.001:
        return f"{v:.3f}"
    return f"{v:.2e}"


def _month_note(months: Iterable[str], dates: Sequence[str]) -> str:
    """A note for report dates outside the run(s)."""
    months = sorted(set(months))
    if not months:
        return ""
    missing = [d for d in dates if d not in set(months)]
    if not missing:
        return ""
    return (f"No value at {', '.join(missing)}: the table covers {months[0]} to "
            f"{months[-1]}.")


def headline_table(table: pd.DataFrame,
                   report_dates: Sequence[str] = DEFAULT_DATES) -> pd.DataFrame:
    """The headline metrics of one run at the report dates.

    Returns:
        One row per headline: ``key``, ``label``, ``unit`` (as the table stores it) and
        one column per date (NaN where the run has no value at that date).
    """
    rows = []
    months = table["month"].astype(str)
    for h in HEADLINES:
        mask = ((table["metric"] == h.metric) & (table["segment"] == h.segment)
                & (table["entity"] == h.entity))
        values = pd.Series(table.loc[mask, "value"].to_numpy(dtype=float),
                           index=months[mask].to_numpy())
        row: dict[str, Any] = {"key": h.key, "label": h.label, "unit": h.unit}
        for date in report_dates:
            row[date] = float(values.get(date, np.nan))
        rows.append(row)
    return pd.DataFrame(rows, columns=["key", "label", "unit", *report_dates])


def _parameter_columns(gathered: pd.DataFrame) -> list[str]:
    from sim.plots.sweep_figures import parameter_columns

    return parameter_columns(gathered)


def _headline_runs(gathered: pd.DataFrame, dates: Sequence[str]) -> pd.DataFrame:
    """Headline values of every run at the dates: headline, scenario, seed, params, month."""
    from sim.plots.sweep_figures import runs

    frames = []
    for h in HEADLINES:
        try:
            frame = runs(gathered, h.key)
        except KeyError:
            continue
        frame = frame[frame["month"].isin(list(dates))]
        frames.append(frame.assign(headline=h.key))
    if not frames:
        return pd.DataFrame(columns=["headline", "scenario", "seed", "month", "value"])
    return pd.concat(frames, ignore_index=True)


def sweep_headline_table(gathered: pd.DataFrame,
                         report_dates: Sequence[str] = DEFAULT_DATES) -> pd.DataFrame:
    """The headline metrics of a sweep at the dates, per scenario (and parameter values).

    Returns:
        Long table: ``headline``, ``scenario``, the swept parameters, ``month``, ``mean``,
        ``low`` and ``high`` (5th and 95th percentiles across seeds) and ``n`` (seeds with
        a value). Units as the table stores them.
    """
    from sim.plots.sweep_figures import bands

    params = _parameter_columns(gathered)
    values = _headline_runs(gathered, report_dates)
    return bands(values, ["headline", "scenario", *params, "month"])


def sweep_difference_table(gathered: pd.DataFrame,
                           report_dates: Sequence[str] = DEFAULT_DATES,
                           baseline: str = "baseline", level: float = CI_LEVEL) -> pd.DataFrame:
    """Each scenario's paired difference from the baseline at the dates, per headline.

    For each seed (and values of the swept parameters) d = y(scenario) − y(baseline). Gives
    the mean, its ``level`` confidence interval (Student t, from the spread of d across
    seeds), the 5th and 95th percentiles of d, and n (pairs).

    Returns:
        Long table: ``headline``, ``scenario``, the parameters, ``month``, ``mean``,
        ``ci_low``, ``ci_high``, ``low``, ``high``, ``n``; empty without a baseline.
    """
    from sim.plots.sweep_figures import bands, paired_differences

    params = _parameter_columns(gathered)
    columns = ["headline", "scenario", *params, "month", "mean", "ci_low", "ci_high", "low",
               "high", "n"]
    if baseline not in set(gathered["scenario"].astype(str)):
        return pd.DataFrame(columns=columns)
    frames = []
    for h in HEADLINES:
        try:
            diffs = paired_differences(gathered, h.key, baseline)
        except KeyError:
            continue
        diffs = diffs[diffs["month"].isin(list(report_dates))
                      & (diffs["scenario"] != baseline)]
        frames.append(diffs.assign(headline=h.key))
    if not frames:
        return pd.DataFrame(columns=columns)
    diffs = pd.concat(frames, ignore_index=True)
    by = ["headline", "scenario", *params, "month"]
    out = bands(diffs, by, "difference")
    sd = diffs.groupby(by, sort=True, observed=True)["difference"].std(ddof=1).to_numpy()
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
        half = t * sd / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out[columns]


# -- configuration -------------------------------------------------------------------------------

def flatten_config(node: Any, path: str = "") -> dict[str, tuple[Any, dict[str, Any]]]:
    """Every leaf of a config dataclass tree: dotted path -> (value, field metadata).

    Dicts of dataclasses (vendors, firm segments...) are walked by key; lists and dicts of
    plain values are leaves.
    """
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    if not is_dataclass(node):
        return out
    for f in fields(node):
        value = getattr(node, f.name)
        sub = f"{path}.{f.name}" if path else f.name
        if is_dataclass(value):
            out.update(flatten_config(value, sub))
        elif isinstance(value, dict) and value and all(is_dataclass(v) for v in value.values()):
            for k, v in value.items():
                out.update(flatten_config(v, f"{sub}.{k}"))
        else:
            out[sub] = (value, dict(f.metadata))
    return out


def changed_parameters(config: Any, reference: Any) -> pd.DataFrame:
    """Settings of ``config`` that differ from ``reference`` (world, rules and engine).

    Returns:
        Columns parameter, value, reference, unit, meaning.
    """
    rows = []
    for part in ("engine", "rules", "world"):
        mine = flatten_config(getattr(config, part), part) if part != "engine" else {
            "engine": (config.engine, {})}
        theirs = flatten_config(getattr(reference, part), part) if part != "engine" else {
            "engine": (reference.engine, {})}
        for key, (value, meta) in mine.items():
            other = theirs.get(key, (None, {}))[0]
            if value != other:
                rows.append({"parameter": key, "value": value, "reference": other,
                             "unit": meta.get("unit", ""), "meaning": meta.get("doc", "")})
    return pd.DataFrame(rows, columns=["parameter", "value", "reference", "unit", "meaning"])


def _reference_config(config: Any) -> Any | None:
    """The baseline scenario in the same world, for comparison (None where it cannot be
    composed, e.g. a world that is not a file of scenarios/world)."""
    try:
        from sim.config import compose_config

        return compose_config([f"world={config.world.name}", "scenario=baseline"])
    except Exception as err:  # any failure only drops a section of the report
        log.info("no reference config for the report: %s", err)
        return None


def _calibrated(config: Any) -> pd.DataFrame:
    rows = [{"parameter": k, "value": v, "unit": m.get("unit", ""), "meaning": m.get("doc", "")}
            for k, (v, m) in flatten_config(config.world, "world").items()
            if m.get("origin") == "calibrated"]
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "meaning"])


_EVENT_DETAILS = ("model", "openness", "frontier_lag_months", "capability", "training_flop",
                  "total_params_b", "active_params_b", "price_in", "price_out", "factor",
                  "subsidised", "duration_months", "level", "lever", "countries", "lift",
                  "vertical", "segment")


def _scenario_events(config: Any) -> pd.DataFrame:
    """The scenario's configured events: date, kind, who, what, label."""
    rows = []
    for e in getattr(config.scenario, "events", []) or []:
        who = ", ".join(x for x in (e.vendor, e.bloc) if x)
        what = "; ".join(f"{name}={getattr(e, name)}" for name in _EVENT_DETAILS
                         if getattr(e, name, None) not in (None, False, [], ""))
        rows.append({"date": e.date, "kind": e.kind, "who": who, "what": what,
                     "label": e.label})
    return pd.DataFrame(rows, columns=["date", "kind", "who", "what", "label"])


# -- HTML ----------------------------------------------------------------------------------------

