"""The menu: what is on sale this month.

Every vendor has two slots: its API (slot ``v``) and self-hosting of its weights
(slot ``V + v``), usable only while its current model is open. Fixed slots keep arrays
the same shape all run long; slots not on sale are simply unavailable.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import BLOCS, NESTS, OPENNESS


class Menu:
    """Arrays describing the offerings; rebuilt from the vendors each month.

    Attributes (J = 2 V slots):
        vendor: vendor index of each slot.
        is_api: True for API slots.
        bloc: bloc index of the slot's model.
        on_sale: the slot can be bought this month.
        price: API price, nan for self-hosting (USD per million tokens).
        marginal_cost: the vendor's serving cost for API slots (USD per million tokens).
        capability: capability of the slot's model (OOM).
        appeal: what buyers value in the vendor's models beyond capability and price, its
            configured appeal plus its family's network term (utils): the one per-slot term
            every segment and the pricing panel read.
        active_params_b: active parameters of the slot's model (billions).
        openness: index into OPENNESS.
        risk: strategic risk of buying the slot (1).
        nest: nest index (closed API, hosted open API, self-hosting).
        self_cost: cost of self-hosting each slot's model in each bloc's cloud, (B, J).
        frontier: the capability of the most capable model on sale (OOM).
    """

    def __init__(self, vendor_blocs: list[str]) -> None:
        n = len(vendor_blocs)
        self.n_vendors = n
        self.n_slots = 2 * n
        self.vendor = np.concatenate([np.arange(n), np.arange(n)])
        self.is_api = np.arange(2 * n) < n
        bloc = np.array([BLOCS.index(b) for b in vendor_blocs])
        self.bloc = np.concatenate([bloc, bloc])
        self.on_sale = np.zeros(2 * n, dtype=bool)
        self.price = np.full(2 * n, np.nan)
        self.marginal_cost = np.full(2 * n, np.nan)
        self.capability = np.zeros(2 * n)
        self.appeal = np.zeros(2 * n)
        self.active_params_b = np.ones(2 * n)
        self.openness = np.zeros(2 * n, dtype=int)
        self.risk = np.zeros(2 * n)
        self.nest = np.zeros(2 * n, dtype=int)
        self.self_cost = np.full((len(BLOCS), 2 * n), np.nan)
        self.frontier = np.nan

    def refresh(self, vendors, usd_per_flop_by_bloc: np.ndarray, risk_closed: float,
                risk_open: float, risk_per_entry: float,
                network: np.ndarray | None = None) -> None:
        """Rebuild the arrays from the vendors' current models, prices and costs.

        Args:
            vendors: the vendor agents, in slot order.
            usd_per_flop_by_bloc: cost of a FLOP in each bloc's cloud, (B,) (USD per FLOP).
            risk_closed, risk_open: strategic risk of closed and hosted open APIs (1).
            risk_per_entry: rise of a lab's API risk per vertical it has entered (1).
            network: each vendor's family network term, (V,) (utils;
                :func:`sim.market.ecosystem.network_utility`); None: none.
        """
        n = self.n_vendors
        closed = OPENNESS.index("closed")
        for v, vendor in enumerate(vendors):
            is_open = vendor.active and vendor.openness != "closed"
            self.on_sale[v] = vendor.active
            self.on_sale[n + v] = is_open
            self.price[v] = vendor.price
            self.marginal_cost[v] = vendor.marginal_cost
            for slot in (v, n + v):
                self.capability[slot] = vendor.capability
                self.appeal[slot] = vendor.cfg.appeal
                if network is not None:
                    self.appeal[slot] += network[v]
                self.active_params_b[slot] = vendor.active_params_b
                self.openness[slot] = OPENNESS.index(vendor.openness)
            base = risk_closed if self.openness[v] == closed else risk_open
            self.risk[v] = base * (1.0 + risk_per_entry * vendor.entries)
            self.risk[n + v] = 0.0
        self.nest[:n] = np.where(self.openness[:n] == closed, NESTS.index("closed_api"),
                                 NESTS.index("open_api"))
        self.nest[n:] = NESTS.index("self_host")
        # 2 FLOP per active parameter per token, a million tokens
        flop_per_mtok = 2.0 * self.active_params_b * 1e9 * 1e6
        self.self_cost = usd_per_flop_by_bloc[:, None] * flop_per_mtok[None, :]
        self.self_cost[:, :n] = np.nan
        on_sale = self.capability[self.on_sale]
        self.frontier = float(on_sale.max()) if on_sale.size else np.nan
