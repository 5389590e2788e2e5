"""Experiments over the model: named levers in, named scalar outcomes out.

- :func:`evaluate`, :func:`evaluate_many`, :func:`write_runs`: run designs on common seeds
  (:mod:`sim.experiment.evaluate`).
- :data:`LEVERS`, :data:`OUTCOMES`: the registries (:mod:`.levers`, :mod:`.outcomes`).
- :mod:`sim.experiment.mesa_model`: ``BatchMarket``, for ``mesa.batch_run``.
- :mod:`sim.experiment.sensitivity`: Sobol indices with SALib.
- :mod:`sim.experiment.prim`: scenario discovery (PRIM boxes) over a runs table.

See docs/experiments.md.
"""

from sim.experiment.evaluate import build_config, evaluate, evaluate_many, write_runs
from sim.experiment.levers import LEVERS, Lever, LeverError, lever
from sim.experiment.outcomes import OUTCOMES, Outcome, OutcomeError, outcome

__all__ = [
    "LEVERS",
    "OUTCOMES",
    "Lever",
    "LeverError",
    "Outcome",
    "OutcomeError",
    "build_config",
    "evaluate",
    "evaluate_many",
    "lever",
    "outcome",
    "write_runs",
]
