"""Running a scenario's decomposition by lever: the runs :mod:`sim.analysis.decomposition`
splits the headline effect from.

A lever is a group of the scenario's events sharing a label (an event without one is a
lever of its own, named by its kind, target and date). For a scenario of L levers this runs
L + 1 more runs beside the scenario's own: none of its events, and each lever off in turn,
all on the same seed (common random numbers), so that differences are the levers' effects.
The scenario's world overrides stay on in every run: the decomposition is of its events.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from sim.analysis.decomposition import ALL, NONE, WITHOUT, decompose
from sim.analysis.outcomes import OUTCOMES, compute_outcomes
from sim.config import Config, EventConfig
from sim.model.results import Results, run

log = logging.getLogger(__name__)

#: The outcomes decomposed by default: every headline's mean after the recorded history.
MEAN_OUTCOMES: tuple[str, ...] = tuple(n for n in OUTCOMES if n.endswith("@mean"))


def lever_name(event: EventConfig) -> str:
    """An event's lever: its label, else its kind, target and date."""
    if event.label:
        return event.label
    target = event.vendor or event.bloc or event.segment or ""
    return " ".join(str(p) for p in (event.kind, target, event.date) if p)


def levers(cfg: Config) -> dict[str, list[int]]:
    """The scenario's levers, in the order of their first event: name -> event indices."""
    out: dict[str, list[int]] = {}
    for i, event in enumerate(cfg.scenario.events):
        out.setdefault(lever_name(event), []).append(i)
    return out


def variants(cfg: Config) -> dict[str, Config]:
    """The runs besides the scenario's own: ``none`` and ``without:<lever>`` for each."""
    def keeping(indices: Iterable[int]) -> Config:
        variant = copy.deepcopy(cfg)
        keep = set(indices)
        variant.scenario.events = [e for i, e in enumerate(cfg.scenario.events) if i in keep]
        return variant

    everything = range(len(cfg.scenario.events))
    out = {NONE: keeping(())}
    for name, indices in levers(cfg).items():
        out[f"{WITHOUT}{name}"] = keeping(i for i in everything if i not in indices)
    return out


def lever_decomposition(cfg: Config, seeds: Sequence[int] | None = None,
                        outcomes: Sequence[str] = MEAN_OUTCOMES,
                        own: Results | None = None,
                        runner: Callable[[Config], Results] = run) -> pd.DataFrame:
    """The decomposition of ``outcomes`` by the scenario's levers, one row per outcome,
    lever and seed (:func:`sim.analysis.decomposition.decompose`).

    Args:
        cfg: the scenario's validated config.
        seeds: the seeds (default: the config's own).
        outcomes: names of :mod:`sim.analysis.outcomes`.
        own: the scenario's own run at ``cfg.seed``, when already made (it is not rerun).
        runner: builds and runs a config (a test may count the runs).

    Raises:
        ValueError: a scenario without events (nothing to decompose).
    """
    if not cfg.scenario.events:
        raise ValueError(f"scenario {cfg.scenario.name!r} has no events: nothing to "
                         "decompose by lever")
    seeds = [cfg.seed] if seeds is None else list(seeds)
    rows = []
    for seed in seeds:
        base = copy.deepcopy(cfg)
        base.seed = int(seed)
        base.output.progress = False
        runs = {ALL: base, **variants(base)}
        for name, variant in runs.items():
            if name == ALL and own is not None and seed == cfg.seed:
                table = own.table
            else:
                log.info("decomposition: seed %s, run %s", seed, name)
                table = runner(variant).table
            values = compute_outcomes(table, cfg.world.history_until, outcomes)
            rows += [{"run": name, "seed": seed, "outcome": k, "value": v}
                     for k, v in values.items()]
    return decompose(pd.DataFrame(rows))
