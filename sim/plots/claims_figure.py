"""The claims ledger's figure, drawn from ``claims_summary.csv`` (never from the model): a
forest plot, a row per claim and outcome, the mean effect of switching the mechanism on and
its 90% interval, each standardized by the outcome's spread with the mechanism off."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots.style import GREY, OKABE_ITO, new_figure, paper_figure, short

#: Colour of a row by its expected sign.
_COLOURS = {"+": OKABE_ITO["blue"], "-": OKABE_ITO["vermillion"], "either": GREY}
_MARKERS = {"+": ">", "-": "<", "either": "o"}


@paper_figure
def claims_figure(summary: pd.DataFrame) -> Figure:
    """The forest plot of a ledger's summary.

    Args:
        summary: columns ``claim``, ``outcome``, ``expected_sign``, ``std_mean``,
            ``std_lo``, ``std_hi`` (:mod:`sim.claims.summary`).

    Returns:
        The figure: right of the dotted line the outcome rises when the mechanism is on;
        the marker points the way the economics expects (a circle: no sign expected).
    """
    table = summary.sort_values(["claim", "outcome"], ignore_index=True)
    n = len(table)
    fig, axes = new_figure("double", 0.28 * n + 1.0)
    ax = axes.flat[0]
    y = np.arange(n)[::-1]
    for yi, row in zip(y, table.itertuples(), strict=True):
        colour = _COLOURS.get(row.expected_sign, GREY)
        ax.plot([row.std_lo, row.std_hi], [yi, yi], color=colour, linewidth=1.4,
                linestyle="-")
        ax.plot(row.std_mean, yi, marker=_MARKERS.get(row.expected_sign, "o"), color=colour,
                markersize=5, linestyle="none")
    ax.axvline(0, color=GREY, linewidth=0.8, linestyle=":")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{row.claim}: {short(row.outcome, 30)}" for row in table.itertuples()])
    ax.set_ylim(-0.7, n - 0.3)
    ends = table[["std_lo", "std_hi"]].to_numpy(dtype=float)
    ends = ends[np.isfinite(ends)]
    if len(ends) and np.abs(ends).max() > 50 * max(np.median(np.abs(ends)), 1e-12):
        ax.set_xscale("symlog", linthresh=1.0)  # one huge effect would hide every other
    ax.margins(x=0.05)
    ax.set_xlabel("Effect of the mechanism on (SDs of the outcome with it off; 90% interval)")
    ax.set_title("Claims ledger: ▶ expected up, ◀ expected down, ● no sign expected",
                 loc="left")
    return fig
