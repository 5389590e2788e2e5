"""Simulated moments: the model's counterpart of each calibration target.

Each moment is a function of a run's results (its tidy table and its config) that returns
one number in the unit of its target in ``sim/data/calibration_targets.csv``. A target
names its moment in the column ``moment``; its ``role`` says how it is used:

- ``in_sample``: fitted by the method of simulated moments (2023-2024 facts);
- ``out_of_sample``: scored after the fit, never fitted (2025 facts, and outcomes of
  assumptions such as funding);
- ``input``: a fact the model takes as data, checked to be reproduced;
- ``not_mapped``: no counterpart in the model (said why in ``model_note``).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import pandas as pd

MOMENTS: dict[str, Callable] = {}


def moment(name: str):
    """Register a moment function under ``name``."""
    def register(func: Callable) -> Callable:
        MOMENTS[name] = func
        return func
    return register


@dataclass(frozen=True)
class Target:
    """A stylized fact with its tolerance band."""

    id: str
    quantity: str
    value: float
    low: float
    high: float
    unit: str
    period: str
    source: str
    moment: str
    role: str
    model_note: str

    @property
    def half_width(self) -> float:
        """Half the band: the scale of a miss in the distance."""
        return max((self.high - self.low) / 2.0, 1e-12)

    def inside(self, value: float) -> bool:
        return bool(np.isfinite(value) and self.low <= value <= self.high)


def load_targets(name: str = "calibration_targets.csv") -> list[Target]:
    """The calibration targets of ``sim/data``."""
    text = files("sim.data").joinpath(name).read_text(encoding="utf-8")
    return [Target(id=r["id"], quantity=r["quantity"], value=float(r["value"]),
                   low=float(r["low"]), high=float(r["high"]), unit=r["unit"],
                   period=r["period"], source=r["source_url"], moment=r["moment"],
                   role=r["role"], model_note=r["model_note"])
            for r in csv.DictReader(io.StringIO(text))]


def compute(results, targets: list[Target]) -> dict[str, float]:
    """Every mapped target's simulated moment for one run (nan where the run does not
    cover the target's period)."""
    values = {}
    for t in targets:
        if not t.moment:
            continue
        try:
            values[t.id] = float(MOMENTS[t.moment](results))
        except (KeyError, IndexError, ZeroDivisionError):
            values[t.id] = float("nan")
    return values


# -- helpers ----------------------------------------------------------------------------------

def _value(results, metric: str, entity: str, month: str, segment: str = "all") -> float:
    return float(results.series(metric, segment)[entity].loc[month])


def _cheapest_at_or_above(results, level: float) -> pd.Series:
    """Each month's lowest price among models of capability ``level`` or more (USD/Mtok)."""
    price, capability = results.series("price"), results.series("capability")
    eligible = price.where(capability >= level - 1e-9)
    return eligible.min(axis=1)


def _bloc_open_share(results, segment: str, bloc: str) -> pd.Series:
    """Share of a segment's tokens answered by a bloc's open (weight or source) models."""
    shares = results.series("token_share", segment)
    openness = results.series("openness_level")
    blocs = {vid: v.bloc for vid, v in results.config.world.vendors.items()}
    columns = [v for v in shares.columns if blocs[v] == bloc]
    return (shares[columns] * (openness[columns] >= 1)).sum(axis=1)


# -- the moments --------------------------------------------------------------------------------

@moment("fixed_capability_price_decline")
def fixed_capability_price_decline(results) -> float:
    """Yearly fall factor of the cheapest price of GPT-4-level capability, 2023-06 to 2024-11."""
    level = _value(results, "capability", "openai", "2023-03")
    cheapest = _cheapest_at_or_above(results, level)
    months = 17
    return float((cheapest.loc["2023-06"] / cheapest.loc["2024-11"]) ** (12 / months))


@moment("gpt35_level_price_fall")
def gpt35_level_price_fall(results) -> float:
    """Fall of the cheapest price of the capability on sale in 2023-01, to 2024-10 (fold)."""
    level = _value(results, "capability", "openai", results.table.month.iloc[0])
    cheapest = _cheapest_at_or_above(results, level)
    return float(cheapest.iloc[0] / cheapest.loc["2024-10"])


@moment("openai_flagship_price_fall")
def openai_flagship_price_fall(results) -> float:
    """OpenAI's blended price at GPT-4's launch over its price at GPT-5's (fold)."""
    return (_value(results, "price", "openai", "2023-03")
            / _value(results, "price", "openai", "2025-08"))


@moment("o1_r1_price_ratio")
def o1_r1_price_ratio(results) -> float:
    """OpenAI's price over DeepSeek's in 2025-01 (o1 against R1)."""
    return (_value(results, "price", "openai", "2025-01")
            / _value(results, "price", "deepseek", "2025-01"))


