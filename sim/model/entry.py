"""Vertical entry: closed labs that build applications move into their customers' markets.

A lab that sees its API customers' data can enter one of their verticals, when the entry
rule says so (``rules.vendor_entry``: at a monthly hazard, or where it pays) or by a
scenario's ``entry`` event. The firms of that vertical on its
API lose part of their business, grow warier and review their provider; every firm's
weight on autonomy rises (the alarm), and the lab's API counts as riskier.

The functions return what happened; the model books it
(:meth:`sim.model.AIMarket.enter_vertical`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.agents.vendor import Vendor
from sim.market import entry as en
from sim.population.firms import FirmMonth
from sim.population.segment import FirmSegment


@dataclass(frozen=True)
class Entry:
    """A lab's entry into a vertical."""

    vertical: int  #: the vertical entered (index)
    harmed: int  #: firms of that vertical on its API that were harmed (firms)


def may_enter(vendor: Vendor) -> bool:
    """Whether the entry rule is asked about ``vendor`` this month: an active closed lab that
    builds applications (``enters_verticals``)."""
    return vendor.cfg.enters_verticals and vendor.active and vendor.openness == "closed"


def largest_vertical(vendor: Vendor, firms: Mapping[str, FirmSegment],
                     firm_month: Mapping[str, FirmMonth]) -> int | None:
    """The vertical where ``vendor``'s API customers use the most tokens this month (None if
    it has no customers; :func:`sim.market.entry.largest_vertical`)."""
    seen = [f.vertical_tokens(vendor.index, firm_month[s].growth)
            for s, f in firms.items() if s in firm_month]
    return en.largest_vertical(en.vertical_totals(seen))


def enter(vendor: Vendor, vertical: int | None, firms: Mapping[str, FirmSegment],
          firm_month: Mapping[str, FirmMonth], entry_cfg) -> Entry | None:
    """``vendor`` enters ``vertical`` (its API customers' largest if None): the firms of that
    vertical on its API keep ``1 - harm_volume_loss`` of their business and their privacy
    weight jumps by ``harm_privacy_jump``. None if there is no vertical to enter."""
    if vertical is None:
        vertical = largest_vertical(vendor, firms, firm_month)
        if vertical is None:
            return None
    harmed = sum(f.harm(vendor.index, vertical, entry_cfg.harm_volume_loss,
                        entry_cfg.harm_privacy_jump) for f in firms.values())
    return Entry(vertical, harmed)
