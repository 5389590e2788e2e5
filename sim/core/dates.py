"""The dates every output shares by default: when the scenarios start and which months
the reports tabulate. Defined once here; the config's defaults, the figures, the reports
and the sweep gathering all read them.
"""

from __future__ import annotations

from sim.core.calendar import format_month, parse_month

#: First month of a scenario proper: the month after the recorded history of the
#: shipped worlds (``history_until: 2025-12`` in scenarios/world/default.yaml). Events from
#: then on are a scenario's own; figures letter them and sweeps compare them.
SCENARIO_FROM = "2026-01"
#: Months of the reports' headline tables (``output.report_dates``): the end of the
#: scenario's first year, and the end of the default run.
REPORT_DATES: tuple[str, ...] = ("2026-12", "2030-12")


def month_after(month: str) -> str:
    """The month after ``month`` (``YYYY-MM``): a scenario's start from its history's end."""
    return format_month(parse_month(month) + 1)
