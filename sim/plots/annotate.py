"""Reading a run's tidy table and annotating its figures: series, units, the events marked
on the time axes (lettered scenario events, faint history events), legends below the
panels, and names at the ends of lines. Used by :mod:`sim.plots.run_figures`.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import ScaledTranslation

from sim.analysis.tidy import wide
from sim.core.constants import SEGMENTS
from sim.core.dates import SCENARIO_FROM
from sim.plots.style import GREY, date_axis, short, to_dates, wrap

#: Event kinds marked at any date; releases are marked only from ``SCENARIO_FROM``.
MARKED_KINDS: tuple[str, ...] = ("price", "export_limit", "subsidy", "ban", "entry", "privacy")
EVENT_COLOR = "#333333"
#: Vertical step between stacked event letters (points).
LETTER_STEP = 7.5


# -- reading the tidy table --------------------------------------------------------------------

def series(table: pd.DataFrame, metric: str, segment: str = "all") -> pd.DataFrame:
    """One metric of the tidy table, wide: rows are dates, columns entities (in table order).

    Infinite values (a gap to a frontier that does not exist yet) become NaN.

    Raises:
        KeyError: when the table has no such (metric, segment).
    """
    out = wide(table, metric, segment)
    out.index = to_dates(out.index)
    out.columns.name = None
    return out.astype(float).replace([np.inf, -np.inf], np.nan)


def unit_of(table: pd.DataFrame, metric: str) -> str:
    """The unit of a metric, as the table records it."""
    units = table.loc[table["metric"] == metric, "unit"].astype(str).unique()
    return str(units[0]) if len(units) else ""


def ordered(columns: Sequence[str], order: Sequence[str]) -> list[str]:
    """Known names in their canonical order, then any others in table order."""
    return [c for c in order if c in columns] + [c for c in columns if c not in order]


def segments_of(table: pd.DataFrame, metric: str) -> list[str]:
    """The segments a metric has in the table: the known ones in order, then others."""
    present = set(table.loc[table["metric"] == metric, "segment"].astype(str))
    return ordered([s for s in SEGMENTS if s in present] + sorted(present - set(SEGMENTS)),
                    SEGMENTS)


def month_span(table: pd.DataFrame) -> tuple[str, str]:
    """The first and last month of a table (``YYYY-MM``)."""
    months = table["month"].astype(str)
    return months.min(), months.max()


# -- events ------------------------------------------------------------------------------------

def events_to_mark(events: pd.DataFrame | None, first: str, last: str,
                   scenario_from: str = SCENARIO_FROM) -> pd.DataFrame:
    """The events worth a line on a time axis between ``first`` and ``last`` (``YYYY-MM``).

    Price, export-limit, subsidy, ban, entry and privacy events at any date; releases only
    from ``scenario_from`` (the history has dozens). Column ``scenario`` is True for events
    from ``scenario_from`` on: those get letters and a key.
    """
    columns = ["month", "kind", "label", "scenario"]
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=columns)
    ev = events.assign(month=events["month"].astype(str), kind=events["kind"].astype(str),
                       label=events["label"].fillna("").astype(str))
    in_range = (ev["month"] >= first) & (ev["month"] <= last)
    wanted = ev["kind"].isin(MARKED_KINDS) | ((ev["kind"] == "release")
                                              & (ev["month"] >= scenario_from))
    ev = ev[in_range & wanted].copy()
    ev["label"] = ev["label"].where(ev["label"] != "", ev["kind"])
    ev["scenario"] = ev["month"] >= scenario_from
    return ev[columns].sort_values("month", kind="stable").reset_index(drop=True)


def _letter(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < len(letters) else letters[i // len(letters) - 1] + letters[
        i % len(letters)]


def mark_events(axes: Sequence[Axes], marks: pd.DataFrame,
                letter_axes: Sequence[Axes] = ()) -> list[Line2D]:
    """Draw event lines on ``axes`` and letters above ``letter_axes``; return the key.

    One line per month with events. Letters sit just above the top of the panel, out of
    the data; letters closer than their own width are stacked, so none overlap, and the
    panel's title is lifted above them.

    Args:
        axes: every panel with a calendar time axis.
        marks: the output of :func:`events_to_mark`.
        letter_axes: the panels that carry the letters (usually the top row).

    Returns:
        Handles for the event key: one per lettered month, one for the history events.
    """
    handles: list[Line2D] = []
    if marks.empty or not axes:
        return handles
    history = sorted(set(marks.loc[~marks["scenario"], "month"]))
    own = marks[marks["scenario"]]
    own_months = sorted(set(own["month"]))
    own_dates = to_dates(own_months)
    # the history's events are one line a panel (a segment a month): dozens of lines
    # each cost as much as the panel's data
    xs = np.repeat(mdates.date2num(to_dates(history)), 3)
    xs[2::3] = np.nan
    ys = np.tile([0.0, 1.0, np.nan], len(history))
    for ax in axes:
        if history:
            ax.add_line(Line2D(xs, ys, transform=ax.get_xaxis_transform(), color=GREY,
                               lw=0.45, ls=":", zorder=1.5, label="_history event"))
        for date in own_dates:
            ax.axvline(date, color=EVENT_COLOR, lw=0.6, ls="-", zorder=2.5,
                       label="_scenario event")
    for ax in letter_axes:
        _letters(ax, own_months)
    fig = axes[0].figure
    ncols = 2 if len(own_months) + bool(history) > 2 else 1
    width = _key_width(fig, ncols if fig.get_figwidth() > 5 else 1)
    for i, month in enumerate(own_months):
        names = list(dict.fromkeys(own.loc[own["month"] == month, "label"]))
        text = "; ".join(short(n, 30) for n in names[:3])
        if len(names) > 3:
            text += f" (+{len(names) - 3} more)"
        handles.append(Line2D([], [], color=EVENT_COLOR, lw=0.6,
                              label=wrap(f"{_letter(i)}  {month}: {text}", width)))
    if history:
        handles.append(Line2D([], [], color=GREY, lw=0.6, ls=":",
                              label=wrap("Price, export-control, subsidy, ban and other "
                                         "policy events of the recorded history", width)))
    return handles


def _letters(ax: Axes, months: Sequence[str]) -> int:
    """Letters A, B, ... above the panel at each month, stacked where they would touch.

    Returns:
        The number of stacked rows of letters (0 when there are none).
    """
    if not months:
        return 0
    left, right = ax.get_xlim()  # in days (matplotlib dates)
    # the axes shrink a little under constrained layout: assume 90% of their width now
    width_in = 0.9 * ax.get_position().width * ax.figure.get_figwidth()
    min_gap = 0.09 * (right - left) / max(width_in, 0.1)  # a 6.5 pt letter, with air
    last_at: list[float] = []  # position of the last letter on each row
    for i, date in enumerate(to_dates(months)):
        x = float(mdates.date2num(date))
        level = next((k for k, at in enumerate(last_at) if x - at >= min_gap), len(last_at))
        if level == len(last_at):
            last_at.append(x)
        last_at[level] = x
        ax.annotate(_letter(i), xy=(date, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 1.5 + LETTER_STEP * level), textcoords="offset points",
                    ha="center", va="bottom", fontsize=6.5, fontweight="bold",
                    color=EVENT_COLOR, annotation_clip=False)
    for loc in ("left", "center", "right"):  # lift the panel's title above the letters
        text = ax.get_title(loc=loc)
        if text:
            ax.set_title(text, loc=loc, pad=3 + LETTER_STEP * len(last_at))
    return len(last_at)


def _key_width(fig: Figure, ncols: int) -> int:
    """Characters of 6.5 pt text that fit in one column of the event key."""
    return max(int(fig.get_figwidth() * 17 / ncols) - 8, 30)


def legend_below(ax: Axes, handles: Sequence, title_: str | None = None,
                 ncols: int | None = None) -> None:
    """A legend under a panel, below its tick labels and x label (out of the data).

    Attached to the panel, so constrained layout makes room for it.

    Args:
        ax: the panel.
        handles: the artists to list (lines, areas).
        title_: the legend's title.
        ncols: columns (default: as many as fit, at most 4).
    """
    if not handles:
        return
    fig = ax.figure
    width_in = ax.get_position().width * fig.get_figwidth()
    if ncols is None:  # about 1.1 in per entry (handle and a short name)
        ncols = max(1, min(len(handles), 4, int(width_in / 1.1)))
    # below the tick labels (about 15 pt) and the x label (about 14 pt) when there is one
    drop = (30 if ax.get_xlabel() else 17) / 72
    below = ax.transAxes + ScaledTranslation(0, -drop, fig.dpi_scale_trans)
    ax.legend(handles=list(handles), loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=below, ncols=ncols, title=title_, borderaxespad=0.0)


def event_key(fig: Figure, handles: Sequence[Line2D]) -> None:
    """The key to the event letters, under the whole figure."""
    if not handles:
        return
    ncols = 2 if fig.get_figwidth() > 5 and len(handles) > 2 else 1
    fig.legend(handles=list(handles), loc="outside lower center", ncols=ncols, fontsize=6.5,
               handlelength=1.5, title="Events", alignment="left")


def finish_time_axes(axes: np.ndarray, table: pd.DataFrame, events: pd.DataFrame | None,
                      scenario_from: str) -> list[Line2D]:
    """Dates on every time axis (label on the bottom row), event lines and letters.

    Returns:
        The event key's handles, for :func:`event_key`.
    """
    first, last = month_span(table)
    start, end = to_dates([first, last])
    for ax in axes.flat:
        date_axis(ax, start, end, label=ax.get_subplotspec().is_last_row())
    marks = events_to_mark(events, first, last, scenario_from)
    return mark_events(list(axes.flat), marks, letter_axes=list(axes[0]))


def named_lines(lines: Sequence[Line2D]) -> list[Line2D]:
    """Lines with a legend label (matplotlib hides labels that start with '_')."""
    return [line for line in lines if not line.get_label().startswith("_")]


def label_line_ends(ax: Axes, items: Sequence[tuple[str, float, str]],
                    fontsize: float = 6.0) -> None:
    """Write each series' name at the right edge, at its last value, spread apart.

    Spacing is worked out in the axis' own scale (linear, log or symmetric log), so that
    labels one text line apart on the page never overlap; a label moved away from its line
    gets a thin leader. The labels are spread when the figure is drawn (by a
    :class:`LineEndLabels` on the panel), from the panel's height after the layout: no
    layout is run here for it (each is a pass over every artist of the figure).

    Args:
        ax: the panel, its lines drawn (its y limits are frozen here, so that the labels'
            spacing holds).
        items: (name, last value, colour) for each line.
        fontsize: size of the labels (points).
    """
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi)  # freeze the limits, so the labels' spacing holds
    fwd = _scale_functions(ax)[0]  # data -> the axis' linear scale (log10 for log...)
    items = [(n, y, c) for n, y, c in items if np.isfinite(y) and np.isfinite(fwd([y])[0])]
    if not items:
        return
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    labels = []
    for name, y, color in items:
        shown = float(np.clip(y, min(lo, hi), max(lo, hi)))
        labels.append((ax.annotate(
            name, xy=(1.0, shown), xycoords=transform, xytext=(1.04, shown),
            textcoords=transform, va="center", ha="left", fontsize=fontsize, color=color,
            annotation_clip=False, arrowprops={"arrowstyle": "-", "lw": 0.4, "color": color,
                                               "alpha": 0.7, "shrinkA": 0, "shrinkB": 0}),
            float(y)))
    ax.add_artist(LineEndLabels(ax, labels, fontsize))


def _scale_functions(ax: Axes) -> tuple[Callable[[Sequence[float]], np.ndarray],
                                        Callable[[np.ndarray], np.ndarray]]:
    """The y axis' scale, forward and back (data <-> linear: log10 for a log axis...)."""
    scale = ax.yaxis.get_transform()

    def fwd(values: Sequence[float]) -> np.ndarray:
        return scale.transform(np.asarray(values, dtype=float).reshape(-1, 1)).ravel()

    def back(values: np.ndarray) -> np.ndarray:
        return scale.inverted().transform(np.asarray(values).reshape(-1, 1)).ravel()

    return fwd, back


