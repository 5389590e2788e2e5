"""Validation of events: what each kind needs, and that what it names exists in the world.

Used for the scenario's events before a run, and for the rows of the history file when
the model loads it (:meth:`sim.model.events.Timeline.load`).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from sim.config.check_world import HORIZON
from sim.config.errors import ConfigError, check_value, month
from sim.config.scenario import EVENT_FIELDS, SUBSIDY_LEVERS, EventConfig
from sim.config.schema import Config
from sim.config.tables import country_codes
from sim.config.world import WorldConfig
from sim.core.constants import BLOCS
from sim.market.capability import capability_from_index

_ISO3 = re.compile(r"^[A-Z]{3}$")

def is_set(value: Any) -> bool:
    """Whether an event field was given: not None, not False, not empty.

    Compared by identity and type, not by ``==``: ``0.0 == False``, and a level of zero
    (a full embargo, no subsidy) is a value, not a missing one.
    """
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list) and len(value) == 0)


def check_event(event: EventConfig, path: str, world: WorldConfig, *,
                history: bool = False) -> None:
    """Check that one event carries what its kind needs, nothing it cannot use, and that
    what it names exists in ``world``.

    A scenario's event falls on or after world.start: one before it would be applied at
    set-up and silently rewrite the start. Whether one after world.end is a mistake or a
    run cut short on purpose depends on where world.end came from, which only a
    composition knows: :func:`sim.config.horizon.check_horizon` decides. Events of the
    history file (``history=True``) may come before the start: they set the market up.
    """
    vendors = world.vendors
    date = month(f"{path}.date", event.date)
    if not history:
        start = month("world.start", world.start)
        last = month("world.end", HORIZON[1])
        if not start <= date <= last:
            raise ConfigError(f"{path}.date", event.date,
                              f"a month in [world.start, {HORIZON[1]}] = [{world.start}, "
                              f"{HORIZON[1]}] (before the start it would rewrite the "
                              "market at set-up; the model stops at the horizon's end)")
    if event.kind not in EVENT_FIELDS:
        raise ConfigError(f"{path}.kind", event.kind, "one of " + ", ".join(EVENT_FIELDS))
    required, optional = EVENT_FIELDS[event.kind]
    # the fields this event sets (text labels and the date and kind aside)
    present = {f.name for f in fields(event)
               if f.name not in ("date", "kind", "label", "source")
               and is_set(getattr(event, f.name))}
    groups = {
        "capability": {"training_flop", "capability", "frontier_lag_months", "eci"},
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
    # eci and training_flop may come together (the index places the model, the pair
    # enters the index's estimation); each excludes capability and frontier_lag_months
    capability_given = present & groups["capability"]
    if len(capability_given - {"eci"}) > 1 or len(capability_given - {"training_flop"}) > 1:
        raise ConfigError(path, f"kind={event.kind}",
                          "at most one of capability, frontier_lag_months, and eci or "
                          "training_flop (eci with training_flop is allowed) "
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
        _check_eci(event, path, world)
    if event.kind == "price" and event.vendor is None and event.bloc is None:
        raise ConfigError(f"{path}.vendor", None, "a price event names a vendor or a bloc")
    if event.kind == "price" and event.mode is not None and event.factor is None:
        raise ConfigError(f"{path}.mode", event.mode,
                          "only with a factor (a list price, price_in with price_out, is "
                          "held as it is)")
    if event.kind == "subsidy" and event.lever in SUBSIDY_LEVERS:
        _check_subsidy_amount(event, path)
    if event.kind == "duty" and event.from_bloc == event.bloc:
        raise ConfigError(f"{path}.from_bloc", event.from_bloc,
                          f"a bloc other than the importing bloc {event.bloc!r} (a duty "
                          "taxes imports)")
    if (event.kind in ("export_limit", "subsidy", "duty") and event.level is not None
            and not 0 <= event.level <= 1):
        raise ConfigError(f"{path}.level", event.level,
                          f"in [0, 1] for an event of kind {event.kind}")
    if event.kind == "subsidy" and event.lever == "compute" and event.level >= 1:
        raise ConfigError(f"{path}.level", event.level,
                          "below 1 for a compute subsidy (a lab pays part of its chips)")
    for f in fields(event):
        if f.metadata:
            check_value(f"{path}.{f.name}", getattr(event, f.name), f.metadata)
    if event.kind == "ban":
        countries = country_codes(world.nations.countries_file)
        for i, code in enumerate(event.countries):
            # the recorded history also bans in countries outside the table (Italy's ban
            # of 2023): they are kept as records and change nothing in the model
            known = code in countries or (history and _ISO3.match(code) is not None)
            if code not in BLOCS and code != "developing" and not known:
                raise ConfigError(f"{path}.countries[{i}]", code,
                                  f"an ISO3 code of the country table "
                                  f"({world.nations.countries_file}), a bloc among "
                                  + ", ".join(BLOCS) + ", or 'developing'")
        if event.bloc is None and event.vendor is None:
            raise ConfigError(f"{path}.bloc", None, "a ban names the banned bloc or vendor")


    if event.kind == "entry" and event.vertical is not None:
        n_verticals = min((f.n_verticals for f in world.firms.values()), default=0)
        if event.vertical >= n_verticals:
            raise ConfigError(f"{path}.vertical", event.vertical,
                              f"a vertical in [0, {n_verticals - 1}] (the firms have "
                              f"{n_verticals} verticals: world.firms.*.n_verticals)")


def _check_subsidy_amount(event: EventConfig, path: str) -> None:
    """A per_mtok subsidy is an amount (``usd_per_mtok``); every other lever a share
    (``level``): each needs its own field and refuses the other."""
    per_mtok = event.lever == "per_mtok"
    need, other = ("usd_per_mtok", "level") if per_mtok else ("level", "usd_per_mtok")
    if getattr(event, need) is None:
        raise ConfigError(f"{path}.{need}", None,
                          f"required for a subsidy of lever {event.lever}"
                          + (" (USD per million tokens)" if per_mtok else " (a share, 0-1)"))
    if getattr(event, other) is not None:
        raise ConfigError(f"{path}.{other}", getattr(event, other),
                          f"not used by a subsidy of lever {event.lever} (it uses {need})")


def _check_eci(event: EventConfig, path: str, world: WorldConfig) -> None:
    """A release's ECI score must map onto a capability the model can hold: the range of
    an event's ``capability`` (OOM), through world.capability.index."""
    if event.eci is None or not isinstance(event.eci, int | float):
        return
    check_value(f"{path}.eci", event.eci, fields_meta(EventConfig, "eci"))
    index = world.capability.index
    if not isinstance(index.points_per_oom, int | float) or index.points_per_oom <= 0:
        return  # the index itself is checked with the world's fields
    meta = fields_meta(EventConfig, "capability")
    q = capability_from_index(event.eci, index.points_per_oom, index.offset)
    if not meta["lo"] <= q <= meta["hi"]:
        raise ConfigError(f"{path}.eci", event.eci,
                          f"a score that world.capability.index (ECI = "
                          f"{index.points_per_oom:g} q + {index.offset:g}) maps into "
                          f"[{meta['lo']:g}, {meta['hi']:g}] OOM; it maps to {q:.3g} OOM")


def fields_meta(cls: type, name: str) -> dict[str, Any]:
    """The metadata of field ``name`` of dataclass ``cls``."""
    return next(dict(f.metadata) for f in fields(cls) if f.name == name)


def check_events(cfg: Config) -> None:
    """Check every event of the scenario against the world."""
    for i, event in enumerate(cfg.scenario.events):
        check_event(event, f"scenario.events[{i}]", cfg.world)
