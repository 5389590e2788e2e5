"""Validation of a whole config before anything runs or is written.

Types are checked by OmegaConf when Hydra composes the config. What types cannot say
is checked here: every field's range from its metadata, then the rules that tie
fields together (active parameters at most total, the end after the start, known
blocs and vendors, shares that sum to one, events that carry what their kind needs).
Each error names the field by its full path, the value, and what is allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, is_dataclass
from typing import Any

from sim.config.fields import describe_range
from sim.config.scenario import EVENT_FIELDS, EventConfig
from sim.config.schema import Config
from sim.core.calendar import parse_month
from sim.core.constants import BLOCS

_ISO3 = re.compile(r"^[A-Z]{3}$")
#: The buyer segments that may have an outside option (``world.demand.outside_utility``).
OUTSIDE_SEGMENTS: tuple[str, ...] = ("startups", "enterprises", "nations", "devices")


class ConfigError(ValueError):
    """A config value that makes no sense. The message names field, value and what is allowed."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        self.path, self.value, self.allowed = path, value, allowed
        super().__init__(f"{path} = {value!r} is not allowed: {allowed}")


def validate(cfg: Config) -> Config:
    """Check ``cfg`` and return it unchanged; raise :class:`ConfigError` at the first fault."""
    _check_fields(cfg, "")
    _check_world(cfg)
    _check_events(cfg)
    _check_rules(cfg)
    return cfg


# -- field ranges from metadata -------------------------------------------------------------

def _check_fields(node: Any, path: str) -> None:
    if isinstance(node, EventConfig):
        return  # events are checked by check_event, kind by kind
    if is_dataclass(node):
        for f in fields(node):
            value = getattr(node, f.name)
            sub = f"{path}.{f.name}" if path else f.name
            if value == "???":
                raise ConfigError(sub, value, "a value is required (set it in scenarios/)")
            if f.metadata:
                _check_value(sub, value, f.metadata)
            _check_fields(value, sub)
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_fields(value, f"{path}[{i}]")


def _check_value(path: str, value: Any, meta: dict[str, Any]) -> None:
    if value is None:
        return
    choices = meta.get("choices")
    if choices and isinstance(value, str) and value not in choices:
        raise ConfigError(path, value, describe_range(meta))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if not math.isfinite(value):
        raise ConfigError(path, value, f"a finite number, {describe_range(meta)} ({meta['unit']})")
    lo, hi = meta.get("lo"), meta.get("hi")
    too_low = lo is not None and (value <= lo if meta.get("lo_open") else value < lo)
    too_high = hi is not None and (value >= hi if meta.get("hi_open") else value > hi)
    if too_low or too_high:
        raise ConfigError(path, value, f"must be {describe_range(meta)} ({meta['unit']})")


# -- the world ------------------------------------------------------------------------------

def _month(path: str, text: str) -> int:
    try:
        return parse_month(text)
    except ValueError as err:
        raise ConfigError(path, text, "a month written YYYY-MM") from err


def _shares(path: str, shares: dict[str, float], keys: tuple[str, ...]) -> None:
    for key, value in shares.items():
        if key not in keys:
            raise ConfigError(f"{path}.{key}", value, f"keys must be among {', '.join(keys)}")
        if not 0 <= value <= 1:
            raise ConfigError(f"{path}.{key}", value, "a share in [0, 1]")
    if shares and abs(sum(shares.values()) - 1) > 1e-6:
        raise ConfigError(path, dict(shares), "shares that sum to 1")


