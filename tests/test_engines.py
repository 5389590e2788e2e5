"""The vectorized engine and the per-agent Mesa specification give the same market."""

from conftest import assert_engines_agree, small_config

from sim.agents.nation import Nation
from sim.agents.startup import Startup
from sim.config.tables import country_codes
from sim.model import AIMarket


def test_both_engines_agree_on_every_series():
    overrides = ("world.end=2026-12", "scenario=privacy_shift")
    assert_engines_agree(*overrides)


def test_the_agent_engine_steps_one_mesa_agent_per_firm_and_country():
    model = AIMarket(small_config("engine=agent"))
    cfg = model.cfg.world
    assert len(model.agents_by_type[Startup]) == sum(s.n for s in cfg.firms.values())
    countries = cfg.nations.include or country_codes(cfg.nations.countries_file)
    assert len(model.agents_by_type[Nation]) == len(countries)


def test_both_engines_agree_with_third_party_hosts():
    assert_engines_agree("world.end=2026-06", "world.hosting.third_party=true",
                         "world.hosting.licence_share=0.1")
