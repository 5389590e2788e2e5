"""``python -m sim --describe PATH [OVERRIDE ...]``: one parameter, from its metadata.

Prints the meaning, unit, allowed range, default (its value in the default world, or in
the world the overrides compose) and origin of a config path, and the source of the
entry it belongs to (a vendor, a chip, a bloc's energy). A node (``world.demand``,
``scenario.events``) lists what it holds. An unknown path exits with status 2 and the
nearest known paths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sim.config import Config, compose_config
from sim.config.fields import ORIGINS
from sim.config.scenario import EVENT_FIELDS, EVENT_KINDS
from sim.tools.params import EVENT_PREFIX, Param, canonical, closest, format_value, lookup, walk

#: Where the default comes from, said once under every description.
DEFAULT_NOTE = "default: the value in scenarios/config.yaml with world=default, scenario=baseline"


def event_kinds() -> list[tuple[str, str]]:
    """(kind, what it needs and may set), one per event kind."""
    rows = []
    for kind in EVENT_KINDS:
        required, optional = EVENT_FIELDS[kind]
        text = f"needs {', '.join(required)}"
        if optional:
            text += f"; may set {', '.join(optional)}"
        rows.append((kind, text))
    return rows


def _leaf(cfg: Config, param: Param, overrides: Sequence[str]) -> list[str]:
    meta = param.meta
    origin = meta["origin"]
    default = (f"{format_value(param.value)}  (an event that does not set it)"
               if param.path.startswith(EVENT_PREFIX) else format_value(param.value))
    lines = [
        param.path,
        f"  meaning:  {meta['doc']}",
        f"  unit:     {meta['unit']}",
        f"  range:    {param.range_text()}",
        f"  default:  {default}" + (f"  (with {' '.join(overrides)})" if overrides else ""),
        f"  origin:   {origin}: {ORIGINS[origin]}",
    ]
    # the node that declares the field (below a dictionary leaf, the leaf's node)
    name = param.field.name if param.field is not None else ""
    parent = param.path[:param.path.rfind(f".{name}")] if f".{name}" in param.path else ""
    source = lookup(cfg, f"{parent}.source") if parent else None
    if source is not None and name != "source" and source.value:
        lines.append(f"  source:   {format_value(source.value)}")
    if param.owner is not None:
        lines.append(f"  part of:  {parent or '(root)'}: {_summary(param.owner)}")
    if param.path.startswith(EVENT_PREFIX):
        lines.append("  set it:   in a scenario file's events, or "
                     f"{param.path.replace('[i]', '.0')}=... for the first event")
    else:
        lines.append(f"  set it:   python -m sim {param.path}=...")
    return lines


def _summary(cls: type) -> str:
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else cls.__name__


def _node(cfg: Config, param: Param) -> list[str]:
    lines = [param.path]
    value = param.value
    if param.path == "scenario.events":
        lines += ["  the scenario's dated events, a list; each sets date and kind, and the "
                  "fields its kind uses (the others stay null and are ignored)",
                  f"  default:  {len(value)} events in scenario={cfg.scenario.name}",
                  "  kinds:"]
        width = max(len(kind) for kind, _ in event_kinds())
        lines += [f"    {kind:<{width}}  {text}" for kind, text in event_kinds()]
        lines.append(f"  fields:   python -m sim --describe {EVENT_PREFIX}.<field>; "
                     "see the events table of docs/MODEL.md")
        return lines
    if dataclasses.is_dataclass(value):
        lines.append(f"  {_summary(type(value))}")
        children = [p for p in walk(cfg) if p.path.rpartition(".")[0] == param.path]
        width = max((len(p.path) for p in children), default=0)
        for child in children:
            what = (f"{child.meta['doc']} ({child.meta['unit']})" if child.is_leaf
                    else "(a node: --describe it)")
            lines.append(f"    {child.path:<{width}}  {what}")
    elif isinstance(value, dict):
        lines.append(f"  entries:  {', '.join(map(str, value)) or 'none'}")
        lines.append(f"  describe: python -m sim --describe {param.path}.<key>.<field>")
    return lines


def describe(path: str, overrides: Sequence[str] = ()) -> tuple[str, int]:
    """The description of ``path`` and the exit status (2 for an unknown path)."""
    cfg = compose_config(list(overrides))
    param = lookup(cfg, path)
    if param is None:
        near = closest(cfg, path)
        hint = ("; did you mean: " + ", ".join(near)) if near else ""
        return (f"error: {canonical(path)!r} is not a config path{hint}\n"
                "(python -m sim --help lists the main ones; docs/MODEL.md lists all)"), 2
    lines = _leaf(cfg, param, overrides) if param.is_leaf else _node(cfg, param)
    return "\n".join([*lines, "", DEFAULT_NOTE]), 0
