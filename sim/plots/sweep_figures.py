"""Comparing scenarios across seeds: bands, paired differences, small multiples, event studies.

Every function takes a *gathered* sweep table: the columns of a run's tidy table (month,
metric, entity, segment, value, unit) plus ``scenario`` and ``seed``, and one column per
swept parameter (named by its override key, e.g. ``world.demand.price_elasticity``).
A ``run`` column (the run's folder) is bookkeeping and ignored; a parameter column with a
single value is a setting, not a sweep, and is ignored too.

A series is named by a headline key of :data:`sim.analysis.headline.HEADLINES` (``"us_lerner"``)
or by a tuple ``(metric, segment, entity)``. Functions that draw a grid take a *list* of
them (a tuple is always one series).

Nothing is pooled: a line and its band are one *variant*, a scenario with one value of
every swept parameter (a sweep of two pricing rules draws a baseline line per rule).

Statistics, all across seeds at each month:

- the band is the 5th to 95th percentile of the runs (a 90% band), around their mean;
- a paired difference is scenario minus baseline *for the same seed* (and the same values
  of the swept parameters): common random numbers remove most of the noise the two runs
  share, so the difference is much tighter than the two bands suggest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.headline import HEADLINES
from sim.analysis.sweep_stats import (
    BASELINE,
    Key,
    as_keys,
    band_frame,
    bands,
    difference_bands,
    parameter_columns,
    parameter_values,
    runs,
    series_of,
)
from sim.core.dates import SCENARIO_FROM
from sim.plots.export import DEFAULT_FORMATS, save
from sim.plots.style import (
    GREY,
    new_figure,
    paper_figure,
    title,
    unit_display,
)
from sim.plots.sweep_data import (
    Variant,
    event_study_frame,
    first_event_months,
    scenario_events,
    scenarios_in,
    variant_label,
    variants,
)
from sim.plots.sweep_panels import (
    band_panel,
    cut_if_deep,
    grid,
    is_bottom,
    mark_scenario_events,
    panel_title,
    scenario_colors,
    sweep_label,
    time_axes,
    variant_bands,
    variant_legend,
    variant_styles,
)

CAPTIONS: dict[str, str] = {
    "bands": "Headline metrics by scenario (and by value of each swept parameter, never "
             "pooled): mean across seeds (line) and the 5th–95th percentile of the runs "
             "(band): 90 of every 100 runs lie inside it. Thin vertical lines mark each "
             "scenario's events, in its colour; a Lerner panel is cut at −1, its title "
             "saying so.",
    "differences": "Each scenario minus the baseline, seed by seed (paired: same seed, same "
                   "parameter values): mean across seeds (line) and 5th–95th percentile "
                   "of the paired differences (band); above zero the scenario has more of "
                   "the metric than the baseline, in the metric's unit (percentage points "
                   "for shares).",
    "event_study": "Event study: each scenario minus the baseline at the same calendar "
                   "month and seed, against months since the scenario's first event of "
                   "this kind; mean and 5th–95th percentile across seeds.",
    "small_multiples": "One panel per value of a swept parameter, on a shared axis: mean "
                       "across seeds and 5th–95th percentile band, by scenario (and value "
                       "of any other swept parameter).",
}


def _variants_and_styles(gathered: pd.DataFrame, scenarios: Sequence[str] | None = None,
                         params: Sequence[str] | None = None
                         ) -> tuple[list[str], dict[Variant, dict[str, Any]]]:
    """The swept parameters and each variant's style (only ``scenarios`` when given)."""
    params = parameter_columns(gathered) if params is None else list(params)
    found = variants(gathered, params)
    if scenarios is not None:
        found = [v for v in found if str(v[0]) in set(scenarios)]
    return params, variant_styles(found)


