"""The third-party hosts of open weights, as one aggregate: their month's books.

The hosts are a competitive fringe (:mod:`sim.market.hosting`): they take the fringe price,
serve whatever buyers ask for on their cloud, and pay the lab a licence share of the
revenue. Kept apart from the labs so that the money stays conserved: what buyers spend on
APIs is the labs' revenue plus the hosts' revenue.
"""

from __future__ import annotations

import numpy as np

from sim.market import hosting


class Hosts:
    """The hosts' month, by the model they serve (one entry per vendor, in slot order).

    Attributes (USD per month unless stated):
        tokens: hosted tokens of each vendor's model (million tokens per month).
        revenue: what buyers paid the hosts for each model.
        licence: what the hosts paid each model's lab.
        serving_cost: the hosts' cost of serving each model.
        profit: revenue - licence - serving cost (the fringe margin, less the licence).
    """

    def __init__(self) -> None:
        self.tokens = self.revenue = self.licence = self.serving_cost = self.profit = None

    def settle(self, price: np.ndarray, serving_cost: np.ndarray, tokens: np.ndarray,
               licence_share: float) -> np.ndarray:
        """Book the month (:func:`sim.market.hosting.hosted_split`) and return the licence
        fees each lab receives, (V,) (USD per month). Models not on sale sell nothing."""
        sold = tokens > 0
        price = np.where(sold, price, 0.0)
        serving_cost = np.where(sold, serving_cost, 0.0)
        self.tokens = np.asarray(tokens, dtype=float)
        self.revenue, self.licence, self.serving_cost, self.profit = hosting.hosted_split(
            price, serving_cost, self.tokens, licence_share)
        return self.licence
