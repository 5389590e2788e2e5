"""Named levers: the experiment's inputs, each a config path or a scenario parameter.

A lever has a unit, an allowed range (values outside it are refused) and a default
sampling box inside that range (what :func:`sim.experiment.sensitivity.sobol` samples when
no box is given). For a config field, the unit and range come from the field's
:func:`sim.config.fields.param` metadata; where the metadata gives no finite range, or a
wider one than the lever means, the lever declares its own and says so in ``source``.

Scenario levers never depend on the order of the scenario's events. A scenario names the
quantities its story turns on (``scenario.params``, :mod:`sim.config.scenario_params`) and
its events refer to them by name, so ``cn_price_factor`` sets
``scenario.params.price_cut_factor`` and every event that refers to it follows. On a
scenario that declares no such parameter, a lever with an event target finds the event by
kind and bloc (``cn_price_factor`` is the ``price`` event of bloc CN): when the scenario
has that event, the lever changes its field (or the parameter the field refers to) and
keeps the rest of the event (its date, ``subsidised`` flag, label); when it has none, the
lever adds one at the scenario's first month (:data:`sim.core.dates.SCENARIO_FROM`), with
every other field at its default (an added price event is not subsidised). Two matching
events are ambiguous and refused, and so is a lever with a parameter only
(``deepseek_lag_months``) on a scenario that does not declare it.

Levers are set on the composed, unresolved config (:func:`sim.config.compose_raw`): a
parameter must be set before OmegaConf resolves the events' references to it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.calibrate.fit import DEFAULT_PARAMETERS
from sim.config import SCENARIOS_DIR, Config, ConfigError, EventConfig
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
        param: the scenario parameter it sets (``scenario.params.<param>``), where the
            scenario declares it, and
        event: the scenario event field it sets where the scenario does not.
    """

    name: str
    unit: str
    doc: str
    lo: float
    hi: float
    box: tuple[float, float]
    source: str
    paths: tuple[str, ...] = ()
    param: str | None = None
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

    def sets(self) -> str:
        """What the lever sets, in words (the docs' table and error messages)."""
        if self.paths:
            return ", ".join(self.paths)
        where = f"scenario.params.{self.param}" if self.param else ""
        if self.event is not None:
            event = (f"the {self.event.kind} event of {dict(self.event.match) or 'all'}, "
                     f"field {self.event.field}")
            where = f"{where} (else {event})" if where else event
        return where

    def apply(self, cfg: DictConfig, value: float) -> None:
        """Set the lever on a composed, unresolved config (in place), after checking its
        range: its config paths, else the scenario's parameter, else its event."""
        number = self.check(value)
        for path in self.paths:
            set_node(cfg, path, number)
        if self.paths:
            return
        params = cfg.scenario.params
        if self.param is not None and self.param in params:
            params[self.param] = number  # every event that refers to it follows
        elif self.event is not None:
            set_event_field(cfg, self.event, number, self.name)
        else:
            declared = ", ".join(params) or "none"
            others = ", ".join(scenarios_declaring(self.param)) or "none"
            raise LeverError(f"lever {self.name}: scenario {cfg.scenario.name!r} declares no "
                             f"parameter {self.param!r} (its params: {declared}); scenarios "
                             f"that do: {others}")


#: A whole value that refers to a scenario parameter (see sim.config.scenario_params).
_REFERENCE = re.compile(r"^\$\{scenario\.params\.([^}]*)\}$")


def set_node(cfg: DictConfig, path: str, value: Any) -> None:
    """Set a dotted path of a composed config; refuse a path the schema or the composed
    world lacks, or a value of the wrong type, naming path and value."""
    field_metadata(path)  # a typo fails here, naming the path and the schema's node
    missing = object()
    current = OmegaConf.select(cfg, path, default=missing, throw_on_missing=False)
    if current is missing:
        parts = path.split(".")
        for n in range(len(parts) - 1, 0, -1):  # the deepest node the config has
            parent = ".".join(parts[:n])
            known = OmegaConf.select(cfg, parent, default=None)
            if isinstance(known, DictConfig):
                break
        keys = ", ".join(map(str, known.keys()))
        raise ConfigError(path, value, f"a key the composed config has ({parent} has {keys})")
    if (isinstance(current, int) and not isinstance(current, bool)
            and isinstance(value, float) and value.is_integer()):
        value = int(value)  # a design's 600.0 for a count; 600.5 stays refused below
    try:
        OmegaConf.update(cfg, path, value, merge=False)
    except OmegaConfBaseException as err:  # a type OmegaConf cannot convert
        raise ConfigError(path, value, str(err).splitlines()[0]) from None


