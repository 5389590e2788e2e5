"""How the world behaves: demand, capability and spillover, compute, pricing, vertical entry,
third-party hosting of open weights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.fields import param
from sim.core.constants import BLOCS


@dataclass
class DemandConfig:
    """Discrete-choice demand shared by all segments (McFadden; Berry 1994)."""

    quality_weight: float = param(unit="utils per OOM",
                                  doc="utility of one order of magnitude of effective compute",
                                  lo=0, hi=20, origin="calibrated")
    price_elasticity: float = param(unit="1",
                                    doc="elasticity of a buyer's token volume to the price it "
                                        "pays", lo=0, hi=3, origin="calibrated")
    reference_capability: float = param(unit="OOM",
                                        doc="capability the quality-adjusted price is "
                                            "measured in (GPT-4 at its launch, its ECI on "
                                            "world.capability.index)", lo=15, hi=120,
                                        origin="data")
    reference_price_usd: float = param(unit="USD per million tokens",
                                       doc="price at which buyers use their base volume",
                                       lo=0, lo_open=True, floor=1e-6, origin="assumption",
                                       why="volumes scale with (price / reference)^-elasticity: "
                                           "a reference near 0 rounds every volume to 0")
    # values typed Any: OmegaConf 2.3 cannot merge into a dict of float dicts (a world that
    # overrides one pair, as world=calibrated does, fails); validation checks they are numbers
    affinity: dict[str, dict[str, Any]] = param(
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
                               doc="nested-logit dissimilarity (1: plain logit)", lo=1e-3,
                               hi=1, origin="assumption",
                               why="below 1e-3 the nests' utilities divided by lambda leave "
                                   "the float range (exp(u / lambda) overflows)")
    outside_utility: dict[str, float] = param(
        unit="utils", doc="utility of not buying (the outside option) by segment: startups, "
                          "enterprises, nations, devices, measured against a frontier model "
                          "with no appeal at 1 USD per million tokens (missing: no outside "
                          "option, every buyer buys)", factory=dict, origin="calibrated")
    frontier_weight: float = param(0.0, unit="utils per OOM",
                                   doc="how much buying AI gains on not buying per OOM the "
                                       "frontier advances (the outside option keeps pace "
                                       "with the frontier but for this)", lo=0, hi=20,
                                   origin="calibrated")
    volume_per_oom: float = param(0.0, unit="1",
                                  doc="elasticity of firms' token demand at fixed prices to "
                                      "the frontier's effective compute: demand grows "
                                      "10^(eta x OOM)", lo=0, hi=2, origin="calibrated")
    ban_covers_self_hosting: bool = param(False, unit="flag",
                                          doc="a ban of a bloc's models also forbids running "
                                              "its open weights", origin="scenario")


@dataclass
class CapabilityIndexConfig:
    """The Epoch Capabilities Index (ECI) as a linear map of capability: ECI = a q + c.

    Estimated by ``python -m sim.calibrate.capability_index`` on the history file's releases
    that have both an ECI score and a training-compute estimate (docs/calibration.md).
    """

    points_per_oom: float = param(unit="ECI points per OOM",
                                  doc="ECI points one order of magnitude of effective compute "
                                      "adds (the estimation's log10 FLOP coefficient a)",
                                  lo=0, lo_open=True, hi=100, origin="estimated")
    offset: float = param(unit="ECI points",
                          doc="ECI of a model of zero capability (q = 0 OOM): the mean lab's "
                              "fixed effect c, so that ECI = a q + c",
                          lo=-1000, hi=1000, origin="estimated")


@dataclass
class CapabilityConfig:
    """Capability growth with diminishing returns, and knowledge spillover."""

    reference_month: str = param("2023-01", unit="YYYY-MM",
                                 doc="month at which effective compute equals physical compute "
                                     "(also the base of the hardware cost factor and of "
                                     "domestic chip supply)",
                                 origin="structural")
    algo_halving_months: float = param(unit="months",
                                       doc="months for algorithmic progress (pre- and "
                                           "post-training) to halve the compute a capability "
                                           "needs: 12 log10(2) a / g of the capability-index "
                                           "estimation", lo=1, hi=120, origin="estimated")
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
    distillation_rate: float = param(0.0, unit="1 per unit of API token share",
                                     doc="share of its gap to a rival's current model a lab "
                                         "can close by training on that rival's API outputs, "
                                         "per unit of the rival's share of all API tokens "
                                         "last month (b_d = a sum_j d q_j gap_j, added to the "
                                         "spillover target, approached at spill_speed per "
                                         "month, from the end of the history on; 0: no "
                                         "distillation). Not calibrated: no sourced value",
                                     lo=0, hi=1, origin="assumption")
    shock_decay_per_month: float = param(0.1, unit="per month",
                                         doc="share of a release's excess over the lab's "
                                             "estimated knowledge path that fades each month "
                                             "(a scenario's release above what the lab knows "
                                             "is a shock: x(t) = x(0) (1 - d)^t)", lo=0, hi=1,
                                         origin="assumption")
    index: CapabilityIndexConfig = field(default_factory=CapabilityIndexConfig)
    initial_open_lag_months: float | None = param(None, unit="months",
                                                  doc="lag of the best open lab behind the "
                                                      "closed frontier at the start (empty: "
                                                      "from the data)", lo=0, hi=60,
                                                  origin="calibrated")
    oom_per_year: float = param(unit="OOM per year",
                                doc="frontier growth of effective compute (training compute "
                                    "and algorithmic progress), to read gaps in months",
                                lo=0, lo_open=True, hi=5, origin="estimated")
    tokens_per_param: float = param(unit="tokens per parameter",
                                    doc="training tokens per parameter when a model's size is "
                                        "unpublished (compute-optimal)", lo=1, hi=10000,
                                    origin="data")
    release_threshold_oom: float = param(0.25, unit="OOM",
                                         doc="threshold release rule: knowledge gain that "
                                             "triggers a release", lo=0, lo_open=True, hi=5,
                                         origin="assumption")
    release_catch_up_months: float | None = param(12.0, unit="months",
                                                  doc="most months of frontier growth "
                                                      "(oom_per_year) one release after the "
                                                      "history adds to the lab's previous "
                                                      "model; more knowledge ships in later "
                                                      "releases (empty: no limit, a release "
                                                      "ships all the lab knows)", lo=1,
                                                  hi=120, origin="assumption")
    active_params_elasticity: float = param(unit="1",
                                            doc="growth of active parameters per unit growth of "
                                                "capability (OOM) in new releases", lo=0, hi=1,
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
    max_monthly_change: float | None = param(0.3, unit="1",
                                             doc="most a pricing rule moves a list price in "
                                                 "a month, as a share of last month's price "
                                                 "(list-price stickiness; price events are "
                                                 "exempt; empty: no limit)", lo=0,
                                             lo_open=True, hi=1000, origin="assumption")
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
                                     floor=1e-6, hi=10, origin="assumption",
                                     why="with a full discount the floor is the price, which "
                                         "must stay a positive number")
    panel_size: int = param(unit="buyers per segment",
                            doc="firms sampled to represent demand when pricing", lo=10,
                            hi=1_000_000, origin="structural")
    nash_tolerance: float = param(1e-9, unit="1", doc="relative tolerance of the Nash solver",
                                  lo=0, lo_open=True, hi=0.1, origin="structural")
    nash_max_iter: int = param(100, unit="iterations", doc="iterations of the Nash solver",
                               lo=1, hi=100_000, origin="structural")
    discrimination: bool = param(False, unit="flag",
                                 doc="best-response vendors price each buyer bloc at the "
                                     "markup of that bloc's demand elasticity (third-degree "
                                     "price discrimination), within the arbitrage band",
                                 origin="assumption")
    arbitrage_band: float = param(0.3, unit="1",
                                  doc="with discrimination, the most a bloc's price may differ "
                                      "from the home price, |p_b / p_home - 1| (resale and VPN "
                                      "arbitrage; 0: one price)", lo=0, hi=10,
                                  origin="assumption")


@dataclass
class EntryConfig:
    """Closed providers entering their customers' verticals (strategic risk; the entry rules,
    ``rules.vendor_entry``: docs/MODEL.md 7.11)."""

    hazard_per_month: float = param(unit="per month",
                                    doc="hazard entry rule: chance that a closed lab enters a "
                                        "vertical in a month",
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
    entry_cost_usd: float = param(3e9, unit="USD",
                                  doc="profit entry rule: what entering a vertical costs a lab "
                                      "(building or buying the application business)", lo=0,
                                  hi=1e13, origin="assumption")
    horizon_months: float = param(24.0, unit="months",
                                  doc="profit entry rule: months of profit a lab weighs when it "
                                      "considers entering a vertical", lo=0, lo_open=True,
                                  hi=240, origin="assumption")
    app_value_per_api_usd: float = param(4.0, unit="USD per USD",
                                         doc="profit entry rule: an application's revenue per "
                                             "USD of API tokens it runs on (it sells answers, "
                                             "not tokens)", lo=0, hi=1000,
                                         origin="assumption")
    margin_share: float = param(0.15, unit="1",
                                doc="profit entry rule: share of that application revenue the "
                                    "entering lab keeps as profit", lo=0, hi=1,
                                origin="assumption")
    leave_share: float = param(0.5, unit="1",
                               doc="profit entry rule: share of its harmed customers' remaining "
                                   "API business a lab expects to leave for a rival", lo=0, hi=1,
                               origin="assumption")


@dataclass
class OpennessConfig:
    """What the ``profit`` openness rule weighs (``rules.vendor_openness``; docs/MODEL.md 7.4)."""

    horizon_months: float = param(24.0, unit="months",
                                  doc="profit rule: months of profit a lab weighs when it "
                                      "chooses its next model's openness", lo=0, lo_open=True,
                                  hi=240, origin="assumption")
    ecosystem_value_usd_per_mtok: float = param(0.0, unit="USD per million tokens",
                                                doc="profit rule: value to a lab of a token of "
                                                    "its open model self-hosted by others "
                                                    "(ecosystem, installed base, data "
                                                    "flywheel; 0: none)", lo=0, hi=1000,
                                                origin="assumption")
    source_ecosystem_bonus: float = param(0.0, unit="1",
                                          doc="profit rule: extra ecosystem value of an "
                                              "open-source model over an open-weight one "
                                              "(community contributions)", lo=0, hi=10,
                                          origin="assumption")
    spill_loss_per_oom: float = param(0.2, unit="per OOM",
                                      doc="profit rule: share of its horizon API profit a lab "
                                          "expects to lose per OOM that rivals gain from its "
                                          "open release (0: spillovers cost nothing)", lo=0,
                                      hi=10, origin="assumption")
    switch_cost_usd: float = param(0.0, unit="USD",
                                   doc="profit rule: what a lab with a model on sale loses by "
                                       "releasing its next one at another openness "
                                       "(reputation, developer community, licence "
                                       "commitments); it changes only when the gain exceeds "
                                       "this (0: none)", lo=0, hi=1e13, origin="assumption")


@dataclass
class HostingConfig:
    """Third-party hosts of open weights: a competitive fringe that serves every open model's
    API at its serving cost plus a margin (:mod:`sim.market.hosting`)."""

    third_party: bool = param(False, unit="flag",
                              doc="third-party hosts sell every open model's API (a third "
                                  "menu slot per vendor)", origin="assumption")
    fringe_margin: float = param(2.3, unit="1",
                                 doc="hosts' margin over their serving cost: p = c (1 + m) "
                                     "(median of budget hosts' prices over the serving-cost "
                                     "formula, sim/data/host_margins.csv)",
                                 lo=0, hi=100, origin="data")
    licence_share: float = param(0.0, unit="1",
                                 doc="share of the hosts' revenue paid to the model's lab",
                                 lo=0, hi=1, origin="assumption")
    cloud_bloc: str = param("US", unit="bloc", doc="bloc whose cloud the hosts serve from",
                            choices=BLOCS, origin="assumption")


@dataclass
class EcosystemConfig:
    """Ecosystems that can tip: each model family's installed base and the network effect
    it gives buyers (docs/MODEL.md 7.15; :mod:`sim.market.ecosystem`)."""

    network_weight: float = param(0.0, unit="utils",
                                  doc="utility a family's offerings gain when it holds every "
                                      "ecosystem stock, nu in u_j += nu e_f(j) (linear "
                                      "network effect; 0: none). Not calibrated: no sourced "
                                      "value", lo=0, hi=20, origin="assumption")
    depreciation_per_month: float = param(0.05, unit="1 per month",
                                          doc="share of a family's ecosystem stock lost each "
                                              "month (developers leave, tooling ages)",
                                          lo=0, lo_open=True, hi=1, origin="assumption")
    derivative_rate: float = param(0.0, unit="1",
                                   doc="fine-tuned derivatives of open bases: each token "
                                       "self-hosted on a family's open weights adds 1 + this "
                                       "to its stock (0: none)", lo=0, hi=10,
                                   origin="assumption")
    initial_stock_mtok: dict[str, float] = param(
        unit="million tokens", doc="each family's ecosystem stock at the start, by vendor id "
                                   "(missing: 0)", factory=dict, origin="assumption")
