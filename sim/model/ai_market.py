"""The AI market: a Mesa model of vendors, firms, developing nations, device makers and
governments, one calendar month per step.

:class:`AIMarket` orchestrates: it builds the world and runs the month's phases in
order (:meth:`AIMarket.step`), each a method that names it. What the phases compute
lives beside it: costs (:mod:`sim.model.costs`), knowledge (:mod:`sim.model.knowledge`),
what buyers see (:mod:`sim.model.views`), clearing (:mod:`sim.market.clearing`) and
vertical entry (:mod:`sim.model.entry`); those return values and the model keeps them.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.agents.device_maker import DeviceMaker
from sim.agents.government import Government
from sim.agents.vendor import Vendor
from sim.config import Config, compose_config, validate
from sim.config.keywords import keyword_overrides, seed_of
from sim.core.constants import BLOCS
from sim.core.streams import Streams
from sim.core.threads import one_blas_thread
from sim.market import clearing, cost, discrimination, ownership
from sim.market.panel import DemandPanel
from sim.market.pricing import nash_prices
from sim.model import buyers, entry, labs, views
from sim.model.bans import Bans
from sim.model.clock import Clock
from sim.model.costs import Costs
from sim.model.ecosystem import Ecosystems
from sim.model.events import Timeline
from sim.model.hosts import Hosts
from sim.model.knowledge import Knowledge
from sim.model.menu import Menu
from sim.model.record import Recorder
from sim.model.reporters import headline_collector
from sim.population import segment
from sim.population.firms import FirmMonth
from sim.population.nations import NationMonth
from sim.population.segment import SegmentDemand
from sim.rules import DECISIONS, RuleError, get_rule
from sim.rules.pricing import MarketView


class AIMarket(mesa.Model):
    """The global AI market.

    Build it from a composed config, ``AIMarket(cfg)``, or with keywords as Mesa models are
    built, ``AIMarket(world="small", scenario="token_price_cut", seed=3, **{"world.end":
    "2026-06"})``: the run of the command line ``python -m sim world=small
    scenario=token_price_cut seed=3 world.end=2026-06`` (:mod:`sim.config.keywords`).

    Args:
        cfg: a validated :class:`sim.config.Config` (see :func:`sim.config.compose_config`);
            or None, and the keywords compose one:
        world, scenario, engine: names under ``scenarios/`` and the engine; the defaults of
            ``scenarios/config.yaml`` if None.
        seed, rng: the run's seed (``rng``: the name ``mesa.batch_run`` may pass it under);
            neither gives a fresh seed from the operating system, Mesa's convention, so
            ``batch_run``'s ``iterations`` give distinct seeds (``cfg.seed`` records it).
        **overrides: config paths and values, with dots (``**{"world.end": "2026-06"}``)
            or double underscores (``world__end="2026-06"``).

    Attributes:
        month: the current month number (:attr:`clock`'s; see :mod:`sim.core.calendar`).
        clock, costs, knowledge: the calendar, the cost of compute, the labs' knowledge.
        rules: the configured rule of each decision (:mod:`sim.rules`), by decision.
        vendors: the vendor agents, in the order of ``world.vendors``; ``vendors_by_id``.
        governments: government agents by bloc.
        firms: firm segments (startups, enterprises), vectorized or as agents.
        nations: the developing nations; device_makers: one per bloc.
        menu: the offerings on sale; bans: the bans in force; timeline: the events.
        ecosystems: each model family's installed base (:mod:`sim.model.ecosystem`).
        owner, ownership: the owner of each vendor's API and the ownership matrix over the
            slots (:mod:`sim.market.ownership`): a product line prices with its parent.
        recorder: the tidy time series (:meth:`Recorder.to_frame`).
        datacollector: Mesa's ``DataCollector``: ``month``, ``seed`` and every headline,
            collected after each month (:mod:`sim.model.reporters`), so row ``k`` of
            ``get_model_vars_dataframe()`` is the month after ``k + 1`` steps.
        rng, random: Mesa's generators, drawn from the named stream ``mesa`` (the model
            itself never uses them, so drawing from them changes no table).
    """

    def __init__(self, cfg: Config | None = None, *, world: str | None = None,
                 scenario: str | None = None, seed: int | None = None, rng: Any = None,
                 engine: str | None = None, **overrides: Any) -> None:
        if cfg is None:
            cfg = compose_config(keyword_overrides(world, scenario, seed_of(seed, rng), engine,
                                                   overrides))
        elif any(v is not None for v in (world, scenario, seed, rng, engine)) or overrides:
            raise TypeError("AIMarket takes a Config or keywords, not both")
        validate(cfg)
        self.streams = Streams(cfg.seed)
        # Mesa seeds model.random from model.rng; a stream of their own keeps user draws
        # from them off every stream the model uses (common random numbers)
        super().__init__(rng=self.streams("mesa"))
        self.cfg = cfg
        world = cfg.world
        self.clock = Clock(world.start, world.end, world.history_until,
                           world.capability.reference_month)
        self.rules = {d: get_rule(d, getattr(cfg.rules, d)) for d in DECISIONS}

        self.vendor_ids = list(world.vendors)
        self.vendors = [Vendor(self, vid, i, vcfg)
                        for i, (vid, vcfg) in enumerate(world.vendors.items())]
        self.vendors_by_id = dict(zip(self.vendor_ids, self.vendors, strict=True))
        for vendor in self.vendors:
            if vendor.cfg.parent:
                vendor.parent = self.vendors_by_id[vendor.cfg.parent]
        self.owner = ownership.owners([None if v.parent is None else v.parent.index
                                       for v in self.vendors])
        hosted = cfg.world.hosting.third_party
        self.ownership = ownership.ownership_matrix(self.owner, 3 if hosted else 2)  # O, slots
        self.governments = {bloc: Government(self, bloc, g)
                            for bloc, g in world.governments.items()}
        self.bans = Bans.of_governments(self.governments)
        self.menu = Menu([v.bloc for v in self.vendors], hosted)
        self.hosts = Hosts()
        self.costs = Costs(world, self.governments, self.clock)
        self.knowledge = Knowledge(world.capability, self.clock, self.vendors,
                                   {bloc: g.distillation_guard
                                    for bloc, g in world.governments.items()})
        self.ecosystems = Ecosystems(world.ecosystem, self.vendor_ids)

        self.firms = buyers.build_firms(self, cfg, self.menu.n_slots, self.streams,
                                 self.rules["startup_choice"])
        self.nations = buyers.build_nations(self, cfg, self.streams, self.rules["adopter_choice"])
        self.device_makers = [DeviceMaker(self, bloc, world.devices)
                              for bloc in BLOCS if world.devices.capacity_share.get(bloc, 0) > 0]

        self.alarm = 0.0
        self.entries: list[tuple[int, str, int, int]] = []  # month, vendor, vertical, harmed
        self.entry_draws = np.zeros(len(self.vendors))  # the month's entry uniforms
        self.nash = np.full(self.menu.n_slots, np.nan)
        self.nash_converged = True
        self.demand: dict[str, SegmentDemand] = {}
        self.firm_month: dict[str, FirmMonth] = {}
        self.nation_month: NationMonth | None = None
        self.panel: DemandPanel | None = None
        self.uniforms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.served_share = np.ones(len(self.vendors))

        self.timeline = Timeline.load(world, cfg.scenario.events)
        self.timeline.check(self)
        for vendor in self.vendors:
            vendor.prepare_window()
        self.replay_history()
        self.knowledge.start()
        self.recorder = Recorder(self)
        self.datacollector = headline_collector()

    @property
    def month(self) -> int:
        """The current month number (the clock's)."""
        return self.clock.month

    @month.setter
    def month(self, value: int) -> None:
        self.clock.month = value

    def replay_history(self) -> None:
        """Apply, in order, the events dated before the first month: the market at the start."""
        for month in self.timeline.months_before(self.clock.start):
            self.month = month
            self.timeline.apply(self, month)
        self.month = self.clock.start

    # -- the month -------------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one month (BLAS on one thread: :mod:`sim.core.threads`) and collect the
        headlines; after the last month, free the model from Mesa's agent registry (Mesa
        3.3.1 keeps every model alive in ``Agent._ids``, issue #3179)."""
        with one_blas_thread():
            self.simulate_month()
        self.datacollector.collect(self)
        if not self.running:
            mesa.Agent._ids.pop(self, None)

    def simulate_month(self) -> None:
        """The month's phases, in order."""
        self.timeline.apply(self, self.month)  # the month's events
        self.governments_act()
        labs.advance(self.vendors, self.costs, self.knowledge)  # chips, training, releases, costs
        self.uniforms = buyers.draw_uniforms(self.streams, self.firms)  # the month's draws
        buyers.grow_device_demand(self.device_makers, self.cfg.world.devices, self.month,
                                  self.clock.start)
        self.show_menu()  # what buyers see at last month's prices ...
        self.panel = self.build_panel()
        self.set_prices()  # ... vendors price against it ...
        self.show_menu()  # ... and buyers see the new prices
        self.benchmark_nash()
        wanted = self.buy()
        self.demand, self.served_share = self.clear(wanted)  # rationing under capacity
        self.settle()
        self.ecosystems.accumulate(sum(d.tokens for d in self.demand.values()))  # installed base
        self.enter_verticals()
        self.recorder.collect(self)
        self.month += 1
        self.running = self.month <= self.clock.end

    def governments_act(self) -> None:
        """Each government starts its books and applies the policy rule."""
        for government in self.governments.values():
            government.act()

    def show_menu(self) -> None:
        """Rebuild the menu at the month's costs and prices, and each segment's view of it."""
        world = self.cfg.world
        self.menu.refresh(self.vendors, self.costs.cloud_usd_per_flop(),
                          world.demand.risk_closed_api, world.demand.risk_open_api,
                          world.entry.risk_per_entry, world.hosting.cloud_bloc,
                          world.hosting.fringe_margin, self.ecosystems.network(),
                          self.duties())
        self.firm_month = views.firm_months(world, self.menu, self.bans, self.vendor_ids,
                                            self.alarm, self.uniforms)
        self.nation_month = views.nation_month(world, self.menu, self.bans, self.vendor_ids,
                                               self.nations.iso3)

    def duties(self) -> np.ndarray | None:
        """The duty each buyer bloc's government levies on each bloc's labs, (B, B) (1);
        None while no government levies any."""
        duties = np.array([[g.duties.get(m, 0.0) if (g := self.governments.get(b)) else 0.0
                            for m in BLOCS] for b in BLOCS])
        return duties if duties.any() else None

    def device_views(self) -> list[np.ndarray]:
        """What each device maker may use, (J,) each."""
        covers = self.cfg.world.demand.ban_covers_self_hosting
        return [views.device_available(self.bans, self.menu, self.vendor_ids, maker.bloc, covers)
                for maker in self.device_makers]

    def build_panel(self) -> DemandPanel:
        """The demand panel vendors price against (:func:`sim.model.views.build_panel`)."""
        return views.build_panel(self.cfg.world.demand, self.menu, self.firms, self.firm_month,
                                 self.nations, self.nation_month, self.device_makers,
                                 self.device_views())

    def set_prices(self) -> None:
        """Vendors whose price is free move towards their pricing rule's target."""
        market = MarketView(self.menu, self.panel, self.cfg.world.pricing, self.ownership)
        for vendor in self.vendors:
            vendor.set_price(market)

    def benchmark_nash(self) -> None:
        """The Bertrand-Nash prices of the same demand panel, from last month's."""
        pricing = self.cfg.world.pricing
        start = np.where(np.isfinite(self.nash), self.nash, self.menu.price)
        self.nash, self.nash_converged = nash_prices(
            self.panel, self.menu.marginal_cost, self.menu.on_sale, pricing.max_markup,
            start=start, tolerance=pricing.nash_tolerance, max_iter=pricing.nash_max_iter,
            ownership=self.ownership)

    def merge(self, vendor: str, owner: str) -> None:
        """``owner`` acquires ``vendor``: from now on their APIs are priced jointly."""
        self.owner = ownership.merge(self.owner, self.vendors_by_id[vendor].index,
                                     self.vendors_by_id[owner].index)
        self.ownership = ownership.ownership_matrix(self.owner, 3 if self.menu.hosted else 2)

    def buy(self) -> dict[str, SegmentDemand]:
        """Every segment chooses and asks for tokens at the posted prices."""
        demand = {segment: firms.choose(self.firm_month[segment])
                  for segment, firms in self.firms.items()}
        demand["nations"] = self.nations.choose(self.nation_month)
        devices = [maker.choose(self.menu, self.cfg.world.demand, available)
                   for maker, available in zip(self.device_makers, self.device_views(),
                                               strict=True)]
        demand["devices"] = segment.total(devices, self.menu.n_slots)
        return demand

    def clear(self, wanted: dict[str, SegmentDemand]
              ) -> tuple[dict[str, SegmentDemand], np.ndarray]:
        """The demand served and each lab's served share (:func:`sim.market.clearing.clear`)."""
        return clearing.clear(wanted, np.array([v.capacity_mtok for v in self.vendors]),
                              np.array([v.active for v in self.vendors]),
                              self.cfg.world.compute.max_overload)

    def settle(self) -> None:
        """Book every vendor's month: API revenue, self-hosted use of its weights, compliance,
        licence fees from third-party hosts; the hosts' month; and the duties each government
        collects (:func:`sim.market.discrimination.duty_revenue`). A lab that prices by
        buyer bloc earns each bloc's price on that bloc's tokens."""
        menu = self.menu
        n = menu.n_vendors
        tokens = sum(d.tokens for d in self.demand.values())
        by_bloc = sum(d.tokens_by_bloc[:, :n] for d in self.demand.values())
        rates = np.array([g.compliance_cost if (g := self.governments.get(b)) else 0.0
                          for b in BLOCS])
        compliance = cost.compliance_cost_usd(by_bloc, rates)
        licence = np.zeros(n)
        if menu.hosted:
            hosted = menu.slots("hosted")
            licence = self.hosts.settle(menu.price[hosted], menu.marginal_cost[hosted],
                                        tokens[hosted], self.cfg.world.hosting.licence_share)
        for v, vendor in enumerate(self.vendors):
            revenue = (None if np.all(vendor.bloc_ratio == 1.0)
                       else float(np.sum(vendor.price_by_bloc * by_bloc[:, v])))
            vendor.settle(float(tokens[v]), float(tokens[n + v]), float(compliance[v]),
                          float(licence[v]), revenue)
        for b, bloc in enumerate(BLOCS):
            if (government := self.governments.get(bloc)) is not None and menu.duty[b].any():
                government.duty_revenue = discrimination.duty_revenue(
                    menu.duty[b, :n], menu.price_by_bloc[b, :n], by_bloc[b])

    def enter_verticals(self) -> None:
        """The alarm fades; the entry rule (``rules.vendor_entry``) tells each active closed
        lab that builds applications which vertical, if any, it enters now."""
        cfg = self.cfg.world.entry
        self.alarm *= 1.0 - cfg.alarm_decay
        # every vendor draws, whether it may enter or not (common random numbers)
        self.entry_draws = np.array([self.streams("entry", v.vid).random()
                                     for v in self.vendors])
        decide = self.rules["vendor_entry"]
        for vendor in self.vendors:
            vendor.entry_value = np.nan
        for vendor in self.vendors:
            if not entry.may_enter(vendor):
                continue
            vertical = decide(vendor, self)
            if vertical is not None:
                self.enter_vertical(vendor, self.checked_vertical(vertical, vendor))

    def checked_vertical(self, vertical, vendor: Vendor) -> int:
        """An entry rule's vertical, refused unless it is one of the firms' verticals."""
        n = max((f.n_verticals for f in self.cfg.world.firms.values()), default=0)
        if isinstance(vertical, bool) or not isinstance(vertical, int | np.integer) \
                or not 0 <= vertical < n:
            raise RuleError(f"entry rule {self.cfg.rules.vendor_entry!r} gave vendor "
                            f"{vendor.vid!r} the vertical {vertical!r}; a vertical is an "
                            f"integer in [0, {n - 1}] or None")
        return int(vertical)

    def enter_vertical(self, vendor: Vendor, vertical: int | None) -> None:
        """``vendor`` enters ``vertical`` (its API customers' largest if None); the model
        books the entry, raises the alarm and the risk of the vendor's API."""
        cfg = self.cfg.world.entry
        happened = entry.enter(vendor, vertical, self.firms, self.firm_month, cfg)
        if happened is None:
            return
        vendor.entries += 1
        self.alarm += cfg.alarm_per_event
        self.entries.append((self.month, vendor.vid, happened.vertical, happened.harmed))

    def run(self) -> AIMarket:
        """Run every month from the start to the end."""
        while self.month <= self.clock.end:
            self.step()
        return self
