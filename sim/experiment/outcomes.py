"""Named scalar outcomes of a run (``cn_share_startups``, ``cn_share_startups@mean``,
``cn_share_startups@2027-12``): defined in :mod:`sim.analysis.outcomes`, a pure function of
a run's table that the sweep gathering uses too, and re-exported here for experiments."""

from sim.analysis.outcomes import OUTCOMES, Outcome, OutcomeError, compute_outcomes, outcome

__all__ = ["OUTCOMES", "Outcome", "OutcomeError", "compute_outcomes", "outcome"]
