"""The AI market: a Mesa model of vendors, firms, developing nations, device makers and
governments, one calendar month per step.

The month, in order (:meth:`AIMarket.step`):

1. the timeline's events of the month (releases, prices, export limits, subsidies, bans,
   vertical entries, privacy shifts);
2. governments act (the policy rule);
3. vendors buy chips, train, learn from each other, maybe release, and work out their
   serving cost;
4. vendors set prices (the pricing rule), and the Bertrand-Nash benchmark is computed;
5. firms, nations and device makers choose and buy (the market clears at posted prices);
6. vendors book the month; closed labs may enter their customers' verticals;
7. the recorder takes the month's outcomes.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import data
from sim.agents.device_maker import DeviceMaker
from sim.agents.government import Government
from sim.agents.vendor import Vendor
from sim.config import Config, ConfigError, validate
from sim.config.validate import check_event
from sim.core.calendar import format_month, parse_month
from sim.core.constants import BLOCS
from sim.core.streams import Streams
from sim.market import cost
from sim.market.capability import algo_multiplier, spillover_target
from sim.market.compute import ration
from sim.market.pricing import DemandPanel, nash_prices
from sim.model import entry, views
from sim.model.bans import Bans
from sim.model.events import Timeline
from sim.model.menu import Menu
from sim.model.record import Recorder
from sim.population.firm_agents import FirmAgents
from sim.population.firms import FirmMonth, FirmPopulation, draw_firms
from sim.population.nation_agents import NationAgents
from sim.population.nations import NationMonth, NationPopulation, draw_nations
from sim.population.segment import SegmentDemand
from sim.rules import get_rule
from sim.rules.pricing import MarketView


class AIMarket(mesa.Model):
    """The global AI market.

    Args:
        cfg: a validated :class:`sim.config.Config` (see :func:`sim.config.compose_config`).

    Attributes:
        month: the current month number (see :mod:`sim.core.calendar`).
        vendors: the vendor agents, in the order of ``world.vendors``.
        governments: government agents by bloc.
        firms: firm segments (startups, enterprises), vectorized or as agents.
        nations: the developing nations; device_makers: one per bloc.
        menu: the offerings on sale; bans: the bans in force.
        recorder: the tidy time series (:meth:`Recorder.to_frame`).
    """

    def __init__(self, cfg: Config) -> None:
        validate(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        world = cfg.world
        self.streams = Streams(cfg.seed)
        self.start, self.end = parse_month(world.start), parse_month(world.end)
        self.history_until = parse_month(world.history_until)
        self.reference_month = parse_month(world.capability.reference_month)
        self.month = self.start
        self._rules = {d: get_rule(d, getattr(cfg.rules, d)) for d in (
            "vendor_pricing", "vendor_release", "startup_choice", "adopter_choice",
            "government_policy")}

        self.vendor_ids = list(world.vendors)
        self.vendors = [Vendor(self, vid, i, vcfg)
                        for i, (vid, vcfg) in enumerate(world.vendors.items())]
        for vendor in self.vendors:
            if vendor.cfg.parent:
                vendor.parent = self.vendor(vendor.cfg.parent)
        self.governments = {bloc: Government(self, bloc, g)
                            for bloc, g in world.governments.items()}
        self.bans = Bans()
        for bloc, government in self.governments.items():
            for banned in government.banned_blocs:
                self.bans.set(bloc, bloc=banned)
        self.menu = Menu([v.bloc for v in self.vendors])

        self.firms = self._build_firms()
        self.nations = self._build_nations()
        self.device_makers = [DeviceMaker(self, bloc, world.devices)
                              for bloc in BLOCS if world.devices.capacity_share.get(bloc, 0) > 0]

        self.alarm = 0.0
        self.entries: list[tuple[int, str, int, int]] = []  # month, vendor, vertical, harmed
        self.closed_frontier_by_month: dict[int, float] = {}
        self.nash = np.full(self.menu.n_slots, np.nan)
        self.nash_converged = True
        self.demand: dict[str, SegmentDemand] = {}
        self.firm_month: dict[str, FirmMonth] = {}
        self.nation_month: NationMonth | None = None
        self.panel: DemandPanel | None = None
        self.uniforms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._flop_costs: dict[tuple, float] = {}
        self.served_share = np.ones(len(self.vendors))

        history = data.load_events(world.history_file) if world.history_file else []
        for i, event in enumerate(history):
            check_event(event, f"{world.history_file} row {i + 2}", world.vendors)
        self.timeline = Timeline(history, cfg.scenario.events)
        self.timeline.check(self)
        self._start_labs()
        self.recorder = Recorder(self)

    # -- set-up ----------------------------------------------------------------------------

    def _build_firms(self) -> dict:
        firms = {}
        for segment, seg_cfg in self.cfg.world.firms.items():
            initial = draw_firms(seg_cfg, self.menu.n_slots, self.streams("firms.init", segment))
            if self.cfg.engine == "vector":
                firms[segment] = FirmPopulation(segment, seg_cfg, self.cfg.world.demand, initial,
                                                self._rules["startup_choice"],
                                                self.cfg.rules.startup_choice)
            else:
                if self.cfg.rules.startup_choice != "logit":
                    raise ConfigError("rules.startup_choice", self.cfg.rules.startup_choice,
                                      "logit with engine=agent (the per-agent specification "
                                      "implements the logit rule only)")
                firms[segment] = FirmAgents(self, segment, seg_cfg, self.cfg.world.demand,
                                            initial)
            size = min(seg_cfg.n, self.cfg.world.pricing.panel_size)
            rows = self.streams("panel", segment).choice(seg_cfg.n, size=size, replace=False)
            firms[segment].panel_index = np.sort(rows)
        return firms

    def _build_nations(self):
        cfg = self.cfg.world.nations
        rows = data.load_countries(cfg.countries_file, cfg.include)
        initial = draw_nations(rows, cfg, self.streams("nations.init"))
        if self.cfg.engine == "vector":
            return NationPopulation(cfg, self.cfg.world.demand, initial,
                                    self._rules["adopter_choice"], self.cfg.rules.adopter_choice)
        if self.cfg.rules.adopter_choice != "logit":
            raise ConfigError("rules.adopter_choice", self.cfg.rules.adopter_choice,
                              "logit with engine=agent")
        return NationAgents(self, cfg, self.cfg.world.demand, initial)

    def _start_labs(self) -> None:
        """Fill training windows with the starting fleets, replay the events before the
        start, then give labs without a model the knowledge their compute implies."""
        for vendor in self.vendors:
            vendor.prepare_window()
        self.timeline.apply_before(self, self.start)
        released = [v for v in self.vendors if v.active and v.parent is None]
        if released:
            # labs without a model are as efficient as the released labs on average;
            # labs with no compute yet start one OOM below the laggard
            mean_efficiency = float(np.mean([v.efficiency for v in released]))
            floor = min(v.knowledge for v in released) - 1.0
            for vendor in self.vendors:
                if not vendor.active and vendor.parent is None:
                    vendor.efficiency = mean_efficiency
                    vendor.knowledge = (vendor.base_capability
                                        if np.isfinite(vendor.own_capability) else floor)
        lag = self.cfg.world.capability.initial_open_lag_months
        open_labs = [v for v in self.vendors if v.active and v.openness != "closed"]
        if lag is not None and open_labs and self.closed_frontier() > -np.inf:
            target = self.closed_frontier() - lag * self.cfg.world.capability.oom_per_year / 12
            shift = target - max(v.capability for v in open_labs)
            for vendor in open_labs:
                vendor.capability += shift
                vendor.knowledge += shift
        for vendor in self.vendors:
            if vendor.parent is not None:
                vendor.learn(0.0)

    # -- the month -------------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one month."""
        self.timeline.apply(self, self.month)
        for government in self.governments.values():
            government.act()
        self.advance_labs()
        self.set_prices()
        self.demand = self.buy()
        self.settle()
        self.enter_verticals()
        self.recorder.collect(self)
        self.month += 1
        self.running = self.month <= self.end

    def advance_labs(self) -> None:
        """Vendors buy chips, train, absorb spillovers, release, and cost their serving."""
        self._flop_costs.clear()
        self.buy_chips()
        for vendor in self.vendors:
            vendor.train()
        self.spread_knowledge()
        for vendor in self.vendors:
            vendor.maybe_release()
        for vendor in self.vendors:
            vendor.update_cost()
            vendor.ensure_price()

    def draw_uniforms(self) -> None:
        """The month's uniforms for every firm's review and choice, from their own streams
        (drawn whatever happens, so that scenarios share them: common random numbers)."""
        self.uniforms = {
            segment: (self.streams("firms.review", segment).random(firms.n),
                      self.streams("firms.choice", segment).random(firms.n))
            for segment, firms in self.firms.items()}

    def buy_chips(self) -> None:
        """Labs buy chips; domestic chips are shared out in proportion to what each wants
        when the bloc's fabs cannot make enough."""
        plans = {v: v.plan_chips() for v in self.vendors}
        for bloc in BLOCS:
            wanted = sum(p.domestic for v, p in plans.items() if p and v.bloc == bloc)
            share = ration(wanted, self.domestic_supply(bloc))
            for vendor, plan in plans.items():
                if plan is not None and vendor.bloc == bloc:
                    vendor.receive_chips(plan.rationed(share))

    def domestic_supply(self, bloc: str) -> float:
        """Domestic chips the bloc's fabs make this month for its labs (chips, in today's
        equivalents): production at the reference month, growing at its yearly rate."""
        compute_cfg = self.cfg.world.compute
        if bloc not in compute_cfg.domestic_chip_blocs:
            return 0.0
        years = (self.month - self.reference_month) / 12.0
        return (compute_cfg.domestic_supply_kchips_per_month * 1e3
                * compute_cfg.domestic_supply_growth_per_year ** years)

    def set_prices(self) -> None:
        """Vendors price against the demand panel; then the Nash benchmark of the same demand."""
        self.draw_uniforms()
        self.refresh_menu()
        self.panel = self.build_panel()
        market = MarketView(self.menu, self.panel, self.cfg.world.pricing)
        for vendor in self.vendors:
            vendor.set_price(market)
        self.refresh_menu()
        pricing = self.cfg.world.pricing
        start = np.where(np.isfinite(self.nash), self.nash, self.menu.price)
        self.nash, self.nash_converged = nash_prices(
            self.panel, self.menu.marginal_cost, self.menu.on_sale, pricing.max_markup,
            start=start, tolerance=pricing.nash_tolerance, max_iter=pricing.nash_max_iter)

    def buy(self) -> dict[str, SegmentDemand]:
        """Every segment chooses and buys at the posted prices."""
        demand = {segment: firms.choose(self.firm_month[segment])
                  for segment, firms in self.firms.items()}
        demand["nations"] = self.nations.choose(self.nation_month)
        devices = [maker.choose(self.menu, self.cfg.world.demand, self.device_available(maker))
                   for maker in self.device_makers]
        demand["devices"] = SegmentDemand(
            sum(d.tokens for d in devices), sum(d.spend for d in devices),
            sum(d.tokens_by_bloc for d in devices), np.zeros(self.menu.n_slots))
        return self.ration(demand)

    def ration(self, demand: dict[str, SegmentDemand]) -> dict[str, SegmentDemand]:
        """Market clearing under capacity: a lab serves at most ``1 + max_overload`` times its
        serving capacity; beyond that every buyer of its API gets the same share of what it
        asked for (the rest goes unserved and unpaid)."""
        overload = self.cfg.world.compute.max_overload
        wanted = sum(d.tokens[:self.menu.n_vendors] for d in demand.values())
        self.served_share = np.ones(self.menu.n_vendors)
        for v, vendor in enumerate(self.vendors):
            limit = vendor.capacity_mtok * (1.0 + overload)
            if vendor.active and wanted[v] > limit > 0:
                self.served_share[v] = limit / wanted[v]
        if np.all(self.served_share == 1.0):
            return demand
        scale = np.concatenate([self.served_share, np.ones(self.menu.n_vendors)])
        return {segment: SegmentDemand(d.tokens * scale, d.spend * scale,
                                       d.tokens_by_bloc * scale[None, :], d.buyers)
                for segment, d in demand.items()}

    def settle(self) -> None:
        """Book every vendor's month: API revenue, self-hosted use of its weights, compliance."""
        n = self.menu.n_vendors
        tokens = sum(d.tokens for d in self.demand.values())
        compliance = np.zeros(n)
        for bloc, government in self.governments.items():
            if government.compliance_cost > 0:
                by_bloc = sum(d.tokens_by_bloc[BLOCS.index(bloc), :n] for d in self.demand.values())
                compliance += government.compliance_cost * by_bloc
        for v, vendor in enumerate(self.vendors):
            vendor.settle(float(tokens[v]), float(tokens[n + v]), float(compliance[v]))

    # -- knowledge ---------------------------------------------------------------------------

    def algo_multiplier(self) -> float:
        """Algorithmic efficiency this month relative to the reference month (1)."""
        cap = self.cfg.world.capability
        return algo_multiplier(self.month, self.reference_month, cap.algo_halving_months)

    def closed_frontier(self) -> float:
        """Best capability of a closed model on sale (OOM); minus infinity if none."""
        values = [v.capability for v in self.vendors if v.active and v.openness == "closed"]
        return max(values, default=-np.inf)

    def open_frontier(self) -> float:
        """Best capability of an open (weight or source) model on sale (OOM)."""
        values = [v.capability for v in self.vendors if v.active and v.openness != "closed"]
        return max(values, default=-np.inf)

    def spread_knowledge(self) -> None:
        """Labs learn from the open frontier (at once) and the closed one (with a lag)."""
        cap = self.cfg.world.capability
        self.closed_frontier_by_month[self.month] = self.closed_frontier()
        lagged_month = max(self.start, self.month - cap.closed_leak_lag_months)
        lagged = self.closed_frontier_by_month.get(lagged_month, self.closed_frontier())
        labs = [v for v in self.vendors if v.parent is None]
        base = np.array([v.base_capability for v in labs])
        absorb = np.array([v.cfg.absorptive_capacity for v in labs])
        source = max((v.capability for v in self.vendors
                      if v.active and v.openness == "open_source"), default=-np.inf)
        targets = spillover_target(base, self.open_frontier(), lagged, absorb, cap.spill_open,
                                   cap.spill_closed, source,
                                   cap.spill_open + cap.spill_source_bonus)
        for vendor, target in zip(labs, targets, strict=True):
            vendor.learn(float(np.nan_to_num(target)))
        for vendor in self.vendors:
            if vendor.parent is not None:
                vendor.learn(0.0)

    def capability_lead_months(self, leader: str, follower: str) -> float:
        """How far the best model of ``leader``'s bloc is ahead of ``follower``'s (months)."""
        def best(bloc: str) -> float:
            return max((v.capability for v in self.vendors if v.active and v.bloc == bloc),
                       default=-np.inf)
        gap = best(leader) - best(follower)
        if not np.isfinite(gap):
            return np.inf if best(leader) > -np.inf else -np.inf
        return 12.0 * gap / self.cfg.world.capability.oom_per_year

    # -- costs and policy ------------------------------------------------------------------

    def hardware_factor(self) -> float:
        """Cost of a FLOP now relative to the reference month (1): chips get better.

            f(t) = (1 - d) ** ((t - t_ref) / 12)
        """
        decline = self.cfg.world.compute.hardware_cost_decline_per_year
        return (1.0 - decline) ** ((self.month - self.reference_month) / 12.0)

    def export_level(self, bloc: str) -> float:
        """Share of ``bloc``'s advanced-chip demand it may fill (1: no limit)."""
        levels = [g.export_level for g in self.governments.values() if g.export_target == bloc]
        return min(levels, default=1.0)

    def usd_per_flop(self, kind: str, bloc: str, subsidised: bool = True) -> float:
        """Cost of a delivered serving FLOP on ``kind`` chips in ``bloc`` (USD per FLOP),
        net of the bloc's energy subsidy unless ``subsidised`` is False."""
        government = self.governments.get(bloc)
        key = (self.month, kind, bloc, subsidised, government.energy_subsidy if government else 0)
        if key not in self._flop_costs:
            self._flop_costs[key] = self._usd_per_flop(kind, bloc, subsidised)
        return self._flop_costs[key]

    def _usd_per_flop(self, kind: str, bloc: str, subsidised: bool) -> float:
        world = self.cfg.world
        chip, energy = world.chips[kind], world.energy[bloc]
        government = self.governments.get(bloc)
        subsidy = government.energy_subsidy if (government and subsidised) else 0.0
        per_second = cost.chip_cost_per_second(
            chip.rental_usd_per_hour, chip.power_kw, energy.pue, energy.price_usd_per_kwh,
            subsidy)
        efficiency = 1.0 - world.compute.supercluster_penalty if kind == "domestic" else 1.0
        return self.hardware_factor() * float(cost.cost_per_flop(
            per_second, chip.tflops, world.compute.serving_utilisation, efficiency))

    def cloud_usd_per_flop(self) -> np.ndarray:
        """Cost of a serving FLOP in each bloc's cloud, (B,): advanced chips, mixed with
        domestic ones in proportion to the export level where the bloc makes its own."""
        out = np.empty(len(BLOCS))
        for b, bloc in enumerate(BLOCS):
            advanced = self.usd_per_flop("advanced", bloc)
            if bloc in self.cfg.world.compute.domestic_chip_blocs:
                level = self.export_level(bloc)
                out[b] = level * advanced + (1 - level) * self.usd_per_flop("domestic", bloc)
            else:
                out[b] = advanced
        return out

    # -- what buyers see -------------------------------------------------------------------

    def refresh_menu(self) -> None:
        """Rebuild the menu and each segment's view of it (:func:`sim.model.views.refresh_menu`)."""
        views.refresh_menu(self)

    def build_panel(self) -> DemandPanel:
        """The demand panel vendors price against (:func:`sim.model.views.build_panel`)."""
        return views.build_panel(self)

    def device_available(self, maker: DeviceMaker) -> np.ndarray:
        """What a bloc's device makers may use."""
        return views.device_available(self, maker)

    # -- vertical entry ----------------------------------------------------------------------

    def enter_verticals(self) -> None:
        """Closed labs may enter their customers' biggest vertical (:mod:`sim.model.entry`)."""
        entry.enter_verticals(self)

    def enter_vertical(self, vendor: Vendor, vertical: int | None) -> None:
        """``vendor`` enters ``vertical`` (its API customers' largest if None)."""
        entry.enter_vertical(self, vendor, vertical)

    # -- helpers ---------------------------------------------------------------------------

    def vendor(self, vid: str) -> Vendor:
        return self.vendors[self.vendor_ids.index(vid)]

    def rule(self, decision: str):
        """The configured rule for ``decision`` (see :mod:`sim.rules`)."""
        return self._rules[decision]

    def in_history(self) -> bool:
        """Prices and releases follow the recorded history until ``world.history_until``."""
        return self.month <= self.history_until

    def month_label(self) -> str:
        return format_month(self.month)

    @property
    def n_months(self) -> int:
        return self.end - self.start + 1

    @staticmethod
    def months_between(start: str, end: str) -> int:
        """Months simulated from ``start`` to ``end`` inclusive."""
        return parse_month(end) - parse_month(start) + 1

    def run(self) -> AIMarket:
        """Run every month from the start to the end."""
        while self.month <= self.end:
            self.step()
        return self


