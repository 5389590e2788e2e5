"""Market clearing under capacity: a lab cannot serve much more than its fleet can.

A lab serves at most ``1 + max_overload`` times its serving capacity (it rents chips at
short notice up to there, at the surge cost of :func:`sim.market.cost.surge_multiplier`).
Beyond that limit every buyer of its API gets the same share of what it asked for, and
the rest goes unserved and unpaid. Self-hosted slots are never rationed: the buyer runs
the weights on its own chips.

Pure functions of arrays: no model object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TypeVar

import numpy as np

D = TypeVar("D")


def served_share(wanted_mtok: np.ndarray, capacity_mtok: np.ndarray, active: np.ndarray,
                 max_overload: float) -> np.ndarray:
    """Share of its API demand each lab can serve, (V,) (1).

        limit_v = capacity_v * (1 + max_overload)
        s_v     = limit_v / wanted_v    if active_v and wanted_v > limit_v > 0, else 1

    Args:
        wanted_mtok: tokens asked of each lab's API this month, (V,) (million tokens).
        capacity_mtok: each lab's serving capacity, (V,) (million tokens per month).
        active: the lab has a model on sale, (V,) (bool).
        max_overload: how far beyond capacity a lab can still serve (1).
    """
    wanted = np.asarray(wanted_mtok, dtype=float)
    limit = np.asarray(capacity_mtok, dtype=float) * (1.0 + max_overload)
    over = np.asarray(active, dtype=bool) & (wanted > limit) & (limit > 0)
    share = np.ones(wanted.shape)
    share[over] = limit[over] / wanted[over]
    return share


def ration(demand: Mapping[str, D], share: np.ndarray) -> dict[str, D]:
    """Every segment's demand with each lab's API slot scaled by its served share.

        tokens_j, spend_j, tokens_by_bloc_bj  *=  s_v   for API slot j of lab v
                                              *=  1     for every other slot

    ``demand`` holds one dataclass per segment with ``tokens`` and ``spend`` of shape (J,)
    and ``tokens_by_bloc`` of shape (B, J), the V API slots first (then the self-hosted
    ones and, with third-party hosts, the hosted ones, served by clouds that are not the
    labs'); ``buyers`` and any other field are kept as they are.
    """
    def scaled(n_slots: int) -> np.ndarray:
        return np.concatenate([share, np.ones(n_slots - len(share))])
    return {segment: dataclasses.replace(
                d, tokens=d.tokens * scaled(d.tokens.size), spend=d.spend * scaled(d.spend.size),
                tokens_by_bloc=d.tokens_by_bloc * scaled(d.tokens.size)[None, :])
            for segment, d in demand.items()}


def clear(demand: Mapping[str, D], capacity_mtok: np.ndarray, active: np.ndarray,
          max_overload: float) -> tuple[dict[str, D], np.ndarray]:
    """Clear the month's market: the demand served and each lab's served share, (V,).

    ``demand`` as for :func:`ration`; the demand for lab v's API is the sum over segments
    of ``tokens[v]`` (million tokens). When no lab is over its limit the demand comes back
    unchanged (the same objects).
    """
    n = len(capacity_mtok)
    wanted = sum(d.tokens[:n] for d in demand.values())
    share = served_share(wanted, capacity_mtok, active, max_overload)
    if np.all(share == 1.0):
        return dict(demand), share
    return ration(demand, share), share
