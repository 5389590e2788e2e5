"""Scenarios: a timeline of dated events on top of the world, with overrides and rules.

An event is one dated change: a model release, a price change, an export-limit change,
a subsidy, a ban, a vertical entry, a shift in privacy concern, a merger (ownership).
All kinds share one dataclass (OmegaConf has no unions of dataclasses);
:data:`EVENT_FIELDS` says which fields each kind needs and allows, and validation
enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.fields import param
from sim.core.constants import BLOCS, OPENNESS

EVENT_KINDS: tuple[str, ...] = (
    "release", "price", "export_limit", "subsidy", "ban", "entry", "privacy", "ownership",
    "duty",
)
SUBSIDY_LEVERS: tuple[str, ...] = ("energy", "compute", "price", "per_mtok")
#: How a price event's ``factor`` acts: on the price the pricing rule sets each month
#: (``relative``, the default) or as a price held from the event on (``hold``).
PRICE_MODES: tuple[str, ...] = ("relative", "hold")

#: For each kind: (fields it requires, fields it may use besides). A release's capability
#: comes from at most one of eci, capability or frontier_lag_months, or from training_flop
#: (eci and training_flop may come together: the index places the model); none: the lab's
#: own knowledge at the time. ``price`` means factor, or price_in with price_out.
EVENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "release": (("vendor", "openness"),
                ("model", "capability", "eci", "training_flop", "frontier_lag_months",
                 "total_params_b", "active_params_b", "price_in", "price_out")),
    "price": (("price",), ("vendor", "bloc", "model", "subsidised", "duration_months", "mode")),
    "export_limit": (("bloc", "level"), ()),
    # level for a share (energy, compute, price), usd_per_mtok for lever per_mtok
    "subsidy": (("bloc", "lever"), ("level", "usd_per_mtok")),
    "ban": (("countries",), ("bloc", "vendor", "lift")),
    "entry": (("vendor",), ("vertical",)),
    "privacy": (("level",), ("segment",)),
    "ownership": (("vendor", "owner"), ()),
    # an anti-dumping duty: bloc's government on its buyers' API tokens from from_bloc's labs
    "duty": (("bloc", "from_bloc", "level"), ()),
}


@dataclass
class EventConfig:
    """One dated event of a scenario or of the recorded history."""

    date: str = param(unit="YYYY-MM", doc="month of the event", origin="scenario")
    kind: str = param(unit="kind", doc="what happens", choices=EVENT_KINDS, origin="scenario")
    vendor: str | None = param(None, unit="vendor id", doc="vendor concerned", origin="scenario")
    owner: str | None = param(None, unit="vendor id",
                              doc="ownership event: the lab that acquires the vendor (from the "
                                  "event's date the two price their APIs jointly)",
                              origin="scenario")
    bloc: str | None = param(None, unit="bloc",
                             doc="bloc concerned (restricted, subsidising, banned, or whose "
                                 "vendors change price)", choices=BLOCS, origin="scenario")
    from_bloc: str | None = param(None, unit="bloc",
                                  doc="duty event: the bloc whose labs' API tokens the "
                                      "importing bloc (``bloc``) taxes",
                                  choices=BLOCS, origin="scenario")
    model: str | None = param(None, unit="text", doc="name of a released model",
                              origin="scenario")
    openness: str | None = param(None, unit="level", doc="openness of a released model",
                                 choices=OPENNESS, origin="scenario")
    training_flop: float | None = param(None, unit="FLOP",
                                        doc="training compute of a released model", lo=1e15,
                                        hi=1e32, origin="scenario")
    eci: float | None = param(None, unit="ECI points",
                              doc="Epoch Capabilities Index of a released model: placed at "
                                  "q = (eci - offset) / points_per_oom (world.capability."
                                  "index); with training_flop too, the index places it and "
                                  "the pair enters the index's estimation", lo=0, lo_open=True,
                              hi=1000, origin="scenario")
    capability: float | None = param(None, unit="OOM of effective compute",
                                     doc="capability of a released model", lo=15, hi=120,
                                     origin="scenario")
    frontier_lag_months: float | None = param(None, unit="months",
                                              doc="released model's lag behind the closed "
                                                  "frontier (0: at the frontier)", lo=-60, hi=120,
                                              origin="scenario")
    total_params_b: float | None = param(None, unit="billion parameters",
                                         doc="total parameters", lo=0, lo_open=True,
                                         origin="scenario")
    active_params_b: float | None = param(None, unit="billion parameters",
                                          doc="parameters active per token (mixture-of-experts)",
                                          lo=0, lo_open=True, origin="scenario")
    price_in: float | None = param(None, unit="USD per million tokens", doc="input list price",
                                   lo=0, lo_open=True, origin="scenario")
    price_out: float | None = param(None, unit="USD per million tokens",
                                    doc="output list price", lo=0, lo_open=True,
                                    origin="scenario")
    factor: float | None = param(None, unit="1",
                                 doc="price over the price the pricing rule sets that month "
                                     "(mode relative), or new price over old (mode hold)", lo=0,
                                 lo_open=True, floor=1e-6, hi=100, origin="scenario",
                                 why="a cut past a millionth takes the price towards 0, where "
                                     "buyers' log-price utilities leave the float range")
    subsidised: bool = param(False, unit="flag",
                             doc="the state pays the loss when the price is below cost",
                             origin="scenario")
    mode: str | None = param(None, unit="mode",
                             doc="how a factor acts: relative (the default) multiplies the "
                                 "price the vendor's pricing rule sets, every month the event "
                                 "is in force; hold holds factor x today's price",
                             choices=PRICE_MODES, origin="scenario")
    duration_months: int | None = param(None, unit="months",
                                        doc="how long a price event is in force (empty: to "
                                            "the end; a price in the history: to "
                                            "history_until)",
                                        lo=1, hi=600, origin="scenario")
    level: float | None = param(None, unit="1",
                                doc="export level, subsidy rate, duty rate (a share of the "
                                    "price), or privacy-concern shift",
                                lo=-1, hi=1, origin="scenario")
    lever: str | None = param(None, unit="lever",
                              doc="what a subsidy pays for: a share of power bills (energy) or "
                                  "chip purchases (compute), losses below cost (price), or an "
                                  "amount per token sold (per_mtok, with usd_per_mtok)",
                              choices=SUBSIDY_LEVERS, origin="scenario")
    usd_per_mtok: float | None = param(None, unit="USD per million tokens",
                                       doc="per_mtok subsidy: what the state pays its labs per "
                                           "million API tokens sold (negative: a tax); the "
                                           "pricing rule sees the cost net of it",
                                       lo=-100, hi=100, origin="scenario",
                                       why="blended list prices reach tens of USD per million "
                                           "tokens (o1: $26); a hundred is past any of them")
    countries: list[str] = param(unit="ISO3 codes or blocs",
                                 doc="jurisdictions that ban (ISO3 for nations, bloc codes for "
                                     "blocs, 'developing' for all nations)",
                                 factory=list, origin="scenario")
    lift: bool = param(False, unit="flag", doc="lifts the ban instead of imposing it",
                       origin="scenario")
    vertical: int | None = param(None, unit="vertical", doc="vertical entered (empty: the "
                                                            "lab's largest)", lo=0,
                                 origin="scenario")
    segment: str | None = param(None, unit="segment", doc="firm segment (empty: all)",
                                choices=("startups", "enterprises"), origin="scenario")
    label: str = param("", unit="text", doc="short label for plots", origin="scenario")
    source: str = param("", unit="text", doc="where the event's figures come from",
                        origin="scenario")


@dataclass
class ScenarioConfig:
    """A named scenario: its story, its named parameters and its events.

    ``params`` names the quantities the story turns on (a price-cut factor, an export
    level): an event refers to one with an OmegaConf interpolation,
    ``factor: ${scenario.params.price_cut_factor}``, so that a lever or an override
    (``scenario.params.price_cut_factor=0.3``) reaches it by name, whatever the order of
    the events. :mod:`sim.config.scenario_params` checks the references before the config
    is resolved.
    """

    name: str = param(unit="text", doc="scenario name", origin="scenario")
    description: str = param("", unit="text", doc="what it represents", origin="scenario")
    params: dict[str, Any] = param(unit="name: number",
                                   doc="named quantities the events refer to as "
                                       "${scenario.params.<name>} (each a number)",
                                   factory=dict, origin="scenario")
    events: list[EventConfig] = field(default_factory=list)
