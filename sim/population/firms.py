"""Firms (startups and enterprises) choosing providers, vectorized over all firms.

This is the fast engine. Its formulas are the functions of :mod:`sim.market.buyers`,
called on all firms at once. The rule it implements, line by line for one firm, is
:class:`sim.agents.startup.Startup` (the executable specification); tests check that
both give the same choices, shares and prices.

Each month a firm reviews its provider with probability ``review_probability`` (always
when its provider is gone, or it was harmed by its provider's entry into its vertical).
A reviewing firm draws a provider from the choice rule's probabilities over

    u_ij = b_i q_j + xi_j - a_i ln P_ij - g_i r_j + A(bloc_i, j) - k 1[j != current_i]

    P_ij = p_j                                         for an API
    P_ij = c_bj * overhead + F / X_i(t)                for self-hosting model j in bloc b
    g_i  = privacy_weight * privacy_i * (1 + alarm)
    b_i  = quality_weight * (a log-normal draw of mean 1); xi_j the vendor's appeal
    A    = affinity[buyer bloc][model bloc], times self_host_trust for self-hosting

or, where its segment has an outside option, does not buy (u_i0,
:func:`sim.market.buyers.outside_utility`; it keeps that choice until its next review).
A buyer then uses x_i = X_i(t) (P_i / P_ref) ** -e tokens at the price of its provider,
with X_i(t) = X_i G(t) its base volume grown with the frontier
(:func:`sim.market.buyers.volume_growth`): the self-hosting fixed cost F is spread over the
firm's own volume, which grows only as far as capability makes new uses worth running.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.constants import BLOCS
from sim.market import buyers
from sim.market.demand import sample_choices
from sim.population.segment import OUTSIDE, SegmentDemand, segment_outside
from sim.rules.choice import ChoiceProblem, checked_probabilities


@dataclass
class FirmMonth:
    """The month's inputs for a firm segment's choice, shared by both engines."""

    capability: np.ndarray  #: (J,) OOM
    appeal: np.ndarray  #: (J,) utils
    price: np.ndarray  #: what each buyer bloc pays for each API, duty included, (B, J), nan
    #: for self-hosting (:attr:`sim.model.menu.Menu.price_paid`; a firm reads its bloc's row)
    self_cost: np.ndarray  #: self-hosting cost by bloc, (B, J)
    risk: np.ndarray  #: (J,)
    affinity: np.ndarray  #: trust of each buyer bloc in each slot, (B, J), utils
    slot_bloc: np.ndarray  #: (J,)
    is_api: np.ndarray  #: (J,)
    nest: np.ndarray  #: (J,)
    available: np.ndarray  #: by buyer bloc, (B, J)
    growth: float  #: growth of token demand with the frontier (1)
    frontier: float  #: the most capable model on sale (OOM)
    alarm: float  #: weight on autonomy added by vertical entries (1)
    u_review: np.ndarray  #: (n,) uniforms
    u_choice: np.ndarray  #: (n,) uniforms


def draw_privacy(mean: float, concentration: float, n: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Privacy concern of ``n`` firms: Beta(mean k, (1 - mean) k), with k the concentration.

    At a mean of exactly 0 or 1 one of the beta's parameters is 0, which numpy refuses; the
    distribution is then the point mass at the mean (its limit as the mean reaches the
    bound), so every firm gets that concern. So it is when a parameter rounds to 0 (a mean
    of 5e-324 times a concentration below 1: found by tests/test_fuzz.py). The stream still
    draws ``n`` values, so that the draws after it do not depend on whether the mean sits
    on a bound.
    """
    a, b = mean * concentration, (1 - mean) * concentration
    if a > 0.0 and b > 0.0:
        return rng.beta(a, b, size=n)
    rng.random(n)
    return np.full(n, float(mean))


