"""Market outcomes: pricing power (per vendor and revenue-weighted), concentration (with a
self-hosting fringe), shares by group, soft power, consumer and producer surplus, welfare."""

from __future__ import annotations

import numpy as np


def shares(amounts) -> np.ndarray:
    """Shares of a total (1); all zero when the total is zero."""
    amounts = np.asarray(amounts, dtype=float)
    total = amounts.sum()
    return amounts / total if total > 0 else np.zeros_like(amounts)


def lerner_index(price, marginal_cost):
    """Lerner index of pricing power, ``(p - mc) / p`` (1). Negative means selling below cost."""
    price = np.asarray(price, dtype=float)
    return (price - np.asarray(marginal_cost, dtype=float)) / price


def weighted_mean(values, weights) -> float:
    """Mean of ``values`` weighted by ``weights``; nan when the weights sum to zero."""
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def hhi(amounts) -> float:
    """Herfindahl-Hirschman index: ``10000 * sum of squared shares`` (points, 0 to 10000).

    Above 1,800 is highly concentrated in the 2023 US Merger Guidelines.
    """
    return float(10_000.0 * np.sum(shares(amounts) ** 2))


def soft_power(population, bloc_share_by_country) -> np.ndarray:
    """Population-weighted share of developing-nation queries answered by each bloc (1).

        SP_b = sum_n pop_n * s_nb / sum_n pop_n

    Args:
        population: people in each country, shape (K,).
        bloc_share_by_country: share of each country's tokens answered by each bloc's
            models, shape (K, B); a country with no use yet has a zero row.
    """
    population = np.asarray(population, dtype=float)
    return (population[:, None] * bloc_share_by_country).sum(axis=0) / population.sum()


def quality_adjusted_price(inclusive_value, alpha):
    """The price index that gives the same utility as the whole menu (USD per million tokens).

        P~ = exp(-IV / a)

    With utility b q - a ln p, a buyer is as well off with the menu as with one offering of
    capability 0 at price P~: a fall in P~ is a gain to the buyer.
    """
    return np.exp(-np.asarray(inclusive_value) / np.asarray(alpha))


def consumer_surplus(budget_usd, inclusive_value, reference_utility, alpha):
    """Consumer surplus of each buyer over its reference option (USD per month), from the
    utility buyers choose by (Small and Rosen 1981).

        CS_i = (B_i / a_i) (W_i - u_i0)

    ``W_i`` is the buyer's log-sum over the offerings it may buy and its outside option
    (utils, :func:`sim.market.demand.inclusive_value`); ``u_i0`` the utility of its
    reference option (utils): its outside option where it has one, else one offering of
    the reference capability at the reference price; ``a_i / B_i`` the marginal utility
    of money: with utility ``v - a ln P``, spending a budget ``B_i`` (USD per month, the
    buyer's base volume at the reference price) a proportional rise ``dB / B`` in what the
    budget buys is worth ``a dB / B`` utils. So a uniform cut of every price by a factor
    ``k`` raises ``CS_i`` by ``B_i ln(1 / k)`` when every option's price falls, and by
    ``(B_i / a_i) [ln(e^u0 + k^-a e^IV) - ln(e^u0 + e^IV)]`` beside an outside option
    (``IV`` the log-sum of the offerings alone). Without an outside option and at the
    reference price ``P_ref`` this is ``B_i ln(P_ref / P~_i)`` with ``P~`` the
    quality-adjusted price (:func:`quality_adjusted_price`).
    """
    return (np.asarray(budget_usd, dtype=float)
            * (np.asarray(inclusive_value, dtype=float)
               - np.asarray(reference_utility, dtype=float))
            / np.asarray(alpha, dtype=float))


def revenue_weighted_lerner(price, marginal_cost, quantity) -> float:
    """Market power of a group of sellers as a revenue-weighted margin (1).

        L = sum_v (p_v - c_v) q_v / sum_v p_v q_v

    with ``p_v`` the price (USD per million tokens), ``c_v`` the marginal cost (USD per
    million tokens) and ``q_v`` the quantity sold (million tokens per month) of each seller.
    It equals the mean of the per-seller Lerner indices ``(p_v - c_v) / p_v`` weighted by
    revenue ``p_v q_v``: at ``c_v >= 0`` it is at most 1, and a seller pricing far below cost
    weighs by its (small) revenue rather than by its tokens. Sellers with no sales, or with
    no finite price or cost, are left out; nan when the others' revenue is zero.

    Pass ``c_v`` plus the energy subsidy per token for the index at social (unsubsidised)
    marginal cost: :func:`social_marginal_cost`.
    """
    p = np.asarray(price, dtype=float)
    c = np.asarray(marginal_cost, dtype=float)
    q = np.asarray(quantity, dtype=float)
    sold = np.isfinite(p) & np.isfinite(c) & (q > 0)
    revenue = (p[sold] * q[sold]).sum()
    if not revenue > 0:
        return float("nan")
    return float(((p[sold] - c[sold]) * q[sold]).sum() / revenue)


