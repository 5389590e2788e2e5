"""Public figures the world is built from, read from this package (never from a fixed path).

- ``countries.csv``: the developing nations (World Bank WDI figures, UN General Assembly
  ideal points and Gini indices, with sources).
- ``unga_poles.csv``: the UN General Assembly ideal points of the United States and China,
  the poles of the nations' leaning.
- ``history_2022_2025.csv``: dated releases, price changes, export rules, bans, subsidies.
- ``calibration_targets.csv``: the validation targets (:mod:`sim.calibrate.moments`).
- ``world_gdp.csv``: world GDP (IMF WEO), for the API market's share of it.

Each file has a companion ``.md`` describing its columns, units and sources.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files

from sim.config.scenario import EventConfig

_FLOAT_FIELDS = ("training_flop", "eci", "total_params_b", "active_params_b", "price_in",
                 "price_out", "factor", "level")


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV file of this package, as dictionaries of strings."""
    resource = files(__package__).joinpath(name)
    if not resource.is_file():
        available = sorted(p.name for p in files(__package__).iterdir() if p.name.endswith(".csv"))
        raise FileNotFoundError(f"no data file {name!r} in sim/data (there are: "
                                f"{', '.join(available)})")
    return list(csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8"))))


#: The columns of a country table the model reads (countries.md describes them).
COUNTRY_COLUMNS = ("iso3", "population_m", "gdp_per_capita_usd", "internet_share",
                   "unga_ideal_point", "gini")


def load_countries(name: str, include: list[str]) -> list[dict[str, str]]:
    """The country rows, restricted to ``include`` (ISO3 codes) when it is not empty."""
    rows = read_csv(name)
    missing_columns = [c for c in COUNTRY_COLUMNS if rows and c not in rows[0]]
    if missing_columns:
        raise ValueError(f"world.nations.countries_file {name} lacks the columns "
                         f"{missing_columns} (sim/data/countries.md describes them)")
    if include:
        known = {r["iso3"] for r in rows}
        missing = [c for c in include if c not in known]
        if missing:
            raise ValueError(f"world.nations.include names countries not in {name}: {missing}")
        rows = [r for r in rows if r["iso3"] in set(include)]
    return rows


def load_unga_poles(name: str = "unga_poles.csv") -> dict[str, float]:
    """UN General Assembly ideal points of the leaning's poles, by ISO3 code (USA, CHN)."""
    poles = {r["iso3"]: float(r["unga_ideal_point"]) for r in read_csv(name)}
    missing = [c for c in ("USA", "CHN") if c not in poles]
    if missing:
        raise ValueError(f"{name} lacks the ideal point of {missing}")
    return poles


def load_events(name: str) -> list[EventConfig]:
    """The rows of an event file as :class:`EventConfig` objects, in file order."""
    events = []
    for row in read_csv(name):
        kwargs: dict = {"date": row["date"], "kind": row["kind"]}
        for key in ("vendor", "bloc", "model", "openness", "lever", "label", "source"):
            if row.get(key):
                kwargs[key] = row[key]
        for key in _FLOAT_FIELDS:
            if row.get(key):
                kwargs[key] = float(row[key])
        if row.get("countries"):
            kwargs["countries"] = [c.strip() for c in row["countries"].split(";") if c.strip()]
        if row.get("subsidised", "").lower() == "true":
            kwargs["subsidised"] = True
        # a release names the vendor's bloc in the file, which the event does not need
        if kwargs["kind"] == "release":
            kwargs.pop("bloc", None)
        if kwargs["kind"] == "ban" and kwargs.get("vendor"):
            kwargs.pop("bloc", None)
        events.append(EventConfig(**kwargs))
    return events
