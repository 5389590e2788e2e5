"""Vertical entry: what a closed lab sees of its API customers' verticals, and what entering
one is worth (docs/MODEL.md 7.11).

A lab that sells its model on an API sees what its customers use it for: the tokens its
customers in each application vertical buy (revealed demand). The ``hazard`` entry rule
(:mod:`sim.rules.entry`) enters the largest of those verticals at a random monthly hazard; the
``profit`` rule enters the vertical with the highest expected entry profit
(:func:`entry_profit`), when that profit is positive. Pure functions of numbers: the rules read
the inputs off the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def vertical_totals(seen: Sequence[np.ndarray]) -> np.ndarray:
    """The sum, vertical by vertical, of per-segment vectors of tokens (million tokens per
    month), padded with zeros where a segment has fewer verticals than another."""
    width = max((len(x) for x in seen), default=0)
    totals = np.zeros(width)
    for x in seen:
        totals[:len(x)] += x
    return totals


def largest_vertical(totals: np.ndarray) -> int | None:
    """The vertical with the most tokens (the first on a tie), None if there are none."""
    if totals.sum() <= 0:
        return None
    return int(np.argmax(totals))


def lost_api_share(volume_loss: float, leave_share: float) -> float:
    """Share of its harmed customers' API tokens a lab expects to lose by entering their
    vertical (1):

        kappa = l + (1 - l) lambda

    with l the share of their business the customers lose (``world.entry.harm_volume_loss``:
    they buy l fewer tokens) and lambda the share of the rest that leaves the lab's API for a
    rival's (``world.entry.leave_share``)."""
    return volume_loss + (1.0 - volume_loss) * leave_share


def entry_profit(tokens: np.ndarray, api_price: float, api_margin: float,
                 app_value_per_api_usd: float, margin_share: float, horizon_months: float,
                 entry_cost_usd: float, lost_share: float) -> np.ndarray:
    """Expected profit of entering each vertical v (USD), one per entry of ``tokens``:

        Pi_v = H [pi P T_v - kappa m T_v] - K,      P = a p

    - T_v: the tokens the lab's API customers in vertical v buy (million tokens per month);
    - p: its API price, m = p - c its margin on them (USD per million tokens);
    - a: the value of an application's answers per USD of the API tokens behind them
      (``app_value_per_api_usd``; 1), so P = a p is the application's revenue per token
      (USD per million tokens): an application sells answers, not tokens;
    - pi: the share of that revenue the lab keeps as profit (``margin_share``; 1);
    - kappa: the share of those customers' API tokens the lab loses by competing with them
      (:func:`lost_api_share`; 1), so kappa m T_v is the API profit it gives up per month;
    - H: the months of profit the lab weighs (``horizon_months``), K the cost of entering
      (``entry_cost_usd``, USD).

    Pi_v is linear in T_v with slope H (pi a p - kappa m): more revealed demand raises it
    where the application pays more per token than the API profit it costs, and where it
    does not Pi_v <= -K, so entry is never worth it there whatever T_v.
    """
    tokens = np.asarray(tokens, dtype=float)
    per_token = margin_share * app_value_per_api_usd * api_price - lost_share * api_margin
    return horizon_months * per_token * tokens - entry_cost_usd


def best_vertical(profits: np.ndarray, allowed: np.ndarray | None = None
                  ) -> tuple[int | None, float]:
    """The vertical to enter and its expected profit (USD): the allowed vertical with the
    highest profit (the first on a tie) when that profit is positive, else None. The profit
    of the best allowed vertical is returned either way (nan if none is allowed)."""
    profits = np.asarray(profits, dtype=float)
    allowed = np.ones(profits.shape, dtype=bool) if allowed is None else np.asarray(allowed)
    if not allowed.any():
        return None, float("nan")
    masked = np.where(allowed, profits, -np.inf)
    best = int(np.argmax(masked))
    value = float(masked[best])
    return (best if value > 0 else None), value
