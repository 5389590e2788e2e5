"""Compose a config from ``scenarios/`` outside the command line (tests, notebooks, app)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.config.errors import ConfigError
from sim.config.horizon import check_horizon
from sim.config.keys import check_keys
from sim.config.scenario_params import check_params, explain
from sim.config.schema import Config, register_configs
from sim.config.validate import validate
from sim.config.yaml_files import yaml_error

#: The Hydra config directory: ``scenarios/`` at the project's root, beside ``sim/``.
SCENARIOS_DIR: Path = Path(__file__).resolve().parents[2] / "scenarios"
#: Hydra's state is global to the process: two threads composing at once (the sessions of
#: a dashboard server opening together) would both initialise it, and the second fails
#: ("GlobalHydra is already initialized"). Composing takes its turn under this lock.
_COMPOSING = threading.RLock()


def to_config(cfg: DictConfig, overrides: Sequence[str] | None = None) -> Config:
    """Turn a composed Hydra config into validated dataclasses (raises ConfigError).

    Keys are checked on the composed tree first: the conversion drops keys that the
    dataclasses do not have, such as a typo added with Hydra's ``+``. So are the
    scenario's parameters and the references to them (:mod:`sim.config.scenario_params`),
    which the conversion resolves.

    Args:
        cfg: the composed config.
        overrides: the Hydra overrides it was composed with. Given (even empty), the
            scenario's events and ``world.history_until`` must lie inside the run unless
            ``world.end`` is among them (:mod:`sim.config.horizon`); None for a config
            read back from a saved run, whose overrides are not known here.
    """
    check_keys(cfg, Config)
    refs = check_params(cfg)  # before OmegaConf resolves the references to scenario.params
    obj = OmegaConf.to_object(cfg)
    if not isinstance(obj, Config):
        raise TypeError(f"expected a Config, got {type(obj).__name__}")
    try:
        validate(obj)
    except ConfigError as err:  # an event field set by a parameter: name the parameter
        raise explain(err, refs) from err
    if overrides is not None:
        check_horizon(obj, overrides)
    return obj


def compose_raw(overrides: Sequence[str] = (), config_name: str = "config") -> DictConfig:
    """Compose ``scenarios/config.yaml`` with Hydra overrides, neither resolved nor
    validated: the tree :func:`to_config` turns into a :class:`Config`.

    An experiment composes once and then sets each design's levers on a copy of this
    tree (:mod:`sim.experiment.levers`): a scenario parameter must be set before the
    references to it are resolved, and composing again for every design takes ten times
    as long as copying.
    """
    register_configs()
    try:
        with _COMPOSING:
            if GlobalHydra.instance().is_initialized():  # inside a running Hydra app
                return compose(config_name=config_name, overrides=list(overrides))
            with initialize_config_dir(config_dir=str(SCENARIOS_DIR), version_base="1.3"):
                return compose(config_name=config_name, overrides=list(overrides))
    except yaml.YAMLError as err:  # a malformed file: name it, rather than a traceback
        raise yaml_error(err) from err


def compose_config(overrides: Sequence[str] = (), config_name: str = "config") -> Config:
    """Compose ``scenarios/config.yaml`` with Hydra overrides and validate it.

    Example:
        >>> cfg = compose_config(["world=small", "scenario=token_price_cut", "seed=3"])
    """
    return to_config(compose_raw(overrides, config_name), list(overrides))
