"""Strategic openness: what a lab expects from releasing its next model closed, with open
weights, or open source (the ``profit`` rule of ``rules.vendor_openness`` weighs them,
:mod:`sim.rules.openness`; docs/MODEL.md 7.4).

The lab sees its market as a monopolist facing a logit demand with an outside option: its
API, with attraction A = exp(v - a ln p), and everything else (rivals, not buying) with
attraction 1. Open weights add a second offering of the same model, self-hosting at the cost
s per token, with attraction S = A (p / s) ** a. Its shares of the market's M tokens are

    closed:  x_api = A / (1 + A),          x_self = 0
    open:    x_api = A / (1 + A + S),      x_self = S / (1 + A + S)

and the payoff of a level over a horizon of H months is

    V = H [m M x_api + w M x_self + g F_dev] - C_spill

with m = p - c the API margin, w the ecosystem value of a self-hosted token of the lab's
family, g the soft-power value its government puts on the family's share F_dev of the
developing nations' tokens, and C_spill the profit the lab expects to lose to rivals that
learn from its open release (:func:`spillover_cost`). Prices are held at the current ones: a
short-run comparison (the lab re-prices afterwards with its pricing rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The openness levels a lab can choose, in the order of OPENNESS (sim.core.constants).
LEVELS: tuple[str, ...] = ("closed", "open_weight", "open_source")


def attractions(api_share: float, self_share: float) -> tuple[float, float]:
    """Logit attractions of the lab's API and its self-hosted weights from their shares (1).

        A = x_api / x_0,   S = x_self / x_0,   x_0 = 1 - x_api - x_self

    (the outside good, rivals and not buying, has attraction 1). Shares of a market the lab
    fills entirely are held just below one.
    """
    outside = max(1.0 - api_share - self_share, 1e-12)
    return max(api_share, 0.0) / outside, max(self_share, 0.0) / outside


def estimated_attractions(api_share: float, self_share: float,
                          ratio: float) -> tuple[float, float]:
    """The lab's estimate of A and S (1), the same whether its model is open or closed:

        A = x_api / (1 - x_api - x_self),   S = A R

    from its observed API share x_api and self-hosted share x_self (zero while closed) of its
    market, and R the self-hosting ratio of :func:`self_host_ratio`. A is the odds of its API
    against the outside good among the buyers who do not self-host its model, observable in
    both regimes; S always comes from the formula, never from an open model's observed
    self-hosted tokens (which also reflect nesting, trust and the fixed costs of self-hosting,
    none of which a closed lab can see). When the market follows (1), both regimes recover the
    same A and S, so the payoffs do not depend on the level the lab is at; two estimates, one
    per regime, that disagreed would make each choice make the other look better.
    """
    api, _ = attractions(api_share, self_share)
    return api, api * ratio


def self_host_ratio(price: float, self_cost: float, alpha: float) -> float:
    """Attraction of self-hosting the lab's weights relative to its API (1): one model sold
    at two prices to buyers whose utility falls by ``alpha`` utils per log-USD,

        R = exp(-a ln s) / exp(-a ln p) = (p / s) ** a

    with p the API price and s the self-hosting cost (USD per million tokens); zero when
    self-hosting has no finite positive cost.
    """
    if not (np.isfinite(self_cost) and self_cost > 0 and np.isfinite(price) and price > 0):
        return 0.0
    return float((price / self_cost) ** alpha)


def level_shares(api_attraction: float, self_attraction: float,
                 is_open: bool) -> tuple[float, float]:
    """The lab's API and self-hosted shares of its market at one openness level (1).

        closed: (A / (1 + A), 0);    open: (A / (1 + A + S), S / (1 + A + S))
    """
    if not is_open:
        return api_attraction / (1.0 + api_attraction), 0.0
    total = 1.0 + api_attraction + self_attraction
    return api_attraction / total, self_attraction / total


def spillover_cost(catch_up_share: float, gaps: np.ndarray, absorptive: np.ndarray,
                   loss_per_oom: float, closed_profit: float) -> float:
    """Profit the lab expects to lose to rivals that learn from its open release (USD).

        C = l * sum_r min(1, a_r) * s * max(0, q - b_r) * max(0, P_closed)

    Rivals r close a share s of their gap q - b_r to the released model (OOM; s is what
    open weights teach beyond the closed leak, see :func:`catch_up_share`), as far as their
    absorptive capacity a_r allows; each OOM they gain costs the lab a share l (per OOM)
    of its horizon API profit when closed, P_closed (USD; a loss is not lost further).
    """
    gaps = np.maximum(0.0, np.asarray(gaps, dtype=float))
    absorb = np.minimum(1.0, np.asarray(absorptive, dtype=float))
    catch_up = float(np.sum(absorb * catch_up_share * gaps))
    return loss_per_oom * catch_up * max(0.0, closed_profit)


def catch_up_share(level: str, spill_open: float, spill_closed: float,
                   source_bonus: float) -> float:
    """Share of their gap rivals close because the model is open, over the closed leak (1).

        closed: 0;  open_weight: max(0, s_open - s_closed);
        open_source: max(0, min(1, s_open + s_bonus) - s_closed)

    (the spillover shares of world.capability, :func:`sim.market.capability.spillover_target`:
    closed models leak a share s_closed anyway, with a lag).
    """
    if level == "closed":
        return 0.0
    taught = spill_open if level == "open_weight" else min(1.0, spill_open + source_bonus)
    return max(0.0, taught - spill_closed)


@dataclass(frozen=True)
class OpennessInputs:
    """What the lab knows when it weighs the openness of its next model.

    Attributes:
        margin: m = p - c, its API margin (USD per million tokens).
        market_tokens: M, the tokens of its market (million tokens per month).
        api_attraction, self_attraction: A and S of its market (1); S is what self-hosting
            would have were the model open.
        dev_api_attraction, dev_self_attraction: the same in the developing nations (1).
        horizon_months: H (months).
        ecosystem_value: w, value of a self-hosted token of its family (USD per million tokens).
        source_ecosystem_bonus: b, open source's ecosystem value over open weights' (1):
            w (1 + b) for open source.
        soft_power_value: g, its government's value of the family's developing-nation share
            (USD per month per unit of share).
        spill_costs: C_spill of each level (USD), by level.
    """

    margin: float
    market_tokens: float
    api_attraction: float
    self_attraction: float
    dev_api_attraction: float
    dev_self_attraction: float
    horizon_months: float
    ecosystem_value: float
    source_ecosystem_bonus: float
    soft_power_value: float
    spill_costs: dict[str, float]


def closed_api_profit(x: OpennessInputs) -> float:
    """Horizon API profit when closed, ``P_closed = H m M A / (1 + A)`` (USD)."""
    api, _ = level_shares(x.api_attraction, x.self_attraction, False)
    return x.horizon_months * x.margin * x.market_tokens * api


def payoff(level: str, x: OpennessInputs) -> float:
    """Expected payoff of releasing at ``level`` (USD over the horizon):

        V = H [m M x_api + w_level M x_self + g F_dev] - C_spill(level)

    with the shares of :func:`level_shares`, ``w_level`` = 0 closed, w open weights,
    w (1 + b) open source, and F_dev = x_api + x_self of the developing nations.
    """
    is_open = level != "closed"
    api, self_hosted = level_shares(x.api_attraction, x.self_attraction, is_open)
    dev_api, dev_self = level_shares(x.dev_api_attraction, x.dev_self_attraction, is_open)
    eco = x.ecosystem_value * (1.0 + x.source_ecosystem_bonus
                               if level == "open_source" else 1.0)
    flow = (x.margin * x.market_tokens * api + eco * x.market_tokens * self_hosted
            + x.soft_power_value * (dev_api + dev_self))
    return x.horizon_months * flow - x.spill_costs.get(level, 0.0)


def payoffs(x: OpennessInputs) -> dict[str, float]:
    """The payoff of each level (USD over the horizon), by level (:func:`payoff`)."""
    return {level: payoff(level, x) for level in LEVELS}


def best_level(values: dict[str, float], current: str, switch_cost: float = 0.0) -> str:
    """The level with the highest payoff net of the cost of changing level; on a tie the
    current level, then the more closed:

        level* = argmax_l V_l - C_switch 1[l != l_0]

    with l_0 the current level and C_switch >= 0 (USD) what changing it costs the lab
    (reputation, its developer community, licences it has committed to): the lab moves only
    when the gain V_l - V_{l_0} exceeds C_switch (hysteresis). C_switch = 0 is the plain argmax.
    """
    net = {level: value - (switch_cost if level != current else 0.0)
           for level, value in values.items()}
    top = max(net.values())
    tied = [level for level in LEVELS if net[level] == top]
    return current if current in tied else tied[0]


def open_gap(values: dict[str, float]) -> float:
    """Payoff of the better open level minus that of closed (USD): positive, open pays.

        gap = max(V_open_weight, V_open_source) - V_closed
    """
    return max(values["open_weight"], values["open_source"]) - values["closed"]
