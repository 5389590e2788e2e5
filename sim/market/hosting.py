"""Third-party hosts of open weights: a competitive fringe (Together, Fireworks, DeepInfra...).

Anyone may serve an open model's weights, and dozens of inference clouds do; free entry
drives the hosted price of each open model to the hosts' cost of serving it plus a
margin that covers what a per-token cost leaves out (idle capacity, staff, the
engineering that lifts utilisation). The hosts take prices as given: they do not price
strategically, so their offering has one price per model, set by cost.
"""

from __future__ import annotations

import numpy as np


def fringe_price(serving_cost, fringe_margin):
    """Price of an open model's API on third-party hosts (USD per million tokens).

        p_h = c_h * (1 + m)

    Args:
        serving_cost: the hosts' cost of serving the model, c_h (USD per million tokens):
            :func:`sim.market.cost.serving_cost_per_mtok` at the hosts' cloud's FLOP cost.
        fringe_margin: the hosts' margin over that cost, m (1).
    """
    return np.asarray(serving_cost) * (1.0 + fringe_margin)


def hosted_split(price, serving_cost, tokens, licence_share):
    """Where the money buyers spend on hosted tokens goes (USD per month).

        spend = p_h x,   licence = s p_h x,   serving = c_h x,
        host margin = spend - licence - serving = (p_h (1 - s) - c_h) x

    so that ``spend = licence + serving + host margin`` (buyers' money is conserved).

    Args:
        price: the hosted price p_h (USD per million tokens).
        serving_cost: the hosts' serving cost c_h (USD per million tokens).
        tokens: hosted tokens x (million tokens per month).
        licence_share: share of the hosted revenue paid to the lab, s (1).

    Returns:
        (spend, licence, serving, host margin), each (USD per month).
    """
    price, cost, tokens = (np.asarray(a, dtype=float) for a in (price, serving_cost, tokens))
    spend = price * tokens
    licence = licence_share * spend
    serving = cost * tokens
    return spend, licence, serving, spend - licence - serving


def blended_price(input_price, output_price, input_share):
    """Price of a million tokens of a mix of input and output (USD per million tokens).

        p = s p_in + (1 - s) p_out

    Args:
        input_price, output_price: list prices of input and output tokens (USD per million).
        input_share: share of input tokens in the mix, s (1).
    """
    return input_share * np.asarray(input_price) + (1.0 - input_share) * np.asarray(output_price)


def margin_over_cost(price, serving_cost):
    """The margin a price makes over a serving cost, the inverse of :func:`fringe_price` (1).

        m = p / c - 1
    """
    return np.asarray(price) / np.asarray(serving_cost) - 1.0
