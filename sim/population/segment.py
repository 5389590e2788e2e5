"""What the model needs of a buyer segment, whichever engine runs it.

Both engines (numpy arrays in :mod:`sim.population.firms` and :mod:`sim.population.nations`,
one Mesa agent per buyer in :mod:`sim.population.firm_agents` and
:mod:`sim.population.nation_agents`) satisfy these protocols, so the model is written once
against them and a student may add a third engine without touching the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from sim.market import buyers

#: A firm's provider code when it chose the outside option (not buying); -1 is no choice yet.
OUTSIDE = -2


@dataclass
class SegmentDemand:
    """What one buyer segment bought this month (J slots, B blocs)."""

    tokens: np.ndarray  #: million tokens per slot, (J,)
    spend: np.ndarray  #: USD per slot, (J,)
    tokens_by_bloc: np.ndarray  #: million tokens by buyer bloc and slot, (B, J)
    buyers: np.ndarray  #: buyers on each slot, (J,) (firms; zeros for nations and devices)


def total(demands: list[SegmentDemand], n_slots: int) -> SegmentDemand:
    """What several buyers bought together (the device makers of every bloc): sums by slot.

    No buyer count is kept: the summed buyers are industries, not firms.
    """
    return SegmentDemand(sum(d.tokens for d in demands), sum(d.spend for d in demands),
                         sum(d.tokens_by_bloc for d in demands), np.zeros(n_slots))


def add(a: SegmentDemand, b: SegmentDemand) -> SegmentDemand:
    """What two parts of one segment bought together (two chunks of its firms): sums by
    slot, buyer counts included."""
    return SegmentDemand(a.tokens + b.tokens, a.spend + b.spend,
                         a.tokens_by_bloc + b.tokens_by_bloc, a.buyers + b.buyers)


def segment_outside(demand, segment: str, taste, frontier: float) -> np.ndarray | None:
    """Buyers' utility of not buying this month (:func:`sim.market.buyers.outside_utility`),
    shaped like ``taste``; None when the segment has no outside option.

    ``demand`` is the world's demand config, ``taste`` the buyers' utils per OOM.
    """
    level = demand.outside_utility.get(segment)
    if level is None:
        return None
    return np.asarray(buyers.outside_utility(level, np.asarray(taste, dtype=float), frontier,
                                             demand.frontier_weight,
                                             demand.reference_capability), dtype=float)


class BuyerSegment(Protocol):
    """A segment of buyers that chooses and buys once a month."""

    def choose(self, month: Any) -> SegmentDemand:
        """Choose providers for the month's inputs and buy at their prices."""
        ...


class FirmSegment(BuyerSegment, Protocol):
    """Firms (startups or enterprises): one provider each, reviewed now and then."""

    panel_index: np.ndarray  #: rows of the firms sampled into the pricing panel
    harmed_total: int  #: firms harmed so far by their provider's vertical entry

    @property
    def n(self) -> int: ...

    @property
    def weight(self) -> float: ...

    @property
    def current(self) -> np.ndarray: ...

    def panel_rows(self, rows: np.ndarray, month: Any) -> dict[str, np.ndarray]: ...

    def vertical_tokens(self, slot: int, growth: float) -> np.ndarray: ...

    def harm(self, slot: int, vertical: int, loss: float, privacy_jump: float) -> int: ...

    def shift_privacy(self, delta: float) -> None: ...


class NationSegment(BuyerSegment, Protocol):
    """Developing nations: shares of use across offerings, adoption by diffusion."""

    iso3: list[str]
    population: np.ndarray

    @property
    def adopted(self) -> np.ndarray: ...

    @property
    def potential(self) -> np.ndarray: ...

    def users(self) -> np.ndarray: ...

    def panel_rows(self, month: Any) -> dict[str, np.ndarray]: ...

    def bloc_shares(self, slot_bloc: np.ndarray) -> np.ndarray: ...
