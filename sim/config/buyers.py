"""The buyers of the world: firm segments, developing nations, device makers."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import param


@dataclass
class FirmSegmentConfig:
    """Application-layer firms of one segment (startups, or enterprises)."""

    n: int = param(unit="firms", doc="number of firms simulated", lo=1, hi=100_000_000,
                   origin="structural",
                   why="a ceiling of sense: below it, whether the firms fit is checked "
                       "against this machine's memory (about 100 bytes a firm, their choice "
                       "taken engine_chunk_rows firms at a time)")
    represents: float = param(unit="firms",
                              doc="firms the segment stands for: each simulated firm's tokens "
                                  "count represents / n times, so a smaller world is a smaller "
                                  "sample of the same market", lo=1, hi=1e9,
                              origin="assumption")
    bloc_shares: dict[str, float] = param(unit="1", doc="share of firms in each bloc",
                                          factory=dict, origin="assumption")
    volume_median_mtok: float = param(unit="million tokens per month",
                                      doc="median token demand of a firm at the reference "
                                          "price and capability", lo=0, lo_open=True,
                                      floor=1e-6, origin="assumption",
                                      why="a firm's volume near 0 makes the fixed cost of "
                                          "self-hosting per token infinite")
    volume_sigma: float = param(unit="1", doc="log-normal spread of firm sizes", lo=0, hi=5,
                                origin="assumption")
    alpha: float = param(unit="utils per log-USD", doc="mean price sensitivity (log price)",
                         lo=0, lo_open=True, floor=1e-6, hi=20, origin="calibrated",
                         why="the consumer surplus divides a buyer's budget by its price "
                             "sensitivity: near 0 it overflows to infinity")
    alpha_sigma: float = param(unit="1", doc="log-normal spread of price sensitivity", lo=0,
                               hi=2, origin="assumption")
    alpha_min: float = param(0.0, unit="utils per log-USD",
                             doc="lowest price sensitivity (the log-normal spread sits above "
                                 "it): at alpha_min + price_elasticity > 1 every firm's demand "
                                 "turns elastic at a high enough price, so no vendor's "
                                 "profit-maximising price is unbounded", lo=0, hi=20,
                             origin="assumption")
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
                               doc="countries to simulate (empty: every row of the table); a "
                                   "subset is a smaller market, not a sample of the whole: "
                                   "the others buy nothing and count in no measure",
                               factory=list, origin="structural")
    alpha: float = param(unit="utils per log-USD",
                         doc="price sensitivity at the reference income", lo=0, lo_open=True,
                         floor=1e-6, hi=20, origin="calibrated",
                         why="the consumer surplus divides a buyer's budget by its price "
                             "sensitivity: near 0 it overflows to infinity")
    income_elasticity_of_alpha: float = param(unit="1",
                                              doc="how much poorer people are more price "
                                                  "sensitive (elasticity of price sensitivity "
                                                  "to 1 / income)", lo=0, hi=3,
                                              origin="assumption")
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
    income_nodes: int = param(unit="income types",
                              doc="income types per country (Gauss-Hermite nodes over its "
                                  "log-normal income distribution)", lo=1, hi=20,
                              origin="structural")
    income_sigma_scale: float = param(unit="1",
                                      doc="within-country income spread relative to the one "
                                          "its Gini index implies (0: everyone at GDP per "
                                          "capita)", lo=0, hi=3, origin="assumption")
    geo_weight: float = param(unit="utils",
                              doc="utility of a bloc's models per unit of leaning (from UN "
                                  "votes: -1 at the US's ideal point, +1 at China's)",
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
                         lo=0, lo_open=True, floor=1e-6, hi=20, origin="assumption",
                         why="the consumer surplus divides a buyer's budget by its price "
                             "sensitivity: near 0 it overflows to infinity")
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