def social_marginal_cost(marginal_cost, energy_subsidy_per_mtok):
    """Marginal cost at unsubsidised energy prices (USD per million tokens).

        c_social = c + s_energy

    ``c`` is the cost the seller pays (net of the state's energy subsidy ``s_energy``, USD
    per million tokens); the subsidy is a transfer, not a saving of resources.
    """
    return np.asarray(marginal_cost, dtype=float) + np.asarray(energy_subsidy_per_mtok,
                                                                dtype=float)


def hhi_with_fringe(amounts, fringe: float = 0.0) -> float:
    """HHI of sellers beside an atomistic fringe (points, 0 to 10000).

        HHI = 10000 * sum_v (x_v / (sum_w x_w + F)) ** 2

    ``x_v`` is each seller's amount (tokens or revenue) and ``F`` the fringe's total (here:
    tokens run on buyers' own clouds, which no lab sells). The fringe is made of many
    negligible units, so it adds nothing to the sum of squares but does dilute the sellers'
    shares. With ``F = 0`` this is :func:`hhi`.
    """
    x = np.asarray(amounts, dtype=float)
    total = x.sum() + float(fringe)
    return float(10_000.0 * np.sum((x / total) ** 2)) if total > 0 else 0.0


def group_shares(amounts, groups, n_groups: int) -> np.ndarray:
    """Shares of a total held by each group (1), shape (n_groups,); all zero at a zero total.

        S_g = sum_{v in g} x_v / sum_v x_v

    ``groups`` gives each amount's group index (0 to ``n_groups - 1``).
    """
    return np.bincount(np.asarray(groups, dtype=int), weights=shares(amounts),
                       minlength=n_groups)[:n_groups]


def total_welfare(consumer: float, producer: float, government: float) -> float:
    """The month's total welfare (USD per month).

        W = CS + PS - G

    consumer surplus ``CS`` (measured from the reference price, so only differences of ``W``
    between runs mean something), producer surplus ``PS`` and government spending ``G`` on
    subsidies and price support (a cost to taxpayers). Every state payment reaches a vendor
    and is in its ``PS`` too (:func:`sim.market.finance.profit`), so transfers cancel out and
    ``W`` moves only by what they change in behaviour.
    """
    return float(consumer + producer - government)


def market_elasticity(tokens_before, tokens_after, adjustment, is_api, step, elasticity):
    """Elasticity of API token demand to a uniform rise of every API price (1, negative).

        E_long   = ln(T(p (1 + h)) / T(p)) / ln(1 + h),   T = sum of API tokens
        E_month  = the same with T_1 = sum_i [(1 - r_i) (1 + h)^(-e) x_ij(p) + r_i x_ij(p (1 + h))]

    Over the long run every buyer re-chooses (to self-hosting and to not buying); within a
    month only a share r_i of buyers revise their choice (firms' review probability,
    nations' and device makers' share adjustment) while every buyer's volume at its API
    responds at once with the volume elasticity e. The month's figure is the one to set
    beside platform estimates of a short-run market elasticity.

    Args:
        tokens_before, tokens_after: buyers' expected tokens by offering at prices p and
            p (1 + h), (n, J) (million tokens per month).
        adjustment: r_i, the share of each buyer's choice revised in a month, (n,).
        is_api: the offerings whose price rises and whose tokens count, (J,) (bool).
        step: h, the relative price rise (1).
        elasticity: e, the volume elasticity (1).
    Returns:
        (E_long, E_month).
    """
    before = np.asarray(tokens_before)[:, is_api]
    after = np.asarray(tokens_after)[:, is_api]
    total = float(before.sum())
    if total <= 0:
        return float("nan"), float("nan")
    log_step = np.log1p(step)
    r = np.asarray(adjustment, dtype=float)[:, None]
    month = float(np.sum((1.0 - r) * (1.0 + step) ** (-elasticity) * before + r * after))
    return (float(np.log(after.sum() / total) / log_step),
            float(np.log(month / total) / log_step))
