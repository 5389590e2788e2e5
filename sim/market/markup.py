"""The markup guard: does a price sit at the cap on price over marginal cost?

Pricing rules and the Nash benchmark cap the markup at ``max_markup``
(:func:`sim.market.pricing.markup_factor`): where a vendor's demand elasticity is at
most one, or its profit-maximising markup exceeds the cap, the cap sets the price. A
price held at the cap is not an equilibrium of demand but of the guard, so the number of
vendors there measures how far the market is from closing on its own (an outside option,
budgets) rather than on a parameter.
"""

from __future__ import annotations

import numpy as np

#: relative tolerance on p >= max_markup * c (prices are found to 1e-9 in logs)
CAP_TOLERANCE = 1e-6


def at_markup_cap(price, marginal_cost, max_markup: float,
                  tolerance: float = CAP_TOLERANCE) -> np.ndarray:
    """1.0 where a price sits at (or above) the markup cap, 0.0 below it, nan where the
    vendor sells nothing (a price or a cost that is nan, or a cost that is not positive).

        flag_j = 1[p_j >= (1 - tolerance) * max_markup * c_j]

    Prices and costs in USD per million tokens; ``max_markup`` is a ratio (1).
    """
    price = np.asarray(price, dtype=float)
    cost = np.asarray(marginal_cost, dtype=float)
    valid = np.isfinite(price) & np.isfinite(cost) & (cost > 0)
    with np.errstate(invalid="ignore"):
        flag = price >= (1.0 - tolerance) * max_markup * cost
    return np.where(valid, flag.astype(float), np.nan)


def count_at_cap(flags) -> float:
    """Number of vendors at the cap (nan flags, vendors not selling, count as zero)."""
    return float(np.nansum(np.asarray(flags, dtype=float)))
