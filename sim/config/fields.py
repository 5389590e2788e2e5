"""Field metadata for the config dataclasses: unit, allowed range, meaning and origin.

Every numeric field of the schema is declared with :func:`param`. The metadata is the
single source of truth for three things: validation (:mod:`sim.config.validate`), the
parameter tables of ``docs/MODEL.md`` (:mod:`sim.tools.docs`) and the dashboard's sliders.
"""

from __future__ import annotations

from dataclasses import MISSING as _DC_MISSING
from dataclasses import field
from typing import Any

from omegaconf import MISSING

#: Where a parameter's value comes from.
ORIGINS = {
    "data": "a public figure, with its source in the world file or a data file",
    "calibrated": "a free parameter, fitted by the method of simulated moments",
    "assumption": "a modelling choice or rough estimate, argued in docs/MODEL.md",
    "scenario": "a lever set by scenarios",
    "structural": "a setting of the simulation, not of the world",
}


def param(
    default: Any = MISSING,
    *,
    unit: str,
    doc: str,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    choices: tuple[str, ...] | None = None,
    origin: str = "assumption",
    factory: Any = _DC_MISSING,
) -> Any:
    """Declare a config field with its unit, range, meaning and origin.

    Args:
        default: value used when no YAML sets it; ``MISSING`` (the default) makes the
            field mandatory, so that world values come from ``scenarios/`` only.
        unit: the unit, written out (``"USD per million tokens"``, ``"1"`` for none).
        doc: one line on what the parameter means.
        lo, hi: bounds of the allowed range; ``lo_open``/``hi_open`` make them strict.
        choices: the allowed strings, for categorical fields.
        origin: one of :data:`ORIGINS`.
        factory: a default factory for list or dict fields.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin {origin!r} is not one of {sorted(ORIGINS)}")
    metadata = {
        "unit": unit,
        "doc": doc,
        "lo": lo,
        "hi": hi,
        "lo_open": lo_open,
        "hi_open": hi_open,
        "choices": choices,
        "origin": origin,
    }
    if factory is not _DC_MISSING:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def describe_range(meta: dict[str, Any]) -> str:
    """The allowed range of a field as text, e.g. ``"> 0"`` or ``"[0, 1]"``."""
    if meta.get("choices"):
        return "one of " + ", ".join(meta["choices"])
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None and hi is not None:
        left = "(" if meta.get("lo_open") else "["
        right = ")" if meta.get("hi_open") else "]"
        return f"{left}{lo:g}, {hi:g}{right}"
    if lo is not None:
        return f"> {lo:g}" if meta.get("lo_open") else f">= {lo:g}"
    if hi is not None:
        return f"< {hi:g}" if meta.get("hi_open") else f"<= {hi:g}"
    return "any"