class LineEndLabels(Artist):
    """Spreads the line-end labels of a panel (:func:`label_line_ends`) when it is drawn.

    Drawn first among the panel's artists (it draws nothing itself): it moves each label
    to its place for the panel's height of the moment, so the spacing always follows the
    final layout, and shows a leader only for a label moved away from its line.
    """

    def __init__(self, ax: Axes, labels: Sequence[tuple[Annotation, float]],
                 fontsize: float) -> None:
        super().__init__()
        self.labels = list(labels)
        self.fontsize = fontsize
        self.panel = ax
        self.set_zorder(-1e9)  # before the labels
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        """Place the labels (nothing is rendered)."""
        ax = self.panel
        fwd, back = _scale_functions(ax)
        lo, hi = ax.get_ylim()
        tlo, thi = fwd([lo, hi])
        height_in = 0.95 * ax.get_position().height * ax.get_figure(root=True).get_figheight()
        gap = (thi - tlo) * (self.fontsize * 1.2 / 72) / max(height_in, 0.1)
        values = [y for _, y in self.labels]
        order = np.argsort(fwd(values), kind="stable")
        # a line that ends beyond a cut axis is named at the edge it left by
        wanted = np.clip(fwd([values[i] for i in order]), min(tlo, thi), max(tlo, thi))
        placed = wanted.copy()
        for i in range(1, len(placed)):  # push up where labels would touch
            placed[i] = max(placed[i], placed[i - 1] + gap)
        if len(placed) and placed[-1] > thi:  # then push down if they ran off the top
            placed[-1] = thi
            for i in range(len(placed) - 2, -1, -1):
                placed[i] = min(placed[i], placed[i + 1] - gap)
        at = back(placed)
        for k, i in enumerate(order):
            label, y = self.labels[i]
            moved = abs(placed[k] - wanted[k]) > gap / 2
            if not lo <= y <= hi:  # the leader starts where the line left the panel
                y = float(back(wanted[k:k + 1])[0])
            label.xy = (1.0, y)
            label.xyann = (1.04, float(at[k]))
            label.arrow_patch.set_visible(bool(moved))
        self.stale = False


