"""Market power and prices of one run: token prices by vendor, the Lerner index by vendor
and by bloc, and market concentration (HHI) by segment. Drawn from the run's tidy table,
like every figure of :mod:`sim.plots.run_figures` (which lists them all and saves them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.core.constants import BLOCS
from sim.core.dates import SCENARIO_FROM
from sim.plots.annotate import (
    event_key,
    ever_active,
    finish_time_axes,
    label_line_ends,
    legend_below,
    named_lines,
    ordered,
    plot_line,
    segments_of,
    series,
    symlog_below_minus_one,
    unit_of,
)
from sim.plots.style import (
    GREY,
    VENDOR_BLOCS,
    bloc_style,
    label,
    new_figure,
    paper_figure,
    segment_style,
    title,
    vendor_style,
)

#: The 2023 US Merger Guidelines call a market with an HHI above 1,800 highly concentrated.
HHI_HIGHLY_CONCENTRATED = 1800.0


@paper_figure
def prices(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
           vendor_blocs: Mapping[str, str] | None = None,
           scenario_from: str = SCENARIO_FROM) -> Figure:
    """Price per million tokens of every vendor ever active, on a log axis.

    Args:
        table: the run's tidy table (metric ``price``, USD per million tokens).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        vendor_blocs: vendor id to bloc, for colours (default: the shipped vendors).
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: one line per vendor with any price, named at its right end.
    """
    wide = series(table, "price")
    wide = wide.where(wide > 0)  # a log axis cannot show a zero price
    vendors = ever_active(wide)
    fig, axes = new_figure("double", 4.3)
    ax = axes[0, 0]
    for i, vendor in enumerate(vendors):
        plot_line(ax, wide.index, wide[vendor], vendor, vendor_style(vendor, vendor_blocs),
              markevery=(i % 12, 12))
    ax.set_yscale("log")
    ax.set_ylabel(f"Price ({unit_of(table, 'price')}, log scale)")
    title(fig, "Token prices by vendor", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(ax, _bloc_handles(vendors, vendor_blocs), "Vendor's bloc")
    event_key(fig, key)
    label_line_ends(ax, [(v, wide[v].dropna().iloc[-1],
                           vendor_style(v, vendor_blocs)["color"]) for v in vendors])
    return fig


def _bloc_handles(vendors: Sequence[str],
                  vendor_blocs: Mapping[str, str] | None) -> list[Line2D]:
    """Legend entries for the blocs of these vendors (their lines share the bloc colour)."""
    blocs_of = dict(VENDOR_BLOCS) if vendor_blocs is None else dict(vendor_blocs)
    present = ordered(list(dict.fromkeys(blocs_of.get(v, "?") for v in vendors)), BLOCS)
    return [Line2D([], [], color=bloc_style(b)["color"] if b != "?" else GREY, lw=2,
                   label=label(b) if b != "?" else "unknown bloc") for b in present]


def _lerner_scale(ax: Axes, values: pd.DataFrame) -> str:
    """A symmetric-log axis when some Lerner index falls below −1 (deep dumping).

    Returns:
        A note for the panel's title ('' for a linear axis).
    """
    low = np.nanmin(values.to_numpy()) if values.notna().any().any() else 0.0
    if low < -1:
        symlog_below_minus_one(ax)
        return "\n(logarithmic below −1)"
    return ""


@paper_figure
def lerner(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
           vendor_blocs: Mapping[str, str] | None = None,
           scenario_from: str = SCENARIO_FROM) -> Figure:
    """Lerner index (P − MC)/P by vendor, and its token-weighted average by bloc.

    Args:
        table: the run's tidy table (metrics ``lerner`` and ``lerner_bloc``, unit 1).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        vendor_blocs: vendor id to bloc, for colours (default: the shipped vendors).
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: vendors left (named at their right end), blocs right.
    """
    by_vendor = series(table, "lerner")
    by_bloc = series(table, "lerner_bloc")
    vendors = ever_active(by_vendor)
    blocs = ordered(ever_active(by_bloc), BLOCS)
    fig, axes = new_figure("double", 4.4, 1, 2, sharex=True)
    left, right = axes[0]
    for vendor in vendors:
        plot_line(left, by_vendor.index, by_vendor[vendor], vendor,
              vendor_style(vendor, vendor_blocs), markevery=12)
    for bloc in blocs:
        style = bloc_style(bloc)
        plot_line(right, by_bloc.index, by_bloc[bloc], label(bloc),
              {"color": style["color"], "linestyle": style["linestyle"]})
    for ax, values, what in ((left, by_vendor[vendors], "by vendor"),
                             (right, by_bloc[blocs], "by bloc (token-weighted)")):
        note = _lerner_scale(ax, values)
        ax.axhline(0.0, color=GREY, lw=0.6, label="_zero")
        ax.set_ylabel("Lerner index (P − MC)/P (dimensionless)")
        ax.set_title(what.capitalize() + note, loc="left")
    title(fig, "Market power: the Lerner index by vendor and by bloc", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(left, _bloc_handles(vendors, vendor_blocs), "Vendor's bloc")
    legend_below(right, named_lines(right.lines), "Bloc")
    event_key(fig, key)
    label_line_ends(left, [(v, by_vendor[v].dropna().iloc[-1],
                             vendor_style(v, vendor_blocs)["color"]) for v in vendors])
    return fig


@paper_figure
def hhi(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
        scenario_from: str = SCENARIO_FROM) -> Figure:
    """Herfindahl–Hirschman index of vendors' token shares, per segment.

    Args:
        table: the run's tidy table (metric ``hhi``, points from 0 to 10,000).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure, with the 1,800-point 'highly concentrated' threshold of the 2023 US
        Merger Guidelines marked.
    """
    fig, axes = new_figure("single", 4.4)
    ax = axes[0, 0]
    for segment in segments_of(table, "hhi"):
        wide = series(table, "hhi", segment)
        plot_line(ax, wide.index, wide["market"], label(segment), segment_style(segment))
    ax.axhline(HHI_HIGHLY_CONCENTRATED, color=GREY, lw=0.8, ls="--", label="_threshold")
    ax.annotate("1,800: highly concentrated (2023 US Merger Guidelines)",
                xy=(0.01, HHI_HIGHLY_CONCENTRATED), xycoords=ax.get_yaxis_transform(),
                xytext=(0, -3), textcoords="offset points", va="top", fontsize=6,
                color="#444444", zorder=3,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.8})
    ax.set_ylim(0, 10_000)
    ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("HHI (points, 0–10,000)")
    title(fig, "Market concentration (HHI) by segment", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(ax, named_lines(ax.lines), "Segment", ncols=2)
    event_key(fig, key)
    return fig
