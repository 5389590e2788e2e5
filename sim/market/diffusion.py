"""Adoption over time in developing nations: Bass diffusion into an affordable market.

The share A of a country's population that uses AI grows as (Bass 1969)

    dA = (p + q * A / m) * (m - A)      per month

towards a potential m = internet share * affordability. Affordability falls with the
monthly cost of AI for a user relative to what a user can spend:

    affordability = 1 / (1 + (cost / budget) ** s),  budget = share * GDP per capita / 12

so cheaper tokens widen the market (the low-cost 'Android' route) and richer countries
adopt more.
"""

from __future__ import annotations

import numpy as np


def affordability(cost_per_user, gdp_per_capita, budget_share, steepness):
    """Share of the connected population that can afford AI at this cost (1).

    Args:
        cost_per_user: monthly cost of a user's tokens (USD per month).
        gdp_per_capita: income (USD per person per year).
        budget_share: share of income a person can spend on AI (1).
        steepness: how sharply affordability falls past the budget (1).
    """
    budget = budget_share * np.asarray(gdp_per_capita) / 12.0
    return 1.0 / (1.0 + (np.asarray(cost_per_user) / budget) ** steepness)


def bass_step(adopted, potential, p, q):
    """One month of Bass diffusion (share of population).

        A' = A + (p + q A / m) (m - A)      if A < m
        A' = m                               if A >= m (a shrinking market sheds users)
    """
    adopted = np.asarray(adopted, dtype=float)
    potential = np.asarray(potential, dtype=float)
    with np.errstate(over="ignore"):  # a vanishing potential: the share is capped below
        share = np.divide(adopted, potential,
                          out=np.zeros(np.broadcast(adopted, potential).shape),
                          where=potential > 0)
    imitation = q * np.minimum(share, 1.0)
    grown = adopted + (p + imitation) * (potential - adopted)
    return np.where(adopted < potential, np.minimum(grown, potential), potential)


def adoption_step(adopted, cost_per_user, internet, gdp_per_capita, p, q, budget_share,
                  steepness, initial_adoption):
    """One month of adoption: the affordable potential, then Bass diffusion towards it.

        m  = internet * affordability(cost, GDP per capita)
        A' = initial_adoption * m        in the first month (A not set yet: nan)
        A' = bass_step(A, m, p, q)       afterwards

    Args:
        adopted: A, share of the population using AI (1); nan before the first month.
        cost_per_user: what a user's tokens cost (USD per month).
        internet: share of the population online (1).
        gdp_per_capita: income (USD per person per year).
        p, q: Bass innovation and imitation coefficients (per month).
        budget_share, steepness: see :func:`affordability`.
        initial_adoption: share of the potential adopted when the run starts (1).

    Returns:
        (m, A'), the potential and the new adoption (shares of the population).
    """
    potential = internet * affordability(cost_per_user, gdp_per_capita, budget_share, steepness)
    if np.isnan(adopted).any():  # first month: start at a share of the potential
        return potential, initial_adoption * potential
    return potential, bass_step(adopted, potential, p, q)
