"""Chips, export limits and domestic superclusters.

A lab spends its chip budget on advanced chips where it may, and on domestic chips
where its bloc makes them. An export limit caps the share of a restricted bloc's
demand for advanced chips that it can fill; the rest of its budget goes to domestic
chips, which deliver fewer FLOP per chip, draw more power per FLOP, lose some
efficiency when many of them are clustered (the supercluster answer), and can be had
only as fast as the bloc's fabs make them (SMIC's 7 nm output limits Ascend volumes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChipPurchase:
    """Chips a lab buys in one month."""

    advanced: float  #: advanced chips bought (chips)
    domestic: float  #: domestic chips bought (chips)
    spent_usd: float  #: what the lab paid (USD), subsidy excluded
    subsidy_usd: float  #: what its government paid (USD)

    def rationed(self, domestic_share: float) -> ChipPurchase:
        """The purchase when only ``domestic_share`` of the domestic chips can be had.

        The lab pays for what it gets; the rest of its domestic budget stays unspent.
        """
        if self.domestic == 0 or domestic_share >= 1.0:
            return self
        total = self.advanced + self.domestic
        paid_domestic = self.spent_usd * self.domestic / total if total else 0.0
        subsidy_domestic = self.subsidy_usd * self.domestic / total if total else 0.0
        cut = 1.0 - domestic_share
        return ChipPurchase(self.advanced, self.domestic * domestic_share,
                            self.spent_usd - paid_domestic * cut,
                            self.subsidy_usd - subsidy_domestic * cut)


def buy_chips(budget_usd: float, price_advanced: float, price_domestic: float,
              export_level: float, domestic_available: bool, domestic_preference: float,
              compute_subsidy: float = 0.0) -> ChipPurchase:
    """Split a month's chip budget between advanced and domestic chips.

        spend_adv = budget * (1 - pref) * level
        spend_dom = budget - spend_adv          if the bloc makes domestic chips, else 0
        chips_k   = spend_k / (price_k * (1 - subsidy))

    Args:
        budget_usd: the lab's own money for chips this month (USD).
        price_advanced, price_domestic: purchase prices per chip (USD).
        export_level: share of its advanced-chip demand it may fill (1: no limit, 0: none).
        domestic_available: whether its bloc makes domestic accelerators.
        domestic_preference: share of the budget it would spend on domestic chips anyway.
        compute_subsidy: share of the purchase price its government pays (1).

    Budget that can buy nothing (advanced chips barred, no domestic ones) is not spent.
    Domestic chips are bought at equal cost per chip here; how many can be had is
    limited by the bloc's production (:func:`ration`).
    """
    if not domestic_available:
        domestic_preference = 0.0
    spend_adv = budget_usd * (1.0 - domestic_preference) * export_level
    spend_dom = budget_usd - spend_adv if domestic_available else 0.0
    scale = 1.0 / (1.0 - compute_subsidy)
    subsidy = (spend_adv + spend_dom) * (scale - 1.0)
    return ChipPurchase(
        advanced=spend_adv * scale / price_advanced,
        domestic=spend_dom * scale / price_domestic,
        spent_usd=spend_adv + spend_dom,
        subsidy_usd=subsidy,
    )


def ration(wanted: float, supply: float) -> float:
    """Share of the wanted domestic chips that production can deliver: ``min(1, S / W)``."""
    return 1.0 if wanted <= supply else supply / wanted


def effective_flops(chips, tflops, efficiency=1.0):
    """Delivered peak throughput of a set of chips, in FLOP/s: ``chips * tflops * 1e12 * eff``."""
    return chips * tflops * 1e12 * efficiency


def serving_capacity_mtok(flops, active_params_b, utilisation, seconds):
    """Million tokens a fleet can serve in ``seconds`` (million tokens).

        capacity = flops * utilisation * seconds / (2 * N_active * 1e6)
    """
    return flops * utilisation * seconds / (2.0 * active_params_b * 1e9 * 1e6)


def domestic_supply(month: int, reference_month: int, kchips_per_month: float,
                    growth_per_year: float) -> float:
    """Domestic chips a bloc's fabs make in ``month`` (chips per month).

        S(t) = S_ref * 1e3 * g ** ((t - t_ref) / 12)

    Args:
        month, reference_month: month numbers (:mod:`sim.core.calendar`).
        kchips_per_month: production at the reference month, S_ref (thousand chips per month).
        growth_per_year: yearly growth factor of production, g (1).
    """
    years = (month - reference_month) / 12.0
    return kchips_per_month * 1e3 * growth_per_year ** years
