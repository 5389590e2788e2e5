"""Validation of the world: its calendar and the rules that tie its fields together.

Ranges of single fields are checked from their metadata (:mod:`sim.config.validate`);
here are the rules between fields: the end after the start inside the model's horizon,
known blocs, vendors and countries, shares that sum to one.
"""

from __future__ import annotations

import difflib

from sim.config.errors import ConfigError, month
from sim.config.schema import FIGURE_FORMATS, Config
from sim.config.tables import country_codes
from sim.config.world import WorldConfig
from sim.core.constants import BLOCS

#: The buyer segments that may have an outside option (``world.demand.outside_utility``).
OUTSIDE_SEGMENTS: tuple[str, ...] = ("startups", "enterprises", "nations", "devices")
#: The months a run may cover. The data (history, country table, chip and energy prices)
#: describe the 2020s, and the model's trends (compute, algorithms, demand) are exponential:
#: past the 2050s they extrapolate by tens of orders of magnitude, far from anything the
#: calibration saw, and a run of centuries takes hours to produce meaningless numbers.
HORIZON: tuple[str, str] = ("2020-01", "2050-12")


def check_calendar(w: WorldConfig) -> None:
    """The start, the end and the end of history: in order and inside :data:`HORIZON`."""
    first, last = month("world.start", HORIZON[0]), month("world.end", HORIZON[1])
    why = ("the data describe the 2020s and the model's exponential trends are not "
           "meaningful past the 2050s")
    start = month("world.start", w.start)
    if not first <= start <= last:
        raise ConfigError("world.start", w.start,
                          f"a month in [{HORIZON[0]}, {HORIZON[1]}] ({why})")
    end = month("world.end", w.end)
    if end <= start:
        raise ConfigError("world.end", w.end, f"a month after world.start ({w.start})")
    if end > last:
        raise ConfigError("world.end", w.end, f"a month up to {HORIZON[1]} ({why})")
    # after world.end only in a run cut short by an override of world.end (the tests'
    # quick runs stop inside the history): sim.config.horizon decides, since only a
    # composition knows its overrides; before the start there is no history to follow
    history_until = month("world.history_until", w.history_until)
    if not start <= history_until <= last:
        raise ConfigError("world.history_until", w.history_until,
                          f"a month in [world.start, {HORIZON[1]}] = [{w.start}, {HORIZON[1]}] "
                          "(the last month that follows the recorded history)")


def shares(path: str, shares: dict[str, float], keys: tuple[str, ...]) -> None:
    for key, value in shares.items():
        if key not in keys:
            raise ConfigError(f"{path}.{key}", value, f"keys must be among {', '.join(keys)}")
        if not 0 <= value <= 1:
            raise ConfigError(f"{path}.{key}", value, "a share in [0, 1]")
    if shares and abs(sum(shares.values()) - 1) > 1e-6:
        raise ConfigError(path, dict(shares), "shares that sum to 1")


def check_world(cfg: Config) -> None:
    """Check the world: its calendar, chips, energy, vendors, buyers and governments."""
    w = cfg.world
    check_calendar(w)
    month("world.devices.embodiment_midpoint", w.devices.embodiment_midpoint)
    month("world.capability.reference_month", w.capability.reference_month)
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
        shares(f"world.firms.{seg}.bloc_shares", firm.bloc_shares, BLOCS)
        if firm.alpha_min >= firm.alpha:
            raise ConfigError(f"world.firms.{seg}.alpha_min", firm.alpha_min,
                              f"below the segment's mean price sensitivity alpha "
                              f"({firm.alpha:g} utils per log-USD)")
        if not 0 < firm.represents / firm.n <= 1e6:
            raise ConfigError(f"world.firms.{seg}.represents", firm.represents,
                              f"between n ({firm.n}) and a million times n")
    shares("world.devices.capacity_share", w.devices.capacity_share, BLOCS)
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
        # measured against a frontier model at $1/Mtok: +-100 utils is e^100 either way
        if not (isinstance(value, int | float) and not isinstance(value, bool)
                and -100 <= value <= 100):
            raise ConfigError(f"world.demand.outside_utility.{key}", value,
                              "utils in [-100, 100]")
    for vid, value in w.ecosystem.initial_stock_mtok.items():
        if vid not in w.vendors:
            raise ConfigError(f"world.ecosystem.initial_stock_mtok.{vid}", vid,
                              f"vendor ids among {', '.join(w.vendors)}")
        if not (isinstance(value, int | float) and not isinstance(value, bool)
                and 0 <= value < float("inf")):
            raise ConfigError(f"world.ecosystem.initial_stock_mtok.{vid}", value,
                              "a finite stock >= 0 (million tokens)")
    for bloc, growth in w.devices.capacity_growth_per_year.items():
        if bloc not in BLOCS or not 0 < growth <= 10:
            raise ConfigError(f"world.devices.capacity_growth_per_year.{bloc}", growth,
                              f"a bloc among {', '.join(BLOCS)} with growth in (0, 10] x/year")
    countries = country_codes(w.nations.countries_file)
    for i, code in enumerate(w.nations.include):
        if code not in countries:
            close = difflib.get_close_matches(str(code), sorted(countries), n=3)
            hint = f" (close: {', '.join(close)})" if close else ""
            raise ConfigError(f"world.nations.include[{i}]", code,
                              f"an ISO3 code of the country table "
                              f"{w.nations.countries_file}{hint}")
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
    if not cfg.output.figure_formats:
        raise ConfigError("output.figure_formats", [], "at least one of "
                          + ", ".join(FIGURE_FORMATS))
    for i, fmt in enumerate(cfg.output.figure_formats):
        if fmt not in FIGURE_FORMATS:
            raise ConfigError(f"output.figure_formats[{i}]", fmt,
                              "one of " + ", ".join(FIGURE_FORMATS))
    for i, date in enumerate(cfg.output.report_dates):
        month(f"output.report_dates[{i}]", date)
    if (cfg.draw.file is None) != (cfg.draw.index is None):  # a draw is a row of a file
        given, missing = ("draw.file", "draw.index") if cfg.draw.file is not None \
            else ("draw.index", "draw.file")
        raise ConfigError(missing, None, f"set together with {given}: a parameter draw is a "
                                         "row (draw.index) of a design file (draw.file)")
