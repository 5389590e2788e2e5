"""The claims ledger's definition: each claim's mechanism off and on, its outcomes and the
sign the economics expects, read from ``scenarios/claims/ledger.yaml`` and checked.

A claim has two sides, ``off`` (the mechanism's lever at its neutral value) and ``on``;
a side is a scenario and the levers or dotted config paths it sets. Every name is checked
against the registries (levers: :data:`sim.experiment.levers.LEVERS`, a config path:
:func:`sim.experiment.levers.field_metadata`, outcomes: :func:`sim.experiment.outcomes.outcome`)
and every value against its range, so that a typo fails before any run with a
:class:`LedgerError` naming the claim, the field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.config import SCENARIOS_DIR
from sim.config.fields import describe_range, lower_bound
from sim.experiment.levers import LEVERS, LeverError, field_metadata
from sim.experiment.outcomes import OutcomeError, outcome
from sim.experiment.uncertainty import METHODS

#: The ledger the command runs unless given another (``--ledger``).
LEDGER = SCENARIOS_DIR / "claims" / "ledger.yaml"
#: The signs an outcome may expect: up, down, or none the economics implies.
SIGNS: tuple[str, ...] = ("+", "-", "either")
#: The two sides of a claim, in the order they run.
SIDES: tuple[str, ...] = ("off", "on")
#: The claims' numbers.
IDS = range(1, 12)


class LedgerError(ValueError):
    """A ledger entry that names an unknown lever, outcome or scenario, or a bad value."""


@dataclass(frozen=True)
class Side:
    """One side of a claim: a scenario and the levers or paths it sets."""

    scenario: str
    set: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimOutcome:
    name: str
    expected: str  #: one of :data:`SIGNS`
    why: str


@dataclass(frozen=True)
class Claim:
    id: int
    title: str
    mechanism: str
    off: Side
    on: Side
    outcomes: tuple[ClaimOutcome, ...]
    missing: str = ""

    def side(self, name: str) -> Side:
        return self.off if name == "off" else self.on

    def digest(self) -> str:
        """A short hash of what the claim runs (its sides and outcomes): a resumed ledger
        refuses saved runs of a claim whose definition changed."""
        text = json.dumps({"off": [self.off.scenario, dict(self.off.set)],
                           "on": [self.on.scenario, dict(self.on.set)],
                           "outcomes": [o.name for o in self.outcomes]}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Ledger:
    claims: tuple[Claim, ...]
    draw_levers: tuple[str, ...]
    draw_seed: int = 0
    draw_method: str = "lhs"

    def select(self, ids: Sequence[int] | None) -> tuple[Claim, ...]:
        """The claims numbered ``ids`` (all if None), or LedgerError naming the unknown."""
        if ids is None:
            return self.claims
        known = {c.id: c for c in self.claims}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise LedgerError(f"claims {unknown}: the ledger has claims {sorted(known)}")
        return tuple(known[i] for i in dict.fromkeys(ids))


def _fail(where: str, name: str, value: Any, allowed: str) -> LedgerError:
    return LedgerError(f"{where}: {name} = {value!r}; allowed: {allowed}")


def scenario_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (SCENARIOS_DIR / "scenario").glob("*.yaml")))


def check_setting(name: str, value: Any, where: str) -> float:
    """A side's setting: a registered lever within its range, or a config path within the
    range of its field's metadata."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, name, value, "a number")
    if name in LEVERS:
        try:
            return LEVERS[name].check(value)
        except LeverError as err:
            raise LedgerError(f"{where}: {err}") from None
    if "." not in name:
        raise _fail(where, "lever", name, f"a lever ({', '.join(LEVERS)}) or a dotted "
                                          "config path")
    try:
        meta = field_metadata(name)
    except KeyError as err:
        raise _fail(where, "path", name, f"a config path ({err.args[0]})") from None
    (lo, lo_open), hi = lower_bound(meta), meta.get("hi")
    number = float(value)
    below = lo is not None and (number <= lo if lo_open else number < lo)
    above = hi is not None and (number >= hi if meta.get("hi_open") else number > hi)
    if math.isnan(number) or below or above:
        raise _fail(where, name, value, describe_range(meta) or "a number")
    return number