@functools.cache
def scenarios_declaring(param: str | None) -> tuple[str, ...]:
    """The shipped scenarios whose ``params`` declare ``param``."""
    names = []
    for path in sorted((SCENARIOS_DIR / "scenario").glob("*.yaml")):
        scenario = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("scenario", {})
        if param in (scenario.get("params") or {}):
            names.append(path.stem)
    return tuple(names)


def find_events(cfg: DictConfig, target: EventTarget) -> list[DictConfig]:
    """The scenario's events of the target's kind whose selectors all match."""
    return [e for e in cfg.scenario.events
            if e.kind == target.kind
            and all(e[k] == v for k, v in target.match.items())]


def set_event_field(cfg: DictConfig, target: EventTarget, value: float, name: str) -> None:
    """Set the field on the matching event (or the parameter it refers to), or add the
    event at :data:`SCENARIO_FROM`."""
    found = find_events(cfg, target)
    if len(found) > 1:
        raise LeverError(f"lever {name}: scenario {cfg.scenario.name!r} has {len(found)} "
                         f"{target.kind} events matching {dict(target.match)} (dated "
                         f"{', '.join(e.date for e in found)}); set the field by path instead")
    if found:
        event = found[0]
        raw = event._get_node(target.field)._value()  # unresolved: a reference stays one
        match = _REFERENCE.match(raw) if isinstance(raw, str) else None
        if match:  # the scenario names this quantity otherwise: set its parameter
            cfg.scenario.params[match.group(1)] = value
        else:
            event[target.field] = value
        return
    event = EventConfig(date=SCENARIO_FROM, kind=target.kind, **dict(target.match),
                        label=f"{ADDED_LABEL}{name} {value:g}")
    setattr(event, target.field, value)
    cfg.scenario.events.append(event)


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


def event_lever(name: str, target: EventTarget | None, doc: str, box: tuple[float, float],
                param: str | None = None, field_name: str | None = None,
                lo: float | None = None, hi: float | None = None, why: str = "") -> Lever:
    """A lever on a scenario: the parameter ``param`` where the scenario declares it, else
    one field of a scenario event; unit and range from that :class:`EventConfig` field
    (``field_name``, or the target's field)."""
    field_name = field_name or (target.field if target else None)
    if field_name is None:
        raise ValueError(f"lever {name}: name the event field its parameter sets")
    meta = dict({f.name: f for f in dataclasses.fields(EventConfig)}[field_name].metadata)
    declared = lo is not None or hi is not None
    lowest, lowest_open = lower_bound(meta)  # a numerical floor where the field has one
    lo = lowest if lo is None else lo
    hi = meta["hi"] if hi is None else hi
    source = (f"range declared: {why}" if declared
              else f"range of event field {field_name} (param metadata)")
    return Lever(name=name, unit=meta["unit"], doc=doc,
                 lo=float(lo), hi=float(hi), box=(float(box[0]), float(box[1])),
                 source=source, param=param, event=target,
                 lo_open=lowest_open and not declared,
                 hi_open=bool(meta.get("hi_open")) and not declared)


def _registry(*levers: Lever) -> dict[str, Lever]:
    return {lever.name: lever for lever in levers}


