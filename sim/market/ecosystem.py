"""Ecosystems: the installed base of a model family and the network effect it gives.

A model *family* is a vendor's line of models (one family per vendor: a lab's successive
releases share developers, fine-tunes, tooling and device makers' integrations; a line with
a parent is a family of its own). Its *ecosystem stock* E_f accumulates with use and
depreciates (developers leave, tooling ages); buyers value a family by its share of all
stocks, the linear network effect of Katz and Shapiro (1985) and Farrell and Saloner
(1985): a buyer's utility of every offering of family f rises by nu e_f. With a logit
choice this makes shares self-reinforcing, and above a threshold of nu the market tips
(docs/MODEL.md 7.15).
"""

from __future__ import annotations

import numpy as np


def accumulate_stock(stock, tokens_api, tokens_self_hosted, depreciation: float,
                     derivative_rate: float):
    """Next month's ecosystem stock of each family (million tokens).

        E_f(t+1) = (1 - delta) E_f(t) + T_api,f(t) + (1 + d) T_self,f(t)

    Args:
        stock: E_f(t), the stock now (million tokens).
        tokens_api: T_api,f(t), tokens sold through the family's API this month (million
            tokens per month; any buyer: firms, nations, device makers).
        tokens_self_hosted: T_self,f(t), tokens run on buyers' own clouds with the family's
            open weights (million tokens per month; zero for a closed family, which has no
            self-hosting slot on sale).
        depreciation: delta, the share of the stock lost each month (1 per month).
        derivative_rate: d, fine-tuned derivatives of open bases: each self-hosted token
            counts 1 + d times (1; 0: no derivatives).
    """
    return ((1.0 - depreciation) * np.asarray(stock, dtype=float) + tokens_api
            + (1.0 + derivative_rate) * np.asarray(tokens_self_hosted, dtype=float))


def stock_shares(stock) -> np.ndarray:
    """Each family's share of all ecosystem stocks, e_f = E_f / sum_g E_g (1); zeros while
    there is no stock at all (before the first month of use)."""
    stock = np.asarray(stock, dtype=float)
    total = stock.sum()
    return stock / total if total > 0 else np.zeros_like(stock)


def network_utility(shares, weight: float) -> np.ndarray:
    """The network term of a family's offerings, nu g(e_f) with g(e) = e (utils).

    Linear in the share: the value of joining a family grows with the others using it
    (Katz and Shapiro 1985), bounded by nu when one family holds every stock.

    Args:
        shares: e_f, stock shares (1).
        weight: nu, the utility of holding every stock (utils; 0: no network effect).
    """
    return weight * np.asarray(shares, dtype=float)


def two_family_share(share, weight: float, advantage: float = 0.0):
    """The logit share of family 1 against family 2 when buyers see stock shares ``share``
    and 1 - ``share`` (the share map of a symmetric two-family market) (1).

        s' = 1 / (1 + exp(-(nu (2 s - 1) + Delta)))

    from u_1 - u_2 = nu s - nu (1 - s) + Delta. Its fixed points are the steady states of
    the stock dynamics (where E_f / sum E equals the share of use). At Delta = 0 the
    symmetric point s = 1/2 is one; the map's slope there is 2 nu s (1 - s) = nu / 2, so it
    is stable for nu < 2 (the only fixed point) and unstable above, where two stable ones
    appear near 0 and 1: the market tips.

    Args:
        share: s, family 1's stock share (1).
        weight: nu, the network weight (utils).
        advantage: Delta, family 1's utility advantage over family 2 besides the network
            (utils).
    """
    return 1.0 / (1.0 + np.exp(-(weight * (2.0 * np.asarray(share, dtype=float) - 1.0)
                                 + advantage)))
