"""The page's figures: the standard run figures of :mod:`sim.plots.run_figures`, drawn from the
model's tidy table so far and turned into PNG bytes.

The page draws one figure at a time (a figure takes 0.2-0.5 s to lay out and render,
a month of the small world a few milliseconds to simulate), in worker processes when the
page hands it a :class:`~sim.plots.parallel.FigurePool`; market shares are drawn for
one buyer segment (two panels) unless all four (eight panels) are asked for.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.headline import HEADLINES
from sim.core.calendar import format_month, parse_month
from sim.core.constants import SEGMENTS
from sim.model import AIMarket
from sim.model.reporters import headline_now
from sim.model.results import event_rows
from sim.plots import market_figures as market_plots
from sim.plots import run_figures as run_plots
from sim.plots.parallel import FigurePool
from sim.plots.style import png_bytes

#: Resolution of the page's images (a double-column figure is 7 in wide: 770 px).
DPI = 110
#: Segment choices of the market-share figure ("all": the four rows).
SHARE_SEGMENTS: tuple[str, ...] = (*SEGMENTS, "all")


@dataclass(frozen=True)
class PageFigure:
    """A figure the page offers: its key, its tab label and the function that draws it."""

    key: str
    label: str
    draw: Callable[..., Figure]


#: The page's figures, in the order of the tabs (the report's order).
FIGURES: tuple[PageFigure, ...] = (
    PageFigure("market_shares", "Market shares", run_plots.market_shares),
    PageFigure("prices", "Prices", market_plots.prices),
    PageFigure("lerner", "Lerner index", market_plots.lerner),
    PageFigure("hhi", "HHI", market_plots.hhi),
    PageFigure("soft_power", "Soft power", run_plots.soft_power),
    PageFigure("capability_compute", "Capability gap", run_plots.capability_compute),
    PageFigure("firm_choice", "Firm choice", run_plots.firm_choice),
)
FIGURE_KEYS: tuple[str, ...] = tuple(f.key for f in FIGURES)


@dataclass(frozen=True)
class Snapshot:
    """What the page shows of a model at one moment: its tables so far.

    Taken under the model's lock (when it has one), so that the page can draw while the
    model simulates the next month in another thread.
    """

    months: tuple[str, ...]
    table: pd.DataFrame
    events: pd.DataFrame
    step_seconds: float
    running: bool


def snapshot(model: AIMarket) -> Snapshot:
    """The model's tables so far (a few tens of milliseconds)."""
    with getattr(model, "lock", contextlib.nullcontext()):
        return Snapshot(tuple(model.recorder.months), model.recorder.to_frame(),
                        event_rows(model), getattr(model, "step_seconds", math.nan),
                        bool(model.running))


@dataclass(frozen=True)
class Glance:
    """What the page shows of a model at every redraw, cheap to take (no table): the
    months simulated, how long the last took, and whether it runs on."""

    months: tuple[str, ...]
    step_seconds: float
    running: bool


def glance(model: AIMarket) -> Glance:
    """The model's months so far (under its lock, when it has one)."""
    with getattr(model, "lock", contextlib.nullcontext()):
        return Glance(tuple(model.recorder.months), getattr(model, "step_seconds", math.nan),
                      bool(model.running))


@dataclass(frozen=True)
class Drawn:
    """A figure drawn for the page: the PNG, the month it shows, and what it cost; the
    figure's key and segment, and the number of months it was drawn from."""

    png: bytes
    month: str
    seconds: float
    key: str = ""
    segment: str = ""
    n_months: int = 0


def scenario_title(model: AIMarket) -> str:
    """The scenario line of the figures' titles: the scenario, and the levers if any."""
    levers = getattr(model, "levers", None)
    name = model.cfg.scenario.name
    if levers is not None and levers.events():
        name += " + dashboard levers"
    return f"{name} (world {model.cfg.world.name}, seed {model.cfg.seed})"


