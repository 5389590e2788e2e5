"""Market outcomes: pricing power, concentration, soft power, consumer surplus, gaps."""

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


def consumer_surplus(base_volume, price_index, reference_price, elasticity):
    """Surplus of buyers relative to paying the reference price (USD per month).

        CS = integral from P~ to P_ref of X (x / P_ref) ** -e dx
           = X P_ref^e (P_ref^(1-e) - P~^(1-e)) / (1 - e)       (X P_ref ln(P_ref / P~) at e = 1)

    the area under each buyer's constant-elasticity demand between its quality-adjusted
    price and the reference price.
    """
    x = np.asarray(base_volume, dtype=float)
    p = np.asarray(price_index, dtype=float)
    if abs(elasticity - 1.0) < 1e-12:
        return x * reference_price * np.log(reference_price / p)
    return (x * reference_price ** elasticity
            * (reference_price ** (1 - elasticity) - p ** (1 - elasticity)) / (1 - elasticity))
