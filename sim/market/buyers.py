"""The buyers' formulas: what a buyer pays, how much it values an offering, how many
tokens it uses and how its shares of use move. One pure function per formula.

Both engines call these functions: the vectorized one on arrays of all buyers
(:mod:`sim.population.firms`, :mod:`sim.population.nations`), the per-agent one on one
buyer's row (:mod:`sim.agents.startup`, :mod:`sim.agents.nation`), and the device makers
(:mod:`sim.agents.device_maker`) and the pricing panel (:mod:`sim.market.pricing`) too.
Every function works elementwise with numpy broadcasting, so it takes scalars, one
buyer's row (J,) or all buyers (n, J) (give per-buyer attributes the shape (n, 1)).
The nested logit that turns utilities into choice probabilities is in
:mod:`sim.market.demand`; adoption by diffusion is in :mod:`sim.market.diffusion`.

Units: prices in USD per million tokens, tokens in million tokens per month, utilities in
utils, capability in orders of magnitude (OOM). The floating-point operations are written
in one fixed order on purpose: the vectorized engine's tables are pinned bit for bit.
"""

from __future__ import annotations

import numpy as np

from sim.core.constants import BLOCS

#: Sign of a bloc's models on a nation's leaning axis: China +1, the US -1, others 0.
LEANING_SIGN = np.array([{"US": -1.0, "CN": 1.0}.get(b, 0.0) for b in BLOCS])


def token_volume(base_volume, price_paid, reference_price, elasticity):
    """Tokens a buyer uses at the price it pays (million tokens per month).

        x = X * (P / P_ref) ** -e

    Args:
        base_volume: X, tokens at the reference price (million tokens per month); 1.0 gives
            the use per unit of demand (nations per user, device makers per unit demand).
        price_paid: P (USD per million tokens).
        reference_price: P_ref (USD per million tokens).
        elasticity: e, the constant price elasticity of volume (1).
    """
    return base_volume * (np.asarray(price_paid) / reference_price) ** (-elasticity)


def outside_utility(level, taste, frontier, frontier_weight, reference_capability):
    """A buyer's utility of not buying (the outside option) this month (utils).

        u_0 = u_bar + b Q_F - beta (Q_F - Q_ref)

    Not buying (people, older software, no AI at all) keeps pace with the capability
    frontier Q_F except for beta utils per OOM: against a frontier model with no appeal at
    1 USD per million tokens, not buying is worth u_bar - beta (Q_F - Q_ref). So b ranks the
    models of the month, and beta is how much AI as a whole gains on doing without as the
    frontier advances (beta = b: the outside option stands still; beta = 0: only prices,
    appeal and the distance to the frontier move buyers in and out of the market). The
    frontier term is the time effect a demand estimate with period fixed effects absorbs.

    Args:
        level: u_bar, the segment's ``world.demand.outside_utility`` (utils).
        taste: b, the buyer's utils per OOM (``quality_weight`` times its taste).
        frontier: Q_F, the most capable model on sale this month (OOM).
        frontier_weight: beta (utils per OOM).
        reference_capability: Q_ref (OOM).
    """
    return level + taste * frontier - frontier_weight * (frontier - reference_capability)


def volume_growth(frontier, reference_capability, volume_per_oom):
    """Growth of buyers' token demand at fixed prices with the frontier (1).

        G = 10 ** (eta (Q_F - Q_ref))

    A more capable frontier makes more tasks worth running on a model: each OOM of
    effective compute at the frontier multiplies the tokens a buyer uses at a given price by
    10 ** eta (eta, the elasticity of token demand to frontier effective compute).
    """
    return 10.0 ** (volume_per_oom * (frontier - reference_capability))


def firm_price_paid(api_price, self_cost, is_api, overhead, fixed_usd_per_month, volume):
    """Price a firm pays for an offering (USD per million tokens).

        P = p                        for an API (the vendor's list price)
        P = c * overhead + F / X     for self-hosting an open-weight model

    Args:
        api_price: p, the API price (USD per million tokens; ignored for self-hosting).
        self_cost: c, the serving cost of self-hosting in the firm's bloc (USD per Mtok).
        is_api: whether the offering is an API (bool).
        overhead: multiplier on the serving cost for running it in-house (1).
        fixed_usd_per_month: F, the fixed cost of self-hosting (USD per month).
        volume: X, the firm's tokens at the reference price (million tokens per month).
    """
    return np.where(is_api, api_price, self_cost * overhead + fixed_usd_per_month / volume)


