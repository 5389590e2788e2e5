"""Months as integers: the model's clock.

The model steps one calendar month at a time. A month is written ``"YYYY-MM"``
in configs and outputs and held as an integer month number inside the model
(``year * 12 + month - 1``), so that differences of months are plain subtraction.
"""

from __future__ import annotations

import re

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Return the month number of ``"YYYY-MM"`` (months since year 0).

    Raises:
        ValueError: if ``text`` is not a month of the form ``YYYY-MM``.
    """
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month of the form YYYY-MM (for example 2025-01)")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def format_month(number: int) -> str:
    """Return ``"YYYY-MM"`` for a month number from :func:`parse_month`."""
    year, month = divmod(int(number), 12)
    return f"{year:04d}-{month + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """All months from ``start`` to ``end`` inclusive, as ``"YYYY-MM"`` strings."""
    return [format_month(m) for m in range(parse_month(start), parse_month(end) + 1)]


def to_datetime64(months: list[str]) -> np.ndarray:
    """Months as ``numpy.datetime64`` values (first day of each month), for plotting."""
    return np.array(months, dtype="datetime64[M]")
