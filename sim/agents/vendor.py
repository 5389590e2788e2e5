"""A model vendor (a lab): buys chips, trains, releases models, prices tokens, sells them.

Each month, in the order the model calls them:

1. :meth:`Vendor.plan_chips` and :meth:`Vendor.receive_chips`: receive outside funding, pay
   fixed costs, and spend funding and reinvested revenue on chips, as far as its cash
   allows (:func:`sim.market.finance.chip_budget`), within its bloc's export limits and
   its fabs' output (:func:`sim.market.compute.buy_chips`, :func:`sim.market.compute.ration`).
2. :meth:`Vendor.train`: turn the chips not needed for serving into effective training
   compute; its knowledge grows with that compute and with spillovers
   (:mod:`sim.market.capability`).
3. :meth:`Vendor.maybe_release`: after the recorded history, the release rule decides
   whether the lab ships its knowledge as a new model, and the openness rule how open it is.
4. :meth:`Vendor.update_cost`: marginal cost of serving its model on its fleet
   (:mod:`sim.market.cost`).
5. :meth:`Vendor.set_price`: the pricing rule (:mod:`sim.market.pricing`), unless the
   price is held by the history or by a scenario's price event; a relative price event
   scales the rule's price by its factor.
6. :meth:`Vendor.settle`: book revenue, costs and any state support for selling below cost,
   and close the month's accounts (:mod:`sim.market.finance`).

Steps 5 and 6, the lab's conduct in the market, are in :mod:`sim.agents.vendor_market`.
"""

from __future__ import annotations

from collections import deque

import mesa
import numpy as np

from sim.agents.vendor_market import VendorMarket
from sim.core.constants import BLOCS, OPENNESS, SECONDS_PER_MONTH
from sim.market import capability as cap
from sim.market import compute, cost, finance
from sim.rules import RuleError