def national_price_paid(api_price, self_cost, is_api, fixed_usd_per_month, users,
                        tokens_per_user):
    """Price a country pays for an offering (USD per million tokens).

        P = p                          for an API
        P = c + F / (max(N, 1) tau)    for national self-hosting

    with N the country's users and tau the tokens per user at the reference price
    (million tokens per user per month): the fixed cost F (USD per month) is spread
    over the country's tokens, one user at least.
    """
    national = np.maximum(users, 1.0) * tokens_per_user
    with np.errstate(over="ignore", divide="ignore"):  # a vanishing volume: infinite price
        return np.where(is_api, api_price, self_cost + fixed_usd_per_month / national)


def utility_at_price(base_utility, alpha, price):
    """Utility of an offering at the price the buyer pays (utils).

        u = v - a ln P

    with v the utility without the price term (utils), a the price sensitivity (utils per
    log-USD) and P the price (USD per million tokens).
    """
    return base_utility - alpha * np.log(price)


def firm_base_utility(quality, privacy, capability, appeal, risk, affinity,
                      quality_weight, privacy_weight, alarm):
    """A firm's utility for an offering without the price and switching terms (utils).

        v = b q + xi - g r + A,   b = quality_weight * quality,
                                  g = privacy_weight * privacy * (1 + alarm)

    Args:
        quality: the firm's taste for capability relative to its segment's mean (1).
        privacy: its concern for data and autonomy, 0 to 1.
        capability: q, the offering's capability (OOM).
        appeal: xi, the vendor's appeal (utils).
        risk: r, the offering's strategic risk (1).
        affinity: A, the trust of the firm's bloc in the offering (utils).
        quality_weight: utils per OOM of a firm of mean taste.
        privacy_weight: utils per unit of risk of a firm of full concern.
        alarm: weight on autonomy added by vendors entering their customers' verticals (1).
    """
    b = quality_weight * quality
    g = privacy_weight * privacy * (1.0 + alarm)
    return b * capability + appeal - g * risk + affinity


def firm_utility(base_utility, alpha, price, switching_cost, switches):
    """A firm's utility for an offering (utils).

        u = v - a ln P - k 1[switch]

    Args:
        base_utility: v, from :func:`firm_base_utility` (utils).
        alpha: a, price sensitivity (utils per log-USD).
        price: P, from :func:`firm_price_paid` (USD per million tokens).
        switching_cost: k (utils).
        switches: whether taking the offering means leaving the current provider (bool).
    """
    return utility_at_price(base_utility, alpha, price) - switching_cost * switches


def unga_leaning(ideal_point, ideal_point_us, ideal_point_cn):
    """A country's geopolitical leaning from its UN General Assembly voting (1).

        leaning = clip((|x - x_US| - |x - x_CN|) / |x_US - x_CN|, -1, 1)

    with x the country's UNGA ideal point (Bailey, Strezhnev and Voeten 2017: one dimension
    estimated from all recorded votes) and x_US, x_CN those of the United States and
    China. The leaning is the country's distance to the US minus its distance to China,
    in units of the US-China distance: -1 at the US's position, +1 at China's, linear in
    between (where it equals 2 (x - x_US) / (x_CN - x_US) - 1), and -1 or +1 beyond a
    pole (a country that votes further from the US than China does leans fully to China).
    A country closer to China in its votes leans more to China.

    Args:
        ideal_point: x, the country's ideal point (ideal-point units), scalar or array.
        ideal_point_us, ideal_point_cn: x_US and x_CN (ideal-point units), distinct.
    """
    span = abs(ideal_point_us - ideal_point_cn)
    if not span > 0:
        raise ValueError("the US and China ideal points must differ, got "
                         f"{ideal_point_us!r} and {ideal_point_cn!r}")
    x = np.asarray(ideal_point, dtype=float)
    return np.clip((np.abs(x - ideal_point_us) - np.abs(x - ideal_point_cn)) / span, -1.0, 1.0)


def price_sensitivity(alpha, reference_income, income, income_elasticity):
    """A nation's buyer's price sensitivity at its income (utils per log-USD).

        a = alpha * (Y_ref / y) ** eta

    Poorer buyers are more price sensitive: alpha at the reference income Y_ref, eta the
    elasticity of price sensitivity to income (1). Incomes y and Y_ref in USD per person
    per year; y may be one income per country (K,) or per income type (K, n).
    """
    return alpha * (reference_income / np.asarray(income, dtype=float)) ** income_elasticity


