"""Market power and prices of one run: token prices by vendor, the Lerner index by vendor
and the revenue-weighted margin by bloc, and market concentration (HHI of revenue and of
tokens) by segment. Drawn from the run's tidy table,
like every figure of :mod:`sim.plots.run_figures` (which lists them all and saves them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.core.constants import BLOCS
from sim.core.dates import SCENARIO_FROM
from sim.plots.annotate import (
    cut_below,
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
    wrap,
)

#: The 2023 US Merger Guidelines call a market with an HHI above 1,800 highly concentrated.
HHI_HIGHLY_CONCENTRATED = 1800.0


#: The panels of :func:`prices`: a bloc's vendors each (EU and the rest of the world share one:
#: a vendor or two each), so that no panel holds more than the seven US vendors.
PRICE_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("US vendors", ("US",)),
    ("Chinese vendors", ("CN",)),
    ("EU and rest-of-world vendors", ("EU", "ROW")),
)


def price_panels(vendors: Sequence[str], vendor_blocs: Mapping[str, str] | None
                 ) -> list[tuple[str, list[str]]]:
    """The vendors of each panel of :func:`prices` (panels without a vendor left out;
    vendors of an unknown bloc in a last panel of their own)."""
    blocs_of = dict(VENDOR_BLOCS) if vendor_blocs is None else dict(vendor_blocs)
    panels = [(title_, [v for v in vendors if blocs_of.get(v) in blocs])
              for title_, blocs in PRICE_PANELS]
    known = {b for _, blocs in PRICE_PANELS for b in blocs}
    panels.append(("Vendors of other blocs", [v for v in vendors
                                              if blocs_of.get(v) not in known]))
    return [(t, vs) for t, vs in panels if vs]


@paper_figure
def prices(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
           vendor_blocs: Mapping[str, str] | None = None,
           scenario_from: str = SCENARIO_FROM) -> Figure:
    """Price per million tokens of every vendor ever active, a panel per bloc, log axis.

    Fifteen vendors in one panel overplot; a panel per bloc (US, China, EU and the rest of
    the world) on one shared axis keeps every vendor named and the blocs comparable.

    Args:
        table: the run's tidy table (metric ``price``, USD per million tokens).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        vendor_blocs: vendor id to bloc, for panels and colours (default: the shipped
            vendors).
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: one line per vendor with any price, named at its right end.
    """
    wide = series(table, "price")
    wide = wide.where(wide > 0)  # a log axis cannot show a zero price
    panels = price_panels(ever_active(wide), vendor_blocs)
    fig, axes = new_figure("double", 1.75 * len(panels) + 2.3, len(panels), 1, sharex=True,
                           sharey=True)
    for ax, (what, vendors) in zip(axes[:, 0], panels, strict=True):
        for i, vendor in enumerate(vendors):
            plot_line(ax, wide.index, wide[vendor], vendor,
                      vendor_style(vendor, vendor_blocs), markevery=(i % 12, 12))
        ax.set_yscale("log")
        # short: three panels' labels stack along one edge
        unit = unit_of(table, "price").replace("USD per million tokens", "USD/M tokens")
        ax.set_ylabel(f"Price ({unit}, log)")
        ax.set_title(what, loc="left")
    title(fig, "Token prices by vendor, a panel per bloc", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    event_key(fig, key)
    for ax, (_, vendors) in zip(axes[:, 0], panels, strict=True):
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


#: The range of both panels of :func:`lerner`: at −1 a price is half its marginal cost. A
#: subsidised price cut drives a vendor (and a bloc's revenue-weighted margin) far below,
#: which on one linear axis would flatten every other line, so the axis is cut there and
#: the panel's title says so (:func:`sim.plots.annotate.cut_below`).
LERNER_RANGE = (-1.0, 1.0)

#: Style of the market-wide series (all vendors, or all segments) beside the blocs or segments.
MARKET_STYLE = {"color": "#000000", "linestyle": "-", "linewidth": 2.2, "alpha": 0.45}


@paper_figure
def lerner(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
           vendor_blocs: Mapping[str, str] | None = None,
           scenario_from: str = SCENARIO_FROM) -> Figure:
    """Lerner index (P − MC)/P by vendor, and the revenue-weighted margin of each bloc.

    Both panels are linear. The bloc panel shows ``sum (p - c) q / sum p q`` over the bloc's
    API sales (``lerner_bloc``) and over all vendors (``lerner_market``). A panel with a
    value below :data:`LERNER_RANGE` is cut there; its title names the cut and the lowest
    value, and ▼ marks the months a line spends below it.

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
    shown = by_bloc[blocs].rename(columns=label).assign(**{"all vendors": market})
    notes = (cut_below(left, by_vendor[vendors], *LERNER_RANGE),
             cut_below(right, shown, *LERNER_RANGE))
    for ax, note, what, unit in (
            (left, notes[0], "By vendor", "Lerner index (P − MC)/P"),
            (right, notes[1], "By bloc: revenue-weighted, Σ(P − MC)Q / ΣPQ",
             "Revenue-weighted margin")):
        ax.axhline(0.0, color=GREY, lw=0.6, label="_zero")
        ax.set_ylabel(f"{unit} (dimensionless)")
        chars = int(ax.get_position().width * fig.get_figwidth() * 17)  # 8 pt text
        ax.set_title(what + (f"\n({wrap(note, chars)})" if note else ""), loc="left")
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
    first.set_ylim(0, 10_000)
    first.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    for ax in axes[:, 0]:
        ax.set_ylabel("HHI (points, 0–10,000)")
    title(fig, "Market concentration (HHI) by segment", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    # the threshold is named in the legend: a label on the panel would hide the lines there
    threshold = Line2D([], [], color=GREY, lw=0.8, ls="--",
                       label="1,800: highly concentrated (2023 US Merger Guidelines)")
    legend_below(axes[-1, 0], [*named_lines(first.lines), threshold], "Segment", ncols=3)
    event_key(fig, key)
    return fig