def _side(raw: Any, default: str, where: str) -> Side:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise _fail(where, "side", raw, "a mapping with scenario and/or set")
    extra = sorted(set(raw) - {"scenario", "set"})
    if extra:
        raise _fail(where, "key", extra[0], "scenario, set")
    scenario = raw.get("scenario", default)
    if scenario not in scenario_names():
        raise _fail(where, "scenario", scenario, ", ".join(scenario_names()))
    settings = raw.get("set") or {}
    if not isinstance(settings, Mapping):
        raise _fail(where, "set", settings, "a mapping of lever or path to value")
    return Side(scenario, {str(k): check_setting(str(k), v, f"{where}.set")
                           for k, v in settings.items()})


def _outcome(raw: Any, where: str) -> ClaimOutcome:
    if not isinstance(raw, Mapping) or "name" not in raw:
        raise _fail(where, "outcome", raw, "a mapping with name, expected, why")
    extra = sorted(map(str, set(raw) - {"name", "expected", "why"}))
    if extra:  # a comma in an unquoted flow mapping's why makes a key of the rest
        raise _fail(where, "key", extra[0], "name, expected, why (quote a why with a comma)")
    try:
        outcome(str(raw["name"]))
    except OutcomeError as err:
        raise LedgerError(f"{where}: {err}") from None
    expected = str(raw.get("expected", "either"))
    if expected not in SIGNS:
        raise _fail(where, "expected", raw.get("expected"), ", ".join(SIGNS))
    why = str(raw.get("why") or "").strip()
    if not why:
        raise _fail(where, "why", raw.get("why"), "one line of economics")
    return ClaimOutcome(str(raw["name"]), expected, why)


def parse_claim(raw: Any) -> Claim:
    """One claim of the ledger, checked; LedgerError names the field, value and allowed."""
    if not isinstance(raw, Mapping):
        raise _fail("claims", "entry", raw, "a mapping (id, title, off, on, outcomes...)")
    # YAML 1.1 reads a bare on / off key as true / false
    raw = {({True: "on", False: "off"}.get(k, k) if isinstance(k, bool) else k): v
           for k, v in raw.items()}
    cid = raw.get("id")
    if isinstance(cid, bool) or not isinstance(cid, int) or cid not in IDS:
        raise _fail("claim", "id", cid, f"a whole number {IDS.start} to {IDS.stop - 1}")
    where = f"claim {cid}"
    allowed = {"id", "title", "mechanism", "scenario", "off", "on", "outcomes", "missing"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(where, "key", extra[0], ", ".join(sorted(allowed)))
    for key in ("title", "mechanism"):
        if not str(raw.get(key) or "").strip():
            raise _fail(where, key, raw.get(key), "a line of text")
    default = raw.get("scenario", "baseline")
    off, on = (_side(raw.get(s), default, f"{where}.{s}") for s in SIDES)
    outcomes = raw.get("outcomes")
    if not isinstance(outcomes, list) or not outcomes:
        raise _fail(where, "outcomes", outcomes, "a list of at least one outcome")
    return Claim(cid, str(raw["title"]), str(raw["mechanism"]), off, on,
                 tuple(_outcome(o, f"{where}.outcomes[{i}]") for i, o in enumerate(outcomes)),
                 str(raw.get("missing") or ""))


def parse_ledger(raw: Any) -> Ledger:
    """The whole ledger from its parsed YAML: draws and claims, each checked."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("claims"), list):
        raise _fail("ledger", "claims", None if not isinstance(raw, Mapping)
                    else raw.get("claims"), "a list of claims")
    draws = raw.get("draws") or {}
    levers = tuple(draws.get("levers") or ())
    unknown = [n for n in levers if n not in LEVERS]
    if unknown:
        raise _fail("ledger draws", "levers", unknown[0], ", ".join(LEVERS))
    method = draws.get("method", "lhs")
    if method not in METHODS:
        raise _fail("ledger draws", "method", method, ", ".join(METHODS))
    claims = tuple(parse_claim(c) for c in raw["claims"])
    ids = [c.id for c in claims]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _fail("ledger", "id", twice[0], "each claim once")
    return Ledger(claims, levers, int(draws.get("seed", 0)), str(method))


def load_ledger(path: str | Path = LEDGER) -> Ledger:
    """The ledger in ``path`` (default: the shipped one), checked."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise LedgerError(f"{path}: cannot read the ledger ({err})") from err
    try:
        return parse_ledger(raw)
    except LedgerError as err:
        raise LedgerError(f"{path}: {err}") from None
