"""Config schema (dataclasses registered with Hydra), validation and loading."""

from sim.config.errors import ConfigError
from sim.config.load import SCENARIOS_DIR, compose_config, compose_raw, to_config
from sim.config.scenario import EventConfig, ScenarioConfig
from sim.config.schema import Config, OutputConfig, RulesConfig, register_configs
from sim.config.validate import validate
from sim.config.world import WorldConfig

__all__ = [
    "SCENARIOS_DIR",
    "Config",
    "ConfigError",
    "EventConfig",
    "OutputConfig",
    "RulesConfig",
    "ScenarioConfig",
    "WorldConfig",
    "compose_config",
    "compose_raw",
    "register_configs",
    "to_config",
    "validate",
]
