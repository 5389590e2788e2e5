"""The pieces every sweep figure is built from: the grid of panels, a variant's mean line
and band (a variant: a scenario with one value of every swept parameter), its events, the
shared legend and the line under the title. The figures are in
:mod:`sim.plots.sweep_figures`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.sweep_stats import Series, parameter_columns
from sim.plots.annotate import cut_below
from sim.plots.style import (
    GREY,
    LINESTYLES,
    OKABE_ITO,
    date_axis,
    new_figure,
    scenario_style,
    to_dates,
    wrap,
)
from sim.plots.sweep_data import Variant, variant_label, variant_rows

#: Where a panel of a Lerner series is cut (:func:`cut_if_deep`): levels as in the run's
#: figure (at −1 a price is half its marginal cost), differences of two levels twice as wide.
LERNER_LEVELS = (-1.0, 1.0)
LERNER_DIFFERENCES = (-2.0, 2.0)


def variant_styles(variants: Sequence[Variant]) -> dict[Variant, dict[str, Any]]:
    """Colour and line style of each variant.

    One variant per scenario: the scenario's own style (as every sweep figure had). One
    scenario with several parameter values: a colour each, in palette order. Several of
    both: the scenario's colour, and a line style per parameter value.
    """
    scenarios = list(dict.fromkeys(str(v[0]) for v in variants))
    if len(scenarios) == len(variants):
        return {v: scenario_style(str(v[0])) for v in variants}
    if len(scenarios) == 1:  # the scenario's own colour first; black only for the baseline
        own = scenario_style(scenarios[0])["color"]
        colors = [own, *(c for c in OKABE_ITO.values() if c not in (own, OKABE_ITO["black"]))]
        return {v: {"color": colors[i % len(colors)],
                    "linestyle": LINESTYLES[i % len(LINESTYLES)]}
                for i, v in enumerate(variants)}
    values = list(dict.fromkeys(v[1:] for v in variants))
    return {v: {"color": scenario_style(str(v[0]))["color"],
                "linestyle": LINESTYLES[values.index(v[1:]) % len(LINESTYLES)]}
            for v in variants}


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
    chars = int(fig.get_figwidth() / ncols * 13.5)  # 7.5 pt text, within the panel's width
    ax.set_title(wrap(text, chars), loc="left", fontsize=7.5)


def band(ax: Axes, x: Sequence, frame: pd.DataFrame, scale: float, name: str,
         style: Mapping[str, Any]) -> Line2D:
    """A variant's mean line and its shaded 90% band."""
    ax.fill_between(x, frame["low"] * scale, frame["high"] * scale, color=style["color"],
                    alpha=0.18, linewidth=0, label="band")
    (line,) = ax.plot(x, frame["mean"] * scale, label=name, **style)
    return line


def cut_if_deep(ax: Axes, frame: pd.DataFrame, s: Series, scale: float, names: Sequence[str],
                x: str = "month", difference: bool = False) -> None:
    """A linear axis cut at −1 (−2 for a difference) for a Lerner series that dives below.

    A price cut to a tenth of marginal cost gives a Lerner index of −9; uncut, every other
    variant would be flattened to a line. The cut follows the bands' lower edge, and the
    panel's title names it with the lowest 5th percentile (who and when).

    Args:
        ax: the panel, its bands drawn.
        frame: the bands (``low`` per variant and ``x``), with a column ``variant`` naming
            each row's variant as in ``names``.
        s: the series (only a ``lerner*`` metric is cut).
        scale: the display factor of the series.
        names: the variants' names, for the note.
        x: the column of the time axis.
        difference: whether the bands are of paired differences.
    """
    if not s.metric.startswith("lerner") or frame.empty:
        return
    low, high = LERNER_DIFFERENCES if difference else LERNER_LEVELS
    lows = frame.assign(low=frame["low"] * scale).pivot_table(
        index=x, columns="variant", values="low", aggfunc="min")
    lows = lows[[n for n in names if n in lows.columns]]
    lows.columns = [f"{n} (5th percentile)" for n in lows.columns]
    note = cut_below(ax, lows, low, high)
    if note:
        chars = int(ax.get_position().width * ax.figure.get_figwidth() * 15)
        ax.set_title(ax.get_title(loc="left") + "\n" + wrap(f"({note})", max(chars, 30)),
                     loc="left", fontsize=7.5)


