"""The parameter tables of ``docs/MODEL.md``, generated from the config schema.

Every parameter's meaning, unit, allowed range and origin is declared once, in the field
metadata of the config dataclasses (:mod:`sim.config.world`, :mod:`sim.config.scenario`,
:mod:`sim.config.schema`, see :func:`sim.config.fields.param`); its default is its value in
the composed default world (``scenarios/config.yaml`` with ``world=default`` and
``scenario=baseline``). This module renders them as Markdown tables, one per config node,
between two markers of ``docs/MODEL.md``::

    python -m sim.tools.docs            # rewrite the generated block of docs/MODEL.md
    python -m sim.tools.docs --check    # exit 1 if the block differs from what the code gives
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
import sys
import typing
from pathlib import Path
from typing import Any

from sim.config import Config, compose_config
from sim.config.fields import ORIGINS, describe_range
from sim.config.scenario import EVENT_FIELDS, EVENT_KINDS, EventConfig
from sim.rules import DECISIONS, get_rule, known_rules
from sim.tools import params

BEGIN = "<!-- BEGIN GENERATED PARAMETERS -->"
END = "<!-- END GENERATED PARAMETERS -->"
MODEL_MD: Path = Path(__file__).resolve().parents[2] / "docs" / "MODEL.md"

#: The order in which the world's nodes are shown; nodes not named here follow, in schema order.
WORLD_ORDER: tuple[str, ...] = (
    "demand", "capability", "compute", "chips", "energy", "pricing", "entry", "vendors",
    "firms", "nations", "devices", "governments",
)
#: Placeholders for the keys of dictionary nodes in the legend tables.
PLACEHOLDERS: dict[str, str] = {"chips": "<kind>", "energy": "<bloc>", "vendors": "<id>",
                                "firms": "<segment>", "governments": "<bloc>"}
#: Event fields that a kind's requirement stands for (see ``sim.config.check_events.check_event``).
EVENT_GROUPS: dict[str, tuple[str, ...]] = {"price": ("price_in", "price_out", "factor")}

_FIELD_COLUMNS = ("parameter", "meaning", "unit", "range", "default", "origin")
_HTML_LIKE = re.compile(r"<(?=[A-Za-z/!?])")


# -- formatting ------------------------------------------------------------------------------

def format_value(value: Any) -> str:
    """A config value as table text: ``empty`` for None (:func:`sim.tools.params.format_value`)."""
    return params.format_value(value, none="empty")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_value(v)}" for k, v in value.items()) + "}"
    if value == "???":
        return "required"
    return str(value)


def _cell(text: Any) -> str:
    """Plain text made safe for a table cell (pipes, line breaks, HTML-like tags, dollars)."""
    text = " ".join(str(text).split())
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("$", "\\$")
    return _HTML_LIKE.sub("&lt;", text)


def _code(text: str) -> str:
    return f"`{text}`"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _summary(cls: type) -> str:
    """The first line of a dataclass's docstring."""
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def _documented(cls: type) -> list[dataclasses.Field]:
    """The fields of ``cls`` declared with :func:`sim.config.fields.param`."""
    return [f for f in dataclasses.fields(cls) if f.metadata]


def _nodes(cls: type) -> list[tuple[str, Any]]:
    """Fields of ``cls`` without metadata (nested nodes) with their resolved types."""
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls) if not f.metadata]


def _schema_default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return "???"


def _range(path: str, f: dataclasses.Field) -> str:
    if path.startswith("rules.") and f.name in DECISIONS:
        return "one of " + ", ".join(builtin_rules(f.name))
    return describe_range(f.metadata)


def builtin_rules(decision: str) -> list[str]:
    """The rules that ship with ``sim`` for ``decision`` (plugins left out, so that the
    tables do not depend on what else is loaded)."""
    return [name for name in known_rules(decision)
            if get_rule(decision, name).__module__.startswith("sim.")]


