"""Governments, bans and the timeline's events, one lever at a time."""

import numpy as np
import pytest
from conftest import small_config

from sim.config import EventConfig, validate
from sim.model import AIMarket
from sim.model.bans import Bans
from sim.model.events import blended_price
from sim.model.menu import Menu
from sim.rules.policy import reactive


def model_at(month: str, *overrides: str, events=()):
    cfg = small_config(*overrides)
    cfg.scenario.events.extend(events)
    model = AIMarket(validate(cfg))
    while model.clock.label() != month:
        model.step()
    return model


def test_the_reactive_us_tightens_export_limits_when_its_lead_shrinks():
    model = model_at("2026-03", "rules.government_policy=reactive",
                     "world.governments.US.gap_threshold_months=120",
                     "world.governments.US.cooldown_months=3")
    us = model.governments["US"]
    assert us.export_level < 0.35  # it has tightened since the 2025-12 rule (0.35)
    us.last_move = -10**9  # as if the cooldown were over
    level = us.export_level
    reactive(us, model)
    assert us.export_level == pytest.approx(max(us.cfg.min_export_level,
                                                level - us.cfg.tighten_step))
    reactive(us, model)  # within the cooldown: no second move
    assert us.export_level == pytest.approx(max(us.cfg.min_export_level,
                                                level - us.cfg.tighten_step))


def test_the_reactive_us_holds_when_its_lead_is_wide():
    model = model_at("2026-03", "world.governments.US.gap_threshold_months=-120")
    us = model.governments["US"]
    level = us.export_level
    reactive(us, model)
    assert us.export_level == level


def test_china_answers_lost_chips_with_a_compute_subsidy():
    model = model_at("2026-03")
    cn = model.governments["CN"]
    lost = 1.0 - model.costs.export_level("CN")
    reactive(cn, model)
    expected = min(cn.cfg.max_subsidy, cn.cfg.compute_subsidy + cn.cfg.subsidy_response * lost)
    assert cn.compute_subsidy == pytest.approx(expected)


def test_the_history_sets_the_export_levels_of_its_rules():
    model = model_at("2025-05")
    # the 2025-04 H20 licence requirement is the last rule before 2025-05 (history file)
    assert model.costs.export_level("CN") == pytest.approx(0.15)
    assert model.costs.export_level("US") == 1.0


def test_a_ban_closes_the_banned_blocs_apis_but_not_self_hosting():
    menu = Menu(["US", "CN"])
    menu.on_sale[:] = True
    bans = Bans()
    bans.set("NGA", bloc="CN")
    available = bans.availability([("NGA",), ("KEN",)], menu, ["a", "b"],
                                  covers_self_hosting=False)
    assert available[0].tolist() == [True, False, True, True]
    assert available[1].all()
    strict = bans.availability([("NGA",)], menu, ["a", "b"], covers_self_hosting=True)
    assert strict[0].tolist() == [True, False, True, False]
    bans.set("NGA", bloc="CN", lift=True)
    assert bans.availability([("NGA",)], menu, ["a", "b"], False).all()


def test_a_ban_event_reaches_the_countries_it_names():
    ban = EventConfig(date="2026-01", kind="ban", bloc="CN", countries=["NGA", "KEN"])
    model = model_at("2026-02", events=[ban])
    iso3 = model.nations.iso3
    available = model.nation_month.available
    cn_api = (model.menu.bloc == 1) & model.menu.is_api & model.menu.on_sale
    for code in ("NGA", "KEN"):
        assert not available[iso3.index(code)][cn_api].any()
    assert available[iso3.index("EGY")][cn_api].all()


def test_a_release_event_puts_its_model_on_sale_with_its_figures():
    release = EventConfig(date="2026-01", kind="release", vendor="mistral",
                          openness="open_source", capability=30.0, total_params_b=400.0,
                          active_params_b=20.0, price_in=1.0, price_out=3.0)
    model = model_at("2026-02", events=[release])
    vendor = model.vendors_by_id["mistral"]
    assert vendor.openness == "open_source" and vendor.capability >= 30.0
    assert (vendor.total_params_b, vendor.active_params_b) == (400.0, 20.0)
    assert blended_price(1.0, 3.0) == pytest.approx(1.5)


def test_a_held_price_does_not_move_and_a_subsidised_one_is_paid_for():
    # mode hold: the price held at a level (a relative event, the default, moves with the rule)
    cut = EventConfig(date="2026-01", kind="price", vendor="deepseek", factor=0.01,
                      subsidised=True, duration_months=6, mode="hold")
    model = model_at("2026-03", events=[cut])
    vendor = model.vendors_by_id["deepseek"]
    held = vendor.price
    model.step()
    assert vendor.price == held and vendor.dumping
    assert vendor.state_support == pytest.approx(
        max(0.0, (vendor.marginal_cost - vendor.price) * vendor.tokens_api))
    assert model.governments["CN"].spending["price"] >= vendor.state_support


def test_an_entry_event_harms_the_firms_of_the_vertical_on_that_api():
    model = model_at("2026-01")
    slot = model.vendors_by_id["openai"].index
    firms = model.firms["startups"]
    vertical = int(np.bincount(firms.vertical[firms.current == slot], minlength=12).argmax())
    on = (firms.current == slot) & (firms.vertical == vertical)
    before = firms.loss[on].copy()
    model.enter_vertical(model.vendors_by_id["openai"], vertical)
    assert np.allclose(firms.loss[on], before * (1 - model.cfg.world.entry.harm_volume_loss))
    assert firms.must_review[on].all()
    assert model.vendors_by_id["openai"].entries >= 1
