"""The model in the shape ``mesa.batch_run`` expects: keyword parameters, a seed, and a
``datacollector``.

:class:`sim.model.AIMarket` takes one composed config and has no ``datacollector``, so
``mesa.batch_run(AIMarket, ...)`` fails; and batch_run's ``iterations`` repeats the same
keywords, hence the same seed. :class:`BatchMarket` takes named levers (or dotted config
paths), ``seed``, ``world``, ``scenario`` and ``end`` as keywords, and collects every
headline's current value each month::

    from mesa.batchrunner import batch_run
    rows = batch_run(BatchMarket, parameters={"cn_price_factor": [0.5, 1.0],
                                              "seed": [0, 1], "end": "2026-06"},
                     max_steps=100, number_processes=1, data_collection_period=1)

Put the seeds in ``parameters`` (``"seed": range(20)``) rather than using ``iterations``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES, Headline
from sim.experiment.evaluate import build_config
from sim.model import AIMarket
from sim.model.results import release_model


def headline_now(model: AIMarket, headline: Headline) -> float:
    """A headline's value in the month the model simulated last (NaN if not recorded)."""
    series = model.recorder.series.get((headline.metric, headline.segment))
    if series is None or headline.entity not in series["entities"]:
        return float("nan")
    values = model.recorder.latest(headline.metric, headline.segment)
    return float(values[series["entities"].index(headline.entity)])


def last_month(model: AIMarket) -> str:
    """The month the model simulated last (``YYYY-MM``)."""
    return model.recorder.months[-1] if model.recorder.months else ""


class BatchMarket(AIMarket):
    """:class:`AIMarket` built from keywords, with a Mesa ``datacollector``.

    Args:
        seed: the run's seed (each seed its own draws on every named stream).
        world, scenario: names under ``scenarios/``.
        start, end: first and last simulated months (``YYYY-MM``); the world's own if
            None (a start within the history replays the history before it at once).
        **levers: named levers (:data:`sim.experiment.levers.LEVERS`) or config paths.

    The datacollector's model reporters: ``month`` and every headline's key
    (:data:`sim.analysis.headline.HEADLINES`), collected after each simulated month, so
    row ``k`` of ``datacollector.get_model_vars_dataframe()`` is the month after ``k + 1``
    steps (batch_run's ``Step`` column counts the same way).
    """

    def __init__(self, seed: int = 0, world: str = "small", scenario: str = "baseline",
                 start: str | None = None, end: str | None = None, **levers: Any) -> None:
        overrides = [f"world.{key}={month}" for key, month in (("start", start), ("end", end))
                     if month]
        super().__init__(build_config(levers, int(seed), world, scenario, overrides))
        reporters: dict[str, Any] = {"month": last_month}
        for h in HEADLINES:
            reporters[h.key] = partial(headline_now, headline=h)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """Simulate one month and collect the headlines."""
        super().step()
        self.datacollector.collect(self)
        if not self.running:
            # the last month: free the model from Mesa's agent registry (see release_model)
            release_model(self)

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