def one_month_held(table: pd.DataFrame) -> pd.DataFrame:
    """A table of one month drawn as that month's span: its rows again at the start of
    the next month, so that a time axis has a width and each value holds over its month
    (the page's first view, before a second month is simulated). Longer tables are
    returned as they are."""
    months = table["month"].astype(str).unique()
    if len(months) != 1:
        return table
    following = format_month(parse_month(months[0]) + 1)
    return pd.concat([table, table.assign(month=following)], ignore_index=True)


@dataclass(frozen=True)
class FigureCall:
    """What drawing one page figure takes: the figure's name, the tables it is drawn from,
    its title and keywords; plain values, so that a worker process can draw it."""

    key: str
    table: pd.DataFrame
    events: pd.DataFrame
    scenario: str
    kwargs: dict


def figure_call(model: AIMarket, key: str, segment: str = "all",
                snap: Snapshot | None = None) -> FigureCall | None:
    """The figure ``key`` of the months simulated so far, ready to draw (None before the
    first month).

    Args:
        model: a model that has stepped.
        key: one of :data:`FIGURE_KEYS`.
        segment: for ``market_shares``, one buyer segment or ``"all"``.
        snap: the model's tables, if already taken (:func:`snapshot`).
    """
    snap = snapshot(model) if snap is None else snap
    table = snap.table
    if table.empty:
        return None
    if key not in FIGURE_KEYS:
        raise KeyError(f"no page figure {key!r}: one of {', '.join(FIGURE_KEYS)}")
    if key == "market_shares" and segment != "all":
        table = table[table["segment"].astype(str) == segment]
    kwargs: dict = {"scenario_from": format_month(model.clock.history_until + 1)}
    if key in ("prices", "lerner"):
        kwargs["vendor_blocs"] = {vid: v.bloc for vid, v in model.cfg.world.vendors.items()}
    return FigureCall(key, one_month_held(table), snap.events, scenario_title(model), kwargs)


def build_figure(model: AIMarket, key: str, segment: str = "all",
                 snap: Snapshot | None = None) -> Figure | None:
    """The figure ``key`` of the months simulated so far (None before the first month),
    drawn here (:func:`figure_call` says what with)."""
    call = figure_call(model, key, segment, snap)
    if call is None:
        return None
    figure = {f.key: f for f in FIGURES}[key]
    return figure.draw(call.table, call.events, call.scenario, **call.kwargs)


def draw_png(model: AIMarket, key: str, segment: str = "all", dpi: int = DPI,
             snap: Snapshot | None = None, pool: FigurePool | None = None) -> Drawn | None:
    """:func:`build_figure` as PNG bytes, with the wall time it took.

    Args:
        pool: worker processes to draw in (the page's, so that sessions do not queue on
            the server's interpreter lock); None draws here.
    """
    clock = time.perf_counter()
    snap = snapshot(model) if snap is None else snap
    if pool is None:
        fig = build_figure(model, key, segment, snap)
        if fig is None:
            return None
        png = png_bytes(fig, dpi=dpi)
    else:
        call = figure_call(model, key, segment, snap)
        if call is None:
            return None
        png = pool.png(call.key, call.table, call.events, call.scenario, dpi, **call.kwargs)
    return Drawn(png, snap.months[-1], time.perf_counter() - clock, key, segment,
                 len(snap.months))


def latest_values(model: AIMarket) -> pd.DataFrame:
    """The headline metrics at the last simulated month (label, value, unit), read from
    the recorder's last month (no table is built: the page shows them at every redraw)."""
    rows = []
    with getattr(model, "lock", contextlib.nullcontext()):
        if model.recorder.months:
            for h in HEADLINES:
                series = model.recorder.series.get((h.metric, h.segment))
                if series is not None and h.entity in series["entities"]:
                    rows.append({"headline": h.label, "value": headline_now(model, h),
                                 "unit": h.unit})
    return pd.DataFrame(rows, columns=["headline", "value", "unit"])
