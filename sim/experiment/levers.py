"""Named levers: the experiment's inputs, each a config path or a field of a scenario event.

A lever has a unit, an allowed range (values outside it are refused) and a default
sampling box inside that range (what :func:`sim.experiment.sensitivity.sobol` samples when
no box is given). For a config field, the unit and range come from the field's
:func:`sim.config.fields.param` metadata; where the metadata gives no finite range, or a
wider one than the lever means, the lever declares its own and says so in ``source``.

Event levers never depend on the order of the scenario's events: they find the event by
kind and bloc (``cn_price_factor`` is the ``price`` event of bloc CN). When the scenario
has that event, the lever changes its field and keeps the rest of the shipped event (its
date, ``subsidised`` flag, label). When it has none, the lever adds one at the scenario's
first month (:data:`sim.core.dates.SCENARIO_FROM`), with every other field at its default
(an added price event is not subsidised). Two matching events are ambiguous and refused.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.calibrate.fit import DEFAULT_PARAMETERS, set_path
from sim.config import Config, EventConfig
from sim.config.fields import describe_range, lower_bound
from sim.core.dates import SCENARIO_FROM

#: The label prefix of an event a lever added (the figures letter it like any other).
ADDED_LABEL = "experiment: "


class LeverError(ValueError):
    """A lever value outside its range, an unknown lever, or an ambiguous event."""


def field_metadata(path: str) -> dict[str, Any]:
    """The :func:`param` metadata of a dotted config path, found from the schema's types.

    Dict nodes (``world.vendors.<id>``, ``world.demand.affinity.<bloc>.<bloc>``) take any
    key; a path below a dict of plain values keeps the dict field's metadata.

    Raises:
        KeyError: a path that names no field of the schema.
    """
    node: Any = Config
    meta: dict[str, Any] = {}
    for part in path.split("."):
        if dataclasses.is_dataclass(node):
            fields = {f.name: f for f in dataclasses.fields(node)}
            if part not in fields:
                raise KeyError(f"{path}: {node.__name__} has no field {part!r}")
            meta = dict(fields[part].metadata)
            node = typing.get_type_hints(node)[part]
        elif typing.get_origin(node) is dict:
            node = typing.get_args(node)[1]
        elif node is not Any:
            raise KeyError(f"{path}: {part!r} is below a leaf")
    return meta


def _calibration_box(path: str) -> tuple[float, float] | None:
    """The box the calibration searches for a fitted parameter (None if not fitted)."""
    for p in DEFAULT_PARAMETERS:
        if p.path == path:
            return (p.low, p.high)
    return None


@dataclass(frozen=True)
class EventTarget:
    """Which scenario event a lever edits: the event's kind, its selectors, the field."""

    kind: str
    field: str
    match: Mapping[str, Any] = field(default_factory=dict)  #: e.g. {"bloc": "CN"}


