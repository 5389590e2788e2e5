"""How the recorded history is used (``world.history_mode``) and how labs' release hazards are
estimated from it (``world.releases``)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import param
from sim.core.calendar import format_month, parse_month

#: ``replay``: releases and list prices follow the record until ``world.history_until``;
#: ``targets``: the rules set releases and prices from ``world.start`` and the record's
#: 2023-2025 facts are targets, its policy events (export rules, bans, subsidies) kept.
HISTORY_MODES: tuple[str, ...] = ("replay", "targets")


@dataclass
class ReleasesConfig:
    """The window and prior of the labs' release hazards (:mod:`sim.market.releases`), read
    by the ``hazard`` release rule."""

    fit_until: str = param("2024-12", unit="YYYY-MM",
                           doc="last month of the record on which each lab's release hazard "
                               "is estimated, the lab at risk from its entry (the "
                               "calibration's in-sample period ends here)",
                           origin="structural")
    prior_months: float = param(12.0, unit="months",
                                doc="T_0: weight of the pooled release rate in each lab's "
                                    "estimate, in months of exposure (0: each lab's own MLE)",
                                lo=0, hi=600, origin="assumption")


def history_end(world) -> str:
    """The last month whose releases and prices follow the record (``YYYY-MM``).

    ``world.history_until`` in ``replay`` mode; in ``targets`` mode the month before
    ``world.start``, so the record only sets the market at the start.
    """
    if world.history_mode == "targets":
        return format_month(parse_month(world.start) - 1)
    return world.history_until
