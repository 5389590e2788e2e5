"""An agent-based simulation of the global AI market.

Quick start::

    from sim import compose_config, run
    result = run(compose_config(["world=small", "scenario=token_price_cut"]))
    result.table          # tidy long table: month, metric, entity, segment, value, unit
    result.series("token_share_bloc", segment="startups")   # wide: months x entities

The names below are imported on first use (PEP 562): ``import sim`` alone loads neither
Hydra nor Mesa, whose imports pull in pandas and scipy (about a second and a half of CPU),
so a command that only needs a submodule, or ``--help``, does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the lazy names below, for type checkers and editors
    from sim.config import Config, ConfigError, compose_config
    from sim.model import AIMarket
    from sim.model.results import Results, run

__version__ = "0.1.0"

__all__ = ["AIMarket", "Config", "ConfigError", "Results", "__version__", "compose_config",
           "run"]

#: where each public name lives; imported by :func:`__getattr__` when first asked for
_LAZY = {"AIMarket": "sim.model", "Config": "sim.config", "ConfigError": "sim.config",
         "compose_config": "sim.config", "Results": "sim.model.results",
         "run": "sim.model.results"}


def __getattr__(name: str) -> Any:
    """The public names of :data:`__all__`, imported from their modules on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
