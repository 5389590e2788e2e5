"""The world: vendors, chips, energy and governments, and the whole world's node.

Buyers are in :mod:`sim.config.buyers`, behaviour in :mod:`sim.config.behaviour`. Each
dataclass is one config node under ``world``. Values come from the YAML files
in ``scenarios/world/``; the dataclasses declare types, units and allowed ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.behaviour import (
    CapabilityConfig,
    ComputeConfig,
    DemandConfig,
    EcosystemConfig,
    EntryConfig,
    HostingConfig,
    OpennessConfig,
    PricingConfig,
)
from sim.config.buyers import DevicesConfig, FirmSegmentConfig, NationsConfig
from sim.config.fields import param
from sim.core.constants import BLOCS


@dataclass
class ChipConfig:
    """An accelerator type: advanced (export-controlled) or domestic."""

    name: str = param(unit="text", doc="chip the figures describe", origin="data")
    tflops: float = param(unit="TFLOP/s", doc="dense BF16 throughput per chip", lo=0, lo_open=True,
                          origin="data")
    power_kw: float = param(unit="kW", doc="power per chip, server share included", lo=0,
                            lo_open=True, origin="data")
    price_usd: float = param(unit="USD", doc="purchase price per chip", lo=0, lo_open=True,
                             origin="data")
    rental_usd_per_hour: float = param(unit="USD per chip-hour",
                                       doc="cloud rental price, energy excluded", lo=0,
                                       lo_open=True, origin="data")
    source: str = param(unit="text", doc="where the figures come from, with dates", origin="data")


@dataclass
class EnergyConfig:
    """Electricity for data centres in one bloc."""

    price_usd_per_kwh: float = param(unit="USD per kWh", doc="industrial electricity price",
                                     lo=0, lo_open=True, origin="data")
    pue: float = param(unit="1", doc="power usage effectiveness (facility / IT power)", lo=1,
                       hi=3, origin="assumption")
    source: str = param(unit="text", doc="where the price comes from, with its date", origin="data")


@dataclass
class VendorConfig:
    """A model vendor (a lab). Its models and list prices come from release events."""

    name: str = param(unit="text", doc="display name", origin="data")
    bloc: str = param(unit="bloc", doc="home bloc", choices=BLOCS, origin="data")
    funding_musd_per_month: float = param(unit="million USD per month",
                                          doc="outside money received each month and meant "
                                              "for chips", lo=0, origin="assumption")
    reinvest_share: float = param(unit="1",
                                  doc="share of last month's API revenue the lab may spend on "
                                      "chips, within its cash", lo=0, hi=1,
                                  origin="assumption")
    initial_cash_musd: float = param(0.0, unit="million USD",
                                     doc="cash on hand at the start (a line with a parent has "
                                         "none: it uses its parent's)", lo=0,
                                     origin="assumption")
    fixed_cost_musd_per_month: float = param(0.0, unit="million USD per month",
                                             doc="staff, research and other costs that do not "
                                                 "scale with tokens or chips", lo=0,
                                             origin="assumption")
    cash_floor_musd: float = param(0.0, unit="million USD",
                                   doc="cash the lab keeps: it buys chips only with cash above "
                                       "this (negative: a credit line)", lo=-1e6, hi=1e6,
                                   origin="assumption")
    initial_advanced_kchips: float = param(unit="thousand chips",
                                           doc="advanced chips (H100-equivalents) at the start",
                                           lo=0, origin="assumption")
    initial_domestic_kchips: float = param(unit="thousand chips",
                                           doc="domestic chips (910C-equivalents) at the start",
                                           lo=0, origin="assumption")
    domestic_preference: float = param(0.0, unit="1",
                                       doc="share of the chip budget spent on domestic chips "
                                           "even when advanced ones are allowed",
                                       lo=0, hi=1, origin="assumption")
    absorptive_capacity: float = param(1.0, unit="1",
                                       doc="how much of others' knowledge the lab absorbs "
                                           "(Cohen and Levinthal; 1: all it can)", lo=0, hi=1,
                                       origin="assumption")
    efficiency_oom: float = param(0.0, unit="OOM of effective compute",
                                  doc="the lab's capability above the mean lab's at equal "
                                      "training FLOP and date: its ECI fixed effect over "
                                      "points_per_oom (python -m sim.calibrate."
                                      "capability_index; 0: the mean lab, for labs without "
                                      "a scored release with a FLOP estimate)", lo=-5, hi=5,
                                  origin="estimated")
    release_interval_months: int = param(6, unit="months",
                                         doc="months between releases after the history ends",
                                         lo=1, hi=60, origin="assumption")
    appeal: float = param(0.0, unit="utils",
                          doc="what buyers value in the lab's models beyond capability and "
                              "price (brand, fit, tools: Berry's unobserved quality)",
                          lo=-10, hi=10, origin="calibrated")
    enters_verticals: bool = param(False, unit="flag",
                                   doc="the lab builds applications and may enter its API "
                                       "customers' verticals", origin="assumption")
    parent: str | None = param(None, unit="vendor id",
                               doc="the lab this line belongs to (shares its knowledge and chips)",
                               origin="data")
    parent_gap_oom: float = param(0.5, unit="OOM of effective compute",
                                  doc="how far a line's releases stay behind its parent's "
                                      "knowledge", lo=0, hi=5, origin="assumption")
    source: str = param(unit="text", doc="sources for the vendor's figures", origin="data")


@dataclass
class GovernmentConfig:
    """A government's levers at the start and the parameters of its reactive rule."""

    export_target: str | None = param(None, unit="bloc",
                                      doc="bloc whose advanced-chip purchases this government "
                                          "limits", choices=BLOCS, origin="scenario")
    export_level: float = param(1.0, unit="1",
                                doc="share of the target's advanced-chip demand allowed "
                                    "(1: no limit)", lo=0, hi=1, origin="scenario")
    energy_subsidy: float = param(0.0, unit="1", doc="share of its labs' power bill paid", lo=0,
                                  hi=1, origin="scenario")
    compute_subsidy: float = param(0.0, unit="1", doc="share of its labs' chip purchases paid",
                                   lo=0, hi=1, hi_open=True, origin="scenario")
    price_support: bool = param(False, unit="flag",
                                doc="pays its labs' losses whenever they sell below cost "
                                    "(dumping); losses on a subsidised price event are paid "
                                    "even without it", origin="scenario")
    compliance_cost_usd_per_mtok: float = param(0.0, unit="USD per million tokens",
                                                doc="compliance cost per token sold to its "
                                                    "buyers", lo=0, origin="scenario")
    banned_blocs: list[str] = param(unit="blocs", doc="blocs whose APIs its buyers may not use",
                                    factory=list, origin="scenario")
    gap_threshold_months: float = param(12.0, unit="months",
                                        doc="reactive rule: tighten export limits when the "
                                            "capability lead falls below this", lo=-120, hi=120,
                                        origin="assumption")
    tighten_step: float = param(0.1, unit="1", doc="reactive rule: cut in the export level",
                                lo=0, hi=1, origin="assumption")
    min_export_level: float = param(0.0, unit="1", doc="reactive rule: floor of the level", lo=0,
                                    hi=1, origin="assumption")
    cooldown_months: int = param(12, unit="months", doc="reactive rule: months between moves",
                                 lo=1, hi=120, origin="assumption")
    subsidy_response: float = param(0.5, unit="1",
                                    doc="reactive rule: rise of the compute subsidy per unit "
                                        "of export level lost", lo=0, hi=5, origin="assumption")
    max_subsidy: float = param(0.6, unit="1", doc="reactive rule: cap on subsidies", lo=0, hi=1,
                               hi_open=True,
                               origin="assumption")
    distillation_guard: float = param(0.0, unit="1",
                                      doc="share of the distillation of its labs' models by "
                                          "other labs that its rules prevent (API terms, rate "
                                          "limits, know-your-customer checks): q_j = (1 - g) "
                                          "x API share (0: none; 1: none possible)", lo=0, hi=1,
                                      origin="scenario")
    openness_soft_power_value: float = param(0.0, unit="USD per month per unit of share",
                                             doc="profit openness rule: what the government "
                                                 "adds to its labs' payoff per unit of the "
                                                 "developing nations' token share their "
                                                 "model family holds (0: nothing)", lo=0,
                                             hi=1e12, origin="scenario")


