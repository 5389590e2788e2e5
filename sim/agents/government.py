"""Governments: the US, China and the EU, with their levers and their policy rules.

Levers: export limits on a target bloc's advanced chips, subsidies (compute, energy,
prices below cost, an amount per token sold), bans of a bloc's models for its own
buyers, compliance costs, anti-dumping duties on its buyers' API tokens from a bloc's labs.
Levers change by scenario events (the timeline) and, with the ``reactive`` rule, by the
government itself each month.
"""

from __future__ import annotations

import mesa


class Government(mesa.Agent):
    """A bloc's government.

    Attributes:
        bloc: the bloc it governs.
        export_target, export_level: the bloc whose advanced-chip purchases it limits, and
            the share of that bloc's demand allowed (1: no limit).
        energy_subsidy, compute_subsidy: shares of power bills and chip purchases it pays.
        price_support: it pays its labs' losses from selling below cost.
        token_subsidy: what it pays its labs per million API tokens sold (USD per million
            tokens; negative: a tax it collects).
        compliance_cost: cost per million tokens sold to its buyers (USD).
        banned_blocs: blocs whose APIs its buyers may not use.
        duties: the duty on its buyers' API tokens from each bloc's labs, by bloc (1, a share
            of the price; a ``duty`` event sets it).
        duty_revenue: the duties it collected this month (USD): revenue, not spending.
        spending: what it paid this month, by lever (USD).
        spent_total: what it has paid since the start, all levers (USD).
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
        self.token_subsidy = 0.0  # set by a per_mtok subsidy event
        self.compliance_cost = cfg.compliance_cost_usd_per_mtok
        self.banned_blocs: set[str] = set(cfg.banned_blocs)
        self.duties: dict[str, float] = {}
        self.duty_revenue = 0.0
        self.spending = {"compute": 0.0, "energy": 0.0, "price": 0.0, "token": 0.0}
        self.spent_total = 0.0
        self.last_move = -10**9

    def spend(self, lever: str, usd: float) -> None:
        """Book a subsidy payment to a lab (USD): this month's flow and the total (a tax
        collected is a negative payment)."""
        self.spending[lever] += usd
        self.spent_total += usd

    def act(self) -> None:
        """Start the month's books and apply the configured policy rule."""
        self.spending = dict.fromkeys(self.spending, 0.0)
        self.duty_revenue = 0.0
        self.model.rules["government_policy"](self, self.model)