@dataclass(frozen=True)
class Lever:
    """One named input of an experiment.

    Attributes:
        name: the lever's name in designs and tables.
        unit, doc: what its value means.
        lo, hi: the allowed range (closed unless ``lo_open``/``hi_open``); refused outside.
        box: the default sampling box, inside the range.
        source: where the range and box come from.
        paths: the config paths it sets (a config lever), or
        event: the scenario event field it sets (an event lever).
    """

    name: str
    unit: str
    doc: str
    lo: float
    hi: float
    box: tuple[float, float]
    source: str
    paths: tuple[str, ...] = ()
    event: EventTarget | None = None
    lo_open: bool = False
    hi_open: bool = False

    def range_text(self) -> str:
        return describe_range({"lo": self.lo, "hi": self.hi, "lo_open": self.lo_open,
                               "hi_open": self.hi_open})

    def check(self, value: float) -> float:
        """The value as a float, or :class:`LeverError` naming the lever, value and range."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise LeverError(f"lever {self.name} = {value!r} is not a number") from None
        below = number <= self.lo if self.lo_open else number < self.lo
        above = number >= self.hi if self.hi_open else number > self.hi
        if math.isnan(number) or below or above:
            raise LeverError(f"lever {self.name} = {value!r} is outside its range "
                             f"{self.range_text()} ({self.unit}; {self.source})")
        return number

    def apply(self, cfg: Config, value: float) -> None:
        """Set the lever on a config (in place), after checking its range."""
        number = self.check(value)
        for path in self.paths:
            set_path(cfg, path, number)
        if self.event is not None:
            set_event_field(cfg, self.event, number, self.name)


def find_events(cfg: Config, target: EventTarget) -> list[EventConfig]:
    """The scenario's events of the target's kind whose selectors all match."""
    return [e for e in cfg.scenario.events
            if e.kind == target.kind
            and all(getattr(e, k) == v for k, v in target.match.items())]


def set_event_field(cfg: Config, target: EventTarget, value: float, name: str) -> None:
    """Set the field on the matching event, or add the event at :data:`SCENARIO_FROM`."""
    found = find_events(cfg, target)
    if len(found) > 1:
        raise LeverError(f"lever {name}: scenario {cfg.scenario.name!r} has {len(found)} "
                         f"{target.kind} events matching {dict(target.match)} (dated "
                         f"{', '.join(e.date for e in found)}); set the field by path instead")
    if found:
        setattr(found[0], target.field, value)
        return
    event = EventConfig(date=SCENARIO_FROM, kind=target.kind, **dict(target.match),
                        label=f"{ADDED_LABEL}{name} {value:g}")
    setattr(event, target.field, value)
    cfg.scenario.events = [*cfg.scenario.events, event]


def config_lever(name: str, path: str, doc: str | None = None,
                 lo: float | None = None, hi: float | None = None,
                 box: tuple[float, float] | None = None, why: str = "") -> Lever:
    """A lever on one config path, its unit and range read from the path's metadata.

    ``lo``/``hi`` declare a range where the metadata has none (``why`` says why); ``box``
    defaults to the calibration's box for a fitted parameter, else to the range.
    """
    meta = field_metadata(path)
    declared = lo is not None or hi is not None
    lowest, lowest_open = lower_bound(meta)  # a numerical floor where the field has one
    lo = lowest if lo is None else lo
    hi = meta.get("hi") if hi is None else hi
    if lo is None or hi is None:
        raise ValueError(f"lever {name}: {path} has no finite range; declare lo and hi")
    calibrated = _calibration_box(path)
    box = box or calibrated or (lo, hi)
    source = (f"range declared: {why}" if declared else f"range of {path} (param metadata)")
    if calibrated and box == calibrated:
        source += "; box: the calibration's search box (sim.calibrate.fit)"
    return Lever(name=name, unit=meta.get("unit", "1"), doc=doc or meta.get("doc", ""),
                 lo=float(lo), hi=float(hi), box=(float(box[0]), float(box[1])),
                 source=source, paths=(path,),
                 lo_open=lowest_open and not declared,
                 hi_open=bool(meta.get("hi_open")) and not declared)


def event_lever(name: str, target: EventTarget, doc: str, box: tuple[float, float],
                lo: float | None = None, hi: float | None = None, why: str = "") -> Lever:
    """A lever on one field of a scenario event, unit and range from :class:`EventConfig`."""
    meta = dict({f.name: f for f in dataclasses.fields(EventConfig)}[target.field].metadata)
    declared = lo is not None or hi is not None
    lowest, lowest_open = lower_bound(meta)  # a numerical floor where the field has one
    lo = lowest if lo is None else lo
    hi = meta["hi"] if hi is None else hi
    where = f"the {target.kind} event of {dict(target.match) or 'all'}"
    source = (f"range declared: {why}" if declared
              else f"range of event field {target.field} (param metadata)")
    return Lever(name=name, unit=meta["unit"], doc=f"{doc} ({where}, field {target.field})",
                 lo=float(lo), hi=float(hi), box=(float(box[0]), float(box[1])),
                 source=source, event=target,
                 lo_open=lowest_open and not declared,
                 hi_open=bool(meta.get("hi_open")) and not declared)


def _registry(*levers: Lever) -> dict[str, Lever]:
    return {lever.name: lever for lever in levers}


#: The named levers, by name. Ranges: the field's metadata unless ``source`` says declared.
LEVERS: dict[str, Lever] = _registry(
    event_lever("cn_price_factor", EventTarget("price", "factor", {"bloc": "CN"}),
                "Chinese vendors' new token price over the old one (1: no change)",
                box=(0.1, 1.0)),
    event_lever("export_level", EventTarget("export_limit", "level", {"bloc": "CN"}),
                "share of China's advanced-chip demand that exports may fill",
                box=(0.0, 1.0), lo=0.0, hi=1.0,
                why="a share: the event field's [-1, 1] also serves subsidies and privacy"),
    event_lever("privacy_concern", EventTarget("privacy", "level", {"segment": None}),
                "shift in every firm's privacy concern (0-1 scale; 0: none)",
                box=(0.0, 0.5)),
    event_lever("cn_compute_subsidy",
                EventTarget("subsidy", "level", {"bloc": "CN", "lever": "compute"}),
                "share of Chinese labs' chip purchases the state pays", box=(0.0, 0.6),
                lo=0.0, hi=1.0, why="a share of the bill"),
    event_lever("cn_energy_subsidy",
                EventTarget("subsidy", "level", {"bloc": "CN", "lever": "energy"}),
                "share of Chinese labs' power bill the state pays", box=(0.0, 0.6),
                lo=0.0, hi=1.0, why="a share of the bill"),
    config_lever("us_distrust_of_cn", "world.demand.affinity.US.CN",
                 "US firms' affinity for Chinese APIs (utils; negative: distrust)",
                 lo=-20.0, hi=20.0, box=(-6.0, 0.0),
                 why="validation's [-20, 20] utils for affinities (sim/config/validate.py); "
                     "box: the search box of the fits that found it flat"),
    config_lever("eu_distrust_of_cn", "world.demand.affinity.EU.CN",
                 "EU firms' affinity for Chinese APIs (utils; negative: distrust)",
                 lo=-20.0, hi=20.0, box=(-6.0, 0.0),
                 why="validation's [-20, 20] utils for affinities; box as US -> CN's"),
    config_lever("spill_open", "world.capability.spill_open", box=(0.05, 0.95),
                 why="a share; box: the search box of the fits that found it flat"),
    config_lever("spill_closed", "world.capability.spill_closed"),
    config_lever("quality_weight", "world.demand.quality_weight"),
    config_lever("privacy_weight", "world.demand.privacy_weight"),
    config_lever("price_elasticity", "world.demand.price_elasticity"),
    config_lever("anthropic_appeal", "world.vendors.anthropic.appeal"),
    config_lever("algo_halving_months", "world.capability.algo_halving_months",
                 box=(5.0, 14.0)),  # Ho et al. 2024's 95% interval (world/default.yaml)
    config_lever("entry_hazard", "world.entry.hazard_per_month", box=(0.0, 0.05)),
    config_lever("pricing_inertia", "world.pricing.inertia", box=(0.05, 1.0)),
)


def lever(name: str) -> Lever:
    """The named lever, or :class:`LeverError` listing the known ones."""
    if name not in LEVERS:
        raise LeverError(f"unknown lever {name!r}; levers are {', '.join(LEVERS)} "
                         "(or a dotted config path such as world.demand.quality_weight)")
    return LEVERS[name]


def apply_params(cfg: Config, params: Mapping[str, Any]) -> None:
    """Set named levers and raw dotted config paths on a config, in place.

    A name with a dot that is no lever is a config path, set as is (validation checks it
    afterwards); any other unknown name is refused.
    """
    for name, value in params.items():
        if name in LEVERS:
            LEVERS[name].apply(cfg, value)
        elif "." in name:
            field_metadata(name)  # a typo fails here, naming the path
            set_path(cfg, name, value)
        else:
            lever(name)  # raises, listing the levers