@paper_figure
def metric_bands(gathered: pd.DataFrame, keys: Key | Sequence[Key], *,
                 events: pd.DataFrame | None = None,
                 scenario_from: str = SCENARIO_FROM) -> Figure:
    """Mean across seeds with a 90% band (5th–95th percentile), one line per variant.

    A variant is a scenario with one value of every swept parameter: runs of two values
    are never pooled in one band. :func:`small_multiples` draws one panel per value.

    Args:
        gathered: the sweep table.
        keys: one series (headline key or (metric, segment, entity)) or a list (a grid).
        events: the sweep's events (with a ``scenario`` column), to mark; or None.
        scenario_from: first month of the scenarios' own events.

    Returns:
        The figure; shares in per cent.
    """
    keys = as_keys(keys)
    fig, axes = grid(len(keys))
    params, styles = _variants_and_styles(gathered)
    own = scenario_events(events, scenario_from)
    for ax, key in zip(axes.flat, keys, strict=False):
        s = series_of(key, gathered)
        scale, unit, _ = unit_display(s.unit)
        frame = band_frame(gathered, key)
        band_panel(ax, frame, s, scale, f"Level ({unit})", own, params, styles)
    time_axes(axes, gathered["month"].astype(str).unique())
    across = "across draws and seeds" if "draw" in gathered.columns else "across seeds"
    title(fig, f"Headline metrics by scenario: mean and 90% band {across}"
          if len(keys) > 1 else series_of(keys[0], gathered).label, sweep_label(gathered))
    variant_legend(fig, styles, params, not own.empty, across=across)
    return fig


@paper_figure
def differences_from_baseline(gathered: pd.DataFrame, keys: Key | Sequence[Key], *,
                              events: pd.DataFrame | None = None, baseline: str = BASELINE,
                              scenario_from: str = SCENARIO_FROM) -> Figure:
    """Paired difference of each variant from the baseline (same seed, same parameter
    values): mean and 90% band.

    Args:
        gathered: the sweep table (with ``baseline`` runs).
        keys: one series or a list of them (a grid).
        events: the sweep's events, to mark; or None.
        baseline: the reference scenario.
        scenario_from: first month of the scenarios' own events.

    Returns:
        The figure; differences of shares in percentage points.
    """
    keys = as_keys(keys)
    fig, axes = grid(len(keys))
    params, styles = _variants_and_styles(
        gathered, [s for s in scenarios_in(gathered) if s != baseline])
    own = scenario_events(events, scenario_from)
    for ax, key in zip(axes.flat, keys, strict=False):
        s = series_of(key, gathered)
        scale, _, diff_unit = unit_display(s.unit)
        frame = difference_bands(gathered, key, baseline)
        band_panel(ax, frame, s, scale, f"Difference ({diff_unit})", own, params, styles,
                   difference=True)
        ax.axhline(0.0, color="#000000", lw=0.6, label="_zero")
    time_axes(axes, gathered["month"].astype(str).unique())
    what = (f"Paired difference from the {baseline}, seed by seed: mean and 90% band"
            if len(keys) > 1 else f"{series_of(keys[0], gathered).label}: "
                                  f"difference from the {baseline}")
    title(fig, what, sweep_label(gathered))
    variant_legend(fig, styles, params, not own.empty,
                   [Line2D([], [], color="#000000", lw=0.6,
                           label=f"no difference ({baseline})")])
    return fig


@paper_figure
def small_multiples(gathered: pd.DataFrame, parameter_column: str, key: Key, *,
                    events: pd.DataFrame | None = None,
                    scenario_from: str = SCENARIO_FROM) -> Figure:
    """One panel per value of a swept parameter: bands across seeds by variant.

    Panels share the y axis, so the parameter's effect reads across them. Within a panel
    a line is a scenario with one value of each other swept parameter (never pooled).

    Args:
        gathered: the sweep table.
        parameter_column: the swept parameter (a column of ``gathered``).
        key: the series.
        events: the sweep's events, to mark; or None.
        scenario_from: first month of the scenarios' own events.

    Returns:
        The figure.
    """
    if parameter_column not in gathered.columns:
        raise KeyError(f"no column {parameter_column!r} in the sweep; parameters: "
                       f"{parameter_columns(gathered)}")
    s = series_of(key, gathered)
    scale, unit, _ = unit_display(s.unit)
    values = parameter_values(gathered[parameter_column])
    n = len(values)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig, axes = new_figure("double" if n > 1 else "single", 2.0 * nrows + 1.6, nrows, ncols,
                           sharex=True, sharey=True)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    others = [p for p in parameter_columns(gathered) if p != parameter_column]
    params, styles = _variants_and_styles(gathered, params=others)
    own = scenario_events(events, scenario_from)
    for ax, value in zip(axes.flat, values, strict=False):
        picked = (gathered[parameter_column].isna() if pd.isna(value)
                  else gathered[parameter_column] == value)
        part = gathered[picked].drop(columns=[parameter_column])
        frame = bands(runs(part, key), ["scenario", *params, "month"])
        variant_bands(ax, frame, params, styles, scale)
        mark_scenario_events(ax, own, scenario_colors(styles))
        shown = "default" if pd.isna(value) else value
        ax.set_title(f"{parameter_column} = {shown}", loc="left", fontsize=7.5)
        ax.set_ylabel(f"Level ({unit})")
        ax.yaxis.set_tick_params(labelleft=True)  # sharey hides them; each panel reads alone
    time_axes(axes, gathered["month"].astype(str).unique())
    title(fig, f"{s.label}, by {parameter_column}", sweep_label(gathered))
    variant_legend(fig, styles, params, not own.empty)
    return fig


