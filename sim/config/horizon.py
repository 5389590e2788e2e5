"""The run's horizon against the scenario: events and history inside [world.start, world.end].

An event dated after ``world.end``, or a ``world.history_until`` after it, never happens in
the run. Written in a world or scenario file (or as an override of the event or of
``history_until`` itself) that is a mistake, and it is refused. But a shorter run of a
shipped scenario is an everyday request (``scenario=token_price_cut world.end=2024-06``,
the tests' quick runs, sweeps over the horizon), and there the cut is on purpose. So the
rule depends on where ``world.end`` came from:

- ``world.end`` given as an override (command line, sweep, ``compose_config``'s list): the
  run is cut short. The scenario's events after the end are left out, each with a line in
  the log; a ``history_until`` after the end means the whole run follows the recorded
  history, unless ``world.history_until`` was itself given as an override, which is then a
  contradiction and refused.
- otherwise: an event after the end, or ``history_until`` after it, is refused with the
  field, the value and the run's months.

Only a composition knows its overrides, so :func:`check_horizon` runs where a config is
composed (:func:`sim.config.load.to_config` with its overrides: ``compose_config`` and
``python -m sim``). A config read back from a saved run, or changed in Python after
composing, is checked by :func:`sim.config.validate.validate` alone, which cannot tell an
intended cut from a mistake and leaves these two checks out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.core.calendar import parse_month

log = logging.getLogger("sim")

#: How to cut a run short on purpose, said in every refusal of this module.
HOW_TO_CUT = ("to cut a run short on purpose, give world.end as an override (command line, "
              "sweep or compose_config): the scenario's later events are then left out")


def overridden(overrides: Sequence[str], key: str) -> bool:
    """Whether ``key`` is set by one of the Hydra ``overrides`` (``key=``, ``+key=``,
    ``++key=``; a deletion ``~key`` does not count)."""
    for override in overrides:
        name, sep, _ = str(override).partition("=")
        if sep and not name.startswith("~") and name.lstrip("+") == key:
            return True
    return False


def check_horizon(cfg: Config, overrides: Sequence[str]) -> None:
    """Refuse events and a history that end after ``world.end``, unless the run was cut
    short by an override of ``world.end`` (see the module's docstring).

    Called after :func:`~sim.config.validate.validate`, so the dates parse and the
    calendar is in order. Logs one line per event left out of a run cut short.
    """
    w = cfg.world
    end = parse_month(w.end)
    cut = overridden(overrides, "world.end")
    window = f"a month in [world.start, world.end] = [{w.start}, {w.end}]"
    if parse_month(w.history_until) > end and (not cut or overridden(overrides,
                                                                     "world.history_until")):
        raise ConfigError("world.history_until", w.history_until,
                          f"{window} (the last month that follows the recorded history; "
                          f"{HOW_TO_CUT}, and the whole run then follows the history)")
    for i, event in enumerate(cfg.scenario.events):
        date = parse_month(event.date)
        if date <= end:
            continue
        path = f"scenario.events[{i}]"
        if not cut:
            raise ConfigError(f"{path}.date", event.date,
                              f"{window} (an event after the end would never happen; "
                              f"{HOW_TO_CUT})")
        log.info("%s (%s %s) is after world.end = %s: left out of this run", path,
                 event.date, event.kind, w.end)
