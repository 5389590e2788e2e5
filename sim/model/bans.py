"""Bans: which jurisdictions may not buy which blocs' or vendors' models.

A jurisdiction is a bloc code (its firms, device makers and government), an ISO3 code
(a developing nation of the country table), or ``developing`` (all of them). A ban
closes the banned models' APIs; with ``world.demand.ban_covers_self_hosting`` it also
forbids running their open weights. Codes of countries outside the table are kept
but reach no agent.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from sim.core.constants import BLOCS


class Bans:
    """The bans in force."""

    def __init__(self) -> None:
        self.blocs: dict[str, set[str]] = defaultdict(set)
        self.vendors: dict[str, set[str]] = defaultdict(set)

    @classmethod
    def of_governments(cls, governments) -> Bans:
        """The bans at the start: each government's ``banned_blocs`` for its own buyers."""
        bans = cls()
        for bloc, government in governments.items():
            for banned in government.banned_blocs:
                bans.set(bloc, bloc=banned)
        return bans

    def set(self, jurisdiction: str, bloc: str | None = None, vendor: str | None = None,
            lift: bool = False) -> None:
        """Impose (or, with ``lift``, remove) a ban of a bloc's or a vendor's models."""
        for banned, table in ((bloc, self.blocs), (vendor, self.vendors)):
            if banned is None:
                continue
            if lift:
                table[jurisdiction].discard(banned)
            else:
                table[jurisdiction].add(banned)

    def availability(self, jurisdictions: list[tuple[str, ...]], menu, vendor_ids: list[str],
                     covers_self_hosting: bool) -> np.ndarray:
        """What each buyer may buy: (len(jurisdictions), J) booleans.

        Args:
            jurisdictions: for each buyer (or buyer group), the codes whose bans apply to it.
            menu: the :class:`sim.model.menu.Menu`.
            vendor_ids: vendor ids in slot order.
            covers_self_hosting: whether bans also forbid self-hosting the banned weights.
        """
        slot_vendor = [vendor_ids[v] for v in menu.vendor]
        slot_bloc = [BLOCS[b] for b in menu.bloc]
        result = np.tile(menu.on_sale, (len(jurisdictions), 1))
        for row, codes in enumerate(jurisdictions):
            banned_blocs = set().union(*(self.blocs.get(c, set()) for c in codes))
            banned_vendors = set().union(*(self.vendors.get(c, set()) for c in codes))
            if not banned_blocs and not banned_vendors:
                continue
            for j in range(menu.n_slots):
                # hosts serve the weights: a ban covers them as it covers self-hosting
                if not menu.lab_api[j] and not covers_self_hosting:
                    continue
                if slot_bloc[j] in banned_blocs or slot_vendor[j] in banned_vendors:
                    result[row, j] = False
        return result
