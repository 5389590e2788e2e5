"""The agents behind the totals: firms' privacy concern by how they are served, and the
countries ranked by the share of their people's AI queries each bloc answers.

Drawn from the tidy tables of :mod:`sim.dashboard.agents` (one row per firm, one per
country), never from the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots.style import GREY, NEST_COLORS, bloc_style, new_figure, paper_figure, title

#: Ways of being served, their labels and colours (the nests' colours, greys for the rest).
SERVED_STYLE: dict[str, tuple[str, str]] = {
    "closed_api": ("closed API", NEST_COLORS["closed_api"]),
    "open_api": ("open-weight API", NEST_COLORS["open_api"]),
    "self_host": ("self-hosted open weights", NEST_COLORS["self_host"]),
    "outside": ("buys no AI (outside option)", GREY),
    "none": ("no provider yet", "#DDDDDD"),
}
#: Bins of the privacy concern (0 to 1).
PRIVACY_BINS = np.linspace(0.0, 1.0, 11)
#: Countries shown at most (the rest are in the table).
TOP_COUNTRIES = 20


@paper_figure
def agents(firms: pd.DataFrame, countries: pd.DataFrame, scenario: str, *,
           segment: str = "startups", month: str = "") -> Figure:
    """Firms of one segment by privacy concern and provider; countries by who answers them.

    Args:
        firms: one row per firm (``segment``, ``privacy``, ``served``).
        countries: one row per country (``country``, ``share_US``, ``share_CN``, ...).
        scenario: the scenario line of the title.
        segment: the firm segment drawn.
        month: the month shown, for the title.

    Returns:
        Left: a stacked histogram of the firms' privacy concern, coloured by how each is
        served (the self-hosting claim: concerned firms should lean to their own weights).
        Right: the countries with the largest Chinese share, their shares answered by US and
        Chinese models side by side (the soft-power claim, one country at a time).
    """
    fig, axes = new_figure("double", 3.4, 1, 2)
    left, right = axes[0]
    rows = firms[firms["segment"] == segment]
    bottom = np.zeros(len(PRIVACY_BINS) - 1)
    for key, (name, color) in SERVED_STYLE.items():
        counts, _ = np.histogram(rows.loc[rows["served"] == key, "privacy"], PRIVACY_BINS)
        if counts.any():
            left.bar(PRIVACY_BINS[:-1], counts, width=np.diff(PRIVACY_BINS), bottom=bottom,
                     align="edge", color=color, edgecolor="white", linewidth=0.4, label=name)
            bottom += counts
    left.set_xlabel("privacy concern (0: none, 1: most)")
    left.set_ylabel(f"{segment} (number of firms)")
    left.set_xlim(0, 1)
    left.legend(loc="upper right", fontsize="small", frameon=False)

    shown = countries.sort_values("share_CN", ascending=False).head(TOP_COUNTRIES) \
        if "share_CN" in countries else countries.head(0)
    y = np.arange(len(shown))[::-1]
    for offset, bloc in ((0.2, "US"), (-0.2, "CN")):
        column = f"share_{bloc}"
        if column in shown:
            right.barh(y + offset, 100 * shown[column].to_numpy(), height=0.4,
                       color=bloc_style(bloc)["color"], label=f"{bloc} models")
    right.set_yticks(y, shown["country"].astype(str).tolist(), fontsize="small")
    right.set_xlim(0, 100)
    right.set_xlabel("share of the country's AI queries answered (%)")
    right.legend(loc="lower right", fontsize="small", frameon=False)
    if shown.empty:
        right.text(0.5, 0.5, "no developing nations in this world", ha="center",
                   transform=right.transAxes, color=GREY)
    when = f" at {month}" if month else ""
    title(fig, f"The agents{when}: {segment} by privacy concern and provider; countries "
               f"by who answers their queries (top {TOP_COUNTRIES} by Chinese share)",
          scenario)
    return fig
