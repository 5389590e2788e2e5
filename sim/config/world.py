"""The world: vendors, chips, energy, buyers, governments and the behavioural parameters.

Each dataclass is one config node under ``world``. Values come from the YAML files
in ``scenarios/world/``; the dataclasses declare types, units and allowed ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.fields import param
from sim.constants import BLOCS


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
                                          doc="outside money spent on chips", lo=0,
                                          origin="assumption")
    reinvest_share: float = param(unit="1", doc="share of API revenue spent on chips", lo=0,
                                  hi=1, origin="assumption")
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
class FirmSegmentConfig:
    """Application-layer firms of one segment (startups, or enterprises)."""

    n: int = param(unit="firms", doc="number of firms simulated", lo=1, hi=5_000_000,
                   origin="structural")
    bloc_shares: dict[str, float] = param(unit="1", doc="share of firms in each bloc",
                                          factory=dict, origin="assumption")
    volume_median_mtok: float = param(unit="million tokens per month",
                                      doc="median token demand of a firm at the start", lo=0,
                                      lo_open=True, origin="assumption")
    volume_sigma: float = param(unit="1", doc="log-normal spread of firm sizes", lo=0, hi=5,
                                origin="assumption")
    volume_growth_per_year: float = param(unit="x per year",
                                          doc="growth of each firm's token demand at fixed "
                                              "prices", lo=0.1, hi=100, origin="calibrated")
    alpha: float = param(unit="utils per log-USD", doc="mean price sensitivity (log price)",
                         lo=0, lo_open=True, hi=20, origin="calibrated")
    alpha_sigma: float = param(unit="1", doc="log-normal spread of price sensitivity", lo=0,
                               hi=2, origin="assumption")
    quality_sigma: float = param(unit="1",
                                 doc="log-normal spread of the weight firms put on capability "
                                     "(mean 1: some need the frontier, some do not)", lo=0,
                                 hi=3, origin="calibrated")
    privacy_mean: float = param(unit="1", doc="mean concern for data and autonomy", lo=0, hi=1,
                                origin="calibrated")
    privacy_concentration: float = param(10.0, unit="1",
                                         doc="beta-distribution concentration of privacy concern",
                                         lo=0.1, hi=1000, origin="assumption")
    switching_cost: float = param(unit="utils", doc="utility lost by changing provider", lo=0,
                                  hi=20, origin="calibrated")
    review_probability: float = param(unit="per month",
                                      doc="chance that a firm reviews its provider in a month",
                                      lo=0, lo_open=True, hi=1, origin="calibrated")
    self_host_fixed_usd_per_month: float = param(unit="USD per month",
                                                 doc="fixed cost of self-hosting (staff, "
                                                     "reserved chips)", lo=0,
                                                 origin="assumption")
    self_host_overhead: float = param(unit="1",
                                      doc="self-hosted serving cost relative to a lab's", lo=1,
                                      hi=10, origin="assumption")
    n_verticals: int = param(12, unit="verticals", doc="application verticals firms work in",
                             lo=1, hi=1000, origin="assumption")


@dataclass
class NationsConfig:
    """Developing-nation adopters: one agent per country of the country table."""

    countries_file: str = param("countries.csv", unit="file",
                                doc="country table in sim/data", origin="structural")
    include: list[str] = param(unit="ISO3 codes",
                               doc="countries to simulate (empty: every row of the table)",
                               factory=list, origin="structural")
    alpha: float = param(unit="utils per log-USD",
                         doc="price sensitivity at the reference income", lo=0, lo_open=True,
                         hi=20, origin="calibrated")
    income_elasticity_of_alpha: float = param(unit="1",
                                              doc="how much poorer countries are more price "
                                                  "sensitive", lo=0, hi=3, origin="assumption")
    reference_gdp_usd: float = param(unit="USD per person per year",
                                     doc="income at which price sensitivity is alpha", lo=100,
                                     origin="assumption")
    bass_p: float = param(unit="per month", doc="Bass coefficient of innovation", lo=0, hi=1,
                          origin="calibrated")
    bass_q: float = param(unit="per month", doc="Bass coefficient of imitation", lo=0, hi=2,
                          origin="calibrated")
    bass_dispersion: float = param(unit="1", doc="log-normal spread of Bass coefficients "
                                                 "across countries", lo=0, hi=2,
                                   origin="assumption")
    initial_adoption: float = param(unit="1",
                                    doc="share of the potential market adopting at the start",
                                    lo=0, hi=1, origin="assumption")
    tokens_per_user_mtok: float = param(unit="million tokens per user per month",
                                        doc="use of an adopting person at the reference price",
                                        lo=0, lo_open=True, origin="assumption")
    budget_share: float = param(unit="1", doc="share of income a person can spend on AI", lo=0,
                                lo_open=True, hi=1, origin="assumption")
    affordability_steepness: float = param(unit="1",
                                           doc="how sharply adoption potential falls with "
                                               "cost over budget", lo=0.1, hi=10,
                                           origin="assumption")
    leaning_bri: float = param(unit="1", doc="leaning towards China of Belt and Road members "
                                             "(-1: US, +1: China)", lo=-1, hi=1,
                               origin="assumption")
    leaning_other: float = param(unit="1", doc="leaning of the other countries", lo=-1, hi=1,
                                 origin="assumption")
    leaning_noise: float = param(unit="1", doc="spread of leanings around those values", lo=0,
                                 hi=1, origin="assumption")
    geo_weight: float = param(unit="utils", doc="utility of a bloc's models per unit of leaning",
                              lo=0, hi=10, origin="calibrated")
    share_adjustment: float = param(unit="per month",
                                    doc="speed at which a country's provider shares move to "
                                        "their choice", lo=0, lo_open=True, hi=1,
                                    origin="calibrated")
    self_host_penalty: float = param(unit="utils",
                                     doc="disutility of national self-hosting (skills, "
                                         "infrastructure)", lo=0, hi=20, origin="assumption")
    self_host_fixed_usd_per_month: float = param(unit="USD per month",
                                                 doc="fixed cost of a national deployment", lo=0,
                                                 origin="assumption")


@dataclass
class DevicesConfig:
    """Device makers (cars, drones, robots): one agent per bloc."""

    capacity_share: dict[str, float] = param(unit="1",
                                             doc="share of world manufacturing capacity by bloc",
                                             factory=dict, origin="data")
    capacity_growth_per_year: dict[str, float] = param(unit="x per year",
                                                       doc="growth of manufacturing capacity",
                                                       factory=dict, origin="assumption")
    demand_mtok_at_start: float = param(unit="million tokens per month",
                                        doc="world on-device token demand at the start", lo=0,
                                        origin="assumption")
    embodiment_midpoint: str = param(unit="YYYY-MM",
                                     doc="month when half of devices embed AI models",
                                     origin="scenario")
    embodiment_rate_per_year: float = param(unit="per year",
                                            doc="steepness of the embodiment logistic", lo=0,
                                            lo_open=True, hi=10, origin="assumption")
    alpha: float = param(unit="utils per log-USD", doc="price sensitivity of device makers",
                         lo=0, lo_open=True, hi=20, origin="assumption")
    efficiency_weight: float = param(unit="utils per log-parameter",
                                     doc="preference for few active parameters (on-device)",
                                     lo=0, hi=10, origin="assumption")
    cloud_penalty: float = param(unit="utils",
                                 doc="disutility of a cloud API for an embodied device", lo=0,
                                 hi=20, origin="assumption")
    home_bias: float = param(unit="utils", doc="preference for the home bloc's models", lo=0,
                             hi=10, origin="assumption")
    share_adjustment: float = param(unit="per month", doc="speed of share adjustment", lo=0,
                                    lo_open=True, hi=1, origin="assumption")


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


@dataclass
class DemandConfig:
    """Discrete-choice demand shared by all segments (McFadden; Berry 1994)."""

    quality_weight: float = param(unit="utils per OOM",
                                  doc="utility of one order of magnitude of effective compute",
                                  lo=0, hi=20, origin="calibrated")
    price_elasticity: float = param(unit="1",
                                    doc="elasticity of a buyer's token volume to the price it "
                                        "pays", lo=0, hi=3, origin="calibrated")
    reference_capability: float = param(25.3, unit="OOM",
                                        doc="capability the quality-adjusted price is "
                                            "measured in (GPT-4 at its launch)", lo=15, hi=40,
                                        origin="data")
    reference_price_usd: float = param(unit="USD per million tokens",
                                       doc="price at which buyers use their base volume", lo=0,
                                       lo_open=True, origin="assumption")
    affinity: dict[str, dict[str, float]] = param(
        unit="utils", doc="firms' trust in each bloc's APIs: buyer bloc -> model bloc -> utils "
                          "(missing pairs: 0)", factory=dict, origin="calibrated")
    self_host_trust: float = param(unit="1",
                                   doc="share of that (dis)trust that applies to running a "
                                       "bloc's open weights on one's own cloud", lo=0, hi=1,
                                   origin="assumption")
    risk_closed_api: float = param(unit="1", doc="strategic risk of a closed API", lo=0, hi=1,
                                   origin="assumption")
    risk_open_api: float = param(unit="1",
                                 doc="strategic risk of a hosted open-weight API", lo=0, hi=1,
                                 origin="assumption")
    privacy_weight: float = param(unit="utils", doc="utility lost per unit of risk at full "
                                                    "privacy concern", lo=0, hi=20,
                                  origin="calibrated")
    adequacy_gap_oom: float = param(0.5, unit="OOM",
                                    doc="cheapest-adequate rule: capability shortfall accepted",
                                    lo=0, hi=5, origin="assumption")
    nest_lambda: float = param(1.0, unit="1",
                               doc="nested-logit dissimilarity (1: plain logit)", lo=0,
                               lo_open=True, hi=1, origin="assumption")
    ban_covers_self_hosting: bool = param(False, unit="flag",
                                          doc="a ban of a bloc's models also forbids running "
                                              "its open weights", origin="scenario")


@dataclass
class CapabilityConfig:
    """Capability growth with diminishing returns, and knowledge spillover."""

    reference_month: str = param("2023-01", unit="YYYY-MM",
                                 doc="month at which effective compute equals physical compute "
                                     "(also the base of the hardware cost factor and of "
                                     "domestic chip supply)",
                                 origin="structural")
    algo_halving_months: float = param(unit="months",
                                       doc="months for algorithmic progress to halve the compute "
                                           "a capability needs", lo=1, hi=120, origin="data")
    training_window_months: int = param(unit="months",
                                        doc="months of compute that go into one model", lo=1,
                                        hi=48, origin="assumption")
    training_utilisation: float = param(unit="1", doc="model FLOP utilisation in training",
                                        lo=0, lo_open=True, hi=1, origin="data")
    spill_open: float = param(unit="1",
                              doc="share of its gap to the open frontier a lab can close by "
                                  "studying open weights", lo=0, hi=1, origin="calibrated")
    spill_closed: float = param(unit="1",
                                doc="share of its gap to the lagged closed frontier a lab "
                                    "can close (leaks of ideas and people)", lo=0, hi=1,
                                origin="calibrated")
    spill_source_bonus: float = param(0.2, unit="1",
                                      doc="extra share of the gap a lab can close from an "
                                          "open-source release (code and data published) "
                                          "over an open-weight one", lo=0, hi=1,
                                      origin="assumption")
    spill_speed: float = param(unit="per month",
                               doc="speed at which spillover knowledge is absorbed", lo=0,
                               hi=1, origin="calibrated")
    closed_leak_lag_months: int = param(unit="months",
                                        doc="delay before closed advances leak", lo=0, hi=60,
                                        origin="calibrated")
    initial_open_lag_months: float | None = param(None, unit="months",
                                                  doc="lag of the best open lab behind the "
                                                      "closed frontier at the start (empty: "
                                                      "from the data)", lo=0, hi=60,
                                                  origin="calibrated")
    oom_per_year: float = param(unit="OOM per year",
                                doc="frontier growth of effective compute, to read gaps in months",
                                lo=0, lo_open=True, hi=5, origin="data")
    tokens_per_param: float = param(unit="tokens per parameter",
                                    doc="training tokens per parameter when a model's size is "
                                        "unpublished (compute-optimal)", lo=1, hi=10000,
                                    origin="data")
    release_threshold_oom: float = param(0.25, unit="OOM",
                                         doc="threshold release rule: knowledge gain that "
                                             "triggers a release", lo=0, lo_open=True, hi=5,
                                         origin="assumption")
    active_params_elasticity: float = param(unit="1",
                                            doc="growth of active parameters per unit growth of "
                                                "log compute in new releases", lo=0, hi=1,
                                            origin="assumption")


@dataclass
class ComputeConfig:
    """Chips, export limits, superclusters, serving capacity."""

    serving_utilisation: float = param(unit="1", doc="utilisation of chips when serving", lo=0,
                                       lo_open=True, hi=1, origin="data")
    supercluster_penalty: float = param(unit="1",
                                        doc="efficiency lost when many domestic chips are "
                                            "clustered", lo=0, hi=0.9, origin="data")
    hardware_cost_decline_per_year: float = param(unit="per year",
                                                  doc="fall in the cost of a FLOP (purchase, "
                                                      "rental and energy) from better chips",
                                                  lo=0, hi=0.9, origin="data")
    depreciation_per_month: float = param(unit="per month", doc="share of chips retired",
                                          lo=0, hi=0.5, origin="assumption")
    max_serving_share: float = param(unit="1",
                                     doc="most of a lab's compute that serving may take", lo=0,
                                     lo_open=True, hi=1, origin="assumption")
    surge_cost: float = param(unit="1",
                              doc="cost increase per unit of demand above capacity", lo=0,
                              hi=20, origin="assumption")
    max_overload: float = param(0.5, unit="1",
                                doc="demand above capacity a lab can still serve by renting "
                                    "chips at surge cost; beyond it buyers are rationed",
                                lo=0, hi=10, origin="assumption")
    domestic_supply_kchips_per_month: float = param(unit="thousand chips per month",
                                                    doc="domestic accelerators the bloc's fabs "
                                                        "make for its labs at the reference "
                                                        "month", lo=0, origin="data")
    domestic_supply_growth_per_year: float = param(unit="x per year",
                                                   doc="growth of that production", lo=0.1,
                                                   hi=10, origin="assumption")
    domestic_chip_blocs: list[str] = param(unit="blocs",
                                           doc="blocs that make domestic accelerators",
                                           factory=list, origin="data")


@dataclass
class PricingConfig:
    """Vendors' pricing rules and the Bertrand-Nash benchmark."""

    inertia: float = param(unit="1",
                           doc="share of the gap to the rule's target price closed each month",
                           lo=0, lo_open=True, hi=1, origin="calibrated")
    max_markup: float = param(unit="1", doc="highest price over marginal cost", lo=1,
                              lo_open=True, hi=1000, origin="assumption")
    cost_plus_markup: float = param(unit="1",
                                    doc="cost-plus rule: price = (1 + markup) x marginal cost",
                                    lo=0, hi=100, origin="assumption")
    penetration_discount: float = param(unit="1",
                                        doc="penetration rule: discount on rivals' mean price",
                                        lo=0, hi=1, origin="assumption")
    penetration_floor: float = param(unit="1",
                                     doc="penetration rule: lowest price over marginal cost "
                                         "(below 1 only with a subsidy)", lo=0, lo_open=True,
                                     hi=10, origin="assumption")
    panel_size: int = param(unit="buyers per segment",
                            doc="firms sampled to represent demand when pricing", lo=10,
                            hi=1_000_000, origin="structural")
    nash_tolerance: float = param(1e-9, unit="1", doc="relative tolerance of the Nash solver",
                                  lo=0, lo_open=True, hi=0.1, origin="structural")
    nash_max_iter: int = param(100, unit="iterations", doc="iterations of the Nash solver",
                               lo=1, hi=100_000, origin="structural")


@dataclass
class EntryConfig:
    """Closed providers entering their customers' verticals (strategic risk)."""

    hazard_per_month: float = param(unit="per month",
                                    doc="chance that a closed lab enters a vertical in a month",
                                    lo=0, hi=1, origin="calibrated")
    harm_volume_loss: float = param(unit="1",
                                    doc="share of a harmed firm's business lost", lo=0, hi=1,
                                    origin="assumption")
    harm_privacy_jump: float = param(unit="1",
                                     doc="rise of a harmed firm's privacy concern", lo=0, hi=1,
                                     origin="assumption")
    alarm_per_event: float = param(unit="1",
                                   doc="rise of everyone's weight on autonomy per entry", lo=0,
                                   hi=10, origin="calibrated")
    alarm_decay: float = param(unit="per month", doc="decay of that alarm", lo=0, hi=1,
                               origin="assumption")
    risk_per_entry: float = param(unit="1",
                                  doc="rise of a lab's API risk per vertical it has entered",
                                  lo=0, hi=10, origin="assumption")


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
