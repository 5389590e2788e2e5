"""The vectorized engine and the per-agent Mesa specification give the same market."""

import numpy as np
from conftest import small_config

from sim import run
from sim.agents.nation import Nation
from sim.agents.startup import Startup
from sim.model import AIMarket


def test_both_engines_agree_on_every_series():
    overrides = ("world.end=2026-12", "scenario=privacy_shift")
    vector = run(small_config(*overrides)).table
    agents = run(small_config(*overrides, "engine=agent")).table
    assert list(vector.metric) == list(agents.metric)
    a, b = vector["value"].to_numpy(), agents["value"].to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    assert np.allclose(a[ok], b[ok], rtol=1e-9, atol=1e-9)


def test_the_agent_engine_steps_one_mesa_agent_per_firm_and_country():
    model = AIMarket(small_config("engine=agent"))
    cfg = model.cfg.world
    assert len(model.agents_by_type[Startup]) == sum(s.n for s in cfg.firms.values())
    assert len(model.agents_by_type[Nation]) == len(cfg.nations.include)