def _check_world(cfg: Config) -> None:
    w = cfg.world
    start = _month("world.start", w.start)
    if _month("world.end", w.end) <= start:
        raise ConfigError("world.end", w.end, f"a month after world.start ({w.start})")
    _month("world.history_until", w.history_until)
    _month("world.devices.embodiment_midpoint", w.devices.embodiment_midpoint)
    _month("world.capability.reference_month", w.capability.reference_month)
    for kind in ("advanced", "domestic"):
        if kind not in w.chips:
            raise ConfigError("world.chips", sorted(w.chips), f"chips must include '{kind}'")
    for name in w.chips:
        if name not in ("advanced", "domestic"):
            raise ConfigError(f"world.chips.{name}", name, "chip kinds are advanced and domestic")
    missing = [b for b in BLOCS if b not in w.energy]
    if missing:
        raise ConfigError("world.energy", sorted(w.energy),
                          f"an energy price for every bloc (missing: {', '.join(missing)})")
    for key in list(w.energy) + list(w.governments):
        if key not in BLOCS:
            where = "energy" if key in w.energy else "governments"
            raise ConfigError(f"world.{where}.{key}", key, f"a bloc among {', '.join(BLOCS)}")
    if not w.vendors:
        raise ConfigError("world.vendors", {}, "at least one vendor")
    for vid, v in w.vendors.items():
        if v.bloc not in w.energy:
            raise ConfigError(f"world.vendors.{vid}.bloc", v.bloc,
                              f"a bloc with an energy price (world.energy has {sorted(w.energy)})")
        if v.parent is not None:
            if v.parent not in w.vendors or v.parent == vid:
                raise ConfigError(f"world.vendors.{vid}.parent", v.parent,
                                  f"another vendor id among {sorted(w.vendors)}")
            if w.vendors[v.parent].parent is not None:
                raise ConfigError(f"world.vendors.{vid}.parent", v.parent,
                                  "a lab without a parent of its own")
            if v.initial_cash_musd != 0:
                raise ConfigError(f"world.vendors.{vid}.initial_cash_musd", v.initial_cash_musd,
                                  f"0 for a line with a parent (it uses {v.parent}'s cash)")
        elif v.initial_cash_musd < v.cash_floor_musd:
            raise ConfigError(f"world.vendors.{vid}.initial_cash_musd", v.initial_cash_musd,
                              f"at least the vendor's cash_floor_musd ({v.cash_floor_musd:g} "
                              "million USD)")
    for seg, firm in w.firms.items():
        if seg not in ("startups", "enterprises"):
            raise ConfigError(f"world.firms.{seg}", seg, "segments are startups and enterprises")
        _shares(f"world.firms.{seg}.bloc_shares", firm.bloc_shares, BLOCS)
    _shares("world.devices.capacity_share", w.devices.capacity_share, BLOCS)
    for buyer, row in w.demand.affinity.items():
        for model_bloc, value in [(buyer, None), *row.items()]:
            if model_bloc not in BLOCS:
                raise ConfigError(f"world.demand.affinity.{buyer}", model_bloc,
                                  f"blocs among {', '.join(BLOCS)}")
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)
                                      or not -20 <= value <= 20):
                raise ConfigError(f"world.demand.affinity.{buyer}.{model_bloc}", value,
                                  "utils in [-20, 20]")
    for key, value in w.demand.outside_utility.items():
        if key not in OUTSIDE_SEGMENTS:
            raise ConfigError(f"world.demand.outside_utility.{key}", key,
                              f"segments among {', '.join(OUTSIDE_SEGMENTS)}")
        if not (isinstance(value, int | float) and -1000 <= value <= 1000):
            raise ConfigError(f"world.demand.outside_utility.{key}", value,
                              "utils in [-1000, 1000]")
    for bloc, growth in w.devices.capacity_growth_per_year.items():
        if bloc not in BLOCS or not 0 < growth <= 10:
            raise ConfigError(f"world.devices.capacity_growth_per_year.{bloc}", growth,
                              f"a bloc among {', '.join(BLOCS)} with growth in (0, 10] x/year")
    for i, code in enumerate(w.nations.include):
        if not _ISO3.match(code):
            raise ConfigError(f"world.nations.include[{i}]", code, "an ISO3 country code")
    for i, bloc in enumerate(w.compute.domestic_chip_blocs):
        if bloc not in BLOCS:
            raise ConfigError(f"world.compute.domestic_chip_blocs[{i}]", bloc,
                              f"a bloc among {', '.join(BLOCS)}")
    for bloc, gov in w.governments.items():
        path = f"world.governments.{bloc}"
        if gov.export_target == bloc:
            raise ConfigError(f"{path}.export_target", bloc, "a bloc other than its own")
        for i, banned in enumerate(gov.banned_blocs):
            if banned not in BLOCS or banned == bloc:
                raise ConfigError(f"{path}.banned_blocs[{i}]", banned,
                                  "another bloc among " + ", ".join(BLOCS))
    for i, fmt in enumerate(cfg.output.formats):
        if fmt not in ("parquet", "csv"):
            raise ConfigError(f"output.formats[{i}]", fmt, "parquet or csv")
    for i, date in enumerate(cfg.output.report_dates):
        _month(f"output.report_dates[{i}]", date)


# -- events ---------------------------------------------------------------------------------

def is_set(value: Any) -> bool:
    """Whether an event field was given: not None, not False, not empty.

    Compared by identity and type, not by ``==``: ``0.0 == False``, and a level of zero
    (a full embargo, no subsidy) is a value, not a missing one.
    """
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list) and len(value) == 0)