def mix_over_types(mix, shares_by_type):
    """A country's choice shares: its income types' shares, weighted by its users' mix (1).

        s_j = sum_i m_i s_ij

    Args:
        mix: m_i, the share of the country's users of income type i (sums to one over
            types), (n,) for one country or (K, n).
        shares_by_type: s_ij, each type's choice shares, (n, J) or (K, n, J).
    """
    return (np.asarray(mix)[..., None] * shares_by_type).sum(axis=-2)


def nation_base_utility(capability, appeal, leaning_sign, is_api, leaning,
                        quality_weight, geo_weight, self_host_penalty):
    """A country's utility for an offering without the price term (utils).

        v = b q + xi + w * leaning * s(bloc) - penalty * 1[self-hosted]

    Args:
        capability: q (OOM); appeal: xi (utils).
        leaning_sign: s, the sign of the offering's bloc on the leaning axis
            (:data:`LEANING_SIGN`: China +1, the US -1, others 0).
        is_api: whether the offering is an API (bool).
        leaning: the country's leaning, -1 (US) to +1 (China).
        quality_weight: b (utils per OOM); geo_weight: w (utils per unit of leaning);
        self_host_penalty: the cost of running a model nationally (utils).
    """
    geo = geo_weight * leaning * leaning_sign
    penalty = self_host_penalty * ~np.asarray(is_api, dtype=bool)
    return quality_weight * capability + appeal + geo - penalty


def device_utility(capability, appeal, active_params_b, is_api, home, quality_weight,
                   efficiency_weight, cloud_penalty, home_bias, alpha=None, price=None):
    """A device maker's utility for an offering (utils).

        u = b q + xi - a ln P - w ln N_active - c 1[cloud API] + h 1[home bloc]

    Args:
        capability: q (OOM); appeal: xi (utils).
        active_params_b: N_active, the model's active parameters (billions).
        is_api: whether it is a cloud API (bool); home: whether it is from the maker's bloc.
        quality_weight: b (utils per OOM); efficiency_weight: w (utils per log-billion);
        cloud_penalty: c (utils); home_bias: h (utils).
        alpha, price: a (utils per log-USD) and P (USD per million tokens); without a
            price the term is left out (the pricing panel adds it at each trial price).
    """
    utility = quality_weight * capability + appeal
    if price is not None:
        utility = utility - alpha * np.log(price)
    return (utility - efficiency_weight * np.log(active_params_b) - cloud_penalty * is_api
            + home_bias * home)


def adjust_shares(shares, target, available, rate, outside=False):
    """Shares of use after a month of partial adjustment towards the target (1).

        s' = (1 - r) s + r s*,   zero where unavailable, then renormalised to sum to one

    With an ``outside`` option the shares sum to one less the outside share, which adjusts
    alike, s0' = (1 - r)(1 - sum s) + r (1 - sum s*), and enters the renormalisation
    (a withdrawn offering's share goes to the others and to not buying, pro rata).

    Habits and contracts change slowly: a buyer that splits its use among offerings moves
    only a share r (per month) of the way to the choice rule's shares s*. Works on one
    buyer's row (J,) or on many (n, J), along the last axis. Without shares yet (None),
    or when nothing it used is still available, the buyer takes the target.
    """
    if shares is None:
        return np.array(target, dtype=float)
    adjusted = np.where(available, (1.0 - rate) * shares + rate * target, 0.0)
    total = adjusted.sum(axis=-1, keepdims=True)
    if outside:
        total = total + ((1.0 - rate) * (1.0 - np.sum(shares, axis=-1, keepdims=True))
                         + rate * (1.0 - np.sum(target, axis=-1, keepdims=True)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, adjusted / total, target)


def cost_per_user(shares, use, price, tokens_per_user):
    """What a country's AI user spends a month at its shares of use (USD per month).

        cost = tau * sum_j s_j x_j P_j

    with tau the tokens per user at the reference price (million tokens per month), s the
    shares of use, x the use per unit of demand (:func:`token_volume` with X = 1) and P
    the prices paid (USD per million tokens); offerings it does not use, or buys no
    tokens of (x = 0, as at an infinite price), are skipped.
    """
    bought = (np.asarray(shares) > 0) & (np.asarray(use) > 0)
    with np.errstate(invalid="ignore"):  # 0 * inf where nothing is bought: skipped
        return tokens_per_user * np.where(bought, shares * use * price, 0.0).sum(axis=-1)
