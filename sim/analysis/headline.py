"""The headline metrics: what summaries, reports and sweep comparisons show first.

Each is a (metric, segment, entity) series of the tidy table, with a short label and a
unit, so that every output names them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.analysis.tidy import entity_series


@dataclass(frozen=True)
class Headline:
    key: str  #: short name used in summaries and sweep tables
    metric: str
    segment: str
    entity: str
    label: str
    unit: str


HEADLINES: tuple[Headline, ...] = (
    Headline("cn_share_startups", "token_share_bloc", "startups", "CN",
             "Chinese models' share of startup tokens", "share"),
    Headline("open_share_startups", "open_share", "startups", "open",
             "Open models' share of startup tokens", "share"),
    Headline("us_lerner", "lerner_bloc", "all", "US",
             "US vendors' Lerner index (revenue-weighted margin)", "1"),
    Headline("cn_lerner", "lerner_bloc", "all", "CN",
             "Chinese vendors' Lerner index (revenue-weighted margin)", "1"),
    Headline("self_host_startups", "firm_share", "startups", "self_host",
             "Share of startups self-hosting", "share"),
    Headline("closed_api_startups", "firm_share", "startups", "closed_api",
             "Share of startups on closed APIs", "share"),
    Headline("soft_power_cn", "soft_power", "nations", "CN",
             "Soft power of China (population-weighted share of queries)", "share"),
    Headline("soft_power_us", "soft_power", "nations", "US",
             "Soft power of the US (population-weighted share of queries)", "share"),
    Headline("gap_us_cn_months", "capability_gap_months", "all", "US-CN",
             "US lead over China in capability", "months"),
    Headline("hhi_revenue_startups", "hhi_revenue", "startups", "market",
             "Concentration of the startup market (HHI of API revenue)", "points"),
    Headline("cn_share_devices", "token_share_bloc", "devices", "CN",
             "Chinese models' share of embodied-AI tokens", "share"),
    Headline("adoption_nations", "adoption_mean", "nations", "population-weighted",
             "AI adoption in developing nations", "share of people"),
    Headline("consumer_surplus", "welfare", "all", "consumer_surplus",
             "Consumer surplus (from the reference price)", "USD per month"),
    Headline("producer_surplus", "welfare", "all", "producer_surplus",
             "Producer surplus (before capital and fixed costs)", "USD per month"),
    Headline("government_spending", "welfare", "all", "government_spending",
             "Government spending on subsidies and price support", "USD per month"),
    Headline("welfare", "welfare", "all", "total",
             "Total welfare W = CS + PS − G", "USD per month"),
)


def headline_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The headline series of a run, wide: one row per month, one column per headline."""
    columns = {}
    for h in HEADLINES:
        columns[h.key] = entity_series(table, h.metric, h.segment, h.entity)
    return pd.DataFrame(columns)