def mark_scenario_events(ax: Axes, own: pd.DataFrame, colors: Mapping[str, str]) -> None:
    """Thin lines at each scenario's own events, in its colour (``colors``: scenario ->
    colour, the scenarios to mark)."""
    for scenario, color in colors.items():
        months = sorted(set(own.loc[own["scenario"] == scenario, "month"]))
        for month in months:
            ax.axvline(to_dates([month])[0], color=color, lw=0.6, ls=(0, (2, 2)), alpha=0.8,
                       zorder=1.5, label="_event")


def scenario_colors(styles: Mapping[Variant, Mapping[str, Any]]) -> dict[str, str]:
    """Each scenario's colour: that of its first variant."""
    out: dict[str, str] = {}
    for variant, style in styles.items():
        out.setdefault(str(variant[0]), style["color"])
    return out


def variant_legend(fig: Figure, styles: Mapping[Variant, Mapping[str, Any]],
                   params: Sequence[str], events_marked: bool,
                   extra: Sequence[Line2D] = (), across: str = "across seeds") -> None:
    """One legend under the figure: a line per variant, the band (5th–95th percentile
    ``across`` the runs: seeds, or draws and seeds), the event lines."""
    handles = [Line2D([], [], label=variant_label(v, params), **style)
               for v, style in styles.items()]
    handles.append(Line2D([], [], color=GREY, lw=6, alpha=0.35,
                          label=f"5th–95th percentile {across}"))
    if events_marked:
        handles.append(Line2D([], [], color=GREY, lw=0.6, ls=(0, (2, 2)),
                              label="the scenario's events (its colour)"))
    handles.extend(extra)
    wide = fig.get_figwidth() > 5
    ncols = min(len(handles), (2 if params else 3) if wide else 1)
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols,
               title="Scenario" + (" and swept parameters" if params else ""))


def sweep_label(gathered: pd.DataFrame) -> str:
    """The line under a sweep figure's title: scenarios × seeds × parameter values."""
    n_scen = gathered["scenario"].nunique()
    n_seeds = gathered["seed"].nunique()
    params = parameter_columns(gathered)
    text = f"Sweep: {n_scen} scenario{'s' * (n_scen != 1)} × {n_seeds} seed" \
           f"{'s' * (n_seeds != 1)}"
    if "draw" in gathered.columns:  # parameter draws: pooled with the seeds in every band
        n_draws = gathered["draw"].nunique()
        text += f" × {n_draws} parameter draw{'s' * (n_draws != 1)}"
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


def variant_bands(ax: Axes, frame: pd.DataFrame, params: Sequence[str],
                  styles: Mapping[Variant, Mapping[str, Any]], scale: float,
                  x: str = "month") -> pd.DataFrame:
    """Each variant's mean line and band from a :func:`sim.analysis.sweep_stats.bands`
    frame, against months (dates) or another column ``x``.

    Returns:
        The frame with a ``variant`` column naming each row's variant (for
        :func:`cut_if_deep`).
    """
    named = []
    for variant, style in styles.items():
        part = variant_rows(frame, params, variant)
        if len(part):
            name = variant_label(variant, params)
            at = to_dates(part["month"]) if x == "month" else part[x].to_numpy()
            band(ax, at, part, scale, name, style)
            named.append(part.assign(variant=name))
    return pd.concat(named, ignore_index=True) if named else frame.assign(variant="")


def band_panel(ax: Axes, frame: pd.DataFrame, s: Series, scale: float, ylabel: str,
               own: pd.DataFrame, params: Sequence[str],
               styles: Mapping[Variant, Mapping[str, Any]], difference: bool = False) -> None:
    """One panel of a grid of series: each variant's band, the scenarios' events, the
    series' label over the panel, and a cut axis where a Lerner index dives below −1."""
    named = variant_bands(ax, frame, params, styles, scale)
    mark_scenario_events(ax, own, scenario_colors(styles))
    panel_title(ax, s.label, ax.figure, ax.get_subplotspec().get_gridspec().ncols)
    ax.set_ylabel(ylabel)
    cut_if_deep(ax, named, s, scale, [variant_label(v, params) for v in styles],
                difference=difference)