@paper_figure
def event_study(gathered: pd.DataFrame, events: pd.DataFrame | None,
                keys: Key | Sequence[Key], event_kind: str,
                window: tuple[int, int] = (-6, 24), *, baseline: str = BASELINE,
                scenario_from: str = SCENARIO_FROM) -> Figure:
    """The metric against months since each scenario's first event of a kind.

    Each variant is paired against the baseline with the same seeds and parameter values
    at the same calendar months; the line is the mean paired difference across seeds, the
    band its 5th–95th percentile.

    Args:
        gathered: the sweep table (with ``baseline`` runs).
        events: the sweep's events, with a ``scenario`` column.
        keys: one series or a list of them (a grid).
        event_kind: release, price, export_limit, subsidy, ban, entry or privacy.
        window: months before and after the event to show (both ends included).
        baseline: the reference scenario.
        scenario_from: events before this month (the shared history) are not the
            scenario's own.

    Returns:
        The figure.

    Raises:
        ValueError: when no scenario has such an event.
    """
    keys = as_keys(keys)
    fig, axes = grid(len(keys))
    firsts = first_event_months(events, event_kind, scenario_from)
    params, styles = _variants_and_styles(
        gathered, [s for s in firsts if s != baseline])
    shown: set[str] = set()
    for ax, key in zip(axes.flat, keys, strict=False):
        s = series_of(key, gathered)
        scale, _, diff_unit = unit_display(s.unit)
        frame = event_study_frame(gathered, events, key, event_kind, window, baseline,
                                  scenario_from)
        summary = bands(frame, ["scenario", *params, "months_since"], "difference")
        named = variant_bands(ax, summary, params, styles, scale, x="months_since")
        shown |= set(summary["scenario"].astype(str))
        ax.axhline(0.0, color="#000000", lw=0.6, label="_zero")
        ax.axvline(0.0, color=GREY, lw=0.8, ls="--", label="_event")
        ax.set_xlim(*window)
        ax.xaxis.set_major_locator(mticker.MultipleLocator(6))
        panel_title(ax, s.label, fig, axes.shape[1])
        ax.set_ylabel(f"Difference ({diff_unit})")
        cut_if_deep(ax, named, s, scale, [variant_label(v, params) for v in styles],
                    x="months_since", difference=True)
        if is_bottom(ax, axes):
            ax.set_xlabel("Time since the event (months)")
    when = ", ".join(f"{s} {firsts[s]}" for s in scenarios_in(gathered) if s in shown)
    what = (f"Event study: difference from the {baseline} around the first {event_kind} "
            f"event ({when})" if len(keys) > 1
            else f"{series_of(keys[0], gathered).label}: difference from the {baseline} "
                 f"around the first {event_kind} event ({when})")
    title(fig, what, sweep_label(gathered))
    variant_legend(fig, {v: st for v, st in styles.items() if str(v[0]) in shown}, params,
                   False, [Line2D([], [], color=GREY, lw=0.8, ls="--",
                                  label="the event (month 0)")])
    return fig


