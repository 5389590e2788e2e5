"""The menu: what is on sale this month.

Every vendor has two slots: its API (slot ``v``) and self-hosting of its weights
(slot ``V + v``), usable only while its current model is open. With third-party hosting
(``world.hosting.third_party``) a third, ``2 V + v``, is the model's API sold by the
competitive fringe of hosts (:mod:`sim.market.hosting`), also only while the model is open.
Fixed slots keep arrays the same shape all run long; slots not on sale are simply
unavailable.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import BLOCS, NESTS, OPENNESS
from sim.market import cost, discrimination, hosting

#: The kinds of slot, in slot order: the lab's API, self-hosting, hosted by third parties.
SLOT_KINDS: tuple[str, ...] = ("api", "self_host", "hosted")


class Menu:
    """Arrays describing the offerings; rebuilt from the vendors each month.

    Attributes (J = 2 V slots, 3 V with third-party hosts):
        vendor: vendor index of each slot.
        kind: index into SLOT_KINDS of each slot.
        is_api: True for slots bought as an API at a posted price (the lab's or the hosts').
        lab_api: True for the labs' own APIs, the slots whose price a vendor sets.
        bloc: bloc index of the slot's model.
        on_sale: the slot can be bought this month.
        price: API price (the lab's, or the hosts' fringe price), nan for self-hosting
            (USD per million tokens).
        price_by_bloc: the price each buyer bloc's buyers pay the seller, (B, J): the lab's
            price to that bloc (every row ``price`` unless the lab discriminates) and the
            hosts' fringe price (USD per million tokens).
        duty: the duty each buyer bloc's government levies on each slot's tokens, (B, J) (1;
            the labs' APIs only).
        price_paid: what each buyer bloc's buyers pay for each slot, duty included, (B, J)
            (:func:`sim.market.discrimination.duty_inclusive_price`; USD per million tokens):
            the one price every segment's buyers read, their bloc's row.
        marginal_cost: the vendor's serving cost for API slots, the hosts' for hosted slots
            (USD per million tokens).
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

    def __init__(self, vendor_blocs: list[str], hosted: bool = False) -> None:
        n = len(vendor_blocs)
        kinds = 3 if hosted else 2
        self.n_vendors = n
        self.hosted = hosted
        self.n_slots = kinds * n
        self.vendor = np.tile(np.arange(n), kinds)
        self.kind = np.repeat(np.arange(kinds), n)
        self.is_api = self.kind != SLOT_KINDS.index("self_host")
        self.lab_api = self.kind == SLOT_KINDS.index("api")
        bloc = np.array([BLOCS.index(b) for b in vendor_blocs])
        self.bloc = np.tile(bloc, kinds)
        self.on_sale = np.zeros(kinds * n, dtype=bool)
        self.price = np.full(kinds * n, np.nan)
        self.price_by_bloc = np.full((len(BLOCS), kinds * n), np.nan)
        self.duty = np.zeros((len(BLOCS), kinds * n))
        self.price_paid = np.full((len(BLOCS), kinds * n), np.nan)
        self.marginal_cost = np.full(kinds * n, np.nan)
        self.capability = np.zeros(kinds * n)
        self.appeal = np.zeros(kinds * n)
        self.active_params_b = np.ones(kinds * n)
        self.openness = np.zeros(kinds * n, dtype=int)
        self.risk = np.zeros(kinds * n)
        self.nest = np.zeros(kinds * n, dtype=int)
        self.self_cost = np.full((len(BLOCS), kinds * n), np.nan)
        self.frontier = np.nan

    def slots(self, kind: str) -> slice:
        """The slots of one kind (``SLOT_KINDS``), in vendor order."""
        k, n = SLOT_KINDS.index(kind), self.n_vendors
        return slice(k * n, (k + 1) * n)

    def refresh(self, vendors, usd_per_flop_by_bloc: np.ndarray, risk_closed: float,
                risk_open: float, risk_per_entry: float, host_bloc: str = "US",
                fringe_margin: float = 0.0, network: np.ndarray | None = None,
                duties: np.ndarray | None = None) -> None:
        """Rebuild the arrays from the vendors' current models, prices and costs.

        Args:
            vendors: the vendor agents, in slot order.
            usd_per_flop_by_bloc: cost of a FLOP in each bloc's cloud, (B,) (USD per FLOP).
            risk_closed, risk_open: strategic risk of closed and hosted open APIs (1).
            risk_per_entry: rise of a lab's API risk per vertical it has entered (1).
            host_bloc, fringe_margin: the bloc whose cloud third-party hosts serve from, and
                their margin over cost (1); used only with hosted slots.
            network: each vendor's family network term, (V,) (utils;
                :func:`sim.market.ecosystem.network_utility`); None: none.
            duties: the duty each buyer bloc levies on each model bloc's labs, (B, B) (1);
                None: none.
        """
        n = self.n_vendors
        closed = OPENNESS.index("closed")
        for v, vendor in enumerate(vendors):
            is_open = vendor.active and vendor.openness != "closed"
            self.on_sale[v] = vendor.active
            self.on_sale[n + v] = is_open
            self.price[v] = vendor.price
            self.price_by_bloc[:, v] = vendor.price * vendor.bloc_ratio
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
        self.nest[n:2 * n] = NESTS.index("self_host")
        # 2 FLOP per active parameter per token, a million tokens
        flop_per_mtok = 2.0 * self.active_params_b * 1e9 * 1e6
        self.self_cost = usd_per_flop_by_bloc[:, None] * flop_per_mtok[None, :]
        self.self_cost[:, :n] = np.nan
        if self.hosted:
            self.refresh_hosted(vendors, usd_per_flop_by_bloc[BLOCS.index(host_bloc)],
                                risk_open, fringe_margin)
        self.price_by_bloc[:, n:] = self.price[None, n:]
        api = self.slots("api")
        self.duty[:] = 0.0
        if duties is not None:
            self.duty[:, api] = duties[:, self.bloc[api]]
        self.price_paid = discrimination.duty_inclusive_price(self.price_by_bloc, self.duty)
        on_sale = self.capability[self.on_sale]
        self.frontier = float(on_sale.max()) if on_sale.size else np.nan

    def refresh_hosted(self, vendors, host_usd_per_flop: float, risk_open: float,
                       fringe_margin: float) -> None:
        """The hosted slots: each open model's API sold by third-party hosts at their serving
        cost (:func:`sim.market.cost.serving_cost_per_mtok` on the hosts' cloud) times
        ``1 + fringe_margin`` (:func:`sim.market.hosting.fringe_price`). The hosts serve
        the weights, so the slot is an open API with the strategic risk of one, and no lab's
        entry into verticals raises it."""
        n, hosted = self.n_vendors, self.slots("hosted")
        api = self.slots("api")
        self.on_sale[hosted] = self.on_sale[n:2 * n]
        self.capability[hosted] = self.capability[api]
        self.appeal[hosted] = self.appeal[api]
        self.active_params_b[hosted] = self.active_params_b[api]
        self.openness[hosted] = self.openness[api]
        self.risk[hosted] = risk_open
        self.nest[hosted] = NESTS.index("open_api")
        serving = cost.serving_cost_per_mtok(self.active_params_b[hosted], host_usd_per_flop)
        self.marginal_cost[hosted] = np.where(self.on_sale[hosted], serving, np.nan)
        self.price[hosted] = hosting.fringe_price(self.marginal_cost[hosted], fringe_margin)
        self.self_cost[:, hosted] = np.nan
