"""The registry of named rules: each decision of the model is made by a rule chosen in config.

Decisions and the signature of their rules:

- ``vendor_pricing(vendor, market) -> float``: the price the vendor aims at, in USD per
  million tokens (the vendor moves towards it with the pricing inertia).
- ``vendor_release(vendor, model) -> bool``: whether the vendor releases its next model now.
- ``vendor_openness(vendor, model) -> str``: how open that model is: ``closed``,
  ``open_weight`` or ``open_source``.
- ``vendor_entry(vendor, model) -> int | None``: the vertical a closed lab that builds
  applications enters this month, or None.
- ``startup_choice(problem) -> ndarray``: choice probabilities, one row per firm.
- ``adopter_choice(problem) -> ndarray``: the shares a developing nation aims at, one row
  per country.
- ``government_policy(government, model) -> None``: changes the government's levers.

Register your own rule with the decorator, in a file of your own, and select it with
``rules.plugins=[path/to/my_rules.py] rules.vendor_pricing=my_rule``::

    from sim.rules import rule

    @rule("vendor_pricing", "half_of_rivals")
    def half_of_rivals(vendor, market):
        return 0.5 * market.rival_mean_price(vendor)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

DECISIONS: tuple[str, ...] = (
    "vendor_pricing", "vendor_release", "vendor_openness", "vendor_entry", "startup_choice",
    "adopter_choice", "government_policy",
)
#: Rules that share a signature share a pool: a choice rule serves firms and nations alike.
_POOL = {"adopter_choice": "startup_choice"}
_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = {d: {} for d in DECISIONS if d not in _POOL}
_BUILTINS = ("sim.rules.pricing", "sim.rules.choice", "sim.rules.release",
             "sim.rules.openness", "sim.rules.entry", "sim.rules.policy")
_loaded = False


class RuleError(ValueError):
    """A rule that does not exist, or that returned something invalid."""


def rule(decision: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as rule ``name`` for ``decision``."""
    pool = _POOL.get(decision, decision)
    if pool not in _REGISTRY:
        raise RuleError(f"unknown decision {decision!r}; decisions are {', '.join(DECISIONS)}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        shipped = _REGISTRY[pool].get(name)
        if (shipped is not None and shipped.__module__.startswith("sim.")
                and not func.__module__.startswith("sim.")):
            raise RuleError(f"{name!r} is a shipped {decision} rule; give yours another name")
        _REGISTRY[pool][name] = func
        func.rule_name = name  # type: ignore[attr-defined]
        return func

    return register


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTINS:
        importlib.import_module(module)
    for entry in entry_points(group="ai_market_sim.rules"):
        entry.load()


def load_plugin(spec: str) -> None:
    """Import a module by name (``my_rules``) or a file by path (``my_rules.py``)."""
    if spec.endswith(".py"):
        path = Path(spec).expanduser().resolve()
        if not path.is_file():
            raise RuleError(f"rules.plugins: no file {spec!r}")
        name = f"sim_plugin_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
    else:
        try:
            importlib.import_module(spec)
        except ImportError as err:
            raise RuleError(f"rules.plugins: cannot import {spec!r} ({err})") from err


def known_rules(decision: str) -> list[str]:
    """Names of the rules registered for ``decision``."""
    _load_builtins()
    return sorted(_REGISTRY[_POOL.get(decision, decision)])


def get_rule(decision: str, name: str) -> Callable[..., Any]:
    """The rule ``name`` for ``decision``; a wrong name lists the known rules."""
    _load_builtins()
    pool = _REGISTRY[_POOL.get(decision, decision)]
    if name not in pool:
        raise RuleError(f"rules.{decision} = {name!r} is not a known rule; known rules: "
                        f"{', '.join(sorted(pool))}")
    return pool[name]


def check_rules(rules_cfg: Any) -> None:
    """Import the plugins, then check that every configured rule exists."""
    _load_builtins()
    for spec in rules_cfg.plugins:
        load_plugin(spec)
    for decision in DECISIONS:
        get_rule(decision, getattr(rules_cfg, decision))