#: The named levers, by name. Ranges: the field's metadata unless ``source`` says declared.
LEVERS: dict[str, Lever] = _registry(
    event_lever("cn_price_factor", EventTarget("price", "factor", {"bloc": "CN"}),
                "Chinese vendors' new token price over the old one (1: no change)",
                box=(0.1, 1.0), param="price_cut_factor"),
    event_lever("export_level", EventTarget("export_limit", "level", {"bloc": "CN"}),
                "share of China's advanced-chip demand that exports may fill",
                box=(0.0, 1.0), param="export_level", lo=0.0, hi=1.0,
                why="a share: the event field's [-1, 1] also serves subsidies and privacy"),
    event_lever("privacy_concern", EventTarget("privacy", "level", {"segment": None}),
                "shift in every firm's privacy concern (0-1 scale; 0: none)",
                box=(0.0, 0.5), param="privacy_shift"),
    event_lever("cn_compute_subsidy",
                EventTarget("subsidy", "level", {"bloc": "CN", "lever": "compute"}),
                "share of Chinese labs' chip purchases the state pays", box=(0.0, 0.6),
                param="compute_subsidy", lo=0.0, hi=1.0, why="a share of the bill"),
    event_lever("cn_energy_subsidy",
                EventTarget("subsidy", "level", {"bloc": "CN", "lever": "energy"}),
                "share of Chinese labs' power bill the state pays", box=(0.0, 0.6),
                param="energy_subsidy", lo=0.0, hi=1.0, why="a share of the bill"),
    event_lever("deepseek_lag_months", None,
                "months DeepSeek's open-weight release trails the closed frontier (0: at it)",
                box=(0.0, 12.0), param="deepseek_lag_months", field_name="frontier_lag_months"),
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
                 box=(1.0, 3.0)),  # the index estimate 1.55 (SE 0.70), within the field range
    config_lever("entry_hazard", "world.entry.hazard_per_month", box=(0.0, 0.05)),
    config_lever("pricing_inertia", "world.pricing.inertia", box=(0.05, 1.0)),
    event_lever("cn_token_subsidy_usd_per_mtok",
                EventTarget("subsidy", "usd_per_mtok", {"bloc": "CN", "lever": "per_mtok"}),
                "what China's state pays its labs per million API tokens sold (USD; "
                "negative: a tax)", box=(0.0, 0.2), param="token_subsidy_usd_per_mtok"),
    event_lever("deepseek_active_params_b",
                EventTarget("release", "active_params_b", {"vendor": "deepseek"}),
                "active parameters of DeepSeek's scenario release (billions; its total makes it "
                "dense, less makes it a mixture of experts)", box=(20.0, 1600.0),
                param="deepseek_active_params_b", lo=1.0, hi=2000.0,
                why="the event field has no upper bound; 2000 B is above every release's total "
                    "(open_weight_release: 1600 B). Only on a scenario with a DeepSeek release "
                    "(a release needs its total too)"),
    # not calibrated (no sourced value): the box spans no network effect to well above the
    # two-family tipping weight 2 (docs/MODEL.md 7.15)
    config_lever("network_weight", "world.ecosystem.network_weight", box=(0.0, 5.0)),
    # acts under rules.vendor_entry=profit only; box: from free entry to the price OpenAI
    # agreed for Windsurf (docs/MODEL.md 7.11)
    config_lever("entry_cost", "world.entry.entry_cost_usd", box=(0.0, 3e9)),
    # not calibrated (no sourced value): the box spans no distillation to a follower closing,
    # from a rival selling all API tokens, half its gap (docs/MODEL.md 7.3)
    config_lever("distillation_rate", "world.capability.distillation_rate", box=(0.0, 0.5)),
)


#: The levers that scenario discovery and the EMA model vary when none are named: each acts
#: on every shipped scenario (an event lever adds its event where a scenario has none).
DEFAULT_LEVERS: tuple[str, ...] = ("cn_price_factor", "export_level", "privacy_concern",
                                   "us_distrust_of_cn", "spill_open", "quality_weight")


def lever(name: str) -> Lever:
    """The named lever, or :class:`LeverError` listing the known ones."""
    if name not in LEVERS:
        raise LeverError(f"unknown lever {name!r}; levers are {', '.join(LEVERS)} "
                         "(or a dotted config path such as world.demand.quality_weight)")
    return LEVERS[name]


def apply_params(cfg: DictConfig, params: Mapping[str, Any]) -> None:
    """Set named levers and raw dotted config paths on a composed, unresolved config
    (:func:`sim.config.compose_raw`), in place.

    A name with a dot that is no lever is a config path, set as is (validation checks it
    when the config is resolved); ``scenario.params.<name>`` sets a scenario parameter the
    scenario declares. Any other unknown name is refused.
    """
    for name, value in params.items():
        if name in LEVERS:
            LEVERS[name].apply(cfg, value)
        elif name.startswith("scenario.params."):
            key = name.removeprefix("scenario.params.")
            if key not in cfg.scenario.params:
                declared = ", ".join(cfg.scenario.params) or "none"
                raise ConfigError(name, value, f"a parameter scenario "
                                               f"{cfg.scenario.name!r} declares ({declared})")
            cfg.scenario.params[key] = value
        elif "." in name:
            set_node(cfg, name, value)
        else:
            lever(name)  # raises, listing the levers


def lever_bounds(levers: Sequence[str] | Mapping[str, tuple[float, float] | None]
                 ) -> dict[str, tuple[float, float]]:
    """Each lever's box: its registered box, or a box of your own checked against the
    lever's range (``{"quality_weight": (1, 6)}``). Raises LeverError or ValueError naming
    the bad input."""
    items = levers.items() if isinstance(levers, Mapping) else ((k, None) for k in levers)
    bounds = {}
    for name, box in items:
        lev = lever(name)
        lo, hi = lev.box if box is None else (lev.check(box[0]), lev.check(box[1]))
        if not lo < hi:
            raise ValueError(f"lever {name}: box ({lo:g}, {hi:g}) needs lo < hi")
        bounds[name] = (float(lo), float(hi))
    return bounds