@moment("open_closed_lag_months")
def open_closed_lag_months(results) -> float:
    """Months the best open model trails the best closed one, 2024-11."""
    return _value(results, "capability_gap_months", "closed-open", "2024-11")


@moment("cn_open_share_startups_late_2024")
def cn_open_share_startups_late_2024(results) -> float:
    """Chinese open models' share of startup tokens in 2024-11 (percent)."""
    return 100.0 * float(_bloc_open_share(results, "startups", "CN").loc["2024-11"])


@moment("cn_open_share_startups_2025")
def cn_open_share_startups_2025(results) -> float:
    """Chinese open models' mean share of startup tokens, 2024-11 to 2025-11 (percent)."""
    return 100.0 * float(_bloc_open_share(results, "startups", "CN").loc["2024-11":"2025-11"]
                         .mean())


@moment("open_share_startups_late_2025")
def open_share_startups_late_2025(results) -> float:
    """Open models' share of startup tokens in 2025-11 (percent)."""
    return 100.0 * _value(results, "open_share", "open", "2025-11", "startups")


@moment("open_share_enterprises_2024")
def open_share_enterprises_2024(results) -> float:
    """Open models' mean share of enterprise tokens in 2024 (percent)."""
    series = results.series("open_share", "enterprises")["open"].loc["2024-01":"2024-12"]
    return 100.0 * float(series.mean())


@moment("anthropic_enterprise_spend_share_2024")
def anthropic_enterprise_spend_share_2024(results) -> float:
    """Anthropic's mean share of enterprise API spend in 2024 (percent)."""
    series = results.series("revenue_share", "enterprises")["anthropic"].loc["2024-01":"2024-12"]
    return 100.0 * float(series.mean())


@moment("token_price_elasticity")
def token_price_elasticity(results) -> float:
    """The one-month elasticity of API token demand to every API price, mean of 2024 (1,
    negative): the short-run response a platform observes (``market_elasticity``)."""
    return float(results.series("market_elasticity")["one_month"].loc["2024-01":"2024-12"].mean())


@moment("cn_compute_share_2025")
def cn_compute_share_2025(results) -> float:
    """China's share of the modelled labs' compute in 2025-05 (percent)."""
    compute = results.series("compute_bloc").loc["2025-05"]
    return 100.0 * float(compute["CN"] / compute.sum())


@moment("domestic_power_per_flop_ratio")
def domestic_power_per_flop_ratio(results) -> float:
    """Power per FLOP of the domestic chip over the advanced one."""
    chips = results.config.world.chips
    return ((chips["domestic"].power_kw / chips["domestic"].tflops)
            / (chips["advanced"].power_kw / chips["advanced"].tflops))


@moment("deepseek_v3_active_fraction")
def deepseek_v3_active_fraction(results) -> float:
    """Active over total parameters of DeepSeek's model in 2024-12 (percent)."""
    return 100.0 * (_value(results, "active_params", "deepseek", "2024-12")
                    / _value(results, "total_params", "deepseek", "2024-12"))


@moment("frontier_compute_cost_growth")
def frontier_compute_cost_growth(results) -> float:
    """Yearly growth of the cost of the largest lab's compute, 2023-01 to 2025-12 (x/yr).

    The largest fleet's FLOP/s grows; the cost of a FLOP falls with hardware progress.
    """
    compute = results.series("compute").max(axis=1)
    growth = float(compute.loc["2025-12"] / compute.iloc[0]) ** (12 / 35)
    return growth * (1.0 - results.config.world.compute.hardware_cost_decline_per_year)


@moment("cn_device_capacity_share")
def cn_device_capacity_share(results) -> float:
    """China's share of manufacturing capacity for embodied AI at the start (percent)."""
    return 100.0 * results.config.world.devices.capacity_share["CN"]


# -- revenue levels and market size ---------------------------------------------------------------
# ``revenue`` is each vendor's API revenue in USD per month (price times API tokens). A
# run-rate or an annualised figure is twelve times a month's revenue.

OPENAI_LINES = ("openai", "openai_oss")  #: OpenAI's closed line and its open-weight line


def annualised_revenue(results, vendors: tuple[str, ...] | None, first: str,
                       last: str | None = None) -> float:
    """Twelve times the mean monthly API revenue of ``vendors`` (all when None) over the
    months ``first`` to ``last`` (one month when ``last`` is None), in USD per year.

        R = 12 * (1 / T) * sum_{t=first..last} sum_{j in vendors} revenue_jt

    Vendors the run does not have count as zero; a run that does not cover the whole
    window raises ``KeyError`` (the moment is then nan).
    """
    revenue = results.series("revenue")
    if vendors is not None:
        revenue = revenue.reindex(columns=list(vendors), fill_value=0.0)
    last = last or first
    if first not in revenue.index or last not in revenue.index:
        raise KeyError(f"the run does not cover {first} to {last}")
    window = revenue.loc[first:last]
    return 12.0 * float(window.sum(axis=1).mean())


