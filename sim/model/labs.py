"""The labs' month: chips, training, knowledge, releases and serving costs, in that order.

Each step is an agent method or a pure formula; this module only sequences them, so that
the model's ``step()`` can name the whole phase in one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.agents.vendor import Vendor
from sim.core.calendar import parse_month
from sim.core.constants import BLOCS
from sim.market import compute
from sim.market.releases import release_rates
from sim.model.costs import Costs
from sim.model.knowledge import Knowledge


def advance(vendors: Sequence[Vendor], costs: Costs, knowledge: Knowledge) -> None:
    """Vendors buy chips, train, absorb spillovers, maybe release, and cost their serving."""
    costs.new_month()
    buy_chips(vendors, costs)
    for vendor in vendors:
        vendor.train()
    knowledge.spread()
    for vendor in vendors:
        vendor.maybe_release()
    for vendor in vendors:
        vendor.update_cost()
        vendor.ensure_price()


def buy_chips(vendors: Sequence[Vendor], costs: Costs) -> None:
    """Labs buy chips; domestic chips are shared out in proportion to what each wants
    when the bloc's fabs cannot make enough (:func:`sim.market.compute.ration`)."""
    plans = {v: v.plan_chips() for v in vendors}
    for bloc in BLOCS:
        wanted = sum(p.domestic for v, p in plans.items() if p and v.bloc == bloc)
        share = compute.ration(wanted, costs.domestic_supply(bloc))
        for vendor, plan in plans.items():
            if plan is not None and vendor.bloc == bloc:
                vendor.receive_chips(plan.rationed(share))


def estimate_release_rates(vendors: Sequence[Vendor], release_months: Mapping[str, list[int]],
                           world) -> None:
    """Each lab's release hazard (``vendor.release_rate``, probability a month), estimated on
    the recorded releases up to ``world.releases.fit_until``, each lab at risk from its entry
    (:func:`sim.market.releases.release_rates`); a lab without recorded releases gets the
    pooled rate. The ``hazard`` release rule reads it."""
    months = {v.vid: release_months.get(v.vid, []) for v in vendors}
    rates = release_rates(months, None, parse_month(world.releases.fit_until),
                          world.releases.prior_months)
    for vendor in vendors:
        vendor.release_rate = rates[vendor.vid].rate
