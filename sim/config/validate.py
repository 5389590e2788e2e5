"""Validation of a whole config before anything runs or is written.

Types are checked by OmegaConf when Hydra composes the config, and unknown keys by
:mod:`sim.config.keys`. What types cannot say is checked here: every field's range from
its metadata, then the rules that tie fields together (:mod:`sim.config.check_world`:
the calendar, blocs, vendors, countries, shares; :mod:`sim.config.check_events`: events
against the world), combinations the model cannot compute, and whether the world fits
this machine (:mod:`sim.config.budget`). Each error names the field by its full path,
the value, and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from typing import Any

from sim.config.budget import check_budget
from sim.config.check_events import check_events
from sim.config.check_world import check_world
from sim.config.errors import ConfigError, check_value
from sim.config.scenario import EventConfig
from sim.config.scenario_params import check_param_values
from sim.config.schema import Config

#: The largest exponent a float holds: exp(709.78) is the largest finite double.
_LOG_MAX_FLOAT = math.log(1.7976931348623157e308)
#: Capability (OOM) a model can reach: the bound of a release's ``capability``. About 34 OOM
#: in 2026 (GPT-5's ECI of 150 on the index) growing by oom_per_year (3) to the horizon's
#: end (2050) gives about 110.
_MAX_CAPABILITY = 120.0


def validate(cfg: Config) -> Config:
    """Check ``cfg`` and return it unchanged; raise :class:`ConfigError` at the first fault."""
    _check_fields(cfg, "")
    check_param_values(cfg.scenario.params)
    check_world(cfg)
    check_events(cfg)
    _check_surplus(cfg)
    _check_rules(cfg)
    check_budget(cfg)
    return cfg


def _check_fields(node: Any, path: str) -> None:
    if isinstance(node, EventConfig):
        return  # events are checked by check_event, kind by kind
    if is_dataclass(node):
        for f in fields(node):
            value = getattr(node, f.name)
            sub = f"{path}.{f.name}" if path else f.name
            if value == "???":
                raise ConfigError(sub, value, "a value is required (set it in scenarios/)")
            if f.metadata:
                check_value(sub, value, f.metadata)
            _check_fields(value, sub)
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_fields(value, f"{path}[{i}]")


def _check_surplus(cfg: Config) -> None:
    """Consumer surplus stays finite: refuse an elastic demand with too little price
    sensitivity.

    With a volume elasticity e > 1 the area under a buyer's demand grows without bound as
    its quality-adjusted price P~ = exp(-IV / a) falls: CS ~ X P_ref^e P~^(1-e) / (e - 1)
    = X P_ref^e exp((e - 1) IV / a) / (e - 1) (:func:`sim.market.metrics.consumer_surplus`).
    The inclusive value IV of a buyer is at most about quality_weight x (120 - reference
    capability) (the capability ceiling) plus the largest appeal and the network weight,
    and a buyer's a is its segment's mean alpha times its log-normal draw (three sigmas
    down covers 99.9 % of buyers). The sufficient condition below keeps (e - 1) IV / a
    under the float range.
    """
    demand = cfg.world.demand
    e = demand.price_elasticity
    if e <= 1:
        return  # the area up to the reference price is finite for any P~ > 0
    appeal = max((abs(v.appeal) for v in cfg.world.vendors.values()), default=0.0)
    # the network term adds at most its weight (a family holding every stock)
    appeal += cfg.world.ecosystem.network_weight
    iv_max = demand.quality_weight * (_MAX_CAPABILITY - demand.reference_capability) + appeal
    for segment, firms in cfg.world.firms.items():
        alpha_low = firms.alpha * math.exp(-3 * firms.alpha_sigma - firms.alpha_sigma ** 2 / 2)
        # half the float range for the exponent: the volume and P_ref^e multiply it
        if (e - 1) * iv_max / alpha_low > _LOG_MAX_FLOAT / 2:
            need = 2 * (e - 1) * iv_max / _LOG_MAX_FLOAT * math.exp(
                3 * firms.alpha_sigma + firms.alpha_sigma ** 2 / 2)
            raise ConfigError(f"world.firms.{segment}.alpha", firms.alpha,
                              f"at least {need:.3g} with world.demand.price_elasticity = {e:g} "
                              "(above 1 the consumer surplus of a buyer with low price "
                              "sensitivity overflows to infinity; or an elasticity <= 1)")


def _check_rules(cfg: Config) -> None:
    from sim.rules import check_rules  # late import: rules import the config schema

    check_rules(cfg.rules)
