"""Prices by buyer bloc: third-degree price discrimination, its arbitrage limit, dumping as
trade law measures it, and anti-dumping duties.

A vendor may price each buyer bloc b's tokens differently, p_b; resale and VPN access
let buyers of a dear bloc buy at a cheap bloc's price, so the export prices stay within a
band around the home price (:func:`arbitrage_clip`). Trade law calls an export price below
the home price *and* below cost dumping (:func:`export_price_gap`, :func:`trade_dumping`);
an importing bloc's government may levy a duty on the tokens its buyers buy from a bloc's
labs (:func:`duty_inclusive_price`, :func:`duty_revenue`).
"""

from __future__ import annotations

import numpy as np


def arbitrage_clip(prices, home_price, band: float):
    """Per-bloc prices held within the arbitrage band around the home price (USD per Mtok).

        p_b' = min(max(p_b, (1 - band) p_home), (1 + band) p_home)

    so that |p_b' / p_home - 1| <= band: band 0 is one price for every bloc.

    Args:
        prices: the prices the vendor would set for each buyer bloc, p_b (USD per Mtok).
        home_price: its price to its own bloc's buyers, p_home (USD per Mtok).
        band: the arbitrage band (1, >= 0).
    """
    home = np.asarray(home_price, dtype=float)
    return np.minimum(np.maximum(np.asarray(prices, dtype=float), (1.0 - band) * home),
                      (1.0 + band) * home)


def export_price_gap(price, home_price):
    """The export price over the home price, less one (1): negative is a dumping margin.

        g_b = p_b / p_home - 1
    """
    return np.asarray(price, dtype=float) / np.asarray(home_price, dtype=float) - 1.0


def trade_dumping(price, home_price, cost):
    """Dumping as trade law measures it: the export price is below the home price and
    below the cost of production (flag).

        dumping_b = p_b < p_home  and  p_b < c

    Args:
        price: the export price p_b (USD per Mtok).
        home_price: the home price p_home (USD per Mtok).
        cost: the cost of production, before any per-token subsidy, c (USD per Mtok).
    """
    price = np.asarray(price, dtype=float)
    return (price < np.asarray(home_price, dtype=float)) & (price < np.asarray(cost, dtype=float))


def duty_inclusive_price(price, duty):
    """What an importing bloc's buyer pays for a token that bears a duty (USD per Mtok).

        P = p_b (1 + d)

    with p_b the vendor's price to that bloc and d the duty (1, >= 0); d = 0 leaves the
    price exactly as it is.
    """
    return np.asarray(price, dtype=float) * (1.0 + np.asarray(duty, dtype=float))


def duty_revenue(duty, price, tokens) -> float:
    """What an importing government collects in a month (USD per month).

        R = sum_j d_j p_j x_j

    Args:
        duty: the duty on each offering, d_j (1).
        price: the vendor's price to the bloc's buyers, p_j (USD per Mtok).
        tokens: the tokens the bloc's buyers bought, x_j (million tokens per month).
    """
    return float(np.sum(np.asarray(duty) * np.nan_to_num(np.asarray(price, dtype=float))
                        * np.asarray(tokens)))
