"""The dashboard's levers and how each becomes part of a validated config.

A :class:`Levers` holds every setting of the page. :func:`build_config` turns it into a
:class:`sim.config.Config` the way the command line does: the world, the scenario, the
seed and the rules are Hydra overrides composed by :func:`sim.config.compose_config`;
the policy levers are dated events (:class:`sim.config.EventConfig`) appended to the
chosen scenario's own events; then the whole config goes through
:func:`sim.config.validate`, so a value the command line refuses is refused here with
the same :class:`sim.config.ConfigError` message.

============================  ====================================================
lever                         config
============================  ====================================================
world, scenario, seed         ``world=<name>``, ``scenario=<name>``, ``seed=<n>``
export_*                      an ``export_limit`` event on CN (``level``, ``date``)
price_cut_*                   a ``price`` event of the CN bloc (``factor``, ``subsidised``)
release_*                     a ``release`` event, ``openness: open_weight``
                              (``vendor``, ``frontier_lag_months``, ``date``)
privacy_*                     a ``privacy`` event (``level``, ``date``)
compute/energy_subsidy,       ``subsidy`` events of CN (``lever: compute``, ``energy``,
price_support, subsidy_month  ``price``; ``level``, ``date``)
the five rules                ``rules.<decision>=<rule>``
============================  ====================================================

:func:`controls` describes the page's input for each lever (kind, label, range), with
ranges, units and meanings read from the config fields' metadata
(:func:`sim.config.fields.param`).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

from sim.config import SCENARIOS_DIR, Config, EventConfig, compose_config, validate
from sim.config.schema import RulesConfig
from sim.config.world import GovernmentConfig
from sim.core.dates import SCENARIO_FROM
from sim.rules import DECISIONS, known_rules

#: The bloc the China levers act on, and the month after the recorded history.
TARGET_BLOC = "CN"
FIRST_SCENARIO_MONTH = SCENARIO_FROM
#: Marks an event the dashboard added (its label starts with it).
LABEL_PREFIX = "dashboard: "


def _rule_default(decision: str) -> str:
    return next(f.default for f in dataclasses.fields(RulesConfig) if f.name == decision)


@dataclass(frozen=True)
class Levers:
    """Every setting of the dashboard (see the module docstring for the config each sets).

    Levers that are off add no event: ``export_limit=False``, ``price_cut_factor=1``,
    ``release_vendor="none"``, ``privacy_shift=0``, a subsidy of 0, ``price_support=False``.
    """

    world: str = "small"
    scenario: str = "baseline"
    seed: int = 0
    export_limit: bool = False
    export_level: float = 0.05
    export_month: str = FIRST_SCENARIO_MONTH
    price_cut_factor: float = 1.0
    price_cut_subsidised: bool = True
    price_cut_month: str = FIRST_SCENARIO_MONTH
    release_vendor: str = "none"
    release_lag_months: float = 2.0
    release_month: str = "2026-03"
    privacy_shift: float = 0.0
    privacy_month: str = FIRST_SCENARIO_MONTH
    compute_subsidy: float = 0.0
    energy_subsidy: float = 0.0
    price_support: bool = False
    subsidy_month: str = FIRST_SCENARIO_MONTH
    vendor_pricing: str = _rule_default("vendor_pricing")
    vendor_release: str = _rule_default("vendor_release")
    vendor_openness: str = _rule_default("vendor_openness")
    vendor_entry: str = _rule_default("vendor_entry")
    startup_choice: str = _rule_default("startup_choice")
    adopter_choice: str = _rule_default("adopter_choice")
    government_policy: str = _rule_default("government_policy")

    def changed(self) -> dict[str, Any]:
        """The levers that differ from their defaults."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != f.default}

    def overrides(self) -> list[str]:
        """The Hydra overrides of the world, scenario, seed and rules (as on the command
        line; every rule is named, so that the page's choice wins over a scenario's)."""
        return [f"world={self.world}", f"scenario={self.scenario}", f"seed={self.seed}",
                *(f"rules.{d}={getattr(self, d)}" for d in DECISIONS)]

    def rules(self) -> dict[str, str]:
        """The rules that differ from the defaults, by decision."""
        return {d: getattr(self, d) for d in DECISIONS if getattr(self, d) != _rule_default(d)}

    def events(self) -> list[EventConfig]:
        """The dated events the policy levers add to the scenario, in the order applied."""
        bloc = TARGET_BLOC
        out = []
        if self.export_limit:
            out.append(EventConfig(date=_text(self.export_month), kind="export_limit", bloc=bloc,
                                   level=_number(self.export_level),
                                   label=f"{LABEL_PREFIX}export limit {_pct(self.export_level)}"))
        for lever, level in (("compute", self.compute_subsidy), ("energy", self.energy_subsidy),
                             ("price", 1.0 if self.price_support else 0.0)):
            if _number(level) != 0:
                what = "price support" if lever == "price" else f"{lever} subsidy {_pct(level)}"
                out.append(EventConfig(date=_text(self.subsidy_month), kind="subsidy", bloc=bloc,
                                       lever=lever, level=_number(level),
                                       label=f"{LABEL_PREFIX}{bloc} {what}"))
        if _number(self.price_cut_factor) != 1:
            out.append(EventConfig(date=_text(self.price_cut_month), kind="price", bloc=bloc,
                                   factor=_number(self.price_cut_factor),
                                   subsidised=bool(self.price_cut_subsidised),
                                   label=f"{LABEL_PREFIX}{bloc} prices x{self.price_cut_factor:g}"))
        if self.release_vendor not in (None, "", "none"):
            out.append(EventConfig(date=_text(self.release_month), kind="release",
                                   vendor=self.release_vendor, openness="open_weight",
                                   frontier_lag_months=_number(self.release_lag_months),
                                   label=f"{LABEL_PREFIX}{self.release_vendor} open weights, "
                                         f"{self.release_lag_months:g} months behind"))
        if _number(self.privacy_shift) != 0:
            out.append(EventConfig(date=_text(self.privacy_month), kind="privacy",
                                   level=_number(self.privacy_shift),
                                   label=f"{LABEL_PREFIX}privacy concern "
                                         f"{self.privacy_shift:+g}"))
        return out

    def summary(self) -> str:
        """One line naming the settings that differ from the defaults."""
        changed = self.changed()
        if not changed:
            return "the defaults"
        return ", ".join(f"{k}={v}" for k, v in changed.items())


