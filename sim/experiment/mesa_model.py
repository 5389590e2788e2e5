"""The model with named levers as keywords, for ``mesa.batch_run``.

:class:`sim.model.AIMarket` itself takes keywords (``world``, ``scenario``, ``seed``,
config paths) and carries a Mesa ``DataCollector`` with the headlines, so
``mesa.batch_run(AIMarket, ...)`` works. :class:`BatchMarket` adds the named levers of
:data:`sim.experiment.levers.LEVERS` (``cn_price_factor``, ``us_distrust_of_cn``, ...) and
``start``/``end``::

    from mesa.batchrunner import batch_run
    rows = batch_run(BatchMarket, parameters={"cn_price_factor": [0.5, 1.0],
                                              "seed": [0, 1], "end": "2026-06"},
                     max_steps=100, number_processes=1, data_collection_period=1)

Seeds: put them in ``parameters`` (``"seed": range(20)``) for reproducible runs; Mesa
3.3's ``iterations`` repeats the same keywords, and a model built without a seed draws a
fresh one, so each iteration gets its own (the ``seed`` column records it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.config.keywords import seed_of
from sim.experiment.evaluate import build_config
from sim.model import AIMarket
from sim.model.reporters import headline_now, last_month

__all__ = ["BatchMarket", "batch_table", "headline_now", "last_month"]


class BatchMarket(AIMarket):
    """:class:`AIMarket` built from named levers, with the headlines' ``datacollector``.

    Args:
        seed, rng: the run's seed (see :class:`AIMarket`; neither: a fresh one).
        world, scenario: names under ``scenarios/``.
        start, end: first and last simulated months (``YYYY-MM``); the world's own if
            None (a start within the history replays the history before it at once).
        **levers: named levers (:data:`sim.experiment.levers.LEVERS`) or config paths.
    """

    def __init__(self, seed: int | None = None, world: str = "small",
                 scenario: str = "baseline", start: str | None = None,
                 end: str | None = None, rng: Any = None, **levers: Any) -> None:
        overrides = [f"world.{key}={month}" for key, month in (("start", start), ("end", end))
                     if month]
        super().__init__(build_config(levers, seed_of(seed, rng), world, scenario, overrides))

    def headlines(self) -> dict[str, float]:
        """Every headline's value in the month simulated last."""
        return {h.key: headline_now(self, h) for h in HEADLINES}


def batch_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``mesa.batch_run``'s rows as a DataFrame with the headline columns as floats."""
    frame = pd.DataFrame(rows)
    for h in HEADLINES:
        if h.key in frame:
            frame[h.key] = frame[h.key].astype(np.float64)
    return frame
