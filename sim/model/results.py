"""Running a config and holding its results: the one boundary that the command line,
tests, notebooks, the calibration and the dashboard all call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mesa
import pandas as pd

from sim.analysis.tidy import wide
from sim.config import Config
from sim.model import AIMarket


@dataclass
class Results:
    """The outcome of one run.

    Attributes:
        table: every series, long format (month, metric, entity, segment, value, unit).
        events: the events applied, one row each (month, kind, vendor, bloc, label).
        entries: vertical entries (month, vendor, vertical, harmed firms).
        config: the config that produced them.
    """

    table: pd.DataFrame
    events: pd.DataFrame
    entries: pd.DataFrame
    config: Config
    info: dict[str, Any] = field(default_factory=dict)

    def series(self, metric: str, segment: str = "all") -> pd.DataFrame:
        """One metric as a wide table: a row per month, a column per entity."""
        return wide(self.table, metric, segment)

    @classmethod
    def load(cls, run_dir) -> Results:
        """Read a finished run back from its folder (tables and resolved config)."""
        from pathlib import Path

        from omegaconf import OmegaConf

        from sim.config import register_configs, to_config
        from sim.config.schema import Config

        run_dir = Path(run_dir)
        register_configs()
        resolved = OmegaConf.load(run_dir / ".hydra" / "config.yaml")
        resolved.pop("hydra", None)
        config = to_config(OmegaConf.merge(OmegaConf.structured(Config), resolved))
        table = pd.read_parquet(run_dir / "timeseries.parquet")
        for column in ("metric", "entity", "segment", "unit"):
            table[column] = table[column].astype(str)
        events = pd.read_csv(run_dir / "events.csv", dtype=str).fillna("")
        entries = pd.read_csv(run_dir / "entries.csv")
        return cls(table, events, entries, config)

    def value(self, metric: str, entity: str, segment: str = "all",
              month: str | None = None) -> float:
        """One value; the last month's unless ``month`` is given."""
        series = self.series(metric, segment)[entity]
        return float(series.iloc[-1] if month is None else series.loc[month])


def event_rows(model: AIMarket) -> pd.DataFrame:
    """The events the model applied, as a table (for plots and reports)."""
    from sim.core.calendar import format_month

    rows = [{"month": format_month(m), "kind": e.kind, "vendor": e.vendor or "",
             "bloc": e.bloc or "", "label": e.label or e.model or e.kind}
            for m, e in model.timeline.applied]
    return pd.DataFrame(rows, columns=["month", "kind", "vendor", "bloc", "label"])


def run(cfg: Config, progress: bool = False) -> Results:
    """Build the model from a validated config, run it to the end, return its results."""
    model = AIMarket(cfg)
    try:
        months = range(model.clock.n_months)
        if progress:
            from tqdm import tqdm

            months = tqdm(months, desc=f"{cfg.scenario.name} seed={cfg.seed}", unit="month")
        for _ in months:
            model.step()
        from sim.core.calendar import format_month

        entries = pd.DataFrame(
            [{"month": format_month(m), "vendor": v, "vertical": k, "harmed": h}
             for m, v, k, h in model.entries],
            columns=["month", "vendor", "vertical", "harmed"])
        return Results(model.recorder.to_frame(), event_rows(model), entries, cfg,
                       {"nash_converged": model.nash_converged})
    finally:
        release_model(model)


def release_model(model: mesa.Model) -> None:
    """Free a finished model: Mesa 3.3.1 keeps every model alive in ``Agent._ids``
    (mesa issue #3179), which leaks memory across runs in one process."""
    mesa.Agent._ids.pop(model, None)
