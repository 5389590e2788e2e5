"""Governments: the US, China and the EU, with their levers and their policy rules.

Levers: export limits on a target bloc's advanced chips, subsidies (compute, energy,
prices below cost), bans of a bloc's models for its own buyers, compliance costs.
Levers change by scenario events (the timeline) and, with the ``reactive`` rule, by the
government itself each month.
"""

from __future__ import annotations

import mesa

from sim.rules import rule


class Government(mesa.Agent):
    """A bloc's government.

    Attributes:
        bloc: the bloc it governs.
        export_target, export_level: the bloc whose advanced-chip purchases it limits, and
            the share of that bloc's demand allowed (1: no limit).
        energy_subsidy, compute_subsidy: shares of power bills and chip purchases it pays.
        price_support: it pays its labs' losses from selling below cost.
        compliance_cost: cost per million tokens sold to its buyers (USD).
        banned_blocs: blocs whose APIs its buyers may not use.
        spending: what it paid this month, by lever (USD).
        last_move: month of its last reactive move.
    """

    def __init__(self, model: mesa.Model, bloc: str, cfg) -> None:
        super().__init__(model)
        self.bloc, self.cfg = bloc, cfg
        self.export_target = cfg.export_target
        self.export_level = cfg.export_level
        self.energy_subsidy = cfg.energy_subsidy
        self.compute_subsidy = cfg.compute_subsidy
        self.price_support = cfg.price_support
        self.compliance_cost = cfg.compliance_cost_usd_per_mtok
        self.banned_blocs: set[str] = set(cfg.banned_blocs)
        self.spending = {"compute": 0.0, "energy": 0.0, "price": 0.0}
        self.last_move = -10**9

    def spend(self, lever: str, usd: float) -> None:
        """Book a subsidy payment (USD)."""
        self.spending[lever] += usd

    def act(self) -> None:
        """Start the month's books and apply the configured policy rule."""
        self.spending = dict.fromkeys(self.spending, 0.0)
        self.model.rule("government_policy")(self, self.model)


@rule("government_policy", "timeline")
def timeline(government: Government, model) -> None:
    """Levers change only by the scenario's dated events."""


@rule("government_policy", "reactive")
def reactive(government: Government, model) -> None:
    """Governments answer the race, after the history (and besides the timeline).

    - A government that limits exports tightens them by ``tighten_step`` (down to
      ``min_export_level``) when its lead over the target, in months, falls below
      ``gap_threshold_months``; at most once per ``cooldown_months``.
    - A government whose bloc is limited raises its compute subsidy by
      ``subsidy_response`` times the export level lost, up to ``max_subsidy``.
    """
    if model.in_history():
        return
    cfg = government.cfg
    if government.export_target and model.month - government.last_move >= cfg.cooldown_months:
        lead = model.capability_lead_months(government.bloc, government.export_target)
        if lead < cfg.gap_threshold_months and government.export_level > cfg.min_export_level:
            government.export_level = max(cfg.min_export_level,
                                          government.export_level - cfg.tighten_step)
            government.last_move = model.month
    lost = 1.0 - model.export_level(government.bloc)
    wanted = min(cfg.max_subsidy, government.cfg.compute_subsidy + cfg.subsidy_response * lost)
    government.compute_subsidy = max(government.compute_subsidy, wanted)
