"""Unknown keys: every key of a composed config must be a field of the schema.

Hydra refuses a misspelt key in ``world.demand.qualty_weight=1``, but ``+key=value`` and
``++key=value`` add the key to the composed config, and OmegaConf's conversion to the
dataclasses then drops it without a word: a typo would run the default instead of what
was asked. So the composed tree is walked against the dataclasses before conversion.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config.errors import ConfigError


def check_keys(cfg: DictConfig, schema: type) -> None:
    """Raise :class:`ConfigError` at the first key of ``cfg`` that ``schema`` does not have."""
    _walk(OmegaConf.to_container(cfg, resolve=False), schema, "")


def _hints(cls: type) -> dict[str, Any]:
    # the config modules use `from __future__ import annotations`: resolve the strings
    return typing.get_type_hints(cls)


def _unwrap_optional(tp: Any) -> Any:
    """``X | None`` -> ``X`` (other unions are kept)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _walk(node: Any, tp: Any, path: str) -> None:
    tp = _unwrap_optional(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(node, dict):
            return  # a wrong type is OmegaConf's to report
        hints = _hints(tp)
        known = [f.name for f in dataclasses.fields(tp)]
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in hints:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(sub, value,
                                  f"not a key of {path or 'the config'}: {hint}"
                                  f"(known keys: {', '.join(known)})")
            _walk(value, hints[key], sub)
        return
    origin = typing.get_origin(tp)
    if origin is dict and isinstance(node, dict):
        value_type = typing.get_args(tp)[1]
        for key, value in node.items():
            _walk(value, value_type, f"{path}.{key}")
    elif origin is list and isinstance(node, list):
        item_type = typing.get_args(tp)[0]
        for i, value in enumerate(node):
            _walk(value, item_type, f"{path}[{i}]")
