"""Market power and prices of one run: token prices by vendor, the Lerner index by vendor
and the revenue-weighted margin by bloc, and market concentration (HHI of revenue and of
tokens) by segment. Drawn from the run's tidy table,
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


#: The range of the bloc panel of :func:`lerner`: a bloc whose costs are many times its
#: revenue (a subsidised price cut) falls below it, and the axis is cut at its lower end.
LERNER_BLOC_RANGE = (-1.0, 1.0)

#: Style of the market-wide series (all vendors, or all segments) beside the blocs or segments.
MARKET_STYLE = {"color": "#000000", "linestyle": "-", "linewidth": 2.2, "alpha": 0.45}


def _cut_below(ax: Axes, values: pd.DataFrame, low: float) -> str:
    """Cut a linear axis at ``low`` (top at 1, the Lerner index's bound) when a series falls
    below it.

    Returns:
        A note for the panel's title naming the lowest value cut off ('' if none).
    """
    stacked = values.stack()
    if stacked.empty or stacked.min() >= low:
        return ""
    (month, who), lowest = stacked.idxmin(), stacked.min()
    ax.set_ylim(low, LERNER_BLOC_RANGE[1] + 0.05)
    name = label(who) if who != "market" else "all vendors"
    when = pd.Timestamp(month).strftime("%Y-%m")
    def minus(v: float) -> str:
        return f"{v:,.3g}".replace("-", "−")
    return f"\n(axis cut at {minus(low)}; lowest: {name}, {minus(lowest)} in {when})"


@paper_figure
def lerner(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
           vendor_blocs: Mapping[str, str] | None = None,
           scenario_from: str = SCENARIO_FROM) -> Figure:
    """Lerner index (P − MC)/P by vendor, and the revenue-weighted margin of each bloc.

    The bloc panel shows ``sum (p - c) q / sum p q`` over the bloc's API sales
    (``lerner_bloc``) and over all vendors (``lerner_market``), on a linear axis cut at
    :data:`LERNER_BLOC_RANGE` (the panel's title says so, with the lowest value, when a
    series falls below it).

    Args:
        table: the run's tidy table (metrics ``lerner``, ``lerner_bloc`` and
            ``lerner_market``, unit 1).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        vendor_blocs: vendor id to bloc, for colours (default: the shipped vendors).
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: vendors left (named at their right end), blocs and market right.
    """
    by_vendor = series(table, "lerner")
    by_bloc = series(table, "lerner_bloc")
    market = series(table, "lerner_market")["market"]
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
    plot_line(right, market.index, market, "All vendors", MARKET_STYLE)
    notes = (_lerner_scale(left, by_vendor[vendors]),
             _cut_below(right, by_bloc[blocs].assign(market=market), LERNER_BLOC_RANGE[0]))
    for ax, note, what, unit in (
            (left, notes[0], "By vendor", "Lerner index (P − MC)/P"),
            (right, notes[1], "By bloc: revenue-weighted, Σ(P − MC)Q / ΣPQ",
             "Revenue-weighted margin")):
        ax.axhline(0.0, color=GREY, lw=0.6, label="_zero")
        ax.set_ylabel(f"{unit} (dimensionless)")
        ax.set_title(what + note, loc="left")
    title(fig, "Market power: the Lerner index by vendor and by bloc", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(left, _bloc_handles(vendors, vendor_blocs), "Vendor's bloc")
    legend_below(right, named_lines(right.lines), "Bloc")
    event_key(fig, key)
    label_line_ends(left, [(v, by_vendor[v].dropna().iloc[-1],
                             vendor_style(v, vendor_blocs)["color"]) for v in vendors])
    return fig


#: The three HHI panels of :func:`hhi`: metric and title.
HHI_PANELS = (
    ("hhi_revenue", "By API revenue"),
    ("hhi_tokens_api", "By API tokens (self-hosted tokens an atomistic fringe, owned by no lab)"),
    ("hhi_tokens_incl_self_hosted", "By tokens, self-hosted tokens credited to the weights' "
                                    "author"),
)


@paper_figure
def hhi(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
        scenario_from: str = SCENARIO_FROM) -> Figure:
    """Herfindahl–Hirschman index of vendors' shares, per segment: of API revenue, of API
    tokens (self-hosted tokens in the total, owned by no lab), and of tokens with
    self-hosted use credited to the weights' author (the older measure).

    Args:
        table: the run's tidy table (metrics of :data:`HHI_PANELS`, points from 0 to 10,000).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure, a panel per measure, with the 1,800-point 'highly concentrated'
        threshold of the 2023 US Merger Guidelines marked.
    """
    fig, axes = new_figure("double", 2.1 * len(HHI_PANELS) + 1.6, len(HHI_PANELS), 1,
                           sharex=True, sharey=True)
    for ax, (metric, what) in zip(axes[:, 0], HHI_PANELS, strict=True):
        for segment in segments_of(table, metric):
            wide = series(table, metric, segment)
            if segment == "all":
                plot_line(ax, wide.index, wide["market"], "All segments", MARKET_STYLE)
            else:
                plot_line(ax, wide.index, wide["market"], label(segment),
                          segment_style(segment))
        ax.axhline(HHI_HIGHLY_CONCENTRATED, color=GREY, lw=0.8, ls="--", label="_threshold")
        ax.set_title(what, loc="left")
    first = axes[0, 0]
    first.annotate("1,800: highly concentrated (2023 US Merger Guidelines)",
                   xy=(0.01, HHI_HIGHLY_CONCENTRATED), xycoords=first.get_yaxis_transform(),
                   xytext=(0, -3), textcoords="offset points", va="top", fontsize=6,
                   color="#444444", zorder=3,
                   bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.8})
    first.set_ylim(0, 10_000)
    first.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    for ax in axes[:, 0]:
        ax.set_ylabel("HHI (points, 0–10,000)")
    title(fig, "Market concentration (HHI) by segment", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(axes[-1, 0], named_lines(first.lines), "Segment", ncols=3)
    event_key(fig, key)
    return fig