def ever_active(wide: pd.DataFrame) -> list[str]:
    """Columns with at least one finite value."""
    return [c for c in wide.columns if wide[c].notna().any()]


def minus(value: float) -> str:
    """A number in about three significant figures with a real minus sign."""
    return f"{value:,.3g}".replace("-", "−")


def cut_below(ax: Axes, values: pd.DataFrame, low: float, high: float) -> str:
    """Cut a linear y axis at ``low`` when a series falls below it, and say so.

    Why not a logarithmic axis: a symmetric-log axis reads −7 as about −1.4 to anyone who
    misses where it turns; a linear axis cut at a stated value reads true everywhere it
    shows. Where a named line of the panel is below the cut, ▼ marks its months along the
    bottom edge, in its colour.

    Args:
        ax: the panel, its lines drawn.
        values: the series shown (rows: dates or months; columns: names for the note).
        low, high: the range kept (the top gets a little air).

    Returns:
        A note for the panel's title naming the cut and the lowest value, who and when
        ('' when nothing is below ``low``: the axis is left as it is).
    """
    stacked = values.stack()
    if stacked.empty or stacked.min() >= low:
        return ""
    (when, who), lowest = stacked.idxmin(), float(stacked.min())
    ax.set_ylim(low, high + 0.025 * (high - low))
    edge = ax.get_xaxis_transform()  # x in data, y in axes fraction
    for line in named_lines(ax.lines):
        x, y = line.get_xdata(), np.asarray(line.get_ydata(), dtype=float)
        below = y < low
        if below.any():
            ax.plot(np.asarray(x)[below], np.full(int(below.sum()), 0.012), transform=edge,
                    linestyle="none", marker="v", markersize=2.2, color=line.get_color(),
                    clip_on=False, label="_below the cut")
    month = when.strftime("%Y-%m") if isinstance(when, pd.Timestamp) else str(when)
    return (f"axis cut at {minus(low)}, ▼ marks months below it; lowest: {who}, "
            f"{minus(lowest)} in {month}")


def plot_line(ax: Axes, x: pd.DatetimeIndex, y: pd.Series, name: str, style: dict,
              **kwargs) -> Line2D:
    """One named series on a panel, in its style (colour, line style, marker)."""
    (line,) = ax.plot(x, y.to_numpy(), label=name, **style, **kwargs)
    return line


# -- the figures -------------------------------------------------------------------------------
