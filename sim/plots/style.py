"""One look for every figure: colours, line styles, paper sizes and dates (files are written
by :mod:`sim.plots.export`).

Colours come from the Okabe–Ito palette (Okabe and Ito 2008), which stays distinct for
the common forms of colour blindness. Every series also gets its own line style (and
stacked areas their own hatch), so that a figure printed in greyscale still reads.

Figures are built on :class:`matplotlib.figure.Figure` with an explicit Agg canvas, not
through ``pyplot``: nothing is drawn on screen, no global backend is switched (a notebook
keeps its own), and a figure is freed as soon as it is no longer referenced.

Sizes follow a two-column paper: a single column is 3.5 in wide, a double column 7 in;
fonts are 7–9 pt, readable at that size (see :data:`PAPER_RC`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.lines as mlines
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.core.constants import BLOCS, NESTS, OPENNESS, SEGMENTS

P = ParamSpec("P")

# -- palette -----------------------------------------------------------------------------------

#: The Okabe–Ito palette (hex), in its usual order.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Neutral grey for marks that are context, not data (history events, reference lines).
GREY = "#999999"
#: Colour for anything the fixed maps below do not know and that has no fallback.
UNKNOWN = "#777777"

_OI = OKABE_ITO
#: Fallback order for names the fixed maps do not know (black left out: it is the baseline).
_FALLBACK_COLORS: tuple[str, ...] = tuple(c for k, c in _OI.items() if k != "black")
#: Dash patterns that stay distinct in greyscale, in the order they are handed out.
LINESTYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1.5)), (0, (3, 1, 1, 1, 1, 1)),
                               (0, (1, 1)), (0, (6, 2, 1, 2)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "v", "D", "P", "X", "*")
HATCHES: tuple[str, ...] = ("", "////", "....", "xxxx", "\\\\\\\\", "++++")

BLOC_COLORS: dict[str, str] = {"US": _OI["blue"], "CN": _OI["vermillion"],
                               "EU": _OI["bluish_green"], "ROW": _OI["reddish_purple"]}
OPENNESS_COLORS: dict[str, str] = {"closed": _OI["orange"], "open_weight": _OI["sky_blue"],
                                   "open_source": _OI["yellow"]}
#: How firms are served: a closed API, a hosted open-weight API, or self-hosted weights.
NEST_COLORS: dict[str, str] = {"closed_api": _OI["orange"], "open_api": _OI["sky_blue"],
                               "self_host": _OI["bluish_green"]}
SEGMENT_COLORS: dict[str, str] = {"startups": _OI["black"], "enterprises": _OI["orange"],
                                  "nations": _OI["sky_blue"], "devices": _OI["bluish_green"]}
#: The eight shipped scenarios; the baseline is black so that it reads as the reference.
SCENARIO_COLORS: dict[str, str] = {
    "baseline": _OI["black"],
    "open_weight_release": _OI["sky_blue"],
    "token_price_cut": _OI["vermillion"],
    "chip_export_limits": _OI["blue"],
    "asymmetric_strategy": _OI["reddish_purple"],
    "us_open_response": _OI["bluish_green"],
    "privacy_shift": _OI["orange"],
    "embodied_ai": _OI["yellow"],
}
SCENARIO_ORDER: tuple[str, ...] = tuple(SCENARIO_COLORS)

#: Home bloc of the shipped vendors (``world.vendors.<id>.bloc`` in scenarios/world/default.yaml).
#: The tidy table does not carry it; plots take a ``vendor_blocs`` argument to override it.
VENDOR_BLOCS: dict[str, str] = {
    "openai": "US", "anthropic": "US", "google": "US", "xai": "US", "meta": "US", "ai2": "US",
    "openai_oss": "US", "deepseek": "CN", "alibaba": "CN", "moonshot": "CN", "zhipu": "CN",
    "minimax": "CN", "bytedance": "CN", "mistral": "EU", "tii": "ROW",
}

LABELS: dict[str, str] = {
    "US": "US", "CN": "China", "EU": "EU", "ROW": "Rest of world",
    "closed": "Closed", "open_weight": "Open-weight", "open_source": "Open-source",
    "closed_api": "Closed API", "open_api": "Hosted open-weight API",
    "self_host": "Self-hosted open weights",
    "startups": "Startups", "enterprises": "Enterprises", "nations": "Developing nations",
    "devices": "Devices (embodied AI)",
}


def label(name: str) -> str:
    """A readable name for a bloc, openness level, nest or segment (else the name itself)."""
    return LABELS.get(name, name.replace("_", " "))


def _stable_index(name: str, n: int) -> int:
    """A deterministic index in [0, n) for a name (``hash`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") % n


def _fixed_style(name: str, colors: Mapping[str, str], order: Iterable[str],
                 hatch: bool = False) -> dict[str, Any]:
    names = list(order)
    if name in colors:
        i = names.index(name) if name in names else len(names)
        style = {"color": colors[name], "linestyle": LINESTYLES[i % len(LINESTYLES)]}
    else:  # an unknown name: same colour and style in every figure and every process
        i = _stable_index(name, len(_FALLBACK_COLORS) * len(LINESTYLES))
        style = {"color": _FALLBACK_COLORS[i % len(_FALLBACK_COLORS)],
                 "linestyle": LINESTYLES[i // len(_FALLBACK_COLORS)]}
    if hatch:
        style["hatch"] = HATCHES[(names.index(name) if name in names
                                  else _stable_index(name, len(HATCHES))) % len(HATCHES)]
    return style


def bloc_style(bloc: str) -> dict[str, Any]:
    """Colour, line style and hatch of a bloc (US, CN, EU, ROW)."""
    return _fixed_style(bloc, BLOC_COLORS, BLOCS, hatch=True)


def openness_style(level: str) -> dict[str, Any]:
    """Colour, line style and hatch of an openness level."""
    return _fixed_style(level, OPENNESS_COLORS, OPENNESS, hatch=True)


def nest_style(nest: str) -> dict[str, Any]:
    """Colour and line style of a way of being served (closed API, open API, self-host)."""
    return _fixed_style(nest, NEST_COLORS, NESTS)


def segment_style(segment: str) -> dict[str, Any]:
    """Colour and line style of a buyer segment."""
    return _fixed_style(segment, SEGMENT_COLORS, SEGMENTS)


def scenario_style(scenario: str) -> dict[str, Any]:
    """Colour and line style of a scenario: fixed for the shipped eight, hashed for others."""
    return _fixed_style(scenario, SCENARIO_COLORS, SCENARIO_ORDER)


def vendor_style(vendor: str, vendor_blocs: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Colour (its bloc's), line style and marker of a vendor.

    Vendors of one bloc share its colour and differ by line style and marker, in the order
    of ``vendor_blocs``; a vendor of unknown bloc is grey with a hashed style.
    """
    blocs = dict(VENDOR_BLOCS) if vendor_blocs is None else dict(vendor_blocs)
    bloc = blocs.get(vendor)
    if bloc is None:
        i = _stable_index(vendor, len(LINESTYLES) * len(MARKERS))
        return {"color": UNKNOWN, "linestyle": LINESTYLES[i % len(LINESTYLES)],
                "marker": MARKERS[i // len(LINESTYLES)]}
    peers = [v for v, b in blocs.items() if b == bloc]
    i = peers.index(vendor)
    return {"color": bloc_style(bloc)["color"], "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


# -- paper sizes and rcParams ------------------------------------------------------------------

#: Widths of a two-column paper, in inches.
SINGLE_COLUMN: float = 3.5
DOUBLE_COLUMN: float = 7.0
WIDTHS: dict[str, float] = {"single": SINGLE_COLUMN, "double": DOUBLE_COLUMN}

#: rcParams for figures printed at column width: 8 pt text, 7 pt ticks and legends.
PAPER_RC: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "figure.titlesize": 9,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.linewidth": 0.4,
    "grid.alpha": 0.35,
    "axes.prop_cycle": cycler(color=list(_FALLBACK_COLORS[:6]))
    + cycler(linestyle=list(LINESTYLES[:6])),
    "lines.linewidth": 1.2,
    "lines.markersize": 3,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 3,
    "ytick.major.size": 3,
    "xtick.minor.size": 1.5,
    "ytick.minor.size": 1.5,
    "legend.frameon": False,
    "legend.handlelength": 2.6,  # long enough to show a dash pattern
    "hatch.linewidth": 0.5,
    "savefig.dpi": 300,
    "pdf.fonttype": 42,  # embed TrueType: text stays text in the PDF (journals ask for it)
    "ps.fonttype": 42,
    "figure.constrained_layout.h_pad": 0.03,
    "figure.constrained_layout.w_pad": 0.03,
}


@contextmanager
def paper_context() -> Iterator[None]:
    """Apply :data:`PAPER_RC` for the duration of a ``with`` block."""
    with mpl.rc_context(PAPER_RC):
        yield


def paper_figure(build: Callable[P, Figure]) -> Callable[P, Figure]:
    """Decorator for figure functions: build under :data:`PAPER_RC`, and keep its ticks.

    matplotlib creates ticks lazily, at the first draw, reading rcParams then; the tick
    settings of :data:`PAPER_RC` are written into each axis, so that the figure keeps its
    paper look when it is drawn outside the context (in a notebook, say).
    """

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with paper_context():
            fig = build(*args, **kwargs)
            for ax in fig.axes:
                keep_paper_ticks(ax)
        return fig

    return wrapper


def keep_paper_ticks(ax: Axes) -> None:
    """Write the tick and grid settings of :data:`PAPER_RC` into the axes' own settings."""
    for axis in ("x", "y"):
        for which in ("major", "minor"):
            ax.tick_params(axis=axis, which=which,
                           labelsize=PAPER_RC[f"{axis}tick.labelsize"],
                           size=PAPER_RC[f"{axis}tick.{which}.size"],
                           width=PAPER_RC.get(f"{axis}tick.{which}.width",
                                              mpl.rcParams[f"{axis}tick.{which}.width"]),
                           grid_linewidth=PAPER_RC["grid.linewidth"],
                           grid_alpha=PAPER_RC["grid.alpha"])


def new_figure(width: str | float = "double", height: float = 3.0, nrows: int = 1,
               ncols: int = 1, **subplots: Any) -> tuple[Figure, np.ndarray]:
    """A figure with an Agg canvas, constrained layout and a grid of axes.

    Args:
        width: ``"single"`` (3.5 in), ``"double"`` (7 in), or a width in inches.
        height: height in inches.
        nrows, ncols: the grid of axes.
        **subplots: passed to :meth:`Figure.subplots` (``sharex``, ``sharey``...).

    Returns:
        The figure and a 2-D array of its axes (``squeeze=False``).
    """
    inches = WIDTHS[width] if isinstance(width, str) else float(width)
    fig = Figure(figsize=(inches, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplots)
    return fig, axes


def title(fig: Figure, what: str, scenario: str) -> None:
    """The figure title: what it shows, and under which scenario.

    Args:
        fig: the figure.
        what: what the figure shows.
        scenario: the scenario's name, or a line starting with "Sweep" for a sweep.
    """
    chars = int(fig.get_figwidth() * 13)  # about 13 characters of 9 pt bold text per inch
    under = scenario if scenario.startswith("Sweep") else f"Scenario: {scenario}"
    fig.suptitle(f"{textwrap.fill(what, chars)}\n{textwrap.fill(under, chars)}",
                 fontweight="bold")


def wrap(text: str, width: int) -> str:
    """Wrap text to lines of at most ``width`` characters."""
    return textwrap.fill(text, width)


def short(text: str, n: int = 28) -> str:
    """Cut a label to ``n`` characters, marking the cut with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# -- units -------------------------------------------------------------------------------------

#: For each unit of the tables: (factor to display it, unit of a level, unit of a difference).
#: Shares are shown in per cent, so their differences are percentage points.
_DISPLAY: dict[str, tuple[float, str, str]] = {
    "share": (100.0, "%", "percentage points"),
    "share of people": (100.0, "% of people", "percentage points"),
    "1": (1.0, "dimensionless", "dimensionless"),
    "points": (1.0, "HHI points, 0–10,000", "HHI points"),
}


def unit_display(unit: str) -> tuple[float, str, str]:
    """How to show a quantity of unit ``unit``: (scale factor, level unit, difference unit).

    Example:
        >>> unit_display("share")
        (100.0, '%', 'percentage points')
    """
    return _DISPLAY.get(unit, (1.0, unit, unit))


# -- time axis ---------------------------------------------------------------------------------

def to_dates(months: Iterable[str] | pd.Index | pd.Series) -> pd.DatetimeIndex:
    """Months as ``"YYYY-MM"`` strings to dates (the first of each month)."""
    return pd.DatetimeIndex(pd.to_datetime(pd.Index(months, dtype=str), format="%Y-%m"))


def month_number(months: Iterable[str] | pd.Series) -> np.ndarray:
    """Months as ``"YYYY-MM"`` strings to a running count (year × 12 + month − 1)."""
    s = pd.Series(list(months), dtype=str)
    return (s.str[:4].astype(int) * 12 + s.str[5:7].astype(int) - 1).to_numpy()


#: The width a year's tick label needs on a time axis: "2026" at 7 pt is 0.22 in, plus air.
YEAR_LABEL_INCHES = 0.31


class YearTicks(mticker.Locator):
    """1 January of every year, or of every second (third...) year on an axis too narrow
    for a label each (a panel of a three-column grid): neighbouring labels never touch.

    The step is chosen when the axis is drawn, from its width then (after the layout),
    so a panel wide enough keeps a label every year.
    """

    def __init__(self, years: np.ndarray) -> None:
        self.years = np.asarray(years, dtype=float)

    def __call__(self) -> np.ndarray:
        axes = self.axis.axes if self.axis is not None else None
        if axes is None or len(self.years) < 2:
            return self.years
        width_in = axes.get_window_extent().width / axes.figure.dpi
        step = max(1, math.ceil(len(self.years) * YEAR_LABEL_INCHES / max(width_in, 0.1)))
        return self.years[::step]

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        return self.years


def date_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp, label: bool = True) -> None:
    """Calendar dates on the x axis from ``start`` to ``end``: years, with quarter ticks.

    The ticks are fixed positions (1 January, every year or every few where the panel is
    narrow: :class:`YearTicks`; each quarter for minor ticks) rather than matplotlib's date
    locators, which are slow (``dateutil.rrule``) and redrawn often.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    quarters = pd.date_range(start.to_period("Q").start_time, end, freq="QS")
    years = quarters[quarters.month == 1]
    ax.set_xlim(start, end)
    ax.xaxis.set_major_locator(YearTicks(mdates.date2num(years)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.add_artist(QuarterTicks(ax, mdates.date2num(quarters)))
    if label:
        ax.set_xlabel("Month (calendar date)")


class QuarterTicks(Line2D):
    """The quarters' minor tick marks on a date axis, as one line of tick markers.

    The same marks as minor ticks (the size, width and colour of the rcParams in force
    when it is made; none where a major tick is, as matplotlib leaves out a minor tick
    under a major one), for a fraction of the cost: matplotlib builds a tick object (two
    lines, a grid line and two labels) for every minor tick of every panel, which took a
    tenth of a figure's drawing time.
    """

    def __init__(self, ax: Axes, positions: np.ndarray) -> None:
        self.positions = np.asarray(positions, dtype=float)
        out = mpl.rcParams["xtick.direction"] == "out"
        super().__init__(self.positions, np.zeros(len(self.positions)),
                         transform=ax.get_xaxis_transform(which="tick1"), linestyle="none",
                         marker=mlines.TICKDOWN if out else mlines.TICKUP,
                         markersize=mpl.rcParams["xtick.minor.size"],
                         markeredgewidth=mpl.rcParams["xtick.minor.width"],
                         color=mpl.rcParams["xtick.color"], clip_on=False,
                         zorder=ax.xaxis.get_zorder(), label="_quarter ticks")
        self.tick_axes = ax

    def draw(self, renderer: Any) -> None:
        """Draw the marks, leaving out those under the major ticks of the moment."""
        major = self.tick_axes.xaxis.get_majorticklocs()
        keep = ~np.isclose(self.positions[:, None], np.asarray(major)[None, :]).any(axis=1)
        self.set_data(self.positions[keep], np.zeros(int(keep.sum())))
        super().draw(renderer)


# -- bytes for a page -------------------------------------------------------------------------

@contextmanager
def laid_out(fig: Figure, dpi: float) -> Iterator[None]:
    """Lay the figure out once, at ``dpi``, and keep that layout inside the block.

    ``savefig`` of a figure with a layout engine first draws the whole figure without
    rendering it, only to run the layout, then draws it again to render it: the layout
    run here directly spares that first draw (a fifth of a figure's time), and several
    files of one figure share one layout. Text is measured at the resolution it is
    written at, as ``savefig`` does, so the file is the one ``savefig`` alone writes.
    """
    engine = fig.get_layout_engine()
    if engine is None:
        yield
        return
    dpi_before = fig.dpi
    try:
        fig.dpi = dpi
        engine.execute(fig)
        fig.set_layout_engine(None)  # None, not "none": savefig skips its layout draw
        if fig.get_layout_engine() is not None:  # rcParams asked for a default layout
            fig.set_layout_engine("none")
        fig.dpi = dpi_before
        yield
    finally:
        fig.dpi = dpi_before
        fig.set_layout_engine(engine)


#: zlib level of the PNG files: 3 writes a figure in two thirds of the time of PIL's
#: default (6), for a file a tenth larger (the pixels are the same).
PNG_COMPRESS_LEVEL = 3


def write_png(fig: Figure, target: Any, dpi: float) -> None:
    """Write the figure as PNG to a path or a binary file, laid out once."""
    with paper_context(), laid_out(fig, dpi):
        fig.savefig(target, format="png", dpi=dpi,
                    pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})


def png_bytes(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (for embedding in a report)."""
    buffer = io.BytesIO()
    write_png(fig, buffer, dpi)
    return buffer.getvalue()
