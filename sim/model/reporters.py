"""Mesa's ``DataCollector`` for :class:`sim.model.AIMarket`: the headline metrics as model
reporters, so that ``mesa.batch_run(AIMarket, ...)`` returns them.

Every reporter reads a value the recorder (:mod:`sim.model.record`) has already computed
for the month, so collecting costs a dictionary look-up per headline, not a computation.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa

from sim.analysis.headline import HEADLINES, Headline


def headline_now(model: Any, headline: Headline) -> float:
    """A headline's value in the month the model simulated last (NaN if not recorded)."""
    series = model.recorder.series.get((headline.metric, headline.segment))
    if series is None or headline.entity not in series["entities"]:
        return float("nan")
    values = model.recorder.latest(headline.metric, headline.segment)
    return float(values[series["entities"].index(headline.entity)])


def last_month(model: Any) -> str:
    """The month the model simulated last (``YYYY-MM``; empty before the first step)."""
    return model.recorder.months[-1] if model.recorder.months else ""


def run_seed(model: Any) -> int:
    """The run's seed (``cfg.seed``): a batch without seeds draws one per model."""
    return int(model.cfg.seed)


def headline_collector() -> mesa.DataCollector:
    """A ``DataCollector`` with the model reporters ``month``, ``seed`` and every headline's
    key (:data:`sim.analysis.headline.HEADLINES`), in the headline's unit."""
    reporters: dict[str, Any] = {"month": last_month, "seed": run_seed}
    for h in HEADLINES:
        reporters[h.key] = partial(headline_now, headline=h)
    return mesa.DataCollector(model_reporters=reporters)