def draw_firms(cfg, n_slots: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the firms of a segment: bloc, vertical, size, price sensitivity, privacy."""
    n = cfg.n
    probs = np.array([cfg.bloc_shares.get(b, 0.0) for b in BLOCS])
    bloc = rng.choice(len(BLOCS), size=n, p=probs / probs.sum())
    vertical = rng.integers(0, cfg.n_verticals, size=n)
    volume = cfg.volume_median_mtok * np.exp(cfg.volume_sigma * rng.standard_normal(n))
    # a shifted log-normal of mean alpha: no firm below alpha_min
    alpha = cfg.alpha_min + (cfg.alpha - cfg.alpha_min) * np.exp(
        cfg.alpha_sigma * rng.standard_normal(n) - cfg.alpha_sigma ** 2 / 2)
    quality = np.exp(cfg.quality_sigma * rng.standard_normal(n) - cfg.quality_sigma ** 2 / 2)
    privacy = draw_privacy(cfg.privacy_mean, cfg.privacy_concentration, n, rng)
    return {"bloc": bloc, "vertical": vertical, "volume": volume, "alpha": alpha,
            "privacy": privacy, "quality": quality}


class FirmPopulation:
    """All firms of one segment as numpy arrays (the vectorized engine)."""

    def __init__(self, segment: str, cfg, demand, initial: dict[str, np.ndarray],
                 choice_rule, rule_name: str) -> None:
        self.segment, self.cfg, self.demand = segment, cfg, demand
        self.choice_rule, self.rule_name = choice_rule, rule_name
        self.bloc = initial["bloc"]
        self.vertical = initial["vertical"]
        self.base_volume = initial["volume"]
        self.alpha = initial["alpha"]
        self.quality = initial["quality"]
        self.privacy = initial["privacy"].copy()
        n = cfg.n
        self.current = np.full(n, -1)
        self.loss = np.ones(n)  # share of business kept after harm
        self.must_review = np.zeros(n, dtype=bool)
        self.harmed_total = 0

    @property
    def n(self) -> int:
        return self.cfg.n

    @property
    def weight(self) -> float:
        """Real firms each simulated firm stands for (``represents / n``)."""
        return self.cfg.represents / self.cfg.n

    def volume(self, growth: float) -> np.ndarray:
        """Token demand at the reference price, X_i(t) (million tokens per month)."""
        return self.base_volume * growth * self.loss

    def prices(self, month: FirmMonth, rows=slice(None)) -> np.ndarray:
        """Price each firm would pay for each slot, P_ij (USD per million tokens)."""
        bloc = self.bloc[rows]
        return buyers.firm_price_paid(month.price[bloc], month.self_cost[bloc],
                                      month.is_api[None, :], self.cfg.self_host_overhead,
                                      self.cfg.self_host_fixed_usd_per_month,
                                      self.volume(month.growth)[rows, None])

    def outside(self, month: FirmMonth, rows=slice(None)) -> np.ndarray | None:
        """The firms' utility of not buying, (n,) (utils); None without an outside option."""
        return segment_outside(self.demand, self.segment,
                               self.demand.quality_weight * self.quality[rows], month.frontier)

    def base_utility(self, month: FirmMonth, rows=slice(None)) -> np.ndarray:
        """Utility without the price and switching terms, (n, J) (utils)."""
        d = self.demand
        return buyers.firm_base_utility(
            self.quality[rows, None], self.privacy[rows, None], month.capability[None, :],
            month.appeal[None, :], month.risk[None, :], month.affinity[self.bloc[rows]],
            d.quality_weight, d.privacy_weight, month.alarm)

    def choose(self, month: FirmMonth) -> SegmentDemand:
        """Review, choose and buy for all firms at once."""
        n_slots = month.is_api.size
        volume = self.volume(month.growth)
        has_provider = self.current >= 0
        current_ok = ((has_provider & month.available[self.bloc, np.maximum(self.current, 0)])
                      | (self.current == OUTSIDE))
        review = ((month.u_review < self.cfg.review_probability) | ~current_ok
                  | self.must_review)
        rows = np.flatnonzero(review)
        if rows.size:
            available = month.available[self.bloc[rows]]
            price = self.prices(month, rows)
            switches = np.arange(n_slots)[None, :] != self.current[rows, None]
            utility = buyers.firm_utility(self.base_utility(month, rows), self.alpha[rows, None],
                                          price, self.cfg.switching_cost, switches)
            outside = self.outside(month, rows)
            problem = ChoiceProblem(utility, available, price, month.capability,
                                    month.nest, self.demand.nest_lambda,
                                    self.demand.adequacy_gap_oom, outside)
            probabilities = checked_probabilities(self.choice_rule(problem), problem,
                                                  self.rule_name)
            chosen = sample_choices(probabilities, month.u_choice[rows], outside is not None)
            chosen = np.where(chosen < 0, OUTSIDE, chosen)
            self.current[rows] = np.where(available.any(axis=1), chosen, -1)
        self.must_review[:] = False
        return self.buy(month, volume)

    def buy(self, month: FirmMonth, volume: np.ndarray) -> SegmentDemand:
        """Tokens and spend of every firm at its provider's price, summed by slot (each
        firm counted ``represents / n`` times; buyers counted once)."""
        n_slots = month.is_api.size
        served = self.current >= 0
        slot = self.current[served]
        bloc = self.bloc[served]
        api = month.is_api[slot]
        price = buyers.firm_price_paid(month.price[bloc, slot], month.self_cost[bloc, slot], api,
                                       self.cfg.self_host_overhead,
                                       self.cfg.self_host_fixed_usd_per_month,
                                       volume[served])
        tokens = buyers.token_volume(volume[served], price, self.demand.reference_price_usd,
                                     self.demand.price_elasticity) * self.weight
        n_blocs = len(BLOCS)
        return SegmentDemand(
            tokens=np.bincount(slot, tokens, minlength=n_slots),
            spend=np.bincount(slot, tokens * price, minlength=n_slots),
            tokens_by_bloc=np.bincount(bloc * n_slots + slot, tokens,
                                       minlength=n_blocs * n_slots).reshape(n_blocs, n_slots),
            buyers=np.bincount(slot, minlength=n_slots).astype(float),
        )

    def vertical_tokens(self, slot: int, growth: float) -> np.ndarray:
        """Tokens that firms on ``slot`` use, by vertical (what the provider sees)."""
        on = self.current == slot
        return np.bincount(self.vertical[on], self.volume(growth)[on],
                           minlength=self.cfg.n_verticals)

    def harm(self, slot: int, vertical: int, loss: float, privacy_jump: float) -> int:
        """Firms of ``vertical`` on ``slot`` lose business to their provider; returns how many."""
        hit = (self.current == slot) & (self.vertical == vertical)
        self.loss[hit] *= 1.0 - loss
        self.privacy[hit] = np.minimum(1.0, self.privacy[hit] + privacy_jump)
        self.must_review |= hit
        count = int(hit.sum())
        self.harmed_total += count
        return count

    def shift_privacy(self, delta: float) -> None:
        """Move every firm's privacy concern by ``delta``, within [0, 1]."""
        self.privacy = np.clip(self.privacy + delta, 0.0, 1.0)

    def panel_rows(self, rows: np.ndarray, month: FirmMonth) -> dict[str, np.ndarray]:
        """The demand-panel entries of the sampled firms ``rows``."""
        volume = self.volume(month.growth)
        return {
            "base_utility": self.base_utility(month, rows),
            "alpha": self.alpha[rows],
            "own_price": self.prices(month, rows),
            "available": month.available[self.bloc[rows]],
            "volume": volume[rows],
            "quality": self.demand.quality_weight * self.quality[rows],
            "bloc": self.bloc[rows],
        }
