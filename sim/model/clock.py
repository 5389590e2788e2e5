"""The model's calendar: the current month and the dates that matter to its phases.

Months are integers (:mod:`sim.core.calendar`). The clock tells agents and rules whether
the month is still in the recorded history (prices and releases follow the data then).
"""

from __future__ import annotations

from sim.core.calendar import format_month, parse_month


class Clock:
    """The simulated month and the run's fixed dates (month numbers).

    Attributes:
        start, end: the first and the last simulated month.
        history_until: the last month of the recorded history.
        reference_month: the month at which effective compute equals physical compute
            (also the base of the hardware cost factor and of domestic chip supply).
        month: the current month.
    """

    def __init__(self, start: str, end: str, history_until: str, reference_month: str) -> None:
        self.start, self.end = parse_month(start), parse_month(end)
        self.history_until = parse_month(history_until)
        self.reference_month = parse_month(reference_month)
        self.month = self.start

    def in_history(self) -> bool:
        """Prices and releases follow the recorded history until ``world.history_until``."""
        return self.month <= self.history_until

    def label(self) -> str:
        """The current month as ``"YYYY-MM"``."""
        return format_month(self.month)

    @property
    def n_months(self) -> int:
        """Months simulated from the start to the end, inclusive."""
        return self.end - self.start + 1
