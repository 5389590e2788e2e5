"""The timeline: dated events from the recorded history and from the scenario.

Events of a month are applied at the start of that month, history first, then the
scenario's, each in file order. Events dated before the first simulated month are
applied at set-up, so they define the market at the start.

The history's releases and prices are replayed until ``world.history_until``, no further:
after it the release and pricing rules decide (a shortened history is a backcast from
that month). Only a lab's first model still comes from the history, without its list
price (the model has no entry of its own; the rule prices the newcomer). The history's
other events (export rules, bans, subsidies) stay, as policy the model does not decide. A
price the history sets is held to ``history_until`` at most. A scenario's price event with
a ``factor`` is relative by default (``mode: relative``): for its ``duration_months``
(without one, to the end) the vendor posts the factor times the price its pricing rule
sets each month, so a cut follows the model's own path and a factor of 1 changes nothing.
With ``mode: hold``, and for a list price (``price_in``, ``price_out``), the price is held
for ``duration_months`` (without one, to the end).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from sim import data
from sim.config.check_events import check_event
from sim.config.errors import ConfigError
from sim.config.scenario import EventConfig
from sim.core.calendar import parse_month
from sim.market.capability import (
    algo_multiplier,
    capability_from_index,
    capability_of,
    compute_optimal_params_b,
)


def blended_price(price_in: float, price_out: float) -> float:
    """One price per million tokens from input and output list prices (USD per Mtok).

        p = (3 p_in + p_out) / 4

    the 3:1 input-to-output blend used by Artificial Analysis to compare vendors.
    """
    return (3.0 * price_in + price_out) / 4.0


#: The kinds of history events that the rules take over after ``world.history_until``.
RULED_KINDS = ("release", "price")


def replayed(history: list[EventConfig], history_until: str) -> list[EventConfig]:
    """The history's events a run replays.

    All up to ``history_until``. After it the release and pricing rules decide: the
    history's later prices and its later models of labs already on sale are left out; a
    lab's first model (an entry, which no rule makes) is kept without its list price.
    Policy events (export rules, bans, subsidies) are kept whatever their date.
    """
    last = parse_month(history_until)
    firsts: dict[str | None, EventConfig] = {}  # each lab's earliest release (file order on ties)
    for e in history:
        if e.kind == "release" and (e.vendor not in firsts
                                    or parse_month(e.date) < parse_month(firsts[e.vendor].date)):
            firsts[e.vendor] = e
    kept = []
    for e in history:
        if e.kind not in RULED_KINDS or parse_month(e.date) <= last:
            kept.append(e)
        elif firsts.get(e.vendor) is e:
            kept.append(replace(e, price_in=None, price_out=None))
    return kept


def price_held_until(month: int, duration_months: int | None, from_history: bool,
                     history_until: int, end: int) -> int:
    """Last month (month number) a price event of ``month`` holds its price.

    A price in the recorded history holds to ``history_until``, whatever its duration: no
    rule moves a price before then, and after it the pricing rule does. A scenario's price
    event holds for ``duration_months`` months, or to ``end`` without one, and at least to
    ``history_until`` when dated inside the history.
    """
    if from_history:
        return history_until
    until = end if duration_months is None else month + duration_months - 1
    return max(until, history_until) if month <= history_until else until


def factor_until(month: int, duration_months: int | None, end: int) -> int:
    """Last month (month number) a relative price event of ``month`` is in force: for
    ``duration_months`` months, or to ``end`` without one. Inside the history the list
    prices are the record, so its factor acts from the first month the rule prices."""
    return end if duration_months is None else month + duration_months - 1


class Timeline:
    """Events by month, and the code that applies each kind."""

    def __init__(self, history: list[EventConfig], scenario: list[EventConfig]) -> None:
        self.by_month: dict[int, list[EventConfig]] = defaultdict(list)
        for event in [*history, *scenario]:
            self.by_month[parse_month(event.date)].append(event)
        self.applied: list[tuple[int, EventConfig]] = []
        #: the history's events (by identity: an event is a history event or a scenario's)
        self.history_ids = {id(event) for event in history}

    def check(self, model) -> None:
        """Checks that need the built world: a limited bloc must have a limiting government."""
        targets = {g.export_target for g in model.governments.values() if g.export_target}
        for events in self.by_month.values():
            for event in events:
                if event.kind == "export_limit" and event.bloc not in targets:
                    raise ConfigError(f"event {event.date} export_limit.bloc", event.bloc,
                                      "a bloc that some government limits (world.governments."
                                      f"*.export_target: {sorted(targets) or 'none'})")
                if event.kind in ("subsidy", "duty") and event.bloc not in model.governments:
                    raise ConfigError(f"event {event.date} {event.kind}.bloc", event.bloc,
                                      f"a bloc with a government ({sorted(model.governments)})")

    @classmethod
    def load(cls, world, scenario: list[EventConfig]) -> Timeline:
        """The world's recorded history (``world.history_file``, checked row by row) and the
        scenario's events."""
        history = data.load_events(world.history_file) if world.history_file else []
        for i, event in enumerate(history):
            check_event(event, f"{world.history_file} row {i + 2}", world, history=True)
        return cls(replayed(history, world.history_until), scenario)

    def months(self) -> list[int]:
        return sorted(self.by_month)

    def apply(self, model, month: int) -> None:
        """Apply the events of ``month``."""
        for event in self.by_month.get(month, []):
            getattr(self, f"_{event.kind}")(model, event)
            self.applied.append((month, event))

    def months_before(self, first_month: int) -> list[int]:
        """The months with events dated before the first simulated month, in order."""
        return [month for month in self.months() if month < first_month]

    # -- one method per event kind ---------------------------------------------------------

    def _release(self, model, e: EventConfig) -> None:
        """Put a model on sale, its capability from, in order: ``capability``; ``eci``, where
        the evaluations put it, q = (ECI - c) / a; ``training_flop``, the estimated map
        q = log10(C) + log10(m(t)) + e_lab; ``frontier_lag_months``; or the lab's knowledge.
        A history release placed by data is a record the lab's offset is estimated from
        (:meth:`sim.agents.vendor.Vendor.release`)."""
        vendor = model.vendors_by_id[e.vendor]
        world = model.cfg.world.capability
        ref, halving = model.clock.reference_month, world.algo_halving_months
        if e.capability is not None:
            capability = e.capability
        elif e.eci is not None:
            capability = capability_from_index(e.eci, world.index.points_per_oom,
                                               world.index.offset)
        elif e.training_flop is not None:
            capability = capability_of(e.training_flop, model.month, ref, halving,
                                       vendor.cfg.efficiency_oom)
        elif e.frontier_lag_months is not None:
            frontier = model.knowledge.closed_frontier()
            capability = frontier - e.frontier_lag_months * world.oom_per_year / 12
        else:  # the lab ships what it knows
            capability = vendor.knowledge
        if e.total_params_b is not None:
            total, active = e.total_params_b, e.active_params_b
        elif vendor.active:  # unpublished: the lab's previous design, grown with capability
            scale = 10.0 ** (world.active_params_elasticity
                             * max(0.0, capability - vendor.capability))
            total, active = vendor.total_params_b * scale, vendor.active_params_b * scale
        else:  # a first model of unpublished size: a compute-optimal dense model
            physical_flop = e.training_flop or 10.0 ** (
                capability - vendor.cfg.efficiency_oom) / algo_multiplier(model.month, ref,
                                                                         halving)
            active = total = compute_optimal_params_b(physical_flop, world.tokens_per_param)
        price = None if e.price_in is None else blended_price(e.price_in, e.price_out)
        recorded = (id(e) in self.history_ids and model.clock.in_history()
                    and (e.eci is not None or e.training_flop is not None))
        vendor.release(e.model or e.label or f"{vendor.cfg.name} model", e.openness, capability,
                       active, total, price, recorded=recorded)
        if price is not None and model.clock.in_history():
            vendor.hold_price(price, parse_month(model.cfg.world.history_until), False)

    def _price(self, model, e: EventConfig) -> None:
        vendors = [model.vendors_by_id[e.vendor]] if e.vendor else [
            v for v in model.vendors if v.bloc == e.bloc and v.active]
        until = price_held_until(model.month, e.duration_months, id(e) in self.history_ids,
                                 model.clock.history_until, parse_month(model.cfg.world.end))
        relative = (e.factor is not None and id(e) not in self.history_ids
                    and (e.mode or "relative") == "relative")
        until_relative = factor_until(model.month, e.duration_months,
                                      parse_month(model.cfg.world.end))
        for vendor in vendors:
            if relative:
                vendor.scale_price(e.factor, until_relative, e.subsidised)
                continue
            price = (blended_price(e.price_in, e.price_out) if e.factor is None
                     else vendor.price * e.factor)
            if not math.isfinite(price):
                continue  # a factor on a vendor with no price yet changes nothing
            vendor.hold_price(price, until, e.subsidised)

    def _export_limit(self, model, e: EventConfig) -> None:
        for government in model.governments.values():
            if government.export_target == e.bloc:
                government.export_level = e.level

    def _subsidy(self, model, e: EventConfig) -> None:
        government = model.governments[e.bloc]
        if e.lever == "per_mtok":
            government.token_subsidy = e.usd_per_mtok
        elif e.lever == "energy":
            government.energy_subsidy = e.level
        elif e.lever == "compute":
            government.compute_subsidy = e.level
        else:
            government.price_support = e.level > 0

    def _duty(self, model, e: EventConfig) -> None:
        """An anti-dumping duty: from now on the government of ``e.bloc`` levies ``e.level``
        on the price of the API tokens its buyers buy from ``e.from_bloc``'s labs (0 lifts
        it)."""
        model.governments[e.bloc].duties[e.from_bloc] = e.level

    def _ban(self, model, e: EventConfig) -> None:
        for jurisdiction in e.countries:
            model.bans.set(jurisdiction, bloc=e.bloc, vendor=e.vendor, lift=e.lift)

    def _entry(self, model, e: EventConfig) -> None:
        model.enter_vertical(model.vendors_by_id[e.vendor], e.vertical)

    def _privacy(self, model, e: EventConfig) -> None:
        for segment, firms in model.firms.items():
            if e.segment in (None, segment):
                firms.shift_privacy(e.level)

    def _ownership(self, model, e: EventConfig) -> None:
        model.merge(e.vendor, e.owner)