@moment("openai_annualised_revenue_2023_12")
def openai_annualised_revenue_2023_12(results) -> float:
    """OpenAI's annualised API revenue in 2023-12 (billion USD per year)."""
    return annualised_revenue(results, OPENAI_LINES, "2023-12") / 1e9


@moment("openai_annualised_revenue_2024_12")
def openai_annualised_revenue_2024_12(results) -> float:
    """OpenAI's annualised API revenue in 2024-12 (billion USD per year)."""
    return annualised_revenue(results, OPENAI_LINES, "2024-12") / 1e9


@moment("openai_annualised_revenue_2025_06")
def openai_annualised_revenue_2025_06(results) -> float:
    """OpenAI's annualised API revenue in 2025-06 (billion USD per year)."""
    return annualised_revenue(results, OPENAI_LINES, "2025-06") / 1e9


@moment("anthropic_annualised_revenue_2024_12")
def anthropic_annualised_revenue_2024_12(results) -> float:
    """Anthropic's annualised API revenue in 2024-12 (billion USD per year)."""
    return annualised_revenue(results, ("anthropic",), "2024-12") / 1e9


def firms_api_spend(results, first: str, last: str) -> float:
    """Twelve times the firms' (startups' and enterprises') mean monthly API spend over the
    months ``first`` to ``last`` (USD per year): Menlo's survey counts firms' spend, not
    developing-nation users' or device makers'.

        R = 12 * (1 / T) * sum_t sum_{s in firms} sum_{j API} spend_sjt
    """
    total = 0.0
    for segment in ("startups", "enterprises"):
        spend = results.series("spend", segment)["market"]
        if first not in spend.index or last not in spend.index:
            raise KeyError(f"the run does not cover {first} to {last}")
        api = spend - results.series("spend_self_hosted", segment)["market"]
        total += float(api.loc[first:last].mean())
    return 12.0 * total


@moment("api_market_annualised_late_2024")
def api_market_annualised_late_2024(results) -> float:
    """Firms' API spend, annualised over 2024-10 to 2024-12 (billion USD per year)."""
    return firms_api_spend(results, "2024-10", "2024-12") / 1e9


@moment("api_market_annualised_mid_2025")
def api_market_annualised_mid_2025(results) -> float:
    """Firms' API spend, annualised over 2025-05 to 2025-07 (billion USD per year)."""
    return firms_api_spend(results, "2025-05", "2025-07") / 1e9


@moment("zhipu_api_revenue_2024")
def zhipu_api_revenue_2024(results) -> float:
    """Zhipu's API revenue summed over 2024 (million USD per year): twelve months, so the
    annualised mean is the year's total."""
    return annualised_revenue(results, ("zhipu",), "2024-01", "2024-12") / 1e6


@moment("minimax_api_revenue_2025")
def minimax_api_revenue_2025(results) -> float:
    """MiniMax's API revenue, annualised over 2025-01 to 2025-09 (million USD per year)."""
    return annualised_revenue(results, ("minimax",), "2025-01", "2025-09") / 1e6


@moment("firm_adoption_growth_2023_2025")
def firm_adoption_growth_2023_2025(results) -> float:
    """Share of all simulated firms buying in 2025-09 over the share in 2023-09 (1): the
    segments' ``firm_adoption`` weighted by their number of firms.

        g = sum_s n_s a_s(2025-09) / sum_s n_s a_s(2023-09)
    """
    firms = results.config.world.firms
    def buying(month: str) -> float:
        return sum(firms[s].n * float(results.series("firm_adoption", s)["buying"].loc[month])
                   for s in firms)
    return buying("2025-09") / buying("2023-09")


#: Countries with a target for their share of people using generative AI in H1 2025
#: (Microsoft's AI diffusion data): the small world's twelve, all in the default world too.
GENAI_USER_SHARE_COUNTRIES = ("NGA", "ETH", "EGY", "KEN", "IND", "PAK", "BGD", "IDN", "VNM",
                              "BRA", "MEX", "TUR")


def genai_user_share_2025h1(results, iso3: str) -> float:
    """A country's mean adoption over 2025-01 to 2025-06 (percent of its population); a
    KeyError (nan in :func:`compute`) where the run does not include the country."""
    series = results.series("adoption", "nations")[iso3].loc["2025-01":"2025-06"]
    return 100.0 * float(series.mean())


for _iso3 in GENAI_USER_SHARE_COUNTRIES:
    moment(f"genai_user_share_2025h1_{_iso3}")(
        functools.partial(genai_user_share_2025h1, iso3=_iso3))
