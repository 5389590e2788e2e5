"""The country table, read as a file: validation checks country codes against it.

The config layer sits below :mod:`sim.data` (which builds events from the config
dataclasses), so it cannot import that package; it reads the CSV file the world names
instead, the same file :func:`sim.data.load_countries` reads when the model is built.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from sim.config.errors import ConfigError

#: The package data folder that ``world.nations.countries_file`` and ``history_file`` name.
DATA_DIR: Path = Path(__file__).resolve().parents[1] / "data"


@functools.cache
def country_codes(name: str) -> frozenset[str]:
    """The ISO3 codes of the country table ``name`` in ``sim/data``."""
    path = DATA_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*.csv"))
        raise ConfigError("world.nations.countries_file", name,
                          f"a CSV file in sim/data (there are: {', '.join(available)})")
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["iso3"] for row in csv.DictReader(handle))