def _slug(text: str) -> str:
    """A file-name-safe version of a parameter name or key."""
    return re.sub(r"[^A-Za-z0-9]+", "_", str(text)).strip("_")


def sweep_figures(gathered: pd.DataFrame, events: pd.DataFrame | None, *,
                  keys: Sequence[Key] | None = None, baseline: str = BASELINE,
                  scenario_from: str = SCENARIO_FROM) -> Iterator[tuple[str, Figure]]:
    """The comparison figures of a sweep, one at a time, by name (see
    :func:`draw_sweep_figures`)."""
    keys = list(keys) if keys is not None else [h.key for h in HEADLINES]
    # keep only the rows the figures read: a sweep table can hold millions of rows
    mask = pd.Series(False, index=gathered.index)
    for s in {series_of(k, gathered) for k in keys}:
        mask |= ((gathered["metric"] == s.metric) & (gathered["segment"] == s.segment)
                 & (gathered["entity"] == s.entity))
    data = gathered[mask]
    yield "bands", metric_bands(data, keys, events=events, scenario_from=scenario_from)
    scenarios = set(data["scenario"].astype(str))
    if baseline in scenarios and len(scenarios) > 1:
        yield "differences", differences_from_baseline(
            data, keys, events=events, baseline=baseline, scenario_from=scenario_from)
        own = scenario_events(events, scenario_from)
        own = own[own["scenario"].isin(scenarios - {baseline})]
        for kind in sorted(set(own["kind"])):
            yield f"event_study_{kind}", event_study(data, events, keys, kind,
                                                     baseline=baseline,
                                                     scenario_from=scenario_from)
    for parameter in parameter_columns(data):
        for key in keys:
            name = f"small_multiples_{_slug(parameter)}_{_slug(series_of(key).key)}"
            yield name, small_multiples(data, parameter, key, events=events,
                                        scenario_from=scenario_from)


#: Each kind of sweep figure's name in a report (the rest of a file name follows it).
TITLES: dict[str, str] = {
    "bands": "Bands across seeds",
    "differences": "Paired differences from the baseline",
    "event_study": "Event study",
    "small_multiples": "Small multiples",
}


def figure_title(name: str) -> str:
    """A sweep figure's name in words, from its file name (``event_study_price`` ->
    ``Event study: price``)."""
    for prefix, text in TITLES.items():
        if name == prefix:
            return text
        if name.startswith(prefix + "_"):
            return f"{text}: {name[len(prefix) + 1:].replace('_', ' ')}"
    return name.replace("_", " ").capitalize()


def caption(name: str) -> str:
    """The caption of a sweep figure, from its name."""
    for prefix, text in CAPTIONS.items():
        if name == prefix or name.startswith(prefix + "_"):
            return text
    return ""


def draw_sweep_figures(gathered: pd.DataFrame, events: pd.DataFrame | None,
                       out_dir: str | Path, *, keys: Sequence[Key] | None = None,
                       baseline: str = BASELINE, scenario_from: str = SCENARIO_FROM,
                       formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, list[Path]]:
    """Draw the comparison figures of a sweep and save each (PNG by default).

    - ``bands``: every series in a grid, mean and 90% band per scenario;
    - ``differences``: every series, paired difference from the baseline (when the sweep
      has a baseline and another scenario);
    - ``event_study_<kind>``: for each kind of event the scenarios bring (from
      ``scenario_from``), every series around it (needs the baseline);
    - ``small_multiples_<parameter>_<key>``: for each swept parameter, each series.

    Args:
        gathered: the sweep table.
        events: the sweep's events (with a ``scenario`` column), or None.
        out_dir: folder for the files (created if missing).
        keys: the series to draw (default: every headline).
        baseline: the reference scenario.
        scenario_from: first month of the scenarios' own events.
        formats: file formats (:data:`sim.plots.export.FIGURE_FORMATS`).

    Returns:
        For each figure, its name and its paths (PNG first).
    """
    out_dir = Path(out_dir)
    return {name: save(fig, out_dir / name, formats=formats)
            for name, fig in sweep_figures(gathered, events, keys=keys, baseline=baseline,
                                           scenario_from=scenario_from)}
