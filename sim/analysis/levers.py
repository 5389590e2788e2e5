"""What a lever buys: two runs, the same seed, one with the lever and one without.

Both runs draw the same random numbers (common random numbers), so the difference of
their tables is the lever's effect. Two reports:

- :func:`pass_through`: how much of a per-token subsidy reaches the price buyers pay,
  ``(p0 - p1) / s``; 1 is the whole subsidy, above 1 more than it (a proportional
  markup on a lower cost), below 1 part of it kept as margin.
- :func:`cost_per_share_point`: what the state spends (all its levers, price support
  included) per percentage point of token share its labs gain.

:func:`lever_report` reads both from the runs' tidy tables (:mod:`sim.analysis.tidy`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.tidy import entity_series, wide


def pass_through(price_without, price_with, subsidy_usd_per_mtok: float):
    """Share of a per-token subsidy passed on to the price (1).

        rho = (p0 - p1) / s

    Args:
        price_without, price_with: the price without and with the subsidy (USD per
            million tokens), same month and vendor.
        subsidy_usd_per_mtok: the subsidy s (USD per million tokens; negative: a tax,
            whose pass-through is the rise of the price over the tax).

    Under cost-plus pricing ``p = (1 + m) c``, so a subsidy that lowers the cost by s gives
    rho = 1 + m exactly.
    """
    if subsidy_usd_per_mtok == 0:
        raise ValueError("subsidy_usd_per_mtok: 0 passes nothing through; give the "
                         "subsidy (USD per million tokens), not 0")
    return (np.asarray(price_without, dtype=float)
            - np.asarray(price_with, dtype=float)) / subsidy_usd_per_mtok


def cost_per_share_point(extra_spending_usd: float, share_without: float,
                         share_with: float) -> float:
    """The state's cost of a percentage point of share (USD per point).

        cost = dG / (100 (S1 - S0))

    Args:
        extra_spending_usd: what the state spends with the lever over what it spends
            without it (USD).
        share_without, share_with: its labs' share without and with the lever (1).

    NaN where the share does not rise: no point is bought.
    """
    gain = 100.0 * (share_with - share_without)
    return float(extra_spending_usd / gain) if gain > 0 else float("nan")


def lever_report(without: pd.DataFrame, with_lever: pd.DataFrame, bloc: str,
                 vendors: list[str], subsidy_usd_per_mtok: float, window: slice,
                 segment: str = "startups") -> dict[str, float]:
    """The pass-through and the cost per share point of a bloc's lever, from two runs'
    tidy tables (same seed), over the months of ``window`` (``slice("2026-01",
    "2026-12")``).

    Returns:
        pass_through: the mean over the window and ``vendors`` of :func:`pass_through`
            (NaN without a subsidy amount, ``subsidy_usd_per_mtok`` = 0);
        extra_spending_usd: the bloc's government's spending with the lever minus
            without, summed over the window (USD);
        share_gain_points: the mean gain of the bloc's token share in ``segment``
            (percentage points);
        cost_per_share_point: the one over the other (USD per point; NaN: no gain).
    """
    p0 = wide(without, "price").loc[window, vendors]
    p1 = wide(with_lever, "price").loc[window, vendors]
    rho = (float(np.nanmean(pass_through(p0, p1, subsidy_usd_per_mtok)))
           if subsidy_usd_per_mtok else float("nan"))
    spend = [entity_series(t, "government_spend", "all", bloc).loc[window].sum()
             for t in (without, with_lever)]
    share = [entity_series(t, "token_share_bloc", segment, bloc).loc[window].mean()
             for t in (without, with_lever)]
    extra = float(spend[1] - spend[0])
    return {"pass_through": rho, "extra_spending_usd": extra,
            "share_gain_points": float(100.0 * (share[1] - share[0])),
            "cost_per_share_point": cost_per_share_point(extra, share[0], share[1])}
