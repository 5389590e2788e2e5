"""Malformed YAML config files: duplicate keys and syntax errors, refused with file and line.

OmegaConf raises a bare YAML exception for a duplicate key, which reaches the terminal
as a traceback from deep inside Hydra. Here such errors become a :class:`ConfigError`
that names the file, the line and the key: :func:`compose_config` converts the
exception, and ``python -m sim`` checks the files before Hydra starts
(:func:`check_config_dirs`, called by :mod:`sim.tools.entry`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from sim.config.errors import ConfigError


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def yaml_error(err: yaml.YAMLError, path: str | None = None) -> ConfigError:
    """A :class:`ConfigError` for a YAML error: the file and line, the problem."""
    mark = getattr(err, "problem_mark", None)
    where = path or (mark.name if mark is not None else "a YAML file")
    line = f" line {mark.line + 1}" if mark is not None else ""
    problem = getattr(err, "problem", None) or str(err)
    return ConfigError(f"{where}{line}", problem,
                       "well-formed YAML with each key once per mapping (a duplicate key "
                       "would leave one of the two values unused)")


def check_yaml_file(path: Path) -> None:
    """Raise :class:`ConfigError` if ``path`` is not well-formed YAML with unique keys."""
    try:
        yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        raise yaml_error(err, str(path)) from err


def check_config_dirs(dirs: Iterable[Path]) -> None:
    """Check every ``*.yaml`` file under ``dirs`` (the config folder and the search path)."""
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.yaml")):
            check_yaml_file(path)


def searchpath_dirs(overrides: Sequence[str]) -> list[Path]:
    """The local folders named by a ``hydra.searchpath=[file://...]`` override."""
    dirs = []
    for arg in overrides:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") != "hydra.searchpath":
            continue
        for item in value.strip("[]").split(","):
            item = item.strip().strip("'\"")
            if item.startswith("file://"):
                dirs.append(Path(item.removeprefix("file://")))
    return dirs
