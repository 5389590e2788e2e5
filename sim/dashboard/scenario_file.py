"""Saving the dashboard's settings as a scenario file that the command line runs.

The file is written like the shipped ones: ``# @package _global_``, a comment header,
``scenario.name/description/events`` (the chosen scenario's events, then the levers'),
the chosen scenario's own world overrides, and the rules that differ from the defaults::

    python -m sim scenario=<name> world=small seed=3

Names are file stems of lowercase letters, digits and ``_``; a shipped scenario (a file
without the dashboard's mark in its header) is never overwritten, and a file saved from the
dashboard (by this session or another student's) only when the caller says so
(``overwrite=True``: the page's "Replace it" box). Each page session starts with a name of
its own (:func:`session_name`), so that a class saving at once does not collide.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sim.config import SCENARIOS_DIR, Config, ConfigError, EventConfig, compose_config
from sim.core.files import write_text
from sim.dashboard.levers import Levers, build_config
from sim.rules import DECISIONS

#: Where scenario files live (``scenario=<name>`` finds them there).
SCENARIO_DIR: Path = SCENARIOS_DIR / "scenario"
#: The header line that marks a file saved from the dashboard (which it may overwrite).
MARK = "# Saved from the dashboard"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def session_name() -> str:
    """A fresh default name for a page session: ``my_scenario_`` and six hex digits."""
    return f"my_scenario_{secrets.token_hex(3)}"


def check_name(name: str, directory: Path = SCENARIO_DIR, overwrite: bool = False) -> str:
    """The name as a scenario file stem, or a ConfigError naming what is allowed.

    Args:
        name: the file stem asked for.
        directory: where scenario files live.
        overwrite: whether a file saved from the dashboard may be replaced (a shipped
            scenario never is).
    """
    name = str(name).strip()
    if not _NAME.match(name):
        raise ConfigError("scenario.name", name,
                          "a file name: a lowercase letter, then lowercase letters, digits "
                          "or _ (60 characters at most)")
    path = directory / f"{name}.yaml"
    if path.exists() and not is_dashboard_file(path):
        raise ConfigError("scenario.name", name,
                          f"a name other than a shipped scenario ({path.name} exists and was "
                          "not saved from the dashboard)")
    if path.exists() and not overwrite:
        raise ConfigError("scenario.name", name,
                          f"a name not used yet ({path.name} was already saved from the "
                          "dashboard, perhaps by someone else: choose another name, or tick "
                          "'Replace it' to overwrite it)")
    return name


def is_dashboard_file(path: Path) -> bool:
    """Whether ``path`` was saved from the dashboard (its header carries :data:`MARK`)."""
    head = path.read_text(encoding="utf-8").splitlines()[:12]
    return any(line.startswith(MARK) for line in head)


def event_dict(event: EventConfig) -> dict[str, Any]:
    """An event as YAML wants it: the fields that differ from their defaults, in order."""
    out = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING \
            else f.default
        if f.name in ("date", "kind") or value != default:
            out[f.name] = list(value) if isinstance(value, list) else value
    return out


def _base_overrides(scenario: str) -> dict[str, Any]:
    """What the chosen scenario's file sets besides ``scenario`` (world overrides, rules)."""
    path = SCENARIO_DIR / f"{scenario}.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: v for k, v in data.items() if k != "scenario"}


class _Dumper(yaml.SafeDumper):
    """Months in quotes (as in the shipped files); events one per line, in flow style."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _MONTH.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def scenario_yaml(cfg: Config, levers: Levers, name: str, description: str = "") -> str:
    """The text of a scenario file with the events of ``cfg`` (the chosen scenario's and
    the levers') and the settings of ``levers``."""
    description = " ".join(str(description).split()) or (
        f"The {levers.scenario} scenario with the dashboard's levers.")
    today = datetime.now(UTC).date().isoformat()
    run = f"python -m sim scenario={name} world={levers.world} seed={levers.seed}"
    header = ["# @package _global_",
              *textwrap.wrap(description, 92, initial_indent="# ", subsequent_indent="# "),
              f"{MARK} on {today}, from scenario {levers.scenario} on world {levers.world}.",
              *textwrap.wrap(f"Settings: {levers.summary()}.", 92, initial_indent="# ",
                             subsequent_indent="#   "),
              f"# Run it: {run}"]
    body: dict[str, Any] = {"scenario": {"name": name, "description": description,
                                         "events": [event_dict(e) for e in
                                                    cfg.scenario.events]}}
    base = _base_overrides(levers.scenario)
    body.update({k: v for k, v in base.items() if k != "rules"})
    rules = {**(base.get("rules") or {}), **levers.rules()}
    rules = {d: rules[d] for d in DECISIONS if d in rules} | {
        k: v for k, v in rules.items() if k not in DECISIONS}
    if rules:
        body["rules"] = rules
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)
    return "\n".join(header) + "\n" + text


def save_scenario(levers: Levers, name: str, description: str = "",
                  directory: Path = SCENARIO_DIR, cfg: Config | None = None,
                  overwrite: bool = False) -> Path:
    """Validate ``levers``, write them as ``<directory>/<name>.yaml`` and check that the
    file composes with ``scenario=<name>`` like any scenario (else it is removed).

    Args:
        levers: the settings.
        name: the scenario's name and file stem.
        description: one line on what it represents (default: the levers).
        directory: where scenario files live (the command line reads ``scenarios/scenario``).
        cfg: the config already built from ``levers`` (saves building it again).
        overwrite: replace a file of that name saved from the dashboard (never a
            shipped one).

    Returns:
        The path written.

    Raises:
        ConfigError: a bad name, a shipped scenario's name, a name already saved (unless
            ``overwrite``), or settings the config refuses.
    """
    name = check_name(name, directory, overwrite)
    cfg = build_config(levers) if cfg is None else cfg
    text = scenario_yaml(cfg, levers, name, description)
    path = directory / f"{name}.yaml"
    directory.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    if directory.resolve() == SCENARIO_DIR.resolve():
        try:
            compose_config([f"scenario={name}", f"world={levers.world}", f"seed={levers.seed}"])
        except Exception:
            path.unlink(missing_ok=True)
            raise
    return path
