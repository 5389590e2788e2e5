"""The vendors' release rules (``rules.vendor_release``): whether a lab ships what it knows.

Each rule takes the vendor and the model and returns True to release now; the model then
ships the lab's knowledge as its next model (:meth:`sim.agents.vendor.Vendor.maybe_release`).
"""

from __future__ import annotations

from sim.rules.registry import rule


@rule("vendor_release", "cadence")
def cadence(vendor, model) -> bool:
    """Release every ``release_interval_months`` months after the last release."""
    return model.month - vendor.release_month >= vendor.cfg.release_interval_months


@rule("vendor_release", "threshold")
def threshold(vendor, model) -> bool:
    """Release once the lab's knowledge exceeds its current model by ``release_threshold_oom``
    (world.capability), and no sooner than three months after the last release."""
    return (vendor.knowledge - vendor.capability
            >= model.cfg.world.capability.release_threshold_oom
            and model.month - vendor.release_month >= 3)


@rule("vendor_release", "hazard")
def hazard(vendor, model) -> bool:
    """Release with probability h a month, h the lab's hazard estimated on the recorded
    releases (``vendor.release_rate``, :mod:`sim.market.releases`; window and prior in
    ``world.releases``), drawn from the lab's own ``release`` stream (one uniform a month)."""
    return model.streams("release", vendor.vid).random() < vendor.release_rate