def _number(value: Any) -> float:
    """A lever's number; a non-number (typed in) becomes NaN, which validation refuses."""
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _text(value: Any) -> str:
    return str(value).strip()


def _pct(value: float) -> str:
    return f"{100 * _number(value):g}%"


@functools.lru_cache(maxsize=32)
def _composed(overrides: tuple[str, ...]) -> Config:
    return compose_config(list(overrides))


def build_config(levers: Levers) -> Config:
    """The validated config of ``levers``: the composed scenario plus the lever events.

    Raises:
        ConfigError: a value the command line would refuse, with the same message.
        sim.rules.RuleError: an unknown rule.
        hydra.errors.HydraException, omegaconf.errors.OmegaConfBaseException: an override
            Hydra cannot compose (an unknown world or scenario, a seed that is no integer).
    """
    cfg = copy.deepcopy(_composed(tuple(levers.overrides())))  # composing takes 0.2 s
    cfg.scenario.events = [*cfg.scenario.events, *levers.events()]
    return validate(cfg)


def forget_composed() -> None:
    """Compose again from now on (after a scenario file changed)."""
    _composed.cache_clear()


def make_levers(**values: Any) -> Levers:
    """:class:`Levers` from keywords, refusing unknown ones with the list of known ones."""
    known = {f.name for f in dataclasses.fields(Levers)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TypeError(f"unknown lever(s) {', '.join(unknown)}; levers are "
                        f"{', '.join(sorted(known))}")
    return Levers(**values)


# -- choices ---------------------------------------------------------------------------------

def worlds() -> list[str]:
    """The worlds of ``scenarios/world/``."""
    return sorted(p.stem for p in (SCENARIOS_DIR / "world").glob("*.yaml"))


def scenarios() -> list[str]:
    """The scenarios of ``scenarios/scenario/`` (shipped and saved ones)."""
    return sorted(p.stem for p in (SCENARIOS_DIR / "scenario").glob("*.yaml"))


@functools.cache
def vendors() -> tuple[str, ...]:
    """Vendor ids of the default world (every shipped world has the same vendors)."""
    return tuple(compose_config(["world=default"]).world.vendors)


# -- the page's inputs -------------------------------------------------------------------------

def field_meta(cls: type, name: str) -> dict[str, Any]:
    """The metadata of a config field (unit, doc, lo, hi, choices...)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            return dict(f.metadata)
    raise KeyError(f"{cls.__name__} has no field {name!r}")


@dataclass(frozen=True)
class Control:
    """One input of the page.

    Attributes:
        lever: the :class:`Levers` field (and the model's keyword) it sets.
        kind: select, slider_int, slider_float, checkbox or month (typed text).
        label: what the page shows (a slider's value is added to it).
        group: the heading it is shown under.
        maps_to: the config it sets, as written in the docs.
        doc: the meaning, from the field's metadata.
        values: choices of a select; min, max, step: a slider's range.
    """

    lever: str
    kind: str
    label: str
    group: str
    maps_to: str
    doc: str
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    step: float | None = None


def _slider(lever: str, label: str, group: str, maps_to: str, meta: dict[str, Any],
            step: float, lo: float | None = None, hi: float | None = None,
            doc: str | None = None) -> Control:
    """A slider over the field's allowed range (an open bound moves in by one step),
    narrowed to [lo, hi] where the allowed range is wider than is useful on a page."""
    low = meta["lo"] + (step if meta.get("lo_open") else 0)
    high = meta["hi"] - (step if meta.get("hi_open") else 0)
    low = low if lo is None else max(low, lo)
    high = high if hi is None else min(high, hi)
    kind = "slider_int" if isinstance(step, int) else "slider_float"
    if kind == "slider_int":
        low, high = int(low), int(high)
    unit = "" if meta["unit"] in ("1", "seed") else f" ({meta['unit']})"
    return Control(lever, kind, f"{label}{unit}", group, maps_to, doc or meta["doc"],
                   min=round(low, 6), max=round(high, 6), step=step)


def _month(lever: str, group: str, maps_to: str) -> Control:
    meta = field_meta(EventConfig, "date")
    return Control(lever, "month", f"Month ({meta['unit']})", group, maps_to,
                   f"when the event takes effect ({meta['unit']}, typed)")


@functools.cache
def controls() -> tuple[Control, ...]:
    """The page's inputs, in the order shown, with ranges and meanings from the metadata."""
    event, gov, root = (functools.partial(field_meta, EventConfig),
                        functools.partial(field_meta, GovernmentConfig),
                        functools.partial(field_meta, Config))
    run, export, price, release = "Run", "Export limit on China", "Chinese price cut", \
        "Open-weight release"
    privacy, subsidy, rules = "Privacy concern", "Chinese subsidies", "Rules"
    out = [
        Control("world", "select", "World", run, "world=<name>",
                "the world (scenarios/world/)", values=tuple(worlds())),
        Control("scenario", "select", "Scenario", run, "scenario=<name>",
                "the scenario the levers add events to (scenarios/scenario/)",
                values=tuple(scenarios())),
        _slider("seed", "Seed", run, "seed", root("seed"), 1, hi=999),
        Control("export_limit", "checkbox", "Set an export limit", export,
                "adds an export_limit event (bloc CN)", "adds the event below"),
        _slider("export_level", "Level", export, "export_limit event: level",
                gov("export_level"), 0.01),
        _month("export_month", export, "export_limit event: date"),
        _slider("price_cut_factor", "Factor (1: no cut)", price,
                "price event (bloc CN): factor", event("factor"), 0.05, hi=1.0),
        Control("price_cut_subsidised", "checkbox", "The state pays the losses", price,
                "price event: subsidised", event("subsidised")["doc"]),
        _month("price_cut_month", price, "price event: date"),
        Control("release_vendor", "select", "Vendor (none: no release)", release,
                "release event (open_weight): vendor", event("vendor")["doc"],
                values=("none", *vendors())),
        _slider("release_lag_months", "Lag behind the frontier", release,
                "release event: frontier_lag_months", event("frontier_lag_months"), 1.0,
                lo=-12, hi=36),
        _month("release_month", release, "release event: date"),
        _slider("privacy_shift", "Shift (0: none)", privacy, "privacy event: level",
                event("level"), 0.05,
                doc="change of every firm's concern for its data and autonomy (0-1 scale)"),
        _month("privacy_month", privacy, "privacy event: date"),
        _slider("compute_subsidy", "Compute subsidy (0: none)", subsidy,
                "subsidy event (CN, lever compute): level", gov("compute_subsidy"), 0.05),
        _slider("energy_subsidy", "Energy subsidy (0: none)", subsidy,
                "subsidy event (CN, lever energy): level", gov("energy_subsidy"), 0.05),
        Control("price_support", "checkbox", "Price support", subsidy,
                "subsidy event (CN, lever price): level 1", gov("price_support")["doc"]),
        _month("subsidy_month", subsidy, "subsidy events: date"),
    ]
    for decision in DECISIONS:
        out.append(Control(decision, "select", decision.replace("_", " ").capitalize(), rules,
                           f"rules.{decision}", field_meta(RulesConfig, decision)["doc"],
                           values=tuple(known_rules(decision))))
    return tuple(out)

