"""Config paths and their metadata: what ``--describe`` and ``--help`` read.

A path is written as on the command line (``world.demand.quality_weight``,
``world.vendors.openai.funding_musd_per_month``); an event's field is written
``scenario.events[i].vendor`` (``scenario.events.0.vendor`` means the same). Every leaf
carries the metadata of :func:`sim.config.fields.param`; its default is its value in the
composed config (the default world unless overrides say otherwise).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sim.config import Config, EventConfig
from sim.config.fields import describe_range
from sim.rules import DECISIONS, known_rules

#: The canonical spelling of an event's field in a path.
EVENT_PREFIX = "scenario.events[i]"
_EVENT_INDEX = re.compile(r"^scenario\.events(?:\.\d+|\[\w*\])")


@dataclass(frozen=True)
class Param:
    """One config path: a leaf (with ``field``) or a node (``field`` None)."""

    path: str
    value: Any
    owner: type | None  # the dataclass that declares the field; None for the root
    field: dataclasses.Field | None

    @property
    def meta(self) -> dict[str, Any]:
        """The field's metadata (empty for nodes)."""
        return dict(self.field.metadata) if self.field is not None else {}

    @property
    def is_leaf(self) -> bool:
        return bool(self.meta)

    def range_text(self) -> str:
        """The allowed values: a rule's known names, a range or a list of choices."""
        name = self.path.rsplit(".", 1)[-1]
        if self.path.startswith("rules.") and name in DECISIONS:
            return "one of " + ", ".join(known_rules(name))
        return describe_range(self.meta)


def canonical(path: str) -> str:
    """``scenario.events.0.kind`` and ``scenario.events[0].kind`` as ``scenario.events[i].kind``."""
    path = path.strip()
    if _EVENT_INDEX.match(path):
        return _EVENT_INDEX.sub(EVENT_PREFIX, path)
    return path


def _children(obj: Any) -> Iterator[tuple[str, Any, type | None, dataclasses.Field | None]]:
    """(name, value, declaring class, field) of a node's direct children."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield f.name, getattr(obj, f.name), type(obj), f if f.metadata else None
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield str(key), value, None, None


def _event_params() -> Iterator[Param]:
    for f in dataclasses.fields(EventConfig):
        default = (f.default if f.default is not dataclasses.MISSING
                   else f.default_factory() if f.default_factory is not dataclasses.MISSING
                   else "???")
        yield Param(f"{EVENT_PREFIX}.{f.name}", default, EventConfig, f)


def walk(cfg: Config) -> Iterator[Param]:
    """Every path of ``cfg``, nodes and leaves, depth first, the event fields included."""
    stack: list[tuple[str, Any]] = [("", cfg)]
    while stack:
        prefix, node = stack.pop(0)
        for name, value, owner, f in _children(node):
            path = f"{prefix}.{name}" if prefix else name
            yield Param(path, value, owner, f)
            if path == "scenario.events":
                yield from _event_params()
            elif f is None and (dataclasses.is_dataclass(value) or isinstance(value, dict)):
                stack.insert(0, (path, value))


def lookup(cfg: Config, path: str) -> Param | None:
    """The :class:`Param` at ``path``, or None. Keys below a dictionary leaf (the affinity
    table: ``world.demand.affinity.US.CN``) share the leaf's metadata."""
    path = canonical(path)
    params = {p.path: p for p in walk(cfg)}
    if path in params:
        return params[path]
    head = path.rpartition(".")[0]
    while head:
        parent = params.get(head)
        if parent is not None and parent.is_leaf and isinstance(parent.value, dict):
            value: Any = parent.value
            for key in path[len(head) + 1:].split("."):
                if not isinstance(value, dict) or key not in value:
                    return None
                value = value[key]
            return Param(path, value, parent.owner, parent.field)
        head = head.rpartition(".")[0]
    return None


def closest(cfg: Config, path: str, n: int = 5) -> list[str]:
    """The known paths nearest to ``path`` (difflib), nearest first."""
    known = [p.path for p in walk(cfg)]
    path = canonical(path)
    near = difflib.get_close_matches(path, known, n=n, cutoff=0.6)
    if not near:  # a misspelt last name under a known node: compare the last names
        tail = path.rsplit(".", 1)[-1]
        by_tail: dict[str, list[str]] = {}
        for known_path in known:
            by_tail.setdefault(known_path.rsplit(".", 1)[-1], []).append(known_path)
        for name in difflib.get_close_matches(tail, list(by_tail), n=n, cutoff=0.6):
            near += by_tail[name]
    return near[:n]


def summary(cls: type | None) -> str:
    """The first line of a class's docstring."""
    doc = ((cls.__doc__ if cls is not None else None) or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def format_value(value: Any, none: str = "null") -> str:
    """A config value as text: ``none`` for None (``null`` on the command line, ``empty`` in
    the parameter tables), YAML-like lists and dicts, ``required`` for a missing value."""
    if value is None:
        return none
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v, none) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_value(v, none)}" for k, v in value.items()) + "}"
    if dataclasses.is_dataclass(value):
        return type(value).__name__
    if value == "???":
        return "required"
    return str(value)
