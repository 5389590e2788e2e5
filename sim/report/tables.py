"""The tables of a run's report: headline metrics at chosen dates, the parameters a run
changed, its calibrated parameters and configured events, and the number format of every
report. Plain pandas tables; the sweep's tables (bands and paired differences) are in
:mod:`sim.analysis.sweep_stats`, and :mod:`sim.report.html` renders them as HTML.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.analysis.tidy import entity_series
from sim.core.dates import REPORT_DATES

log = logging.getLogger("sim.report.html")



def fmt_number(value: Any) -> str:
    """A number for a report's table: about three significant figures, '—' when missing
    (HTML-escaped text when it is not a number)."""
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


def month_note(months: Iterable[str], dates: Sequence[str]) -> str:
    """A note under a table for report dates outside the run(s) ('' when all are in)."""
    months = sorted(set(months))
    if not months:
        return ""
    missing = [d for d in dates if d not in set(months)]
    if not missing:
        return ""
    return (f"No value at {', '.join(missing)}: the table covers {months[0]} to "
            f"{months[-1]}.")


def headline_table(table: pd.DataFrame,
                   report_dates: Sequence[str] = REPORT_DATES) -> pd.DataFrame:
    """The headline metrics of one run at the report dates.

    Returns:
        One row per headline: ``key``, ``label``, ``unit`` (as the table stores it),
        ``meaning`` (what the number means, in words) and one column per date (NaN where
        the run has no value at that date).
    """
    rows = []
    for h in HEADLINES:
        values = entity_series(table, h.metric, h.segment, h.entity).astype(float)
        values.index = values.index.astype(str)
        row: dict[str, Any] = {"key": h.key, "label": h.label, "unit": h.unit,
                               "meaning": h.meaning}
        for date in report_dates:
            row[date] = float(values.get(date, np.nan))
        rows.append(row)
    return pd.DataFrame(rows, columns=["key", "label", "unit", "meaning", *report_dates])


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


def reference_config(config: Any) -> Any | None:
    """The baseline scenario in the same world, for comparison (None where it cannot be
    composed, e.g. a world that is not a file of scenarios/world)."""
    try:
        from sim.config import compose_config

        return compose_config([f"world={config.world.name}", "scenario=baseline"])
    except Exception as err:  # any failure only drops a section of the report
        log.info("no reference config for the report: %s", err)
        return None


def calibrated_parameters(config: Any) -> pd.DataFrame:
    """The world's calibrated parameters: parameter, value, unit, meaning."""
    rows = [{"parameter": k, "value": v, "unit": m.get("unit", ""), "meaning": m.get("doc", "")}
            for k, (v, m) in flatten_config(config.world, "world").items()
            if m.get("origin") == "calibrated"]
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "meaning"])


_EVENT_DETAILS = ("model", "openness", "frontier_lag_months", "capability", "training_flop",
                  "total_params_b", "active_params_b", "price_in", "price_out", "factor",
                  "subsidised", "duration_months", "level", "lever", "countries", "lift",
                  "vertical", "segment")


def configured_events(config: Any) -> pd.DataFrame:
    """The scenario's configured events (as its config lists them, before the run):
    date, kind, who, what, label."""
    rows = []
    for e in getattr(config.scenario, "events", []) or []:
        who = ", ".join(x for x in (e.vendor, e.bloc) if x)
        what = "; ".join(f"{name}={getattr(e, name)}" for name in _EVENT_DETAILS
                         if getattr(e, name, None) not in (None, False, [], ""))
        rows.append({"date": e.date, "kind": e.kind, "who": who, "what": what,
                     "label": e.label})
    return pd.DataFrame(rows, columns=["date", "kind", "who", "what", "label"])


