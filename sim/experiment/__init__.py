"""Experiments over the model: named levers in, named scalar outcomes out.

- :func:`evaluate`, :func:`evaluate_many`, :func:`write_runs`: run designs on common seeds
  (:mod:`sim.experiment.evaluate`).
- :data:`LEVERS`, :data:`OUTCOMES`: the registries (:mod:`.levers`, :mod:`.outcomes`).
- :mod:`sim.experiment.mesa_model`: ``BatchMarket``, for ``mesa.batch_run``.
- :func:`sample_parameters`, :class:`Prior`, :func:`world_priors`: draws of the levers from
  their priors, a Latin hypercube by default (:mod:`sim.experiment.uncertainty`).
- :mod:`sim.experiment.sensitivity`: Sobol indices with SALib; :mod:`.morris`: Morris
  screening; :mod:`.screening`: either, resumable, with tables, stability and a figure
  (``python -m sim.sensitivity``).
- :mod:`sim.experiment.prim`: scenario discovery (PRIM boxes) over a runs table;
  :mod:`.discovery`: designs, runs and PRIM (``python -m sim.discover``).
- :func:`ema_model`: the model for EMA Workbench (:mod:`sim.experiment.ema`, an optional
  extra).
- :mod:`sim.experiment.resume`: runs tables that resume where they stopped.

See docs/experiments.md.
"""

from sim.experiment.ema import ema_model
from sim.experiment.evaluate import build_config, evaluate, evaluate_many, write_runs
from sim.experiment.levers import DEFAULT_LEVERS, LEVERS, Lever, LeverError, lever
from sim.experiment.outcomes import OUTCOMES, Outcome, OutcomeError, outcome
from sim.experiment.uncertainty import Prior, sample_parameters, world_priors

__all__ = [
    "DEFAULT_LEVERS",
    "LEVERS",
    "OUTCOMES",
    "Lever",
    "LeverError",
    "Outcome",
    "OutcomeError",
    "Prior",
    "build_config",
    "ema_model",
    "evaluate",
    "evaluate_many",
    "lever",
    "outcome",
    "sample_parameters",
    "world_priors",
    "write_runs",
]
