"""The buyer segments: building firms and nations in the configured engine, the month's
random draws for firms, and the growth of device makers' demand.

``engine=vector`` holds each segment as numpy arrays (:mod:`sim.population.firms`,
:mod:`sim.population.nations`); ``engine=agent`` holds one Mesa agent per buyer
(:mod:`sim.population.firm_agents`, :mod:`sim.population.nation_agents`), which
implements the logit rule only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import mesa
import numpy as np

from sim import data
from sim.agents.device_maker import DeviceMaker, embodiment
from sim.config import Config, ConfigError
from sim.core.calendar import parse_month
from sim.core.streams import Streams
from sim.population.firm_agents import FirmAgents
from sim.population.firms import FirmPopulation, draw_firms
from sim.population.nation_agents import NationAgents
from sim.population.nations import NationPopulation, draw_nations
from sim.population.segment import FirmSegment, NationSegment


def build_firms(model: mesa.Model, cfg: Config, n_slots: int, streams: Streams,
                choice_rule: Callable) -> dict[str, FirmSegment]:
    """The firm segments by name, each with the rows sampled into the pricing panel
    (``min(n, panel_size)`` firms drawn without replacement from stream ``panel``)."""
    firms: dict[str, FirmSegment] = {}
    for segment, seg_cfg in cfg.world.firms.items():
        initial = draw_firms(seg_cfg, n_slots, streams("firms.init", segment))
        if cfg.engine == "vector":
            firms[segment] = FirmPopulation(segment, seg_cfg, cfg.world.demand, initial,
                                            choice_rule, cfg.rules.startup_choice)
        else:
            if cfg.rules.startup_choice != "logit":
                raise ConfigError("rules.startup_choice", cfg.rules.startup_choice,
                                  "logit with engine=agent (the per-agent specification "
                                  "implements the logit rule only)")
            # Mesa agents register with the model they are made for
            firms[segment] = FirmAgents(model, segment, seg_cfg, cfg.world.demand, initial)
        size = min(seg_cfg.n, cfg.world.pricing.panel_size)
        rows = streams("panel", segment).choice(seg_cfg.n, size=size, replace=False)
        firms[segment].panel_index = np.sort(rows)
    return firms


def build_nations(model: mesa.Model, cfg: Config, streams: Streams,
                  choice_rule: Callable) -> NationSegment:
    """The developing nations of ``world.nations.countries_file`` (those included)."""
    nations_cfg = cfg.world.nations
    rows = data.load_countries(nations_cfg.countries_file, nations_cfg.include)
    initial = draw_nations(rows, nations_cfg, streams("nations.init"), data.load_unga_poles())
    if cfg.engine == "vector":
        return NationPopulation(nations_cfg, cfg.world.demand, initial, choice_rule,
                                cfg.rules.adopter_choice)
    if cfg.rules.adopter_choice != "logit":
        raise ConfigError("rules.adopter_choice", cfg.rules.adopter_choice,
                          "logit with engine=agent")
    return NationAgents(model, nations_cfg, cfg.world.demand, initial)


def draw_uniforms(streams: Streams, firms: Mapping[str, FirmSegment]
                  ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The month's uniforms for every firm's review and choice, from their own streams
    (drawn whatever happens, so that scenarios share them: common random numbers)."""
    return {segment: (streams("firms.review", segment).random(segment_firms.n),
                      streams("firms.choice", segment).random(segment_firms.n))
            for segment, segment_firms in firms.items()}


def grow_device_demand(makers: Sequence[DeviceMaker], devices, month: int, start: int) -> None:
    """Device makers' demand grows with their capacity and with embodied AI (the logistic
    share :func:`sim.agents.device_maker.embodiment`, relative to the start)."""
    midpoint = parse_month(devices.embodiment_midpoint)
    now = embodiment(month, midpoint, devices.embodiment_rate_per_year)
    at_start = embodiment(start, midpoint, devices.embodiment_rate_per_year)
    for maker in makers:
        maker.update_demand(month - start, now, at_start)