def check_event(event: EventConfig, path: str, vendors: dict[str, Any]) -> None:
    """Check that one event carries what its kind needs, and nothing it cannot use."""
    _month(f"{path}.date", event.date)
    if event.kind not in EVENT_FIELDS:
        raise ConfigError(f"{path}.kind", event.kind, "one of " + ", ".join(EVENT_FIELDS))
    required, optional = EVENT_FIELDS[event.kind]
    # the fields this event sets (text labels and the date and kind aside)
    present = {f.name for f in fields(event)
               if f.name not in ("date", "kind", "label", "source")
               and is_set(getattr(event, f.name))}
    groups = {
        "capability": {"training_flop", "capability", "frontier_lag_months"},
        "price": {"price_in", "price_out", "factor"},
    }
    for need in required:
        given = present & groups.get(need, set())
        if need == "price" and given not in ({"factor"}, {"price_in", "price_out"}):
            raise ConfigError(path, f"kind={event.kind}",
                              "either factor, or price_in with price_out "
                              f"(given: {', '.join(sorted(given)) or 'none'})")
        if need not in groups and need not in present:
            raise ConfigError(f"{path}.{need}", None, f"required for an event of kind {event.kind}")
    capability_given = present & groups["capability"]
    if len(capability_given) > 1:
        raise ConfigError(path, f"kind={event.kind}",
                          "at most one of capability, frontier_lag_months, training_flop "
                          f"(given: {', '.join(sorted(capability_given))})")
    allowed = set(required) | set(optional)
    for need in required:
        allowed |= groups.get(need, set())
    for name in present - allowed:
        raise ConfigError(f"{path}.{name}", getattr(event, name),
                          f"not used by an event of kind {event.kind} (it uses "
                          f"{', '.join(sorted(allowed))})")
    if event.vendor is not None and event.vendor not in vendors:
        raise ConfigError(f"{path}.vendor", event.vendor,
                          f"a vendor of the world ({', '.join(sorted(vendors))})")
    if event.kind == "ownership" and (event.owner not in vendors or event.owner == event.vendor):
        others = sorted(v for v in vendors if v != event.vendor)
        raise ConfigError(f"{path}.owner", event.owner,
                          f"a vendor of the world other than the acquired vendor "
                          f"{event.vendor!r} ({', '.join(others)})")
    if event.kind == "release":
        if (event.total_params_b is None) != (event.active_params_b is None):
            raise ConfigError(f"{path}.active_params_b", event.active_params_b,
                              "give both total_params_b and active_params_b, or neither")
        if event.total_params_b is not None and event.active_params_b > event.total_params_b:
            raise ConfigError(f"{path}.active_params_b", event.active_params_b,
                              f"at most total_params_b ({event.total_params_b})")
        if (event.price_in is None) != (event.price_out is None):
            raise ConfigError(f"{path}.price_out", event.price_out,
                              "give both price_in and price_out, or neither")
    if event.kind == "price" and event.vendor is None and event.bloc is None:
        raise ConfigError(f"{path}.vendor", None, "a price event names a vendor or a bloc")
    if event.kind in ("export_limit", "subsidy") and not 0 <= event.level <= 1:
        raise ConfigError(f"{path}.level", event.level,
                          f"in [0, 1] for an event of kind {event.kind}")
    if event.kind == "subsidy" and event.lever == "compute" and event.level >= 1:
        raise ConfigError(f"{path}.level", event.level,
                          "below 1 for a compute subsidy (a lab pays part of its chips)")
    for f in fields(event):
        if f.metadata:
            _check_value(f"{path}.{f.name}", getattr(event, f.name), f.metadata)
    if event.kind == "ban":
        for i, code in enumerate(event.countries):
            if code not in BLOCS and code != "developing" and not _ISO3.match(code):
                raise ConfigError(f"{path}.countries[{i}]", code,
                                  "an ISO3 code, a bloc among " + ", ".join(BLOCS)
                                  + ", or 'developing'")
        if event.bloc is None and event.vendor is None:
            raise ConfigError(f"{path}.bloc", None, "a ban names the banned bloc or vendor")


def _check_events(cfg: Config) -> None:
    for i, event in enumerate(cfg.scenario.events):
        check_event(event, f"scenario.events[{i}]", cfg.world.vendors)


def _check_rules(cfg: Config) -> None:
    from sim.rules import check_rules  # late import: rules import the config schema

    check_rules(cfg.rules)
