"""The headline metrics: what summaries, reports and sweep comparisons show first.

Each is a (metric, segment, entity) series of the tidy table, with a short label, a
unit and, in words, what its number means, so that every output names and explains them
the same way.
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
    meaning: str = ""  #: what the number means, in words (for a report or a card)


HEADLINES: tuple[Headline, ...] = (
    Headline("cn_share_startups", "token_share_bloc", "startups", "CN",
             "Chinese models' share of startup tokens", "share",
             "of every 100 tokens startups use, how many Chinese models serve (self-hosted "
             "ones counted to the weights' author)"),
    Headline("open_share_startups", "open_share", "startups", "open",
             "Open models' share of startup tokens", "share",
             "of every 100 tokens startups use, how many open-weight or open-source models "
             "serve"),
    Headline("us_lerner", "lerner_bloc", "all", "US",
             "US vendors' Lerner index (revenue-weighted margin)", "1",
             "the share of US vendors' API revenue above marginal cost: 0.5 is half of it "
             "margin, 0 sales at cost, below 0 sales under cost"),
    Headline("cn_lerner", "lerner_bloc", "all", "CN",
             "Chinese vendors' Lerner index (revenue-weighted margin)", "1",
             "the share of Chinese vendors' API revenue above marginal cost: 0 is sales at "
             "cost; −3 means costs four times the revenue (state-supported dumping)"),
    Headline("self_host_startups", "firm_share", "startups", "self_host",
             "Share of startups self-hosting", "share",
             "of every 100 startups, how many run open weights on their own hardware"),
    Headline("closed_api_startups", "firm_share", "startups", "closed_api",
             "Share of startups on closed APIs", "share",
             "of every 100 startups, how many buy from a closed API"),
    Headline("soft_power_cn", "soft_power", "nations", "CN",
             "Soft power of China (population-weighted share of queries)", "share",
             "of every 100 queries of developing nations' people (weighted by population), "
             "how many Chinese models answer"),
    Headline("soft_power_us", "soft_power", "nations", "US",
             "Soft power of the US (population-weighted share of queries)", "share",
             "of every 100 queries of developing nations' people (weighted by population), "
             "how many US models answer"),
    Headline("gap_us_cn_months", "capability_gap_months", "all", "US-CN",
             "US lead over China in capability", "months",
             "how many months ago the US frontier reached China's best capability now; below"
             " 0, China leads"),
    Headline("hhi_revenue_startups", "hhi_revenue", "startups", "market",
             "Concentration of the startup market (HHI of API revenue)", "points",
             "10,000 × the sum of vendors' squared shares of startups' API spend: 10,000 is "
             "one seller, 2,500 four equal ones; above 1,800 highly concentrated"),
    Headline("cn_share_devices", "token_share_bloc", "devices", "CN",
             "Chinese models' share of embodied-AI tokens", "share",
             "of every 100 tokens embodied AI (cars, drones, robots) uses, how many Chinese "
             "models serve"),
    Headline("adoption_nations", "adoption_mean", "nations", "population-weighted",
             "AI adoption in developing nations", "share of people",
             "of every 100 people in developing nations, how many use AI"),
    Headline("consumer_surplus", "welfare", "all", "consumer_surplus",
             "Consumer surplus (over not buying)", "USD per month",
             "buyers' gain over not buying (which keeps pace with the frontier), or over a "
             "reference offering where a segment has no outside option, in USD a month; "
             "compare runs by differences"),
    Headline("producer_surplus", "welfare", "all", "producer_surplus",
             "Producer surplus (before capital and fixed costs)", "USD per month",
             "all vendors' profit in the month (revenue and state payments less their "
             "costs), in USD"),
    Headline("government_spending", "welfare", "all", "government_spending",
             "Government spending on subsidies and price support", "USD per month",
             "what governments pay in the month for compute and energy subsidies and price "
             "support, in USD"),
    Headline("welfare", "welfare", "all", "total",
             "Total welfare W = CS + PS − G", "USD per month",
             "CS + PS − G in USD a month; compare runs by differences (CS is measured from a"
             " reference)"),
)


def headline_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The headline series of a run, wide: one row per month, one column per headline."""
    columns = {}
    for h in HEADLINES:
        columns[h.key] = entity_series(table, h.metric, h.segment, h.entity)
    return pd.DataFrame(columns)
