"""Reading the tidy table: the long format every run writes (month, metric, entity,
segment, value, unit), one row per value.

Every reader of the table (results, figures, headlines, calibration moments, sweep
statistics) picks its series through :func:`rows` and pivots through :func:`wide`, so
that a series is named and shaped the same way everywhere.
"""

from __future__ import annotations

import pandas as pd

#: The columns of a run's tidy table.
TIDY_COLUMNS: tuple[str, ...] = ("month", "metric", "entity", "segment", "value", "unit")


def rows(table: pd.DataFrame, metric: str, segment: str, entity: str | None = None
         ) -> pd.DataFrame:
    """The rows of one (metric, segment) series, or of one entity of it.

    Args:
        table: a tidy table (a run's, or a gathered sweep's with more columns).
        metric, segment: the series.
        entity: one entity of it, or None for all of them.
    """
    mask = (table["metric"] == metric) & (table["segment"] == segment)
    if entity is not None:
        mask &= table["entity"] == entity
    return table[mask]


def wide(table: pd.DataFrame, metric: str, segment: str = "all") -> pd.DataFrame:
    """One metric of a run's tidy table, wide: a row per month (``YYYY-MM``, sorted), a
    column per entity (as strings, in the order the table first lists them).

    Values are as stored (infinite gaps stay infinite).

    Raises:
        KeyError: when the table has no such (metric, segment); the message lists the
            series it has.
    """
    picked = rows(table, metric, segment)
    if picked.empty:
        known = sorted(set(zip(table["metric"], table["segment"], strict=True)))
        raise KeyError(f"no series {metric!r} for segment {segment!r}; known: {known}")
    out = picked.pivot(index="month", columns="entity", values="value")
    out.columns = out.columns.astype(str)
    return out[list(dict.fromkeys(picked["entity"].astype(str)))]


def entity_series(table: pd.DataFrame, metric: str, segment: str, entity: str) -> pd.Series:
    """One entity's values by month, in table order (empty where the table lacks it)."""
    return rows(table, metric, segment, entity).set_index("month")["value"]
