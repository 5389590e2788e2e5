"""Bad input is refused before anything runs, with the field, the value and what is allowed."""

import re

import pytest
from conftest import small_config
from hydra.errors import ConfigCompositionException

from sim.config import ConfigError, EventConfig, compose_config, validate
from sim.rules import RuleError


@pytest.mark.parametrize("override,field", [
    ("world.vendors.openai.funding_musd_per_month=-1",
     "world.vendors.openai.funding_musd_per_month"),
    ("world.end=2022-12", "world.end"),
    ("world.vendors.meta.bloc=MARS", "world.vendors.meta.bloc"),
    ("world.firms.startups.privacy_mean=1.5", "world.firms.startups.privacy_mean"),
    ("world.demand.nest_lambda=0", "world.demand.nest_lambda"),
    ("world.pricing.max_markup=nan", "world.pricing.max_markup"),
    ("world.start=2023-13", "world.start"),
    ("world.firms.startups.bloc_shares.US=0.9", "world.firms.startups.bloc_shares"),
    ("world.governments.US.export_target=US", "world.governments.US.export_target"),
])
def test_a_bad_value_names_its_field_value_and_what_is_allowed(override, field):
    with pytest.raises(ConfigError) as err:
        compose_config(["world=small", override])
    message = str(err.value)
    assert message.startswith(field)
    assert "is not allowed" in message
    assert override.split("=", 1)[1].split(".")[0] in message or "nan" in message


@pytest.mark.parametrize("override,pattern", [
    ("world.vendors.x.price=-1", "Key 'x' is not in struct"),
    ("world.demand.qualty_weight=1", "Key 'qualty_weight' not in 'DemandConfig'"),
    ("scenario=no_such_scenario", "Could not find 'scenario/no_such_scenario'"),
    ("world.firms.startups.n=many", "could not be converted to Integer"),
])
def test_types_and_keys_are_checked_by_hydra(override, pattern):
    with pytest.raises(ConfigCompositionException) as err:
        compose_config(["world=small", override])
    assert re.search(re.escape(pattern), str(err.value) + str(err.value.__cause__))


def event(**kwargs):
    cfg = small_config()
    cfg.scenario.events = [EventConfig(**kwargs)]
    return cfg


@pytest.mark.parametrize("kwargs,field,words", [
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          total_params_b=37.0, active_params_b=671.0), "active_params_b", "at most"),
    (dict(date="2026-01", kind="price", vendor="deepseek", price_in=-1.0, price_out=1.0),
     "price_in", "> 0"),
    (dict(date="2026-01", kind="price", vendor="nobody", factor=0.5), "vendor", "a vendor"),
    (dict(date="2026-01", kind="export_limit", bloc="CN", level=1.5), "level", "[0, 1]"),
    (dict(date="2026-1", kind="ban", bloc="CN", countries=["NGA"]), "date", "YYYY-MM"),
    (dict(date="2026-01", kind="ban", bloc="CN", countries=["Nigeria"]), "countries", "ISO3"),
    (dict(date="2026-01", kind="price", vendor="deepseek"), "events[0]", "factor"),
    (dict(date="2026-01", kind="subsidy", bloc="CN", lever="energy", level=0.5,
          vendor="deepseek"), "vendor", "not used"),
    (dict(date="2026-01", kind="release", vendor="meta", openness="open_weight",
          capability=27.0, frontier_lag_months=2.0), "events[0]", "at most one"),
])
def test_events_are_validated_like_everything_else(kwargs, field, words):
    with pytest.raises(ConfigError) as err:
        validate(event(**kwargs))
    assert field in err.value.path
    assert words in str(err.value)


def test_a_wrong_rule_name_lists_the_known_rules():
    with pytest.raises(RuleError, match=r"known rules: .*best_response.*cost_plus.*penetration"):
        compose_config(["world=small", "rules.vendor_pricing=cheapest"])


def test_an_export_limit_on_a_bloc_nobody_limits_is_refused():
    from sim.model import AIMarket

    cfg = event(date="2026-01", kind="export_limit", bloc="EU", level=0.5)
    with pytest.raises(ConfigError, match="some government limits"):
        AIMarket(cfg)


def test_an_unknown_event_kind_is_refused():
    with pytest.raises(ConfigError, match=r"kind.*one of release, price"):
        validate(event(date="2026-01", kind="earthquake"))


@pytest.mark.parametrize("override", [
    "scenario.events.0.level=0",       # a full embargo
    "scenario.events.0.level=0.0",
])
def test_a_level_of_zero_is_a_value_not_a_missing_one(override):
    """0.0 == False in Python: a full embargo must not be refused as 'required'."""
    cfg = small_config("scenario=chip_export_limits", override)
    assert cfg.scenario.events[0].kind == "export_limit"
    assert cfg.scenario.events[0].level == 0.0


def test_zero_subsidy_and_zero_privacy_shift_are_accepted():
    validate_ok = [EventConfig(date="2026-01", kind="subsidy", bloc="CN", lever="energy",
                               level=0.0),
                   EventConfig(date="2026-01", kind="privacy", level=0.0)]
    cfg = small_config()
    cfg.scenario.events = validate_ok
    validate(cfg)


def test_every_shipped_world_loads():
    """world=calibrated overrides one affinity pair: a merge OmegaConf refused when the
    affinity table was typed as a dict of float dicts."""
    from pathlib import Path

    worlds = sorted(p.stem for p in (Path(__file__).parents[1] / "scenarios" / "world")
                    .glob("*.yaml"))
    assert {"default", "small", "calibrated"} <= set(worlds)
    for world in worlds:
        assert compose_config([f"world={world}"]).world.name == world


def test_an_affinity_that_is_not_a_number_is_refused():
    with pytest.raises(ConfigError, match=r"world\.demand\.affinity\.US\.CN"):
        compose_config(["world=small", "world.demand.affinity.US.CN=abc"])


def test_a_release_may_give_its_eci_with_its_training_compute():
    """The history's rows carry both: the index places the model, the pair is data for the
    index's estimation (sim.calibrate.capability_index)."""
    validate(event(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
                   eci=140.0, training_flop=5e24))
