"""Welfare and revenue of one run: the month's welfare split (consumer surplus, producer
surplus, government spending, total), and each bloc's share of API revenue beside its share
of tokens, per segment. Drawn from the run's tidy table, like every figure of
:mod:`sim.plots.run_figures` (which lists them all and saves them).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.core.constants import BLOCS
from sim.core.dates import SCENARIO_FROM
from sim.plots.annotate import (
    event_key,
    ever_active,
    finish_time_axes,
    legend_below,
    named_lines,
    ordered,
    plot_line,
    segments_of,
    series,
)
from sim.plots.style import GREY, bloc_style, label, new_figure, paper_figure, title

#: The welfare split's parts (entities of the ``welfare`` metric), their names and styles.
WELFARE_PARTS: dict[str, tuple[str, dict]] = {
    "consumer_surplus": ("Consumer surplus CS", {"color": "#0072B2", "linestyle": "-"}),
    "producer_surplus": ("Producer surplus PS", {"color": "#E69F00", "linestyle": "--"}),
    "government_spending": ("Government spending G",
                            {"color": "#CC79A7", "linestyle": ":"}),
    "total": ("Total welfare W = CS + PS − G",
              {"color": "#000000", "linestyle": "-", "linewidth": 2.0, "alpha": 0.6}),
}
#: Billions: the welfare figure's unit.
BILLION = 1e9


@paper_figure
def welfare(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
            scenario_from: str = SCENARIO_FROM) -> Figure:
    """The month's welfare split, and producer surplus and government spending by bloc.

    Args:
        table: the run's tidy table (metrics ``welfare``, ``producer_surplus_bloc`` and
            ``government_spending``, USD per month).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: CS, PS, G and W on a log axis (left; months where a part is zero or
        negative leave a gap), PS by bloc and G by government on a linear axis (right), in
        billion USD per month.
    """
    split = series(table, "welfare") / BILLION
    by_bloc = series(table, "producer_surplus_bloc") / BILLION
    spending = series(table, "government_spending") / BILLION
    fig, axes = new_figure("double", 4.4, 1, 2, sharex=True)
    left, right = axes[0]
    for part in ordered(list(split.columns), list(WELFARE_PARTS)):
        name, style = WELFARE_PARTS.get(part, (part, {"color": GREY, "linestyle": "-."}))
        plot_line(left, split.index, split[part].where(split[part] > 0), name, style)
    left.set_yscale("log")
    left.set_ylabel("Welfare (billion USD per month, log scale)")
    left.set_title("Welfare split (CS over not buying, which keeps pace\n"
                   "with the frontier: compare runs by differences)", loc="left")
    for bloc in ordered(ever_active(by_bloc), BLOCS):
        plot_line(right, by_bloc.index, by_bloc[bloc], f"PS, {label(bloc)}",
                  {"color": bloc_style(bloc)["color"], "linestyle": "-"})
    for gov in ordered(list(spending.columns), BLOCS):
        if (spending[gov].fillna(0.0) != 0).any():
            plot_line(right, spending.index, spending[gov], f"G, {label(gov)}",
                      {"color": bloc_style(gov)["color"], "linestyle": ":", "linewidth": 1.6})
    right.axhline(0.0, color=GREY, lw=0.6, label="_zero")
    right.set_ylabel("PS and G (billion USD per month)")
    right.set_title("Producer surplus by bloc (solid),\ngovernment spending (dotted)",
                    loc="left")
    title(fig, "Welfare: consumer and producer surplus, government spending", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(left, named_lines(left.lines), "Part", ncols=2)
    legend_below(right, named_lines(right.lines), "Bloc", ncols=3)
    event_key(fig, key)
    return fig


@paper_figure
def revenue_token_shares(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
                         scenario_from: str = SCENARIO_FROM) -> Figure:
    """Each bloc's share of API revenue (solid) against its share of tokens (dotted), per
    segment.

    Token shares count self-hosted tokens to the bloc of the weights' author
    (``token_share_bloc``); revenue shares are of API spend (``revenue_share_bloc``), which
    self-hosting does not earn.

    Args:
        table: the run's tidy table (both metrics, per segment, unit 1).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: a panel per segment, shares in per cent.
    """
    segments = segments_of(table, "token_share_bloc")
    ncols = 2
    nrows = -(-len(segments) // ncols)
    fig, axes = new_figure("double", 2.0 * nrows + 1.6, nrows, ncols, sharex=True,
                           sharey=True)
    blocs: list[str] = []
    for ax, segment in zip(axes.flat, segments, strict=False):
        revenue = series(table, "revenue_share_bloc", segment) * 100
        tokens = series(table, "token_share_bloc", segment) * 100
        present = ordered(ever_active(revenue.where(revenue > 0))
                          + ever_active(tokens.where(tokens > 0)), BLOCS)
        for bloc in dict.fromkeys(present):
            color = bloc_style(bloc)["color"]
            plot_line(ax, revenue.index, revenue[bloc], f"_{bloc} revenue",
                      {"color": color, "linestyle": "-"})
            plot_line(ax, tokens.index, tokens[bloc], f"_{bloc} tokens",
                      {"color": color, "linestyle": ":", "linewidth": 1.6})
            blocs.append(bloc)
        ax.set_ylim(0, 100)
        ax.set_title(label(segment), loc="left")
        ax.set_ylabel("Share (%)")
    for ax in axes.flat[len(segments):]:
        ax.set_visible(False)
    title(fig, "Share of API revenue against share of tokens, by the model's bloc", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    handles = [Line2D([], [], color=bloc_style(b)["color"], lw=2, label=label(b))
               for b in ordered(list(dict.fromkeys(blocs)), BLOCS)]
    kinds = [Line2D([], [], color=GREY, linestyle="-", label="Revenue (API spend)"),
             Line2D([], [], color=GREY, linestyle=":", lw=1.6,
                    label="Tokens (self-hosted to the author)")]
    legend_below(axes[-1, 0], handles, "Model's bloc")
    legend_below(axes[-1, -1], kinds, "Share of", ncols=1)
    event_key(fig, key)
    return fig
