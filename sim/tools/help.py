"""``python -m sim --help``: a page generated from the config directory, the rule registry
and the field metadata, so that it lists what this checkout really has.

Worlds and scenarios are the files of ``scenarios/world`` and ``scenarios/scenario`` (a
scenario with its ``scenario.description``), rules come from :func:`sim.rules.known_rules`
(plugins named by ``rules.plugins=[...]`` on the same command line included), event kinds
from :data:`sim.config.scenario.EVENT_FIELDS`, and the levers' units, ranges and defaults
from :func:`sim.config.fields.param` and the default world.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from sim.config import SCENARIOS_DIR, Config, compose_config
from sim.rules import DECISIONS, known_rules
from sim.tools.describe import event_kinds
from sim.tools.params import Param, format_value, walk

#: The levers shown on the page: exact paths, or a node whose leaves are all shown.
#: The rules themselves are listed in their own section above the levers.
LEVERS: tuple[str, ...] = ("seed", "engine", "world.start", "world.end", "world.demand.*",
                           "world.pricing.*", "rules.plugins")
WIDTH = 100

USAGE = """\
python -m sim: an agent-based simulation of the global AI market (Mesa 3.3, Hydra 1.3).

Usage:
  python -m sim [OVERRIDE ...]             run one scenario (baseline, default world, seed 0)
  python -m sim -m [OVERRIDE ...]          a sweep: comma lists and range() make one run each
  python -m sim --describe PATH            meaning, unit, range, default and source of PATH
  python -m sim --show [OVERRIDE ...]      the composed config, events without null fields
  python -m sim --cfg job [OVERRIDE ...]   Hydra's print of it (every event field, null too)
  python -m sim --help [rules.plugins=[my_rules.py]]   this page (with your plugins' rules)
  python -m sim --hydra-help               Hydra's own flags (--multirun, --cfg, ...)

An OVERRIDE is PATH=VALUE (world.end=2027-12), GROUP=NAME (world=small, scenario=
token_price_cut) or, in a sweep, PATH=V1,V2 / seed='range(20)'. Examples:
  python -m sim scenario=token_price_cut world=small seed=7
  python -m sim scenario=chip_export_limits rules.government_policy=reactive
  python -m sim scenario=token_price_cut scenario.params.price_cut_factor=0.3
  python -m sim -m scenario=baseline,token_price_cut seed='range(20)' hydra/launcher=joblib
"""

FOOTER = """\
Outputs:
  a run:   outputs/runs/<scenario>/<world>/seed=<seed>/<overrides>/<time>/ (overrides
           'default' when none); hydra.run.dir=DIR puts it elsewhere
  a sweep: outputs/sweeps/<time>/<scenario>/seed=<seed>/<overrides>/, gathered into
           outputs/sweeps/<time>/gathered/ (python -m sim.sweep DIR gathers again)

More: every parameter with its unit, range, default and origin is in docs/MODEL.md
(python -m sim --describe PATH for one); scenarios and events: docs/scenarios.md; your own
rules: docs/extending.md; outputs: docs/outputs.md; the dashboard: python -m sim.app.
"""


def _first_comment(path: Path) -> str:
    """The first sentence of a YAML file's leading comment: its story."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if "@package" not in line:
            words.append(line.lstrip("# ").strip())
    text = " ".join(w for w in words if w)
    return text.split(". ")[0].rstrip(".:") + "." if text else ""


def _rows(rows: list[tuple[str, str]], indent: int = 2) -> list[str]:
    """Two columns, the second wrapped to the page's width."""
    width = max((len(key) for key, _ in rows), default=0)
    lines = []
    for key, text in rows:
        lead = " " * indent + key.ljust(width) + "  "
        lines += textwrap.wrap(text, WIDTH, initial_indent=lead,
                               subsequent_indent=" " * len(lead)) or [lead.rstrip()]
    return lines


def worlds() -> list[str]:
    files = sorted((SCENARIOS_DIR / "world").glob("*.yaml"))
    return _rows([(p.stem, _first_comment(p)) for p in files])


def scenarios() -> list[str]:
    rows = []
    for path in sorted((SCENARIOS_DIR / "scenario").glob("*.yaml")):
        data = OmegaConf.load(path)
        description = OmegaConf.select(data, "scenario.description")
        params = OmegaConf.select(data, "scenario.params") or {}
        # the names an override reaches (scenario.params.NAME=VALUE), with their values
        named = (" [scenario.params: " + ", ".join(f"{k}={v}" for k, v in params.items()) + "]"
                 if params else "")
        rows.append((path.stem, (description or _first_comment(path)) + named))
    return _rows(rows)


def rules(cfg: Config) -> list[str]:
    rows = []
    for decision in DECISIONS:
        default = getattr(cfg.rules, decision)
        names = [f"{n} (default)" if n == default else n for n in known_rules(decision)]
        rows.append((decision, ", ".join(names)))
    return _rows(rows)


def _selected(cfg: Config) -> list[Param]:
    params = [p for p in walk(cfg) if p.is_leaf and not p.path.startswith("scenario.")]
    chosen = []
    for lever in LEVERS:
        if lever.endswith(".*"):
            node = lever[:-2]
            chosen += [p for p in params if p.path.rpartition(".")[0] == node]
        else:
            chosen += [p for p in params if p.path == lever]
    return chosen


def levers(cfg: Config) -> list[str]:
    rows = []
    for p in _selected(cfg):
        meta = p.meta
        # a table (the affinity matrix) is too wide for a line: --describe shows its cells
        default = ("a table, see --describe" if isinstance(p.value, dict)
                   else format_value(p.value))
        text = f"{meta['doc']} [{meta['unit']}; {p.range_text()}; default {default}]"
        rows.append((p.path, text))
    return _rows(rows)


def help_text(overrides: Sequence[str] = ()) -> str:
    """The whole page. ``overrides`` compose the config whose values are the defaults shown
    (``rules.plugins=[...]`` among them loads plugins, whose rules are then listed)."""
    cfg = compose_config(list(overrides))  # validation imports the plugins
    sections = [
        USAGE,
        "Worlds (world=NAME; files in scenarios/world/):",
        *worlds(), "",
        "Scenarios (scenario=NAME; files in scenarios/scenario/, see docs/scenarios.md):",
        *scenarios(), "",
        "Rules (rules.DECISION=NAME; add yours with rules.plugins=[my_rules.py]):",
        *rules(cfg), "",
        "Event kinds (scenario.events: date and kind, then the kind's fields; "
        "--describe scenario.events):",
        *_rows(event_kinds()), "",
        "Most used levers [unit; allowed range; default in the default world]:",
        *levers(cfg), "",
        FOOTER,
    ]
    return "\n".join(sections)
