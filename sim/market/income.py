"""Income within a country: a log-normal distribution, integrated over a few income types.

A country's people differ in income. Income y is log-normal with mean Y (GDP per capita)
and log-spread sigma,

    ln y ~ N(ln Y - sigma^2 / 2, sigma^2),      so that E[y] = Y,

and sigma follows from the country's Gini index G, since a log-normal's Gini is
G = 2 Phi(sigma / sqrt 2) - 1 (Aitchison and Brown 1957):

    sigma = sqrt(2) Phi^-1((1 + G) / 2).

Anything that depends on income (price sensitivity, what a person can afford) is averaged
over the distribution by Gauss-Hermite quadrature with n nodes:

    E[f(y)] ~ sum_i w_i f(y_i),      y_i = Y exp(sigma z_i - sigma^2 / 2),

with z_i, w_i the nodes and weights of the probabilists' Gauss-Hermite rule (weight
function exp(-z^2 / 2), weights normalised to sum to one). Each node is an *income type*:
a share w_i of the population with income y_i. The rule is exact for polynomials in z of
degree 2n - 1; for the mean income E[y] = Y its relative error is 3e-8 with 5 nodes at
sigma = 0.5 (a Gini of 0.28) and 3e-5 at sigma = 1 (a Gini of 0.52, about the highest in
the country table), 4e-8 with 7 nodes.

Units: incomes in USD per person per year; sigma and the weights are pure numbers.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def lognormal_sigma(gini):
    """Log-spread of the log-normal income distribution with this Gini index (1).

        sigma = sqrt(2) Phi^-1((1 + G) / 2)

    Args:
        gini: G, the Gini index as a fraction, in [0, 1) (the World Bank's index / 100).
    """
    g = np.asarray(gini, dtype=float)
    if np.any((g < 0) | (g >= 1)):
        raise ValueError(f"a Gini index must lie in [0, 1) as a fraction, got {gini!r}")
    inverse = np.vectorize(NormalDist().inv_cdf, otypes=[float])
    return math.sqrt(2.0) * inverse((1.0 + g) / 2.0)


def quadrature(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z_i and weights w_i of the n-point rule for E[f(Z)], Z standard normal.

        E[f(Z)] ~ sum_i w_i f(z_i),      sum_i w_i = 1

    (the probabilists' Gauss-Hermite rule, its weights divided by sqrt(2 pi)).
    """
    if n < 1:
        raise ValueError(f"a quadrature needs at least one node, got {n}")
    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / math.sqrt(2.0 * math.pi)


def income_types(mean_income, sigma, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The income of each of n income types, and each type's share of the population.

        y_i = Y exp(sigma z_i - sigma^2 / 2),      shares w_i (sum to one)

    Args:
        mean_income: Y, mean income (USD per person per year), a scalar or (K,).
        sigma: log-spread (1), broadcastable with ``mean_income``.
        n: number of income types (quadrature nodes).

    Returns:
        (y, w): incomes of shape ``mean_income.shape + (n,)`` and weights (n,).
    """
    z, w = quadrature(n)
    mean = np.asarray(mean_income, dtype=float)[..., None]
    s = np.asarray(sigma, dtype=float)[..., None]
    return mean * np.exp(s * z - s ** 2 / 2.0), w
