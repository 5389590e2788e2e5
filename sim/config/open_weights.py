"""Open weights and what grows around them: the labs' openness decision, third-party hosts of
open weights and the network effects of model families (``world.openness``,
``world.hosting``, ``world.ecosystem``)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import param
from sim.core.constants import BLOCS


@dataclass
class OpennessConfig:
    """What the ``profit`` openness rule weighs (``rules.vendor_openness``; docs/MODEL.md 7.4)."""

    horizon_months: float = param(24.0, unit="months",
                                  doc="profit rule: months of profit a lab weighs when it "
                                      "chooses its next model's openness", lo=0, lo_open=True,
                                  hi=240, origin="assumption")
    ecosystem_value_usd_per_mtok: float = param(0.0, unit="USD per million tokens",
                                                doc="profit rule: value to a lab of a token of "
                                                    "its open model self-hosted by others "
                                                    "(ecosystem, installed base, data "
                                                    "flywheel; 0: none)", lo=0, hi=1000,
                                                origin="assumption")
    source_ecosystem_bonus: float = param(0.0, unit="1",
                                          doc="profit rule: extra ecosystem value of an "
                                              "open-source model over an open-weight one "
                                              "(community contributions)", lo=0, hi=10,
                                          origin="assumption")
    spill_loss_per_oom: float = param(0.2, unit="per OOM",
                                      doc="profit rule: share of its horizon API profit a lab "
                                          "expects to lose per OOM that rivals gain from its "
                                          "open release (0: spillovers cost nothing)", lo=0,
                                      hi=10, origin="assumption")
    switch_cost_usd: float = param(0.0, unit="USD",
                                   doc="profit rule: what a lab with a model on sale loses by "
                                       "releasing its next one at another openness "
                                       "(reputation, developer community, licence "
                                       "commitments); it changes only when the gain exceeds "
                                       "this (0: none)", lo=0, hi=1e13, origin="assumption")


@dataclass
class HostingConfig:
    """Third-party hosts of open weights: a competitive fringe that serves every open model's
    API at its serving cost plus a margin (:mod:`sim.market.hosting`)."""

    third_party: bool = param(False, unit="flag",
                              doc="third-party hosts sell every open model's API (a third "
                                  "menu slot per vendor)", origin="assumption")
    fringe_margin: float = param(2.3, unit="1",
                                 doc="hosts' margin over their serving cost: p = c (1 + m) "
                                     "(median of budget hosts' prices over the serving-cost "
                                     "formula, sim/data/host_margins.csv)",
                                 lo=0, hi=100, origin="data")
    licence_share: float = param(0.0, unit="1",
                                 doc="share of the hosts' revenue paid to the model's lab",
                                 lo=0, hi=1, origin="assumption")
    cloud_bloc: str = param("US", unit="bloc", doc="bloc whose cloud the hosts serve from",
                            choices=BLOCS, origin="assumption")


@dataclass
class EcosystemConfig:
    """Ecosystems that can tip: each model family's installed base and the network effect
    it gives buyers (docs/MODEL.md 7.15; :mod:`sim.market.ecosystem`)."""

    network_weight: float = param(0.0, unit="utils",
                                  doc="utility a family's offerings gain when it holds every "
                                      "ecosystem stock, nu in u_j += nu e_f(j) (linear "
                                      "network effect; 0: none). Not calibrated: no sourced "
                                      "value", lo=0, hi=20, origin="assumption")
    depreciation_per_month: float = param(0.05, unit="1 per month",
                                          doc="share of a family's ecosystem stock lost each "
                                              "month (developers leave, tooling ages)",
                                          lo=0, lo_open=True, hi=1, origin="assumption")
    derivative_rate: float = param(0.0, unit="1",
                                   doc="fine-tuned derivatives of open bases: each token "
                                       "self-hosted on a family's open weights adds 1 + this "
                                       "to its stock (0: none)", lo=0, hi=10,
                                   origin="assumption")
    initial_stock_mtok: dict[str, float] = param(
        unit="million tokens", doc="each family's ecosystem stock at the start, by vendor id "
                                   "(missing: 0)", factory=dict, origin="assumption")
