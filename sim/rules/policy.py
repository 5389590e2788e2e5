"""The governments' policy rules (``rules.government_policy``): how levers move each month.

Each rule takes the government and the model and changes the government's levers.
"""

from __future__ import annotations

from sim.rules.registry import rule


@rule("government_policy", "timeline")
def timeline(government, model) -> None:
    """Levers change only by the scenario's dated events."""


@rule("government_policy", "reactive")
def reactive(government, model) -> None:
    """Governments answer the race, after the history (and besides the timeline).

    - A government that limits exports tightens them by ``tighten_step`` (down to
      ``min_export_level``) when its lead over the target, in months, falls below
      ``gap_threshold_months``; at most once per ``cooldown_months``.
    - A government whose bloc is limited raises its compute subsidy by
      ``subsidy_response`` times the export level lost, up to ``max_subsidy``.
    """
    if model.clock.in_history():
        return
    cfg = government.cfg
    if government.export_target and model.month - government.last_move >= cfg.cooldown_months:
        lead = model.knowledge.capability_lead_months(government.bloc, government.export_target)
        if lead < cfg.gap_threshold_months and government.export_level > cfg.min_export_level:
            government.export_level = max(cfg.min_export_level,
                                          government.export_level - cfg.tighten_step)
            government.last_move = model.month
    lost = 1.0 - model.costs.export_level(government.bloc)
    wanted = min(cfg.max_subsidy, government.cfg.compute_subsidy + cfg.subsidy_response * lost)
    government.compute_subsidy = max(government.compute_subsidy, wanted)
