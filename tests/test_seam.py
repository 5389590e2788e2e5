"""Continuity where the replayed history ends and the rules take over (issue 13).

In the month after ``world.history_until`` no vendor's capability moves by more than the
frontier's growth since its previous model (:func:`sim.market.capability.release_step`)
and no price moves by more than ``world.pricing.max_monthly_change`` (30%); the history's
price holds end at ``history_until``, also when the history is shortened; neutral settings
change nothing in a run where the limits never bind.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import cached_run, small_config

from sim import data
from sim.agents.vendor import Vendor
from sim.config.scenario import EventConfig
from sim.core.calendar import format_month, parse_month
from sim.market.capability import release_step, released_capability
from sim.market.pricing import partial_adjustment, sticky_price
from sim.model import AIMarket
from sim.model.events import price_held_until, replayed
from sim.rules.openness import keep

#: the shipped history to 2025-12 and the rules' first month; a history shortened to 2024-12
SEAMS = {"2025-12": ["world.end=2026-01"],
         "2024-12": ["world.history_until=2024-12", "world.end=2025-01"]}
#: a short run whose rules start in 2023-07 (the catch-up limit binds there)
SHORT = ["world.history_until=2023-06", "world.end=2023-12"]


# -- the pure functions, against hand calculations -------------------------------------------

def test_a_release_adds_at_most_the_frontier_growth_since_the_last_model():
    assert release_step(9, 1.1, 12) == pytest.approx(0.825)  # 1.1 x 9 / 12
    assert release_step(6, 1.1, 12) == pytest.approx(0.55)
    assert release_step(28, 1.1, 12) == pytest.approx(1.1)  # at most a year's growth
    assert release_step(28, 1.1, None) == math.inf
    assert release_step(-1, 1.1, 12) == 0.0
    assert released_capability(25.367, 27.373, 0.825) == pytest.approx(26.192)
    assert released_capability(25.0, 25.3, 0.825) == 25.3  # less than the step: all of it
    assert released_capability(25.0, 27.0, math.inf) == 27.0  # no limit: all it knows
    assert released_capability(25.0, 24.5, 0.825) == 24.5  # as before: a smaller model


def test_a_price_moves_part_way_and_at_most_the_stickiness_limit():
    assert partial_adjustment(4.0, 1.0, 0.5) == pytest.approx(2.0)  # 4^0.5 x 1^0.5
    assert partial_adjustment(3.0, 0.3, 1.0) == pytest.approx(0.3)
    assert sticky_price(10.0, 2.0, 0.3) == pytest.approx(7.0)
    assert sticky_price(10.0, 20.0, 0.3) == pytest.approx(13.0)
    assert sticky_price(10.0, 9.0, 0.3) == 9.0
    assert sticky_price(10.0, 0.1, 1.5) == 0.1  # c >= 1: falls are free
    assert sticky_price(10.0, 2.0, None) == 2.0


def test_a_history_price_holds_to_the_end_of_the_history_a_scenario_price_its_own_time():
    history_until, end = parse_month("2024-12"), parse_month("2030-12")
    june = parse_month("2024-06")
    assert price_held_until(june, None, True, history_until, end) == history_until
    assert price_held_until(june, 60, True, history_until, end) == history_until
    assert price_held_until(june, None, False, history_until, end) == end
    assert price_held_until(june, 3, False, history_until, end) == history_until
    march = parse_month("2026-03")
    assert price_held_until(march, 3, False, history_until, end) == parse_month("2026-05")
    assert price_held_until(march, None, False, history_until, end) == end


def test_the_history_replays_releases_and_prices_to_its_end_entries_and_policy_after():
    events = [EventConfig(date="2024-05", kind="release", vendor="openai", training_flop=1e25,
                          price_in=5.0, price_out=15.0),
              EventConfig(date="2024-11", kind="price", vendor="openai", price_in=1.0,
                          price_out=2.0),
              EventConfig(date="2025-01", kind="price", vendor="openai", price_in=1.0,
                          price_out=2.0),
              EventConfig(date="2025-01", kind="release", vendor="openai", training_flop=1e26),
              EventConfig(date="2025-01", kind="export_limit", bloc="CN", level=0.2),
              EventConfig(date="2025-02", kind="release", vendor="minimax", training_flop=1e25,
                          price_in=0.2, price_out=1.1),
              EventConfig(date="2025-06", kind="release", vendor="minimax", training_flop=1e26)]
    kept = replayed(events, "2024-12")
    assert [(e.date, e.kind, e.vendor) for e in kept] == [
        ("2024-05", "release", "openai"), ("2024-11", "price", "openai"),
        ("2025-01", "export_limit", None), ("2025-02", "release", "minimax")]
    assert kept[0].price_in == 5.0  # in the history: as recorded
    assert kept[-1].price_in is None and kept[-1].price_out is None  # an entry, rule-priced
    assert kept[-1].training_flop == 1e25 and events[5].price_in == 0.2  # a copy


def stub_vendor(capability: float, knowledge: float, months_since: int,
                catch_up: float | None) -> Vendor:
    """A vendor on a stub model at the rules' first month, with its previous model
    ``months_since`` months old (the cadence rule: it releases)."""
    world = SimpleNamespace(capability=SimpleNamespace(
        oom_per_year=1.1, release_catch_up_months=catch_up, active_params_elasticity=0.15))
    month = parse_month("2026-01")
    model = SimpleNamespace(month=month, cfg=SimpleNamespace(world=world),
                            clock=SimpleNamespace(in_history=lambda: False,
                                                  label=lambda: format_month(month)),
                            rules={"vendor_release": lambda vendor, model: True,
                                   "vendor_openness": keep})
    vendor = Vendor.__new__(Vendor)
    vendor.model, vendor.cfg = model, SimpleNamespace(name="Lab")
    vendor.active, vendor.openness, vendor.model_name = True, "open_weight", "old"
    vendor.capability, vendor.knowledge = capability, knowledge
    vendor.own_capability, vendor.spill, vendor.efficiency = knowledge - 0.5, 0.5, 0.0
    vendor.parent, vendor.excess, vendor.residuals = None, 0.0, []  # a lab on its path
    vendor.release_month = month - months_since
    vendor.active_params_b, vendor.total_params_b = 17.0, 400.0
    return vendor


def test_a_lab_ships_its_overhang_over_releases_and_all_it_knows_within_the_step():
    lab = stub_vendor(25.367, 27.373, 9, 12)
    lab.maybe_release()
    assert lab.capability == pytest.approx(25.367 + 0.825)
    assert lab.knowledge == 27.373 and lab.efficiency == 0.0  # knowledge is not rewritten
    assert lab.active_params_b == pytest.approx(17.0 * 10 ** (0.15 * 0.825))
    assert lab.release_month == parse_month("2026-01") and lab.model_name == "Lab 2026-01"
    within = stub_vendor(25.0, 25.3, 9, 12)
    within.maybe_release()
    assert within.capability == 25.3
    assert within.total_params_b == pytest.approx(400.0 * 10 ** (0.15 * 0.3))
    unlimited = stub_vendor(25.367, 27.373, 9, None)
    unlimited.maybe_release()
    assert unlimited.capability == 27.373


# -- the seam in replay, on the small world ---------------------------------------------------

def last_releases(history_until: str) -> dict[str, int]:
    """Month number of each lab's last recorded release up to ``history_until``, from the
    data file (not from the model)."""
    last = {}
    for event in data.load_events(small_config().world.history_file):
        if event.kind == "release" and event.date <= history_until:
            last[event.vendor] = parse_month(event.date)
    return last


@pytest.mark.parametrize("history_until", sorted(SEAMS))
def test_no_capability_jumps_at_the_seam(history_until):
    result = cached_run(*SEAMS[history_until])
    seam = format_month(parse_month(history_until) + 1)
    cap, know = result.series("capability"), result.series("knowledge")
    cfg = small_config(*SEAMS[history_until]).world.capability
    released = 0
    for vid, month in last_releases(history_until).items():
        before, after = cap.loc[history_until, vid], cap.loc[seam, vid]
        step = cfg.oom_per_year * min(parse_month(seam) - month, 12) / 12
        assert after - before <= step + 1e-9, (vid, after - before, step)
        if after != before:  # released: its knowledge, or its previous model plus the step
            released += 1
            assert after == pytest.approx(min(know.loc[seam, vid], before + step)), vid
    assert released >= 2, "no lab released at the seam: the test checks nothing"


@pytest.mark.parametrize("history_until", sorted(SEAMS))
def test_no_price_moves_more_than_30_percent_at_the_seam(history_until):
    result = cached_run(*SEAMS[history_until])
    seam = format_month(parse_month(history_until) + 1)
    price = result.series("price")
    move = (price.loc[seam] / price.loc[history_until] - 1.0).dropna()
    assert len(move) >= 4
    assert (move.abs() <= 0.3 + 1e-12).all(), move.to_dict()
    assert np.isclose(move.abs(), 0.3).any(), "the limit never binds: list prices sit far " \
                                              "from the rule's targets at the seam"


def test_no_history_price_is_held_past_a_shortened_history():
    """xAI's 2024-12 price event has no duration: it must not freeze Grok's price to 2030."""
    model = AIMarket(small_config(*SEAMS["2024-12"]))
    while model.running:
        model.step()
    end = parse_month("2024-12")
    assert all(v.held_until <= end for v in model.vendors)
    after = [e for m, e in model.timeline.applied if m > end and e.kind in ("release", "price")]
    assert {e.vendor for e in after} == {"minimax"}  # 2025-01: an entry, the rest the rules'
    assert all(e.kind == "release" and e.price_in is None for e in after)
    xai = model.vendors_by_id["xai"]
    assert xai.price != pytest.approx(2 * 0.75 + 10 * 0.25)  # moved from its 2024-12 list


# -- neutral settings reproduce the unlimited model exactly where the limits never bind -------

def test_a_catch_up_limit_that_never_binds_changes_nothing():
    """With frontier growth of 5 OOM a year every rule release of this run is within the step
    (1.25 OOM or more); the same run with the default growth is limited (so the comparison
    can fail)."""
    fast = ["world.capability.oom_per_year=5", "world.capability.release_catch_up_months=120"]
    limited = cached_run(*SHORT, *fast).table
    unlimited = cached_run(*SHORT, *fast, "world.capability.release_catch_up_months=null")
    cap = unlimited.series("capability")
    assert (cap.diff().loc["2023-07":].abs() > 0.5).any().any()  # large releases happened
    pd.testing.assert_frame_equal(limited, unlimited.table)
    default = cached_run(*SHORT).series("capability")
    free = cached_run(*SHORT, "world.capability.release_catch_up_months=null")
    assert not np.allclose(default.loc["2023-12"], free.series("capability").loc["2023-12"])


def test_a_price_limit_that_never_binds_changes_nothing():
    """With inertia 0.02 no price moves 30% in a month in this run, and the limited and the
    unlimited run are the same; with the default inertia the limit binds."""
    slow = ["world.pricing.inertia=0.02"]
    limited = cached_run(*SHORT, *slow).table
    unlimited = cached_run(*SHORT, *slow, "world.pricing.max_monthly_change=null")
    price = unlimited.series("price")
    moves = (price / price.shift(1) - 1.0).loc["2023-07":]
    assert 0.01 < np.nanmax(np.abs(moves.to_numpy())) < 0.3
    pd.testing.assert_frame_equal(limited, unlimited.table)
    free = cached_run(*SHORT, "world.pricing.max_monthly_change=null").series("price")
    moves = (free / free.shift(1) - 1.0).loc["2023-07":]
    assert np.nanmax(np.abs(moves.to_numpy())) > 0.3