def _field_row(path: str, f: dataclasses.Field, value: Any) -> tuple[str, ...]:
    m = f.metadata
    return (_code(path), _cell(m["doc"]), _cell(m["unit"]), _cell(_range(path, f)),
            _cell(format_value(value)), m["origin"])


# -- the tables ------------------------------------------------------------------------------

def node_table(path: str, node: Any) -> str:
    """One row per documented field of a config node, with its value in ``node``."""
    rows = [_field_row(f"{path}.{f.name}" if path else f.name, f, getattr(node, f.name))
            for f in _documented(type(node))]
    return _table(_FIELD_COLUMNS, rows)


def legend_table(path: str, cls: type, placeholder: str) -> str:
    """Meaning, unit, range and origin of the fields of a dictionary node's entries."""
    rows = []
    for f in _documented(cls):
        m = f.metadata
        rows.append((_code(f"{path}.{placeholder}.{f.name}"), _cell(m["doc"]), _cell(m["unit"]),
                     _cell(_range(path, f)), m["origin"]))
    return _table(("parameter", "meaning", "unit", "range", "origin"), rows)


def entity_table(path: str, entries: dict[str, Any], cls: type) -> str:
    """A row per entry (vendor, chip, bloc) and a column per field, the source last."""
    names = [f.name for f in _documented(cls) if f.name != "source"]
    has_source = any(f.name == "source" for f in dataclasses.fields(cls))
    header = ("parameter", *(_code(n) for n in names), *(("source",) if has_source else ()))
    rows = []
    for key, entry in entries.items():
        values = [_cell(format_value(getattr(entry, n))) for n in names]
        source = (_cell(entry.source),) if has_source else ()
        rows.append((_code(f"{path}.{key}"), *values, *source))
    return _table(header, rows)


def keyed_table(path: str, entries: dict[str, Any], cls: type, placeholder: str) -> str:
    """A row per field and a default column per entry (firm segments, governments)."""
    header = ("parameter", "meaning", "unit", "range",
              *(f"default: {key}" for key in entries), "origin")
    rows = []
    for f in _documented(cls):
        m = f.metadata
        values = [_cell(format_value(getattr(entry, f.name))) for entry in entries.values()]
        rows.append((_code(f"{path}.{placeholder}.{f.name}"), _cell(m["doc"]), _cell(m["unit"]),
                     _cell(_range(path, f)), *values, m["origin"]))
    return _table(header, rows)


def event_table() -> str:
    """The fields of a scenario event, with the event kinds that use each."""
    uses: dict[str, list[str]] = {}
    for kind in EVENT_KINDS:
        required, optional = EVENT_FIELDS[kind]
        for names, mark in ((required, " (required)"), (optional, "")):
            for name in names:
                for member in EVENT_GROUPS.get(name, (name,)):
                    uses.setdefault(member, []).append(kind + mark)
    rows = []
    for f in _documented(EventConfig):
        kinds = ("all (required)" if f.name in ("date", "kind")
                 else ", ".join(uses.get(f.name, ["all"])))
        rows.append((*_field_row(f"scenario.events[i].{f.name}", f, _schema_default(f)),
                     _cell(kinds)))
    return _table((*_FIELD_COLUMNS, "used by"), rows)


def _section(title: str, cls: type, body: str) -> str:
    summary = _summary(cls)
    return f"### {title}\n\n" + (f"{summary}\n\n" if summary else "") + body


def _dict_node(path: str, name: str, entries: dict[str, Any], cls: type) -> list[str]:
    placeholder = PLACEHOLDERS.get(name, "<key>")
    if any(f.name == "source" for f in dataclasses.fields(cls)):
        body = (legend_table(path, cls, placeholder) + "\n\nIn the default world:\n\n"
                + entity_table(path, entries, cls))
        return [_section(_code(path), cls, body)]
    if not entries:
        return [_section(_code(path), cls, "No entries in the default world.\n\n"
                         + legend_table(path, cls, placeholder))]
    return [_section(_code(path), cls, keyed_table(path, entries, cls, placeholder))]


