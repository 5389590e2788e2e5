"""The outside option and mergers in the whole model: both engines, the event, validation."""

import numpy as np
import pytest
from conftest import assert_engines_agree, small_config

from sim.config import ConfigError, validate
from sim.config.scenario import EventConfig
from sim.model import AIMarket

#: Not buying, against a frontier model at $1 per Mtok (sim.market.buyers.outside_utility)
OUTSIDE = ("++world.demand.outside_utility={startups:0.0,enterprises:0.0,nations:0.0,"
           "devices:0.0}")


def without_outside(*overrides: str):
    """The small world with no outside option in any segment (the default has one for firms)."""
    cfg = small_config(*overrides)
    cfg.world.demand.outside_utility = {}
    return validate(cfg)


def test_both_engines_agree_with_an_outside_option():
    overrides = ("world.end=2023-12", "scenario=privacy_shift", OUTSIDE)
    assert_engines_agree(*overrides)


def test_the_outside_option_leaves_firms_without_a_provider_and_lowers_use():
    with_outside = AIMarket(small_config("world.end=2023-06", OUTSIDE)).run()
    without = AIMarket(without_outside("world.end=2023-06")).run()
    for segment, firms in with_outside.firms.items():
        assert (firms.current < 0).any(), segment
        assert (without.firms[segment].current >= 0).all(), segment
    shares = with_outside.nations.shares
    assert np.all(shares.sum(axis=1) < 1.0 - 1e-6)
    assert np.allclose(without.nations.shares.sum(axis=1), 1.0)
    assert with_outside.panel.outside_utility is not None and without.panel.outside_utility is None


def test_a_merger_from_its_date_prices_the_two_apis_jointly():
    cfg = small_config("world.end=2023-06")  # the small world starts in 2023-01
    cfg.scenario.events = [EventConfig(date="2023-02", kind="ownership", vendor="xai",
                                       owner="anthropic")]
    model = AIMarket(validate(cfg))
    xai, anthropic = model.vendors_by_id["xai"].index, model.vendors_by_id["anthropic"].index
    model.step()
    assert model.ownership[xai, anthropic] == 0
    model.step()
    assert model.ownership[xai, anthropic] == model.ownership[anthropic, xai] == 1
    assert model.nash_converged


def test_product_lines_price_with_their_parent_from_the_start():
    model = AIMarket(small_config("world.end=2026-02"))
    line = model.vendors_by_id["openai_oss"].index
    parent = model.vendors_by_id["openai"].index
    assert model.ownership[line, parent] == 1
    assert model.ownership[line, model.vendors_by_id["anthropic"].index] == 0


@pytest.mark.parametrize("owner,words", [
    ("nobody", "a vendor of the world other than the acquired vendor 'xai'"),
    ("xai", "a vendor of the world other than the acquired vendor 'xai'"),
])
def test_an_ownership_event_with_a_wrong_owner_is_refused(owner, words):
    cfg = small_config()
    cfg.scenario.events = [EventConfig(date="2026-01", kind="ownership", vendor="xai",
                                       owner=owner)]
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert err.value.path == "scenario.events[0].owner"
    assert err.value.value == owner
    assert words in str(err.value) and "anthropic" in str(err.value)


def test_an_ownership_event_needs_an_owner_and_nothing_runs():
    cfg = small_config()
    cfg.scenario.events = [EventConfig(date="2026-01", kind="ownership", vendor="xai")]
    with pytest.raises(ConfigError, match=r"owner.*required for an event of kind ownership"):
        AIMarket(cfg)


def test_an_outside_utility_for_an_unknown_segment_is_refused():
    with pytest.raises(ConfigError) as err:
        small_config("++world.demand.outside_utility={households:0.0}")
    assert err.value.path == "world.demand.outside_utility.households"
    assert "startups, enterprises, nations, devices" in str(err.value)

