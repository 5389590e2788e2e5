"""The dictionary of a gathered sweep's columns, ``gathered/metrics.csv``: each metric of
the long table and each outcome of ``runs.csv``, with its unit and what it means.

A metric's meaning is the one docs/MODEL.md gives in its outputs table (section 10: metric,
segments, entities, unit, meaning), read from there so that it is written once; its unit
is the one the runs recorded. An outcome's unit and meaning come from its headline
(:mod:`sim.analysis.outcomes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from sim.analysis.outcomes import OUTCOMES

MODEL_MD: Path = Path(__file__).resolve().parents[2] / "docs" / "MODEL.md"
#: The section of docs/MODEL.md whose table describes every recorded metric.
SECTION = "## 10. Outputs"
#: The columns of ``metrics.csv``.
COLUMNS: tuple[str, ...] = ("metric", "unit", "description", "table")
#: What a metric that docs/MODEL.md does not describe gets as its description.
UNDOCUMENTED = "(not described in docs/MODEL.md, section 10)"
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def documented_metrics(path: Path = MODEL_MD) -> dict[str, str]:
    """Each metric's meaning, from the outputs table of docs/MODEL.md (empty if the file is
    not there, as in an installed package without the docs)."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    start = text.find(SECTION)
    if start < 0:
        return {}
    end = text.find("\n## ", start + len(SECTION))
    out = {}
    for line in text[start:end if end > 0 else None].splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5:
            out[match.group(1)] = cells[-1].replace("`", "")
    return out


def metrics_table(series_units: Mapping[str, Iterable[str]],
                  outcomes: Iterable[str] = OUTCOMES,
                  docs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The rows of ``metrics.csv``: every metric of the long table (``table`` =
    ``timeseries``), with the units its runs recorded, then every outcome column of
    ``runs.csv`` (``table`` = ``runs``).

    Args:
        series_units: metric -> the units recorded for it (one, unless runs disagree).
        outcomes: outcome names (:data:`sim.analysis.outcomes.OUTCOMES`).
        docs: metric -> meaning; by default :func:`documented_metrics`.
    """
    from sim.analysis.outcomes import outcome

    docs = documented_metrics() if docs is None else docs
    rows = [{"metric": m, "unit": "; ".join(sorted(set(units))),
             "description": docs.get(m, UNDOCUMENTED), "table": "timeseries"}
            for m, units in sorted(series_units.items())]
    for name in outcomes:
        o = outcome(name)
        h = o.headline
        rows.append({"metric": name, "unit": o.unit, "table": "runs",
                     "description": f"{o.doc} ({h.metric}, segment {h.segment}, "
                                    f"entity {h.entity})"})
    return pd.DataFrame(rows, columns=list(COLUMNS))
