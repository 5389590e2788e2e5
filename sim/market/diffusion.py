"""Adoption over time in developing nations: Bass diffusion into an affordable market.

The share A of a country's population that uses AI grows as (Bass 1969)

    dA = (p + q * A / m) * (m - A)      per month

towards a potential m = internet share * affordability. Affordability falls with the
monthly cost of AI for a user relative to what a person can spend:

    affordability = 1 / (1 + (cost / budget) ** s),  budget = share * income / 12

so cheaper tokens widen the market (the low-cost 'Android' route) and richer countries
adopt more. A country's people differ in income (:mod:`sim.market.income`): the potential
is the population average of affordability over its income types, and the users are
spread over the types in proportion to each type's potential.
"""

from __future__ import annotations

import numpy as np


def affordability(cost_per_user, income, budget_share, steepness):
    """Share of the connected population that can afford AI at this cost (1).

    Args:
        cost_per_user: monthly cost of a user's tokens (USD per month).
        income: a person's income (USD per person per year).
        budget_share: share of income a person can spend on AI (1).
        steepness: how sharply affordability falls past the budget (1).
    """
    budget = budget_share * np.asarray(income, dtype=float) / 12.0
    cost = np.asarray(cost_per_user, dtype=float)
    cost, budget = np.broadcast_arrays(cost, budget)
    # A budget that underflows to zero affords nothing that costs something, and free
    # tokens are affordable on any budget (the limits of the ratio, not 0/0).
    with np.errstate(over="ignore"):
        ratio = np.divide(cost, budget, out=np.where(cost > 0, np.inf, 0.0),
                          where=budget > 0)
        return 1.0 / (1.0 + ratio ** steepness)


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


def potential_market(cost_per_user, internet, income, weight, budget_share, steepness):
    """The share of a country's people who could use AI, and its users' mix by income.

        m_i = internet * affordability(cost, y_i)      the potential within income type i
        m   = sum_i w_i m_i                              the country's potential
        u_i = w_i m_i / m                                the potential users' share of type i
                                                         (u_i = w_i where m = 0)

    Args:
        cost_per_user: what a user's tokens cost (USD per month), scalar or (K,).
        internet: share of the population online (1), like ``cost_per_user``.
        income: y_i, the income of each income type (USD per person per year), (n,) or
            (K, n) (:func:`sim.market.income.income_types`).
        weight: w_i, each type's share of the population, (n,), summing to one.
        budget_share, steepness: see :func:`affordability`.

    Returns:
        (m, u): the potential, shaped like ``cost_per_user``, and the mix, like ``income``.
    """
    cost = np.asarray(cost_per_user, dtype=float)[..., None]
    by_type = np.asarray(internet, dtype=float)[..., None] * affordability(
        cost, income, budget_share, steepness)
    weighted = weight * by_type
    potential = weighted.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mix = np.where(potential[..., None] > 0, weighted / potential[..., None],
                       np.broadcast_to(weight, weighted.shape))
    return potential, mix


def adoption_step(adopted, cost_per_user, internet, income, weight, p, q, budget_share,
                  steepness, initial_adoption):
    """One month of adoption: the affordable potential, then Bass diffusion towards it.

        m, u = potential_market(cost, internet, incomes, weights)
        A'   = initial_adoption * m        in the first month (A not set yet: nan)
        A'   = bass_step(A, m, p, q)       afterwards

    Args:
        adopted: A, share of the population using AI (1); nan before the first month.
        cost_per_user: what a user's tokens cost (USD per month).
        internet: share of the population online (1).
        income, weight: the income types' incomes (USD per person per year) and shares of
            the population (see :func:`potential_market`).
        p, q: Bass innovation and imitation coefficients (per month).
        budget_share, steepness: see :func:`affordability`.
        initial_adoption: share of the potential adopted when the run starts (1).

    Returns:
        (m, A', u), the potential and the new adoption (shares of the population) and
        the users' mix by income type (Bass diffusion fills each type in proportion to its
        potential).
    """
    potential, mix = potential_market(cost_per_user, internet, income, weight, budget_share,
                                      steepness)
    if np.isnan(adopted).any():  # first month: start at a share of the potential
        return potential, initial_adoption * potential, mix
    return potential, bass_step(adopted, potential, p, q), mix
