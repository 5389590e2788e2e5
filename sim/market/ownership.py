"""Who prices what: owners of the API slots and the ownership matrix of merger simulation.

Every vendor's API is slot v of the menu (:mod:`sim.model.menu`); its owner is itself,
or the lab it is a product line of (``VendorConfig.parent``), or the lab that acquired
it (an ``ownership`` event). Self-hosted slots (V + v) are priced by nobody, and so are
the slots of third-party hosts (2 V + v), whose price is their cost plus a margin.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def owners(parents: Sequence[int | None]) -> np.ndarray:
    """Owner of each vendor's API: its parent's index, or its own (V,)."""
    return np.array([v if p is None else p for v, p in enumerate(parents)], dtype=int)


def ownership_matrix(owner: np.ndarray, kinds: int = 2) -> np.ndarray:
    """The ownership matrix over the menu's ``kinds`` V slots (1).

        O_jk = 1[j < V, k < V, owner_j = owner_k]

    API slots with one owner are priced jointly; self-hosted and hosted slots have no row.
    """
    n = owner.size
    matrix = np.zeros((kinds * n, kinds * n))
    matrix[:n, :n] = owner[:, None] == owner[None, :]
    return matrix


def merge(owner: np.ndarray, vendor: int, acquirer: int) -> np.ndarray:
    """Owners after ``acquirer``'s owner buys ``vendor`` and everything its owner held."""
    return np.where(owner == owner[vendor], owner[acquirer], owner)