def _world_sections(world: Any) -> list[str]:
    sections = [_section(_code("world"), type(world), node_table("world", world))]
    nodes = dict(_nodes(type(world)))
    order = [n for n in WORLD_ORDER if n in nodes] + [n for n in nodes if n not in WORLD_ORDER]
    for name in order:
        hint, value, path = nodes[name], getattr(world, name), f"world.{name}"
        if typing.get_origin(hint) is dict:
            sections += _dict_node(path, name, value, typing.get_args(hint)[1])
        else:
            sections.append(_section(_code(path), type(value), node_table(path, value)))
            sections += _nested_sections(path, value)
    return sections


def _nested_sections(path: str, node: Any) -> list[str]:
    """A section for each dataclass node inside ``node`` (``world.capability.index``)."""
    sections = []
    for name, _ in _nodes(type(node)):
        value = getattr(node, name)
        if dataclasses.is_dataclass(value):
            sub = f"{path}.{name}"
            sections.append(_section(_code(sub), type(value), node_table(sub, value)))
            sections += _nested_sections(sub, value)
    return sections


def parameter_tables(cfg: Config) -> str:
    """Markdown tables of every parameter: meaning, unit, range, value in ``cfg``, origin.

    Args:
        cfg: the composed config whose values fill the ``default`` columns (the default
            world: ``sim.config.compose_config([])``).
    """
    parts = [
        "<!-- Generated by `python -m sim.tools.docs` from the field metadata of sim/config "
        "and the default world (scenarios/world/default.yaml, scenario=baseline). Edit those, not "
        "this block. -->",
        "### Origins\n\n" + _table(("origin", "meaning"),
                                   [(o, _cell(m)) for o, m in ORIGINS.items()]),
        _section("Run settings", Config, node_table("", cfg)),
        _section(_code("rules"), type(cfg.rules), node_table("rules", cfg.rules)),
        *_world_sections(cfg.world),
        _section(_code("scenario"), type(cfg.scenario), node_table("scenario", cfg.scenario)),
        _section(_code("scenario.events[i]"), EventConfig,
                 "The default scenario (baseline) has no events; the default column gives the "
                 "value an event takes when it does not set the field.\n\n" + event_table()),
        _section(_code("output"), type(cfg.output), node_table("output", cfg.output)),
        _section(_code("draw"), type(cfg.draw), node_table("draw", cfg.draw)),
    ]
    return "\n\n".join(parts)


# -- the block in docs/MODEL.md --------------------------------------------------------------

def extract_block(text: str) -> str:
    """The text between the markers, without the line breaks next to them."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/MODEL.md lacks the markers {BEGIN} ... {END}")
    return text[start + len(BEGIN):end].strip("\n")


def splice(text: str, tables: str) -> str:
    """``text`` with the block between the markers replaced by ``tables``."""
    extract_block(text)  # checks the markers
    start, end = text.find(BEGIN) + len(BEGIN), text.find(END)
    return text[:start] + "\n" + tables + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.tools.docs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the generated block is out of date; write nothing")
    parser.add_argument("--path", type=Path, default=MODEL_MD, help="the document to update")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    try:
        updated = splice(text, parameter_tables(compose_config([])))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.check:
        if updated == text:
            print(f"{args.path}: parameter tables up to date")
            return 0
        diff = difflib.unified_diff(text.splitlines(), updated.splitlines(), "document",
                                    "generated", lineterm="", n=0)
        print("\n".join(list(diff)[:40]), file=sys.stderr)
        print(f"{args.path}: parameter tables out of date; run python -m sim.tools.docs",
              file=sys.stderr)
        return 1
    if updated != text:
        args.path.write_text(updated, encoding="utf-8")
        print(f"{args.path}: parameter tables rewritten")
    else:
        print(f"{args.path}: parameter tables already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
