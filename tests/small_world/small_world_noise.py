"""The shipped scenarios' headline contrasts and the small world's aggregates, and the
seed-to-seed noise of the contrasts against which ``test_small_world.py`` reads their signs.

A *contrast* is a scenario's headline minus the baseline's, on the same seed (common random
numbers), each headline reduced to its mean after the recorded history (``<key>@mean``,
:mod:`sim.analysis.outcomes`): what the scenario changed. Its spread over seeds is the noise
that a comparison on one seed carries. The spread is measured on purpose, like the golden
fingerprints, and stored in ``noise.json``:

    .venv/bin/python tests/small_world/small_world_noise.py     # rewrite noise.json

(about 80 small-world and 24 default-world runs: some 5 minutes on an idle 2-core machine).
Rerun it when a change moves the model's dynamics, and say why in the commit message.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim import compose_config, run
from sim.analysis.headline import HEADLINES
from sim.analysis.outcomes import compute_outcomes
from sim.analysis.tidy import wide
from sim.config import SCENARIOS_DIR
from sim.dashboard.scenario_file import is_dashboard_file

STORE = Path(__file__).with_name("noise.json")
WORLDS = ("small", "default")
#: Seeds the noise is measured on: the small world's spread is the larger, so it gets more.
NOISE_SEEDS = {"small": tuple(range(10)), "default": (0, 1, 2)}
#: A lab's months over capacity count where it serves at least this share of API tokens: a
#: lab with less serves so few of the small world's sampled firms (each standing for ten)
#: that one of them decides whether its small fleet binds (AI2 in open_weight_release, seed
#: 0: 13 months at 1.7% of API tokens in the small world, none in the default world).
MIN_TOKEN_SHARE = 0.03
#: The years of the recorded history whose aggregates the small world must match.
YEARS = ("2024", "2025")
#: The blocs whose labs' revenue is compared (EU and ROW labs, Mistral and TII, earn under 1%
#: of API revenue, from a handful of simulated firms in the small world).
REVENUE_BLOCS = ("US", "CN")
MEANS = tuple(f"{h.key}@mean" for h in HEADLINES)


def scenarios() -> list[str]:
    """Every shipped scenario but the baseline, by file name (not dashboard-saved files)."""
    folder = SCENARIOS_DIR / "scenario"
    return sorted(p.stem for p in folder.glob("*.yaml")
                  if p.stem != "baseline" and not is_dashboard_file(p))


def aggregates(table: pd.DataFrame, vendor_bloc: dict[str, str]) -> dict[str, float]:
    """A run's market size in each year of :data:`YEARS`: API tokens (million, the year's
    sum over labs), API revenue of each bloc's labs (USD, the year's sum) and the
    utilisation a served token meets (each lab's monthly utilisation weighted by its API
    tokens: above 1 the lab serves beyond its fleet's capacity at surge cost).

    Keys are ``<quantity>@<year>``, e.g. ``revenue_US@2024``.
    """
    tokens = wide(table, "tokens_api").fillna(0.0)
    revenue = wide(table, "revenue").fillna(0.0)
    utilisation = wide(table, "utilisation")[tokens.columns].fillna(0.0)
    out = {}
    for year in YEARS:
        rows = tokens.index.str.startswith(year)
        served = tokens[rows].to_numpy()
        out[f"api_tokens@{year}"] = float(served.sum())
        for bloc in REVENUE_BLOCS:
            labs = [v for v in revenue.columns if vendor_bloc[v] == bloc]
            out[f"revenue_{bloc}@{year}"] = float(revenue.loc[rows, labs].to_numpy().sum())
        out[f"utilisation@{year}"] = float(
            (served * utilisation[rows].to_numpy()).sum() / served.sum())
    return out


@dataclass(frozen=True)
class Summary:
    """What the tests read of one run."""

    means: dict[str, float]  #: each headline's mean after the recorded history, by key
    aggregates: dict[str, float]  #: :func:`aggregates`
    #: months each lab served beyond its fleet's capacity with at least MIN_TOKEN_SHARE of
    #: the API tokens
    over_capacity: dict[str, int]


def summarise(world: str, scenario: str, seed: int) -> Summary:
    """Run one world, scenario and seed, and keep its :class:`Summary`."""
    cfg = compose_config([f"world={world}", f"scenario={scenario}", f"seed={seed}"])
    table = run(cfg).table
    means = compute_outcomes(table, cfg.world.history_until, MEANS)
    bloc = {vid: v.bloc for vid, v in cfg.world.vendors.items()}
    tokens = wide(table, "tokens_api")
    share = tokens.div(tokens.sum(axis=1), axis=0)
    over = ((wide(table, "utilisation") > 1.0) & (share[wide(table, "utilisation").columns]
                                                 >= MIN_TOKEN_SHARE)).sum()
    return Summary({name.split("@")[0]: value for name, value in means.items()},
                   aggregates(table, bloc), {lab: int(n) for lab, n in over.items()})


def contrast(scenario: Summary, baseline: Summary) -> dict[str, float]:
    """A scenario's headline contrasts against the baseline: {headline key: difference}."""
    return {key: scenario.means[key] - baseline.means[key] for key in baseline.means}


def contrasts(world: str, seed: int, names: Iterable[str]) -> dict[str, dict[str, float]]:
    """Each scenario's headline contrasts on one seed: {scenario: {headline: contrast}}."""
    base = summarise(world, "baseline", seed)
    return {scenario: contrast(summarise(world, scenario, seed), base) for scenario in names}


def measure() -> dict:
    """The seed-to-seed standard deviation of every contrast in both worlds."""
    names = scenarios()
    noise: dict = {"measured": datetime.now(UTC).date().isoformat(),
                   "seeds": {w: list(s) for w, s in NOISE_SEEDS.items()}, "sd": {}}
    for world in WORLDS:
        by_seed = [contrasts(world, seed, names) for seed in NOISE_SEEDS[world]]
        noise["sd"][world] = {
            scenario: {key: float(np.std([c[scenario][key] for c in by_seed], ddof=1))
                       for key in by_seed[0][scenario]}
            for scenario in names}
    return noise


def main() -> int:
    STORE.write_text(json.dumps(measure(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {STORE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
