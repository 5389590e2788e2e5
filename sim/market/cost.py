"""Serving cost of tokens: mixture-of-experts, chips and energy.

A forward pass costs about two FLOP per active parameter per token, so serving
follows the *active* parameters of a mixture-of-experts model (37B of DeepSeek-V3's
671B), not its total. The time a chip needs for a million tokens, times what the chip
costs per second (rental plus electricity), is the marginal cost.
"""

from __future__ import annotations

import numpy as np

FLOP_PER_PARAM_PER_TOKEN = 2.0


def chip_cost_per_second(rental_usd_per_hour, power_kw, pue, energy_usd_per_kwh,
                         energy_subsidy=0.0):
    """Cost of running one chip for one second, in USD per second.

        c = rental / 3600 + power_kw * pue * energy_price * (1 - subsidy) / 3600

    Args:
        rental_usd_per_hour: cloud rental of the chip without energy (USD per chip-hour).
        power_kw: power drawn by the chip and its share of the server (kW).
        pue: power usage effectiveness of the data centre (1).
        energy_usd_per_kwh: electricity price (USD per kWh).
        energy_subsidy: share of the power bill paid by a government (1).
    """
    energy = power_kw * pue * energy_usd_per_kwh * (1.0 - energy_subsidy)
    return (rental_usd_per_hour + energy) / 3600.0


def cost_per_flop(chip_cost_usd_per_s, tflops, utilisation, efficiency=1.0):
    """Cost of one delivered FLOP on a chip, in USD per FLOP.

        c_flop = c_chip / (tflops * 1e12 * utilisation * efficiency)

    ``efficiency`` below one is the supercluster penalty of many weaker chips.
    """
    return chip_cost_usd_per_s / (tflops * 1e12 * utilisation * efficiency)


def serving_cost_per_mtok(active_params_b, usd_per_flop):
    """Marginal cost of serving a million tokens, in USD per million tokens.

        mc = 2 * N_active * 1e6 * c_flop

    Args:
        active_params_b: parameters active per token, in billions (37 for DeepSeek-V3).
        usd_per_flop: cost of a delivered FLOP on the serving fleet (USD per FLOP).

    Example: 37B active on an H100 (989 TFLOP/s) at 35% utilisation and $2 per hour gives
    2 * 37e9 * 1e6 / (989e12 * 0.35) s = 214 s, or about $0.12 per million tokens.
    """
    return FLOP_PER_PARAM_PER_TOKEN * np.asarray(active_params_b) * 1e9 * 1e6 * usd_per_flop


def fleet_cost_per_flop(flops_advanced, flops_domestic, usd_per_flop_advanced,
                        usd_per_flop_domestic):
    """Cost of a FLOP on a mixed fleet: each chip kind weighted by the FLOP it delivers.

        c = (F_a c_a + F_d c_d) / (F_a + F_d)

    A fleet with no chips at all serves on advanced chips rented in the cloud.
    """
    flops_advanced = np.asarray(flops_advanced, dtype=float)
    flops_domestic = np.asarray(flops_domestic, dtype=float)
    total = flops_advanced + flops_domestic
    with np.errstate(invalid="ignore", divide="ignore"):
        mixed = (flops_advanced * usd_per_flop_advanced
                 + flops_domestic * usd_per_flop_domestic) / total
    return np.where(total > 0, mixed, usd_per_flop_advanced)


def surge_multiplier(utilisation, surge_cost):
    """Cost multiplier when demand exceeds a lab's serving capacity (1).

        m = 1 + surge_cost * max(0, utilisation - 1)

    Beyond capacity a lab rents chips at short notice; the cost rises with the overload.
    """
    return 1.0 + surge_cost * np.maximum(0.0, np.asarray(utilisation, dtype=float) - 1.0)


def hardware_factor(month: int, reference_month: int, decline_per_year: float) -> float:
    """Cost of a FLOP in ``month`` relative to the reference month (1): chips get better.

        f(t) = (1 - d) ** ((t - t_ref) / 12)

    Args:
        month, reference_month: month numbers (:mod:`sim.core.calendar`).
        decline_per_year: yearly fall in the cost of a FLOP, d (1 per year).
    """
    return (1.0 - decline_per_year) ** ((month - reference_month) / 12.0)


def compliance_cost_usd(tokens_by_bloc: np.ndarray, cost_by_bloc: np.ndarray) -> np.ndarray:
    """Compliance cost of each vendor this month, (V,) (USD).

        C_v = sum_b c_b * x_bv,    c_b the cost per million tokens sold to buyers of bloc b

    Args:
        tokens_by_bloc: million tokens each bloc's buyers took from each vendor's API, (B, V).
        cost_by_bloc: compliance cost per million tokens in each bloc, (B,) (USD); only
            blocs with a positive cost are added, in bloc order.
    """
    total = np.zeros(tokens_by_bloc.shape[1])
    for b in np.flatnonzero(np.asarray(cost_by_bloc) > 0):
        total += cost_by_bloc[b] * tokens_by_bloc[b]
    return total


#: The least share of its cost the pricing rule sees under a per-token subsidy (1): a
#: millionth, the floor of a price event's factor, for the same reason (log-price
#: utilities and markups leave the float range towards a zero cost).
MIN_COST_SHARE = 1e-6


def cost_net_of_token_subsidy(cost_usd_per_mtok, subsidy_usd_per_mtok):
    """Marginal cost a lab bears per million tokens when its state pays an amount per token
    sold (USD per million tokens); a negative amount is a tax.

        c' = max(c - s, 1e-6 c)

    A subsidy at or above the cost would make selling free or paid for; the pricing rules
    price over a positive cost, so they see at least a millionth of it
    (:data:`MIN_COST_SHARE`). The books still receive the whole ``s`` per token.
    """
    cost = np.asarray(cost_usd_per_mtok, dtype=float)
    return np.maximum(cost - subsidy_usd_per_mtok, MIN_COST_SHARE * cost)
