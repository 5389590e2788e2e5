"""The standard figures of one run, drawn from its tidy tables (never from the model).

Each function takes the run's long table (month, metric, entity, segment, value, unit),
its events table (month, kind, vendor, bloc, label) and the scenario's name, and returns
a :class:`matplotlib.figure.Figure` sized for a paper (their names in words and captions
are in :mod:`sim.plots.captions`). :func:`draw_run_figures` draws
them all and saves each as PNG (and PDF or SVG on request); :mod:`sim.plots.parallel` does
the same in worker processes.

Events are marked on every time axis:

- the scenario's own events (from ``scenario_from``, by default 2026-01, the first month
  after the recorded history) as dark vertical lines, lettered A, B, C... above the
  panels, with a key under the figure;
- price, export-control, subsidy, ban, entry and privacy events of the recorded history
  as faint dotted lines, without labels (the many model releases of the history are left
  out: they would cover the panels).

Redraw from a saved run folder::

    table = pd.read_parquet(run_dir / "timeseries.parquet")
    events = pd.read_csv(run_dir / "events.csv", dtype=str).fillna("")
    fig = sim.plots.market_figures.prices(table, events, "token_price_cut")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.core.constants import BLOCS, NESTS, OPENNESS
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
    unit_of,
)
from sim.plots.captions import RUN_FIGURE_NAMES
from sim.plots.export import DEFAULT_FORMATS, save
from sim.plots.market_figures import hhi, lerner, prices
from sim.plots.style import (
    GREY,
    bloc_style,
    label,
    nest_style,
    new_figure,
    openness_style,
    paper_figure,
    title,
)
from sim.plots.welfare_figures import revenue_token_shares, welfare

log = logging.getLogger("sim.plots")

@paper_figure
def market_shares(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
                  scenario_from: str = SCENARIO_FROM) -> Figure:
    """Token shares by bloc and by openness, per segment, as stacked areas.

    Small multiples: a row per segment (startups, enterprises, nations, devices), a
    column for blocs (``token_share_bloc``) and one for openness (``token_share_openness``).

    Args:
        table: the run's tidy table.
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events (``YYYY-MM``).

    Returns:
        The figure; shares in per cent of tokens.
    """
    segments = segments_of(table, "token_share_bloc")
    fig, axes = new_figure("double", 1.45 * len(segments) + 1.9, len(segments), 2,
                           sharex=True)
    panels = (("token_share_bloc", BLOCS, bloc_style, "bloc"),
              ("token_share_openness", OPENNESS, openness_style, "openness"))
    handles: dict[str, list] = {"bloc": [], "openness": []}
    for r, segment in enumerate(segments):
        for c, (metric, order, style_of, by) in enumerate(panels):
            ax = axes[r, c]
            wide = series(table, metric, segment)
            names = ordered(list(wide.columns), order)
            styles = [style_of(n) for n in names]
            areas = ax.stackplot(wide.index, (wide[names].fillna(0.0).to_numpy() * 100).T,
                                 labels=[label(n) for n in names],
                                 colors=[s["color"] for s in styles],
                                 hatch=[s["hatch"] for s in styles],
                                 edgecolor="white", linewidth=0.3)
            if r == 0:
                handles[by] = areas
            ax.set_ylim(0, 100)
            ax.set_title(f"{label(segment)}, by {by}", loc="left")
            ax.set_ylabel("Share of tokens (%)")
    title(fig, "Token shares by bloc and by openness of the model, per segment", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(axes[-1, 0], handles["bloc"], "Model's bloc")
    legend_below(axes[-1, 1], handles["openness"], "Model's openness", ncols=3)
    event_key(fig, key)
    return fig


def _bloc_lines(ax: Axes, wide: pd.DataFrame, scale: float = 1.0) -> None:
    for bloc in ordered(ever_active(wide), BLOCS):
        style = bloc_style(bloc)
        plot_line(ax, wide.index, wide[bloc] * scale, label(bloc),
              {"color": style["color"], "linestyle": style["linestyle"]})


@paper_figure
def soft_power(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
               scenario_from: str = SCENARIO_FROM) -> Figure:
    """Soft power of each bloc in developing nations, and its reach.

    Args:
        table: the run's tidy table (metrics ``soft_power`` and ``soft_power_reach``,
            segment ``nations``, shares).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: population-weighted share of queries (left) and share of people
        reached (right), in per cent.
    """
    fig, axes = new_figure("double", 4.0, 1, 2, sharex=True)
    left, right = axes[0]
    _bloc_lines(left, series(table, "soft_power", "nations"), 100.0)
    _bloc_lines(right, series(table, "soft_power_reach", "nations"), 100.0)
    left.set_ylabel("Soft power (% of queries)")
    left.set_title("Share of developing nations' queries (population-weighted)", loc="left")
    right.set_ylabel("Reach (% of population)")
    right.set_title("Share of their people using each bloc's models", loc="left")
    left.set_ylim(0, 100)
    right.set_ylim(bottom=0)
    title(fig, "Soft power of each bloc in developing nations", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    for panel in (left, right):
        legend_below(panel, named_lines(panel.lines), "Bloc")
    event_key(fig, key)
    return fig


#: Styles of the two capability gaps.
_GAP_STYLES: dict[str, dict[str, str]] = {
    "US-CN": {"color": "#000000", "linestyle": "-"},
    "closed-open": {"color": "#E69F00", "linestyle": "--"},
}
_GAP_LABELS = {"US-CN": "US lead over China", "closed-open": "Closed lead over open models"}


@paper_figure
def capability_compute(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
                       scenario_from: str = SCENARIO_FROM) -> Figure:
    """The US–China capability gap (and the closed–open gap) and compute by bloc.

    Args:
        table: the run's tidy table (``capability_gap_months`` in months,
            ``compute_bloc`` in FLOP/s).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: gaps in months of frontier progress (left), compute on a log axis
        (right).
    """
    gaps = series(table, "capability_gap_months")
    compute = series(table, "compute_bloc")
    compute = compute.where(compute > 0)
    fig, axes = new_figure("double", 4.0, 1, 2, sharex=True)
    left, right = axes[0]
    for gap in ordered(ever_active(gaps), list(_GAP_STYLES)):
        plot_line(left, gaps.index, gaps[gap], _GAP_LABELS.get(gap, gap),
              _GAP_STYLES.get(gap, {"color": GREY, "linestyle": ":"}))
    left.axhline(0.0, color=GREY, lw=0.6, label="_zero")
    left.set_ylabel(f"Capability gap ({unit_of(table, 'capability_gap_months')})")
    left.set_title("Lead at the capability frontier", loc="left")
    _bloc_lines(right, compute)
    right.set_yscale("log")
    right.set_ylabel(f"Compute ({unit_of(table, 'compute_bloc')}, log scale)")
    right.set_title("Compute held by each bloc's labs", loc="left")
    title(fig, "US–China capability gap and compute by bloc", scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    legend_below(left, named_lines(left.lines), "Gap", ncols=1)
    legend_below(right, named_lines(right.lines), "Bloc")
    event_key(fig, key)
    return fig


@paper_figure
def firm_choice(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
                scenario_from: str = SCENARIO_FROM) -> Figure:
    """Share of startups and enterprises on closed APIs, hosted open APIs and self-hosting.

    Args:
        table: the run's tidy table (metric ``firm_share``, share of firms).
        events: the run's events (or None).
        scenario: the scenario's name, for the title.
        scenario_from: first month of the scenario's own events.

    Returns:
        The figure: a panel per firm segment, shares in per cent of firms.
    """
    segments = segments_of(table, "firm_share")
    fig, axes = new_figure("double", 4.2, 1, len(segments), sharex=True)
    for ax, segment in zip(axes[0], segments, strict=True):
        wide = series(table, "firm_share", segment)
        for nest in ordered(list(wide.columns), NESTS):
            plot_line(ax, wide.index, wide[nest] * 100, label(nest), nest_style(nest))
        ax.set_ylim(0, 100)
        ax.set_ylabel(f"Share of {segment} (%)")
        ax.set_title(label(segment), loc="left")
    title(fig, "How firms are served: closed APIs, hosted open-weight APIs, self-hosting",
          scenario)
    key = finish_time_axes(axes, table, events, scenario_from)
    for ax in axes[0]:
        legend_below(ax, named_lines(ax.lines), "Served by", ncols=1)
    event_key(fig, key)
    return fig


#: The standard figures of a run, by file name, in the order of the report.
RUN_FIGURES: dict[str, Callable[..., Figure]] = {
    name: {
        "market_shares": market_shares,
        "prices": prices,
        "lerner": lerner,
        "hhi": hhi,
        "revenue_token_shares": revenue_token_shares,
        "soft_power": soft_power,
        "capability_compute": capability_compute,
        "firm_choice": firm_choice,
        "welfare": welfare,
    }[name] for name in RUN_FIGURE_NAMES}


def run_figures(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str, *,
                scenario_from: str = SCENARIO_FROM,
                vendor_blocs: Mapping[str, str] | None = None
                ) -> Iterator[tuple[str, Figure]]:
    """The standard figures of a run, one at a time, by name.

    A figure whose series the table lacks (a custom world without a segment) is left out
    with a warning; the others are still drawn.
    """
    for name, draw in RUN_FIGURES.items():
        extra = {"vendor_blocs": vendor_blocs} if name in ("prices", "lerner") else {}
        try:
            fig = draw(table, events, scenario, scenario_from=scenario_from, **extra)
        except KeyError as err:
            log.warning("figure %s left out: %s", name, err)
            continue
        yield name, fig


def draw_run_figures(table: pd.DataFrame, events: pd.DataFrame | None, scenario: str,
                     out_dir: str | Path, *, scenario_from: str = SCENARIO_FROM,
                     vendor_blocs: Mapping[str, str] | None = None,
                     formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, list[Path]]:
    """Draw every standard figure of a run, one after the other, and save each.

    Args:
        table: the run's tidy table.
        events: the run's events (or None).
        scenario: the scenario's name, for the titles.
        out_dir: folder for the files (created if missing); each figure is
            ``<out_dir>/<name>.<format>``.
        scenario_from: first month of the scenario's own events.
        vendor_blocs: vendor id to bloc, for the vendors' colours (default: the shipped
            vendors, :data:`sim.plots.style.VENDOR_BLOCS`).
        formats: file formats (:data:`sim.plots.export.FIGURE_FORMATS`); PNG only by
            default.

    Returns:
        For each figure drawn, its name and its paths (PNG first), in the order of
        :data:`RUN_FIGURES`.
    """
    out_dir = Path(out_dir)
    return {name: save(fig, out_dir / name, formats=formats)
            for name, fig in run_figures(table, events, scenario, scenario_from=scenario_from,
                                         vendor_blocs=vendor_blocs)}
