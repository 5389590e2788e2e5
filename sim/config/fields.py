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

#: The ceiling of a numeric field with a lower bound only (not repeated in each range: the
#: legend of docs/MODEL.md's tables states it). Money, tokens and chips beyond it
#: are absurd (a thousand times world GDP in USD), and products of such values over a run
#: (cost x tokens x months) leave the float range: a cost of 1e308 gives inf and NaN.
CEILING: float = 1e15

#: Where a parameter's value comes from.
ORIGINS = {
    "data": "a public figure, with its source in the world file or a data file",
    "calibrated": "a free parameter, fitted by the method of simulated moments",
    "estimated": "estimated from the data by a stated regression with standard errors "
                 "(python -m sim.calibrate.capability_index)",
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
    why: str | None = None,
    floor: float | None = None,
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
        why: where a bound comes from when the meaning does not say it (a numerical floor,
            a ceiling that keeps the model finite); added to the refusal's message.
        floor: the smallest value the model computes with, above an open lower bound
            ``lo`` that the meaning gives (a price sensitivity is positive; near 0 the
            arithmetic leaves the float range). The range documented and checked is
            ``[floor, hi]`` (:func:`lower_bound`); ``lo`` stays the meaning's bound, from
            which the dashboard's sliders step.
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
        "why": why,
        "floor": floor,
    }
    if factory is not _DC_MISSING:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def lower_bound(meta: dict[str, Any]) -> tuple[float | None, bool]:
    """The lowest allowed value and whether it is excluded: the field's ``floor`` where it
    has one (included), else ``lo`` and ``lo_open``."""
    if meta.get("floor") is not None:
        return meta["floor"], False
    return meta.get("lo"), bool(meta.get("lo_open"))


def describe_range(meta: dict[str, Any]) -> str:
    """The allowed range of a field as text, e.g. ``"> 0"`` or ``"[0, 1]"``."""
    if meta.get("choices"):
        return "one of " + ", ".join(meta["choices"])
    (lo, lo_open), hi = lower_bound(meta), meta.get("hi")
    if lo is not None and hi is not None:
        left = "(" if lo_open else "["
        right = ")" if meta.get("hi_open") else "]"
        return f"{left}{lo:g}, {hi:g}{right}"
    if lo is not None:
        return f"> {lo:g}" if lo_open else f">= {lo:g}"
    if hi is not None:
        return f"< {hi:g}" if meta.get("hi_open") else f"<= {hi:g}"
    return "any"


def upper_bound(meta: dict[str, Any]) -> float | None:
    """The field's ``hi``, or :data:`CEILING` for a number with a lower bound only."""
    if meta.get("hi") is None and meta.get("lo") is not None:
        return CEILING
    return meta.get("hi")
