"""The root of the config tree and its registration with Hydra's ConfigStore."""

from __future__ import annotations

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore

from sim.config.fields import param
from sim.config.scenario import ScenarioConfig
from sim.config.world import WorldConfig
from sim.core.dates import REPORT_DATES


@dataclass
class RulesConfig:
    """Which named rule makes each decision (see ``sim.rules``)."""

    vendor_pricing: str = param("best_response", unit="rule", doc="how vendors set prices",
                                origin="structural")
    vendor_release: str = param("cadence", unit="rule",
                                doc="when vendors release a new model after the history",
                                origin="structural")
    vendor_openness: str = param("keep", unit="rule",
                                 doc="how open a vendor's release after the history is",
                                 origin="structural")
    vendor_entry: str = param("hazard", unit="rule",
                              doc="whether and which vertical a closed lab that builds "
                                  "applications enters this month", origin="structural")
    startup_choice: str = param("logit", unit="rule", doc="how firms choose a provider",
                                origin="structural")
    adopter_choice: str = param("logit", unit="rule",
                                doc="how developing nations split their use among models",
                                origin="structural")
    government_policy: str = param("timeline", unit="rule",
                                   doc="whether governments only follow the timeline or react",
                                   origin="structural")
    plugins: list[str] = param(unit="modules",
                               doc="modules imported before the run, to register your own rules",
                               factory=list, origin="structural")


#: What gathering a sweep reads (``output.gather``; :mod:`sim.tools.gather`).
GATHER_MODES: tuple[str, ...] = ("full", "headline")
#: The figure formats ``output.figure_formats`` allows (those of ``sim.plots.export``).
FIGURE_FORMATS: tuple[str, ...] = ("png", "pdf", "svg")


@dataclass
class OutputConfig:
    """What a run writes."""

    formats: list[str] = param(unit="formats", doc="table formats: parquet, csv",
                               factory=lambda: ["parquet", "csv"], origin="structural")
    plots: bool = param(True, unit="flag", doc="draw the standard plots", origin="structural")
    figure_formats: list[str] = param(unit="formats",
                                      doc="figure file formats: png (what the report embeds), "
                                          "pdf and svg (vector, written only on request)",
                                      factory=lambda: ["png"], choices=FIGURE_FORMATS,
                                      origin="structural")
    report: bool = param(True, unit="flag", doc="write the HTML report", origin="structural")
    progress: bool = param(True, unit="flag", doc="show a progress bar", origin="structural")
    plots_in_sweeps: bool = param(False, unit="flag",
                                  doc="also draw each run's plots and report inside a sweep "
                                      "(the gathered report covers the sweep)",
                                  origin="structural")
    report_dates: list[str] = param(unit="YYYY-MM", doc="dates of the report's table",
                                    factory=lambda: list(REPORT_DATES), origin="structural")
    decomposition: bool = param(True, unit="flag",
                                doc="with the report, split the scenario's headline effect by "
                                    "lever: one run without any of its events and one with "
                                    "each lever (events sharing a label) off, written to "
                                    "decomposition.csv and the report (L + 1 more runs; none "
                                    "for a scenario without events or in a sweep)",
                                origin="structural")
    gather: str = param("full", unit="mode",
                        doc="what gathering a sweep reads: full (every series, to a Parquet "
                            "dataset) or headline (each run's headline series only: runs.csv, "
                            "for sweeps of thousands of runs)",
                        choices=GATHER_MODES, origin="structural")


@dataclass
class DrawConfig:
    """A run's parameter draw, a row of a design file of lever values (python -m sim).

    ``python -m sim`` sets the row's levers before the config is validated
    (``sim.experiment.draws.apply_draw``); ``compose_config`` does not read design files:
    in Python, pass the draws to ``sim.experiment.evaluate_many`` instead.
    """

    file: str | None = param(None, unit="path",
                             doc="a design CSV, a row per draw and a column per lever or config "
                                 "path (python -m sim.experiment.draws writes one)",
                             origin="structural")
    index: int | None = param(None, unit="row", doc="the draw (row of draw.file) this run takes",
                              lo=0, origin="structural")


@dataclass
class Config:
    """Everything a run needs: the world, the scenario, the rules, the seed."""

    seed: int = param(0, unit="seed", doc="seed of every random stream", lo=0, hi=2**32 - 1,
                      origin="structural")
    engine: str = param("vector", unit="engine",
                        doc="vector: numpy over all buyers; agent: one Mesa step per buyer "
                            "(the executable specification)", choices=("vector", "agent"),
                        origin="structural")
    world: WorldConfig = field(default_factory=WorldConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    draw: DrawConfig = field(default_factory=DrawConfig)


def register_configs() -> None:
    """Register the schema with Hydra, so ``scenarios/config.yaml`` can name it first."""
    store = ConfigStore.instance()
    store.store(name="schema", node=Config)
    store.store(group="world", name="schema", node=WorldConfig, package="world")
    store.store(group="scenario", name="schema", node=ScenarioConfig, package="scenario")