@dataclass
class WorldConfig:
    """The whole world: who is in it, what things cost, how buyers behave."""

    name: str = param(unit="text", doc="name of the world", origin="structural")
    start: str = param(unit="YYYY-MM", doc="first simulated month", origin="structural")
    end: str = param(unit="YYYY-MM", doc="last simulated month", origin="structural")
    history_file: str | None = param(None, unit="file",
                                     doc="dated events replayed as history (sim/data)",
                                     origin="data")
    history_until: str = param(unit="YYYY-MM",
                               doc="last month of history: until then prices and releases "
                                   "follow the data", origin="structural")
    chips: dict[str, ChipConfig] = field(default_factory=dict)
    energy: dict[str, EnergyConfig] = field(default_factory=dict)
    vendors: dict[str, VendorConfig] = field(default_factory=dict)
    firms: dict[str, FirmSegmentConfig] = field(default_factory=dict)
    nations: NationsConfig = field(default_factory=NationsConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    governments: dict[str, GovernmentConfig] = field(default_factory=dict)
    demand: DemandConfig = field(default_factory=DemandConfig)
    capability: CapabilityConfig = field(default_factory=CapabilityConfig)
    compute: ComputeConfig = field(default_factory=ComputeConfig)
    pricing: PricingConfig = field(default_factory=PricingConfig)
    entry: EntryConfig = field(default_factory=EntryConfig)
    openness: OpennessConfig = field(default_factory=OpennessConfig)
    hosting: HostingConfig = field(default_factory=HostingConfig)
    ecosystem: EcosystemConfig = field(default_factory=EcosystemConfig)
