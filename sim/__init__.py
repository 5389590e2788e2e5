"""An agent-based simulation of the global AI market.

Quick start::

    from sim import compose_config, run
    result = run(compose_config(["world=small", "scenario=token_price_cut"]))
    result.table          # tidy long table: month, metric, entity, segment, value, unit
    result.series("token_share_bloc", segment="startups")   # wide: months x entities
"""

from sim.config import Config, ConfigError, compose_config
from sim.model import AIMarket
from sim.model.results import Results, run

__version__ = "0.1.0"

__all__ = ["AIMarket", "Config", "ConfigError", "Results", "__version__", "compose_config",
           "run"]
