"""``python -m sim --show [OVERRIDE ...]``: the composed config, as a run would get it, with
every event's null fields left out.

Hydra's ``--cfg job`` prints all of an event's two dozen fields, most of them null: an
event uses only the fields of its kind (:data:`sim.config.scenario.EVENT_FIELDS`), so the
others are noise, and so are null fields and empty texts. Nothing is validated or run
here; a run validates the same config.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config import SCENARIOS_DIR, register_configs
from sim.config.scenario import EVENT_FIELDS
from sim.config.scenario_params import check_params

#: Fields every event may carry, whatever its kind.
COMMON = ("date", "kind", "label", "source")
#: What a kind's requirement ``price`` stands for (see sim.config.scenario.EVENT_FIELDS).
GROUPS = {"price": ("price_in", "price_out", "factor"), "capability": ("capability",)}


def event_fields(kind: str) -> set[str]:
    """The fields an event of ``kind`` uses (unknown kinds: all, so nothing is hidden)."""
    if kind not in EVENT_FIELDS:
        return set()
    required, optional = EVENT_FIELDS[kind]
    names = {member for name in (*required, *optional) for member in GROUPS.get(name, (name,))}
    return names | set(COMMON)


def drop_null_event_fields(container: dict[str, Any]) -> dict[str, Any]:
    """``container`` with each scenario event cut to what it says: no null fields, no empty
    lists or texts, and no field its kind does not use (in place; returned for chaining)."""
    scenario = container.get("scenario") or {}
    events = []
    for event in scenario.get("events") or []:
        used = event_fields(str(event.get("kind")))
        events.append({k: v for k, v in event.items()
                       if v is not None and v != [] and v != ""
                       and (not used or k in used)})
    scenario["events"] = events
    return container


def show(overrides: Sequence[str] = ()) -> str:
    """The composed config as YAML, interpolations resolved, events without null fields."""
    register_configs()
    with initialize_config_dir(config_dir=str(SCENARIOS_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    check_params(cfg)  # a bad reference to scenario.params: our message, not OmegaConf's
    container = OmegaConf.to_container(cfg, resolve=True)
    return OmegaConf.to_yaml(OmegaConf.create(drop_null_event_fields(container)))
