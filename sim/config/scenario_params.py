"""A scenario's named parameters, and the events that refer to them.

A scenario file names the quantities its story turns on::

    scenario:
      params:
        price_cut_factor: 0.1   # new price over old (1); 0.1 is tenfold
      events:
        - {date: "2026-01", kind: price, bloc: CN, factor: "${scenario.params.price_cut_factor}"}

The reference is an OmegaConf interpolation, resolved when the composed config becomes
dataclasses, so ``scenario.params.price_cut_factor=0.3`` on the command line (or a lever,
:mod:`sim.experiment.levers`) changes the event whatever its position in the list.

OmegaConf alone would report a bad reference late and vaguely (``InterpolationKeyError``
without the declared names, or a string coerced into a number). So
:func:`check_params` walks the composed tree before it is resolved and refuses, with the
field, the value and what is allowed:

- a parameter that is not a number (``bool`` and strings included: a parameter stands for
  a quantity);
- a reference to a parameter the scenario does not declare;
- a reference from an event field that is not a number (a date, a vendor, a flag);
- a non-integer for an integer field (``duration_months``, ``vertical``).

A declared parameter that nothing refers to is logged as a warning rather than refused:
overriding an event's field by its index (``scenario.events.1.factor=0.5``) replaces the
reference, and that is a legitimate edit, whereas a misspelt parameter on the command line
is refused by Hydra already unless it is added with ``+``.

A value outside the range of the field it sets is refused by validation once resolved,
with the event field's path and the parameter's name (:func:`explain`).
"""

from __future__ import annotations

import difflib
import logging
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import fields
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config.errors import ConfigError
from sim.config.scenario import EventConfig

log = logging.getLogger("sim")

#: The prefix of a reference: ``${scenario.params.<name>}``.
PREFIX = "scenario.params."
#: A whole value that is one reference (an event's number field).
_WHOLE = re.compile(r"^\$\{scenario\.params\.([^}]*)\}$")
#: A reference anywhere in a string (a label may quote a parameter too).
_ANY = re.compile(r"\$\{scenario\.params\.([^}]*)\}")


def reference(name: str) -> str:
    """The interpolation that refers to parameter ``name``."""
    return "${" + PREFIX + name + "}"


def check_param_values(params: Mapping[str, Any]) -> None:
    """Every parameter is a number (an int or a float, not a bool or a string)."""
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{PREFIX}{name}", value,
                              "a number (an int or a float): a scenario parameter stands for "
                              "an event's quantity")


def _event_fields() -> dict[str, tuple[type | None, dict[str, Any]]]:
    """Each event field's number type (float, int, or None for any other) and metadata."""
    hints = typing.get_type_hints(EventConfig)
    out = {}
    for f in fields(EventConfig):
        hint = hints[f.name]
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = args[0] if len(args) == 1 else None
        out[f.name] = (hint if hint in (float, int) else None, dict(f.metadata))
    return out


def _strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of an unresolved tree, with its path (``a.b[0].c``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def _unknown(path: str, text: str, name: str, params: Mapping[str, Any]) -> ConfigError:
    close = difflib.get_close_matches(name, list(params), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    declared = ", ".join(params) or "none"
    return ConfigError(path, text, f"a reference to a parameter the scenario declares "
                                   f"(scenario.params: {declared}){hint}")


def check_params(cfg: DictConfig) -> dict[str, str]:
    """Check the scenario's parameters and every reference to them, unresolved.

    Returns:
        For each event field set by a parameter, its path (``scenario.events[1].factor``,
        as validation names it) and the parameter's name: :func:`explain` adds the
        parameter to a later refusal of the resolved value.

    Raises:
        ConfigError: see the module docstring.
    """
    tree = OmegaConf.to_container(cfg, resolve=False)
    scenario = tree.get("scenario") or {}
    params = scenario.get("params") or {}
    check_param_values(params)
    used: set[str] = set()
    for path, text in _strings(tree, ""):
        for name in _ANY.findall(text):
            if name not in params:
                raise _unknown(path, text, name, params)
            used.add(name)
    kinds = _event_fields()
    refs: dict[str, str] = {}
    for i, event in enumerate(scenario.get("events") or []):
        for key, value in (event.items() if isinstance(event, dict) else ()):
            match = _WHOLE.match(value) if isinstance(value, str) else None
            if match is None or key not in kinds:
                continue  # not a whole reference; an unknown key is check_keys' to report
            path, name = f"scenario.events[{i}].{key}", match.group(1)
            number, meta = kinds[key]
            numeric = ", ".join(k for k, (t, _) in kinds.items() if t is not None)
            if number is None:
                raise ConfigError(path, value, f"a literal value: only number fields of an "
                                               f"event refer to a parameter ({numeric})")
            given = params[name]
            if number is int and not isinstance(given, int):
                raise ConfigError(f"{PREFIX}{name}", given,
                                  f"an integer: it sets {path} ({meta['unit']})")
            # the range is validation's to check once resolved, kind by kind (a subsidy's
            # level lies in [0, 1], a privacy shift's in [-1, 1]); explain() then adds
            # the parameter's name to the message
            refs[path] = name
    for name in params:
        if name not in used:  # a warning, not a refusal: see the module docstring
            log.warning("%s%s = %r changes nothing: no event refers to it as %s",
                        PREFIX, name, params[name], reference(name))
    return refs


def explain(err: ConfigError, refs: Mapping[str, str]) -> ConfigError:
    """A refusal of an event field set by a parameter, naming the parameter too."""
    name = refs.get(err.path)
    if name is None:
        return err
    return ConfigError(err.path, err.value,
                       f"{err.allowed} (the value of {PREFIX}{name})")