class Vendor(VendorMarket, mesa.Agent):
    """A lab with a current model on sale (once it has released one).

    Chips are counted in units of the configured chip models (H100- and 910C-equivalents):
    as hardware improves, a dollar buys more of them.

    Attributes:
        vid: vendor id (key of ``world.vendors``); ``index``: its API slot.
        bloc: home bloc.
        active: it has released a model and sells it.
        model_name, openness, capability, active_params_b, total_params_b: its current model.
        openness_gap: open minus closed payoff of its last openness choice (USD), nan while
            no rule has weighed one.
        entry_value: expected profit of entering its best vertical this month (USD), nan
            where no entry rule weighed one.
        knowledge: what it could release now (OOM of effective compute).
        chips_advanced, chips_domestic: its fleet (chips).
        price: API price (USD per million tokens, blended 3:1 input:output).
        marginal_cost: serving cost the lab bears (USD per million tokens), surge and
            compliance included, net of the energy subsidy and of a per-token subsidy
            (:func:`sim.market.cost.cost_net_of_token_subsidy`): what the pricing rule sees.
        cost_before_token: the same before the per-token subsidy (USD per million tokens).
        token_subsidy_per_mtok: what its state pays per million API tokens it sells (USD).
        held_until: month number until which the price is held (history or price event).
        price_factor, factor_until, factor_subsidised: a relative price event's factor on
            the rule's price (1), the last month it is in force, and whether the state pays
            the losses meanwhile.
        rule_price: the price on the rule's own path while a factor is in force (USD per
            million tokens; NaN: the posted price is the rule's).
        entries: verticals it has entered (raises the risk of its API).
        cash: money on hand (USD); a line with a parent books its flows on its parent's.
        funding, fixed_cost, chip_spend, chip_subsidy, revenue, serving_cost, energy_support,
            token_support, state_support, compliance_cost: the month's flows (USD), its own,
            whoever's cash they go to; ``serving_cost`` is net of the energy subsidy (not of
            the per-token one, ``token_support``), ``chip_spend`` of the compute subsidy,
            ``state_support`` is price support (:mod:`sim.market.finance`).
        support_received, cash_in, cash_out, operating_profit, profit: the month's totals (USD).
    """

    def __init__(self, model: mesa.Model, vid: str, index: int, cfg) -> None:
        super().__init__(model)
        self.vid, self.index, self.cfg = vid, index, cfg
        self.bloc = cfg.bloc
        self.parent: Vendor | None = None
        self.active = False
        self.model_name, self.openness = "", "closed"
        self.capability = 0.0
        self.active_params_b = self.total_params_b = 1.0
        self.release_month = -1
        # open minus closed payoff of its last openness choice (USD; nan: never weighed),
        # written by an openness rule that weighs payoffs (sim.rules.openness.profit)
        self.openness_gap = np.nan
        # expected profit of its best vertical entry this month (USD; nan: not weighed),
        # written by an entry rule that weighs profits (sim.rules.entry.profit)
        self.entry_value = np.nan
        self.knowledge = 0.0
        self.chips_advanced = cfg.initial_advanced_kchips * 1e3
        self.chips_domestic = cfg.initial_domestic_kchips * 1e3
        self.window: deque[float] = deque(maxlen=model.cfg.world.capability.training_window_months)
        self.own_capability = -np.inf  # log10 of its recent effective training compute
        # offset of its releases over its own compute path (OOM), estimated from its recorded
        # releases (the mean of `residuals`): efficiency and the share of the fleet one model uses
        self.efficiency = 0.0
        self.residuals: list[float] = []  # q - q_own - spill of its recorded releases (OOM)
        self.spill = 0.0  # knowledge taken from others (OOM)
        self.excess = 0.0  # knowledge above its path after a release above it (OOM), fading
        self.price = np.nan
        self.bloc_ratio = np.ones(len(BLOCS))  # price to each buyer bloc over the home price
        self.held_until = -1
        self.subsidised = False
        self.price_factor, self.factor_until, self.factor_subsidised = 1.0, -1, False
        self.rule_price = np.nan
        self.base_cost = self.marginal_cost = self.cost_before_token = np.nan
        self.energy_subsidy_per_mtok = self.token_subsidy_per_mtok = 0.0
        self.compliance_per_mtok = 0.0
        self.capacity_mtok = 0.0
        self.utilisation = 0.0
        self.entries = 0
        # money of the month (USD) and tokens (million)
        self.revenue = self.chip_spend = self.chip_subsidy = 0.0
        self.tokens_api = self.tokens_self = 0.0
        self.serving_cost = self.compliance_cost = self.state_support = self.profit = 0.0
        self.cash = cfg.initial_cash_musd * 1e6
        self.funding = self.fixed_cost = self.energy_support = self.token_support = 0.0
        self.support_received = self.cash_in = self.cash_out = self.operating_profit = 0.0

    # -- 1. chips ---------------------------------------------------------------------------

    @property
    def owner(self) -> Vendor:
        """The lab whose cash and fleet this vendor uses: its parent, or itself."""
        return self.parent or self

    def book(self, inflow: float, outflow: float) -> None:
        """Add a flow to the owner's cash (USD): ``cash += in - out``."""
        owner = self.owner
        owner.cash = finance.next_cash(owner.cash, inflow, outflow)

    def plan_chips(self) -> compute.ChipPurchase | None:
        """Retire old chips; receive funding and pay fixed costs; return the chips it wants
        to buy with funding and reinvested revenue, as far as its cash allows, within export
        limits (None for a line that uses its parent's fleet and cash).

            wanted = funding + reinvest_share * revenue(t-1)
            budget = min(wanted, max(0, cash - floor))
        """
        world = self.model.cfg.world
        keep = 1.0 - world.compute.depreciation_per_month
        self.chips_advanced *= keep
        self.chips_domestic *= keep
        self.chip_spend = self.chip_subsidy = 0.0
        self.funding = self.cfg.funding_musd_per_month * 1e6
        self.fixed_cost = self.cfg.fixed_cost_musd_per_month * 1e6
        self.book(self.funding, self.fixed_cost)
        if self.parent is not None:
            return None
        gov = self.model.governments.get(self.bloc)
        budget = finance.chip_budget(self.funding + self.cfg.reinvest_share * self.revenue,
                                     self.cash, self.cfg.cash_floor_musd * 1e6)
        # chips are counted in today's models' equivalents: a dollar buys more FLOP each year
        factor = self.model.costs.hardware_factor()
        return compute.buy_chips(
            budget,
            world.chips["advanced"].price_usd * factor,
            world.chips["domestic"].price_usd * factor,
            export_level=self.model.costs.export_level(self.bloc),
            domestic_available=self.bloc in world.compute.domestic_chip_blocs,
            domestic_preference=self.cfg.domestic_preference,
            compute_subsidy=gov.compute_subsidy if gov else 0.0,
        )

    def receive_chips(self, bought: compute.ChipPurchase) -> None:
        """Add the chips it could get; book what it and its government paid (the lab pays the
        whole price and receives the compute subsidy)."""
        self.chips_advanced += bought.advanced
        self.chips_domestic += bought.domestic
        self.chip_spend, self.chip_subsidy = bought.spent_usd, bought.subsidy_usd
        self.book(bought.subsidy_usd, bought.spent_usd + bought.subsidy_usd)
        gov = self.model.governments.get(self.bloc)
        if gov:
            gov.spend("compute", bought.subsidy_usd)

    def fleet_flops(self) -> tuple[float, float]:
        """Delivered peak FLOP/s of the advanced and the domestic chips (FLOP/s)."""
        owner = self.parent or self
        world = self.model.cfg.world
        adv = compute.effective_flops(owner.chips_advanced, world.chips["advanced"].tflops)
        dom = compute.effective_flops(owner.chips_domestic, world.chips["domestic"].tflops,
                                      1.0 - world.compute.supercluster_penalty)
        return adv, dom

    # -- 2. training -----------------------------------------------------------------------

    def prepare_window(self) -> None:
        """Fill the training window as if the starting fleet had trained all along."""
        if self.parent is not None:
            return
        world = self.model.cfg.world
        effective = (sum(self.fleet_flops()) * world.capability.training_utilisation
                     * SECONDS_PER_MONTH * self.model.knowledge.algo_multiplier())
        self.window.extend([effective] * self.window.maxlen)
        self.own_capability = float(cap.own_capability(sum(self.window)))

    def train(self) -> None:
        """Add this month's effective training compute to the window; update own capability.

            serving share = min(max_serving_share, FLOP needed to serve last month's tokens / FLOP)
            effective FLOP = (1 - serving share) * FLOP/s * utilisation * seconds * m_algo(t)
        """
        if self.parent is not None:
            return
        world = self.model.cfg.world
        flops = sum(self.fleet_flops())
        need = (self.tokens_api * 1e6 * 2.0 * self.active_params_b * 1e9
                / (world.compute.serving_utilisation * SECONDS_PER_MONTH))
        serving = min(world.compute.max_serving_share, need / flops) if flops > 0 else 0.0
        effective = ((1.0 - serving) * flops * world.capability.training_utilisation
                     * SECONDS_PER_MONTH * self.model.knowledge.algo_multiplier())
        self.window.append(effective)
        self.own_capability = float(cap.own_capability(sum(self.window)))

    @property
    def base_capability(self) -> float:
        """Capability from its own compute and efficiency, before spillovers (OOM)."""
        return self.own_capability + self.efficiency

    @property
    def path(self) -> float:
        """Its estimated knowledge path: own compute, offset and spillovers (OOM).

            path = q_own + o + b
        """
        return self.base_capability + self.spill

    def learn(self, spill_target: float) -> None:
        """Absorb spillovers towards their target; the excess of a release above the path
        fades (:func:`sim.market.capability.decay_excess`); knowledge is the path plus that
        excess (OOM):

            b' = b + s (b* - b),   x' = (1 - d) x,   k = q_own + o + b' + x'
        """
        if self.parent is not None:
            self.knowledge = self.parent.knowledge - self.cfg.parent_gap_oom
            return
        world = self.model.cfg.world.capability
        self.spill = float(cap.absorb(self.spill, spill_target, world.spill_speed))
        self.excess = cap.decay_excess(self.excess, world.shock_decay_per_month)
        if np.isfinite(self.own_capability):
            self.knowledge = self.path + self.excess

    # -- 3. releases -------------------------------------------------------------------------

    def release(self, model_name: str, openness: str, capability: float,
                active_params_b: float, total_params_b: float,
                price: float | None = None, recorded: bool = False) -> None:
        """Put a new model on sale (from a release event or the release rule).

        A ``recorded`` release (the history's, placed by its ECI or training compute) is
        data on the lab's offset o over its own compute path: o is the mean of
        ``q - q_own - b`` over its recorded releases so far
        (:func:`sim.market.capability.efficiency_offset`), an estimate that no single release
        overwrites and that no release changes after the history. A release above the path
        (a scenario's, or a recorded one above the mean) lifts knowledge to it; the excess
        ``x = q - path`` then fades (:meth:`learn`).
        """
        self.active = True
        self.model_name, self.openness = model_name, openness
        self.capability = capability
        if self.parent is None and np.isfinite(self.own_capability):
            if recorded:
                self.residuals.append(capability - self.own_capability - self.spill)
                self.efficiency = cap.efficiency_offset(self.residuals)
            self.excess = max(0.0, self.excess, capability - self.path)
            self.knowledge = self.path + self.excess
        else:
            self.knowledge = max(self.knowledge, capability)
        self.active_params_b, self.total_params_b = active_params_b, total_params_b
        self.release_month = self.model.month
        if price is not None:
            self.price = price

    def maybe_release(self) -> None:
        """After the history, ask the release rule whether to ship the lab's knowledge now.

        The rule decides when; the lab decides how much: its knowledge, at most the
        frontier's growth since its previous model above that model
        (:func:`sim.market.capability.release_step`), so that knowledge accumulated beyond
        it ships over successive releases:

            q' = min(k, q + g * min(t - t_last, M) / 12)
        """
        if self.model.clock.in_history() or not self.active:
            return
        decide = self.model.rules["vendor_release"]
        if not decide(self, self.model):
            return
        capability = self.next_capability()
        openness = self.choose_openness()
        growth = max(0.0, capability - self.capability)
        scale = 10.0 ** (self.model.cfg.world.capability.active_params_elasticity * growth)
        self.release(self.model_name_next(), openness, capability,
                     self.active_params_b * scale, self.total_params_b * scale)

    def next_capability(self) -> float:
        """The capability of the model the lab would release now (OOM):
        ``q' = min(k, q + g * min(t - t_last, M) / 12)`` (see :meth:`maybe_release`)."""
        world = self.model.cfg.world.capability
        step = cap.release_step(self.model.month - self.release_month, world.oom_per_year,
                                world.release_catch_up_months)
        return cap.released_capability(self.capability, self.knowledge, step)

    def choose_openness(self) -> str:
        """The openness of the next model, from the openness rule (``rules.vendor_openness``)."""
        level = self.model.rules["vendor_openness"](self, self.model)
        if level not in OPENNESS:
            raise RuleError(f"openness rule {self.model.cfg.rules.vendor_openness!r} gave "
                            f"vendor {self.vid!r} the level {level!r}; a level is one of "
                            f"{', '.join(OPENNESS)}")
        return level

    def model_name_next(self) -> str:
        """Name of the next model: the lab's name and the release month."""
        return f"{self.cfg.name} {self.model.clock.label()}"

    # -- 4. cost ---------------------------------------------------------------------------

    def update_cost(self) -> None:
        """Marginal cost of serving on its fleet, with surge pricing above capacity, plus
        compliance costs per token (at last month's mix of buyers), net of its state's
        per-token subsidy s:

            mc0 = 2 N_active 1e6 * c_flop(fleet) * (1 + surge * max(0, utilisation - 1))
                  + compliance / tokens
            mc = max(mc0 - s, 1e-6 mc0)
        """
        world = self.model.cfg.world
        adv, dom = self.fleet_flops()
        def fleet_cost(subsidised: bool) -> float:
            usd_per_flop = cost.fleet_cost_per_flop(
                adv, dom, self.model.costs.usd_per_flop("advanced", self.bloc, subsidised),
                self.model.costs.usd_per_flop("domestic", self.bloc, subsidised))
            return float(cost.serving_cost_per_mtok(self.active_params_b, usd_per_flop))

        self.base_cost = fleet_cost(True)
        gov = self.model.governments.get(self.bloc)
        subsidised = gov is not None and gov.energy_subsidy > 0
        self.energy_subsidy_per_mtok = fleet_cost(False) - self.base_cost if subsidised else 0.0
        share = world.compute.max_serving_share
        self.capacity_mtok = float(compute.serving_capacity_mtok(
            (adv + dom) * share, self.active_params_b, world.compute.serving_utilisation,
            SECONDS_PER_MONTH))
        self.utilisation = self.tokens_api / self.capacity_mtok if self.capacity_mtok > 0 else 0.0
        # compliance is a cost per token sold into regulated blocs: last month's mix
        self.compliance_per_mtok = (self.compliance_cost / self.tokens_api
                                    if self.tokens_api > 0 else 0.0)
        self.cost_before_token = self.base_cost * float(
            cost.surge_multiplier(self.utilisation, world.compute.surge_cost)
        ) + self.compliance_per_mtok
        self.token_subsidy_per_mtok = gov.token_subsidy if gov is not None else 0.0
        self.marginal_cost = (float(cost.cost_net_of_token_subsidy(
            self.cost_before_token, self.token_subsidy_per_mtok))
            if self.token_subsidy_per_mtok else self.cost_before_token)

    def ensure_price(self) -> None:
        """A model put on sale without a price starts at cost plus the cost-plus markup."""
        if self.active and not np.isfinite(self.price):
            self.price = (1.0 + self.model.cfg.world.pricing.cost_plus_markup) * self.marginal_cost
