"""Vertical entry: closed labs that build applications move into their customers' markets.

A lab that sees its API customers' data can enter their most lucrative vertical (at a
monthly hazard, or by a scenario's ``entry`` event). The firms of that vertical on its
API lose part of their business, grow warier and review their provider; every firm's
weight on autonomy rises (the alarm), and the lab's API counts as riskier.
"""

from __future__ import annotations

import numpy as np

from sim.agents.vendor import Vendor


def enter_verticals(model) -> None:
    """Closed labs that build applications may enter their customers' biggest vertical."""
    entry = model.cfg.world.entry
    model.alarm *= 1.0 - entry.alarm_decay
    for vendor in model.vendors:
        draw = model.streams("entry", vendor.vid).random()
        if (vendor.cfg.enters_verticals and vendor.active and vendor.openness == "closed"
                and draw < entry.hazard_per_month):
            enter_vertical(model, vendor, None)


def enter_vertical(model, vendor: Vendor, vertical: int | None) -> None:
    """``vendor`` enters ``vertical`` (its API customers' largest if None): the firms
    of that vertical on its API lose business and review; everyone grows warier."""
    entry = model.cfg.world.entry
    if vertical is None:
        seen = [f.vertical_tokens(vendor.index, model.firm_month[s].growth)
                for s, f in model.firms.items() if s in model.firm_month]
        width = max((len(x) for x in seen), default=0)
        totals = np.zeros(width)
        for x in seen:
            totals[:len(x)] += x
        if totals.sum() <= 0:
            return
        vertical = int(np.argmax(totals))
    harmed = sum(f.harm(vendor.index, vertical, entry.harm_volume_loss,
                        entry.harm_privacy_jump) for f in model.firms.values())
    vendor.entries += 1
    model.alarm += entry.alarm_per_event
    model.entries.append((model.month, vendor.vid, vertical, harmed))

