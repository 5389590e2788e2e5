"""The model families' ecosystem stocks, the state behind the network effect.

One family per vendor (a lab's successive models; a line with a parent is a family of its
own). The formulas are :mod:`sim.market.ecosystem`'s; this keeps the stocks, adds each
month's served tokens (every segment's, device makers' included) and gives the menu each
family's network term (docs/MODEL.md 7.15).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.market import ecosystem


class Ecosystems:
    """Every family's stock.

    Attributes:
        stock: E_f, by vendor (million tokens).
    """

    def __init__(self, cfg, vendor_ids: Sequence[str]) -> None:
        self.cfg = cfg
        self.stock = np.array([float(cfg.initial_stock_mtok.get(v, 0.0)) for v in vendor_ids])

    def shares(self) -> np.ndarray:
        """e_f, each family's share of all stocks (1)."""
        return ecosystem.stock_shares(self.stock)

    def network(self) -> np.ndarray | None:
        """The network term of each family's offerings (utils); None while the weight is 0,
        so a world without the network effect adds nothing to the menu."""
        if self.cfg.network_weight == 0:
            return None
        return ecosystem.network_utility(self.shares(), self.cfg.network_weight)

    def accumulate(self, tokens: np.ndarray) -> None:
        """Add the month's served tokens by slot: the labs' API slots, then self-hosting
        slots, then (with third-party hosts) the hosted slots, (2 V,) or (3 V,). Tokens
        third-party hosts serve on a family's weights are API use of the family."""
        n = self.stock.size
        api = tokens[:n] + (tokens[2 * n:3 * n] if tokens.size > 2 * n else 0.0)
        self.stock = ecosystem.accumulate_stock(self.stock, api, tokens[n:2 * n],
                                                self.cfg.depreciation_per_month,
                                                self.cfg.derivative_rate)
