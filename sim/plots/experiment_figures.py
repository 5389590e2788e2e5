"""Figures of experiments, drawn from their tables (never from the model):

- :func:`morris_figure`: Morris screening, μ* against σ per outcome, with μ*'s interval;
- :func:`sobol_figure`: Sobol indices, S1 and ST bars with their intervals per outcome;
- :func:`prim_figure`: scenario discovery, PRIM's peeling trajectory (coverage against
  density) and the chosen box's limits on each lever's range.

The tables are those :mod:`sim.experiment.screening` and :mod:`sim.experiment.discovery`
write (``indices.csv``, ``boxes.csv``), so a figure can be redrawn from the files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.plots.style import GREY, MARKERS, OKABE_ITO, new_figure, paper_figure, short

_COLORS = [c for k, c in OKABE_ITO.items() if k != "yellow"]


def _grid(n: int, ncols: int = 2) -> tuple[int, int]:
    cols = min(ncols, max(n, 1))
    return math.ceil(max(n, 1) / cols), cols


@paper_figure
def morris_figure(indices: pd.DataFrame) -> Figure:
    """μ* against σ, a panel per outcome, a marker per lever; horizontal bars are μ*'s
    bootstrap interval.

    Args:
        indices: tidy Morris indices (columns ``outcome``, ``lever``, ``index``, ``value``,
            ``conf``; indices ``mu_star`` and ``sigma``), in the outcome's unit per lever box.

    Returns:
        The figure. A lever far right matters; far up, it acts non-linearly or with other
        levers; near the origin it can be fixed.
    """
    outcomes = list(dict.fromkeys(indices.outcome))
    rows, cols = _grid(len(outcomes))
    fig, axes = new_figure("double", 2.6 * rows + 0.4, rows, cols)
    levers = list(dict.fromkeys(indices.lever))
    for ax, name in zip(axes.flat, outcomes, strict=False):
        table = indices[indices.outcome == name].pivot(index="lever", columns="index",
                                                       values="value")
        conf = indices[(indices.outcome == name) & (indices["index"] == "mu_star")]
        conf = conf.set_index("lever").conf
        top = max(float(np.nanmax([table.mu_star.max(), table.sigma.max()])), 1e-12)
        ax.plot([0, top * 1.1], [0, top * 1.1], color=GREY, linewidth=0.6, linestyle=":")
        for i, lever in enumerate(levers):
            if lever not in table.index:
                continue
            ax.errorbar(table.mu_star[lever], table.sigma[lever], xerr=conf.get(lever, np.nan),
                        marker=MARKERS[i % len(MARKERS)], color=_COLORS[i % len(_COLORS)],
                        linestyle="none", capsize=2, label=short(lever, 24))
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("μ* (mean |effect| per lever box)")
        ax.set_ylabel("σ (spread of effects)")
        ax.set_title(short(name, 40))
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=min(4, len(names)))
    fig.suptitle("Morris screening: importance (μ*) against non-linearity and "
                 "interaction (σ); dotted: σ = μ*", fontweight="bold")
    return fig


@paper_figure
def sobol_figure(indices: pd.DataFrame) -> Figure:
    """First-order (S1) and total (ST) Sobol indices per lever, a panel per outcome, with
    their bootstrap intervals.

    Args:
        indices: tidy Sobol indices (``outcome``, ``lever``, ``index`` S1 or ST, ``value``,
            ``conf``).

    Returns:
        The figure. ST above S1 is interaction (or seed noise left in the averaged outcome).
    """
    outcomes = list(dict.fromkeys(indices.outcome))
    rows, cols = _grid(len(outcomes))
    fig, axes = new_figure("double", 2.4 * rows + 0.4, rows, cols)
    for ax, name in zip(axes.flat, outcomes, strict=False):
        part = indices[indices.outcome == name]
        levers = list(dict.fromkeys(part.lever))
        x = np.arange(len(levers))
        for k, (which, color, hatch) in enumerate((("S1", OKABE_ITO["blue"], ""),
                                                   ("ST", OKABE_ITO["orange"], "////"))):
            rows_ = part[part["index"] == which].set_index("lever").reindex(levers)
            ax.bar(x + (k - 0.5) * 0.38, rows_.value, width=0.38, yerr=rows_.conf,
                   color=color, hatch=hatch, edgecolor="black", linewidth=0.4, capsize=2,
                   label={"S1": "S1 (first order)", "ST": "ST (total)"}[which])
        ax.set_xticks(x, [short(lv, 18) for lv in levers], rotation=30, ha="right")
        ax.axhline(0, color=GREY, linewidth=0.6)
        ax.set_ylabel("share of variance")
        ax.set_title(short(name, 40))
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=2)
    fig.suptitle("Sobol indices: each lever's share of the outcome's variance",
                 fontweight="bold")
    return fig


@paper_figure
def prim_figure(boxes: pd.DataFrame, ranges: Mapping[str, tuple[float, float]],
                condition: str = "") -> Figure:
    """PRIM's peeling trajectory and the chosen box.

    Args:
        boxes: a row per box and lever (``box``, ``lever``, ``lo``, ``hi``, ``coverage``,
            ``density``, ``restricted``, ``chosen``), as ``boxes.csv``.
        ranges: each lever's box (lo, hi), to draw the chosen limits against.
        condition: the runs of interest, in words, for the title.

    Returns:
        The figure: left, coverage against density of every box of the trajectory (the
        colour counts the levers a box restricts; the chosen box ringed); right, the chosen
        box's limits on each lever, as shares of the lever's range.
    """
    fig, axes = new_figure("double", 3.0, 1, 2)
    left, right = axes[0]
    per_box = boxes.drop_duplicates("box").sort_values("box")
    points = left.scatter(per_box.coverage, per_box.density, c=per_box.restricted,
                          cmap="viridis", s=12, zorder=3)
    left.plot(per_box.coverage, per_box.density, color=GREY, linewidth=0.6, linestyle="-")
    chosen = per_box[per_box.chosen]
    left.scatter(chosen.coverage, chosen.density, s=60, facecolors="none",
                 edgecolors=OKABE_ITO["vermillion"], linewidths=1.2, zorder=4,
                 label="chosen box")
    left.set_xlabel("coverage (share of the runs of interest inside)")
    left.set_ylabel("density (share of runs inside that are of interest)")
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    left.legend(loc="lower left")
    bar = fig.colorbar(points, ax=left, label="levers restricted")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    box = boxes[boxes.chosen]
    levers = list(box.lever)
    for i, row in enumerate(box.itertuples()):
        lo, hi = ranges[row.lever]
        width = (hi - lo) or 1.0
        right.plot([0, 1], [i, i], color=GREY, linewidth=4, alpha=0.4, linestyle="-",
                   solid_capstyle="butt")
        right.plot([(row.lo - lo) / width, (row.hi - lo) / width], [i, i],
                   color=OKABE_ITO["blue"], linewidth=4, linestyle="-", solid_capstyle="butt")
        right.text(1.02, i, f"{row.lo:.3g} to {row.hi:.3g}", va="center", fontsize=6)
    right.set_yticks(range(len(levers)), [short(lv, 20) for lv in levers])
    right.set_xlim(0, 1.55)
    right.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    right.set_xlabel("chosen box (blue), lever's box (grey)")
    what = f"Scenario discovery (PRIM): {condition}" if condition else "Scenario discovery"
    fig.suptitle(what, fontweight="bold")
    return fig
