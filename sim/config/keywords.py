"""A config from keywords, the way Mesa builds models: ``AIMarket(world="small",
scenario="token_price_cut", seed=3, **{"world.end": "2026-06"})``.

:func:`keyword_overrides` turns the keywords into the Hydra overrides a command line
would give (``world=small scenario=token_price_cut seed=3 world.end=2026-06``), so a model
built from keywords is the run of that command line. A config path is a keyword with dots
(``**{"world.demand.quality_weight": 8}``, the form ``mesa.batch_run``'s ``parameters``
take) or with double underscores in their place (``world__demand__quality_weight=8``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.config.errors import ConfigError

#: Keywords that choose a config group or a top-level key rather than set a path.
CHOICES: tuple[str, ...] = ("world", "scenario", "seed", "engine")
#: The largest seed (the schema's ``seed`` range is [0, 2**32 - 1]).
MAX_SEED = 2**32 - 1


def override_value(value: Any) -> str:
    """A Python value in Hydra's override grammar: ``true``, ``null``, ``0.5``, ``[a,b]``;
    a string as it is (``2026-06``, ``small``), the way it would be typed."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return {math.inf: "inf", -math.inf: "-inf"}.get(value, "nan")
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(override_value(v) for v in value) + "]"
    return str(value)


def seed_of(seed: Any = None, rng: Any = None) -> int:
    """The run's seed from Mesa's two keywords (``seed``, or ``rng`` as ``mesa.batch_run``
    passes it): an integer as it is; a :class:`numpy.random.Generator` gives one draw;
    neither gives a fresh seed from the operating system's entropy (Mesa's convention for
    ``seed=None``: each model built without a seed gets a different one).

    Raises:
        ConfigError: both given, or a seed that is not a whole number in [0, 2**32 - 1].
    """
    if seed is not None and rng is not None:
        raise ConfigError("seed", seed, f"either seed or rng, not both (rng = {rng!r})")
    given = seed if seed is not None else rng
    if given is None:
        return int(np.random.SeedSequence().entropy % (MAX_SEED + 1))
    if isinstance(given, np.random.Generator):
        return int(given.integers(MAX_SEED + 1))
    if isinstance(given, bool) or not isinstance(given, int | np.integer):
        raise ConfigError("seed", given, f"a whole number in [0, {MAX_SEED}]")
    if not 0 <= int(given) <= MAX_SEED:
        raise ConfigError("seed", given, f"a whole number in [0, {MAX_SEED}]")
    return int(given)


def keyword_overrides(world: str | None = None, scenario: str | None = None,
                      seed: int | None = None, engine: str | None = None,
                      paths: Mapping[str, Any] | None = None) -> list[str]:
    """The Hydra overrides of a keyword call: the groups and seed given, then each config
    path (dots or double underscores) with its value.

    Example:
        >>> keyword_overrides("small", seed=3, paths={"world__end": "2026-06"})
        ['world=small', 'seed=3', 'world.end=2026-06']
    """
    overrides = [f"{key}={value}" for key, value in
                 (("world", world), ("scenario", scenario), ("seed", seed), ("engine", engine))
                 if value is not None]
    for key, value in (paths or {}).items():
        path = key.replace("__", ".")
        if "." not in path:
            raise ConfigError(key, value, "a keyword of AIMarket: one of "
                              f"{', '.join(CHOICES)}, rng, or a dotted config path such as "
                              "world.end or world__demand__quality_weight")
        overrides.append(f"{path}={override_value(value)}")
    return overrides
