"""Where a run's time goes: wall seconds by part (model, tables, figures, report).

A run's log ends with this split, and ``manifest.json`` keeps it, so that a reader sees
at once whether the model or the drawing made them wait (``make bench`` reports the same
split against its target). Standard library only, so any layer may use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeSplit:
    """Wall seconds of named parts, in the order they were first timed.

    Example:
        >>> split = TimeSplit()
        >>> split.add("model", 1.5)
        >>> split.add("figures", 0.25)
        >>> split.line()
        'time: model 1.50 s, figures 0.25 s; total 1.75 s'
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, part: str, seconds: float) -> None:
        """Add ``seconds`` to ``part`` (a part timed twice is summed)."""
        self.seconds[part] = self.seconds.get(part, 0.0) + seconds

    @contextmanager
    def time(self, part: str) -> Iterator[None]:
        """Time the ``with`` block as ``part`` (also when it raises)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(part, time.perf_counter() - start)

    @property
    def total(self) -> float:
        """The sum of the parts."""
        return sum(self.seconds.values())

    def as_dict(self) -> dict[str, float]:
        """The parts and the total, in seconds rounded to the millisecond (for JSON)."""
        return {**{k: round(v, 3) for k, v in self.seconds.items()},
                "total": round(self.total, 3)}

    def line(self) -> str:
        """One line for a log: each part, then the total."""
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in self.seconds.items())
        return f"time: {parts}; total {self.total:.2f} s"
