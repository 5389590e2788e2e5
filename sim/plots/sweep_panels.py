"""The pieces every sweep figure is built from: the grid of panels, a scenario's mean line
and band, its events, the shared legend and the line under the title. The figures are
in :mod:`sim.plots.sweep_figures`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.sweep_stats import Series, parameter_columns
from sim.plots.annotate import symlog_below_minus_one
from sim.plots.style import GREY, date_axis, new_figure, scenario_style, to_dates, wrap


def grid(n: int, panel_height: float = 1.9) -> tuple[Figure, np.ndarray]:
    """A figure for ``n`` panels: one single-column panel, or a double-column grid."""
    if n == 1:
        return new_figure("single", 3.9)
    ncols = 2 if n <= 4 else 3
    nrows = math.ceil(n / ncols)
    fig, axes = new_figure("double", panel_height * nrows + 1.5, nrows, ncols, sharex=True)
    for ax in axes.flat[n:]:  # empty cells of the last row
        ax.set_visible(False)
    return fig, axes


def panel_title(ax: Axes, text: str, fig: Figure, ncols: int) -> None:
    """The series' label over its panel (a lone panel has it in the figure's title)."""
    if len(fig.axes) == 1:
        return
    chars = int(fig.get_figwidth() / ncols * 15)  # 7.5 pt text
    ax.set_title(wrap(text, chars), loc="left", fontsize=7.5)


def band(ax: Axes, x: Sequence, frame: pd.DataFrame, scale: float, scenario: str) -> Line2D:
    """A scenario's mean line and its shaded 90% band."""
    style = scenario_style(scenario)
    ax.fill_between(x, frame["low"] * scale, frame["high"] * scale, color=style["color"],
                    alpha=0.18, linewidth=0, label="band")
    (line,) = ax.plot(x, frame["mean"] * scale, label=scenario, **style)
    return line


def symlog_if_deep(ax: Axes, values: pd.DataFrame, s: Series) -> None:
    """A symmetric-log y axis for a Lerner index that dives below −1 (deep dumping).

    A price cut to a tenth of marginal cost gives a Lerner index of −9; on a linear axis
    that flattens every other scenario to a line.
    """
    if not s.metric.startswith("lerner"):
        return
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size and finite.min() < -1:
        symlog_below_minus_one(ax)


def mark_scenario_events(ax: Axes, own: pd.DataFrame, scenarios: Sequence[str]) -> None:
    """Thin lines at each scenario's own events, in the scenario's colour."""
    for scenario in scenarios:
        months = sorted(set(own.loc[own["scenario"] == scenario, "month"]))
        for month in months:
            ax.axvline(to_dates([month])[0], color=scenario_style(scenario)["color"],
                       lw=0.6, ls=(0, (2, 2)), alpha=0.8, zorder=1.5, label="_event")


def scenario_legend(fig: Figure, scenarios: Sequence[str], events_marked: bool,
                     extra: Sequence[Line2D] = ()) -> None:
    """One legend under the figure: a line per scenario, the band, the event lines."""
    handles = [Line2D([], [], label=s, **scenario_style(s)) for s in scenarios]
    handles.append(Line2D([], [], color=GREY, lw=6, alpha=0.35,
                          label="5th–95th percentile across seeds"))
    if events_marked:
        handles.append(Line2D([], [], color=GREY, lw=0.6, ls=(0, (2, 2)),
                              label="the scenario's events (its colour)"))
    handles.extend(extra)
    ncols = min(len(handles), 3 if fig.get_figwidth() > 5 else 1)
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols, title="Scenario")


def sweep_label(gathered: pd.DataFrame) -> str:
    """The line under a sweep figure's title: scenarios × seeds × parameter values."""
    n_scen = gathered["scenario"].nunique()
    n_seeds = gathered["seed"].nunique()
    params = parameter_columns(gathered)
    text = f"Sweep: {n_scen} scenario{'s' * (n_scen != 1)} × {n_seeds} seed" \
           f"{'s' * (n_seeds != 1)}"
    if params:
        text += " × " + ", ".join(f"{p} ({gathered[p].nunique()} values)" for p in params)
    return text


def time_axes(axes: np.ndarray, months: Sequence[str]) -> None:
    """Calendar dates on every visible panel, the x label only where none sits below."""
    start, end = to_dates([min(months), max(months)])
    for ax in axes.flat:
        if ax.get_visible():
            bottom = is_bottom(ax, axes)
            date_axis(ax, start, end, label=bottom)
            if bottom:  # above an empty cell, sharex would have hidden its dates
                ax.xaxis.set_tick_params(labelbottom=True)


def is_bottom(ax: Axes, axes: np.ndarray) -> bool:
    """Whether no visible panel sits below this one (its x label is then shown)."""
    spec = ax.get_subplotspec()
    if spec.is_last_row():
        return True
    below = [a for a in axes.flat if a.get_visible()
             and a.get_subplotspec().colspan == spec.colspan
             and a.get_subplotspec().rowspan.start > spec.rowspan.start]
    return not below


def scenario_bands(ax: Axes, frame: pd.DataFrame, scenarios: Sequence[str], scale: float,
                   x: str = "month") -> None:
    """Each scenario's mean line and band from a :func:`sim.analysis.sweep_stats.bands`
    frame, against months (dates) or another column ``x``."""
    for scenario in scenarios:
        part = frame[frame["scenario"] == scenario]
        if len(part):
            at = to_dates(part["month"]) if x == "month" else part[x].to_numpy()
            band(ax, at, part, scale, scenario)


def band_panel(ax: Axes, frame: pd.DataFrame, s: Series, scale: float, ylabel: str,
               own: pd.DataFrame, scenarios: Sequence[str]) -> None:
    """One panel of a grid of series: each scenario's band, its events, the series' label
    over the panel, and a symmetric-log axis where a Lerner index dives below −1."""
    scenario_bands(ax, frame, scenarios, scale)
    mark_scenario_events(ax, own, scenarios)
    panel_title(ax, s.label, ax.figure, ax.get_subplotspec().get_gridspec().ncols)
    ax.set_ylabel(ylabel)
    symlog_if_deep(ax, frame[["low", "high"]] * scale, s)
