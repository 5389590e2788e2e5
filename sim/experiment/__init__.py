"""Experiments over the model: named levers in, named scalar outcomes out.

- :func:`evaluate`, :func:`evaluate_many`, :func:`write_runs`: run designs on common seeds
  (:mod:`sim.experiment.evaluate`).
- :data:`LEVERS`, :data:`OUTCOMES`: the registries (:mod:`.levers`, :mod:`.outcomes`).
- :mod:`sim.experiment.mesa_model`: ``BatchMarket``, for ``mesa.batch_run``.
- :func:`sample_parameters`, :class:`Prior`, :func:`world_priors`: draws of the levers from
  their priors, a Latin hypercube by default (:mod:`sim.experiment.uncertainty`).
- :mod:`sim.experiment.sensitivity`: Sobol indices with SALib.
- :mod:`sim.experiment.prim`: scenario discovery (PRIM boxes) over a runs table.

See docs/experiments.md.
"""

from sim.experiment.evaluate import build_config, evaluate, evaluate_many, write_runs
from sim.experiment.levers import LEVERS, Lever, LeverError, lever
from sim.experiment.outcomes import OUTCOMES, Outcome, OutcomeError, outcome
from sim.experiment.uncertainty import Prior, sample_parameters, world_priors

__all__ = [
    "LEVERS",
    "OUTCOMES",
    "Lever",
    "LeverError",
    "Outcome",
    "OutcomeError",
    "Prior",
    "build_config",
    "evaluate",
    "evaluate_many",
    "lever",
    "outcome",
    "sample_parameters",
    "world_priors",
    "write_runs",
]
