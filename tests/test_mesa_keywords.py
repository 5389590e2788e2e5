"""AIMarket built with keywords, as Mesa models are, and run by ``mesa.batch_run``.

Runs use the small world over three months (2025-12 to 2026-02: the last month of history
and the scenarios' first two). Expected values come from an independent path: the config
composed from the command line's overrides, and the run's tidy table (Results.value).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from mesa.batchrunner import batch_run

from sim import compose_config, run
from sim.analysis.headline import HEADLINES
from sim.config import ConfigError
from sim.config.keywords import keyword_overrides, override_value, seed_of
from sim.model import AIMarket
from sim.model.results import release_model

SHORT = {"world.start": "2025-12", "world.end": "2026-02"}
SHORT_ARGS = [f"{k}={v}" for k, v in SHORT.items()]
SHARE = "cn_share_startups"


def test_keywords_build_the_config_of_the_same_command_line():
    model = AIMarket(world="small", scenario="token_price_cut", seed=3, **SHORT)
    try:
        expected = compose_config(["world=small", "scenario=token_price_cut", "seed=3",
                                   *SHORT_ARGS])
        assert model.cfg == expected
    finally:
        release_model(model)
    underscores = AIMarket(world="small", seed=3, world__start="2025-12", world__end="2026-02",
                           world__demand__quality_weight=7.5)
    try:
        assert underscores.cfg.world.demand.quality_weight == 7.5
        assert underscores.cfg.world.end == "2026-02"
    finally:
        release_model(underscores)


def test_a_config_positional_still_works_and_not_with_keywords():
    cfg = compose_config(["world=small", "seed=4", *SHORT_ARGS])
    model = AIMarket(cfg)
    try:
        assert model.cfg is cfg
    finally:
        release_model(model)
    with pytest.raises(TypeError, match="a Config or keywords, not both"):
        AIMarket(cfg, seed=5)


def test_bad_keywords_are_refused_naming_them():
    with pytest.raises(ConfigError, match=r"quality = 3 .*world, scenario, seed, engine, rng"):
        AIMarket(world="small", quality=3)
    with pytest.raises(ConfigError, match="either seed or rng, not both"):
        AIMarket(world="small", seed=1, rng=2)
    with pytest.raises(ConfigError, match=r"seed = -1 .*\[0, 4294967295\]"):
        AIMarket(world="small", seed=-1)
    with pytest.raises(ConfigError, match=r"seed = 1\.5"):
        seed_of(1.5)


def test_keyword_overrides_are_the_command_lines():
    assert keyword_overrides("small", "baseline", 3, paths={"world__end": "2026-06",
                                                            "world.demand.nest_lambda": 0.7,
                                                            "output.plots": False}) == [
        "world=small", "scenario=baseline", "seed=3", "world.end=2026-06",
        "world.demand.nest_lambda=0.7", "output.plots=false"]
    assert override_value(np.float64(0.25)) == "0.25"
    assert override_value([1, "a"]) == "[1,a]"
    assert override_value(None) == "null"


def test_seed_from_mesas_keywords():
    assert seed_of(7) == 7 and seed_of(rng=np.int64(9)) == 9
    draws = {seed_of() for _ in range(5)}  # Mesa's seed=None: a fresh seed each time
    assert len(draws) == 5 and all(0 <= s < 2**32 for s in draws)
    generator_seed = seed_of(rng=np.random.default_rng(1))
    assert generator_seed == seed_of(rng=np.random.default_rng(1))
    model = AIMarket(world="small", rng=11, **SHORT)  # how Mesa >= 3.4 may pass a seed
    try:
        assert model.cfg.seed == 11
    finally:
        release_model(model)
    # Mesa >= 3.4's batch_run(rng=[...]) passes each value as `seed` when the model's
    # signature has it, else as `rng`: both are taken
    assert {"seed", "rng"} <= set(inspect.signature(AIMarket).parameters)


def test_the_datacollector_holds_each_months_headlines():
    model = AIMarket(world="small", seed=2, **SHORT)
    while model.running:
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    results = run(compose_config(["world=small", "seed=2", *SHORT_ARGS]))
    assert list(frame.month) == ["2025-12", "2026-01", "2026-02"]
    assert set(frame.columns) == {"month", "seed", *(h.key for h in HEADLINES)}
    assert (frame.seed == 2).all()
    for h in HEADLINES[:4]:
        for month, value in zip(frame.month, frame[h.key], strict=True):
            assert value == results.value(h.metric, h.entity, h.segment, month=month), h.key


def test_batch_run_with_two_iterations_gives_two_seeds():
    rows = batch_run(AIMarket, parameters={"world": "small", **SHORT}, iterations=2,
                     max_steps=100, number_processes=1, display_progress=False)
    assert [(r["iteration"], r["month"]) for r in rows] == [(0, "2026-02"), (1, "2026-02")]
    seeds = [r["seed"] for r in rows]
    assert seeds[0] != seeds[1]
    for row in rows:  # each iteration is the run of its recorded seed
        again = run(compose_config(["world=small", f"seed={row['seed']}", *SHORT_ARGS]))
        assert row[SHARE] == again.value("token_share_bloc", "CN", "startups")
    # and seeds put in the parameters are reproducible
    fixed = batch_run(AIMarket, parameters={"world": "small", "seed": [5, 5], **SHORT},
                      max_steps=100, number_processes=1, display_progress=False)
    assert fixed[0]["seed"] == fixed[1]["seed"] == 5 and fixed[0][SHARE] == fixed[1][SHARE]
