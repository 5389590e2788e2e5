"""Distillation (issue 14): a lab closes an extra share d q_j of its gap to each rival's
current model, q_j the rival's share of last month's API tokens. The neutral setting
changes nothing; one month's step by hand on a built pair of labs; a leader that sells more
is distilled more, and no follower learns past it; on the small world distillation narrows
the US-CN gap."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import compose_config, run
from sim.market import capability as cap
from sim.model.knowledge import Knowledge

SHORT = ("world=small", "world.end=2026-06")


# -- the neutral setting ---------------------------------------------------------------------

def test_a_zero_rate_changes_no_table():
    base = run(compose_config([*SHORT])).table
    neutral = run(compose_config([*SHORT, "world.capability.distillation_rate=0",
                                  "world.governments.US.distillation_guard=0.7"])).table
    pd.testing.assert_frame_equal(base, neutral, check_exact=True)


def test_with_nothing_distilled_the_target_is_the_spillover_target():
    base = np.array([20.0, 21.5])
    spill = cap.spillover_target(base, 21.0, 22.0, np.array([0.7, 1.0]), 0.5, 0.2)
    assert cap.with_distillation(spill, np.zeros(2), base, 22.0).tolist() == spill.tolist()
    assert cap.distillation_target(base, np.array([22.0]), np.array([0.5]),
                                   np.array([1.0]), 0.0).tolist() == [0.0, 0.0]


# -- a built pair of labs, by hand -----------------------------------------------------------

class StubLab:
    """A lab with what :meth:`Knowledge.spread` reads; it absorbs its target as
    :meth:`sim.agents.vendor.Vendor.learn` does: b' = b + s (b* - b)."""

    def __init__(self, vid, bloc, base, tokens_api, absorptive_capacity, speed):
        self.vid, self.bloc, self.openness = vid, bloc, "closed"
        self.parent, self.active, self.owner = None, True, self
        self.base_capability = self.capability = base
        self.tokens_api, self.spill, self.speed = tokens_api, 0.0, speed
        self.cfg = SimpleNamespace(absorptive_capacity=absorptive_capacity)

    def learn(self, target):
        self.spill = float(cap.absorb(self.spill, target, self.speed))


def one_month(rate, guard=0.0, spill_closed=0.2, absorptive=0.8):
    """Leader US lab at 30 OOM selling 300 of 400 million tokens; follower CN lab at 28 OOM."""
    config = SimpleNamespace(spill_open=0.5, spill_closed=spill_closed, spill_source_bonus=0.2,
                             closed_leak_lag_months=12, distillation_rate=rate)
    clock = SimpleNamespace(month=100, start=100, in_history=lambda: False)
    leader = StubLab("leader", "US", 30.0, 300.0, 1.0, 0.2)
    follower = StubLab("follower", "CN", 28.0, 100.0, absorptive, 0.2)
    Knowledge(config, clock, [leader, follower], {"US": guard}).spread()
    return leader, follower


def test_one_months_step_by_hand():
    # no open model; the lagged closed frontier is this month's (the first month): 30.
    # b_s = 0.8 * 0.2 * (30 - 28) = 0.32; q_leader = 300 / 400 = 0.75;
    # b_d = 0.8 * 0.5 * 0.75 * 2 = 0.6; b* = min(0.32 + 0.6, 2) = 0.92; b' = 0.2 * 0.92
    leader, follower = one_month(rate=0.5)
    assert follower.spill == pytest.approx(0.184, abs=1e-12)
    assert leader.spill == 0.0  # the follower is behind: nothing to learn from it
    assert one_month(rate=0.0)[1].spill == pytest.approx(0.2 * 0.32, abs=1e-12)


def test_the_guard_of_the_leaders_bloc_scales_down_what_is_distilled():
    # q = (1 - 0.5) * 0.75 = 0.375: b_d = 0.8 * 0.5 * 0.375 * 2 = 0.3; b' = 0.2 * (0.32 + 0.3)
    assert one_month(rate=0.5, guard=0.5)[1].spill == pytest.approx(0.124, abs=1e-12)
    assert one_month(rate=0.5, guard=1.0)[1].spill == pytest.approx(0.064, abs=1e-12)


def test_the_sum_is_capped_at_the_whole_gap():
    # b_s = 1 * 0.9 * 2 = 1.8, b_d = 1 * 1 * 0.75 * 2 = 1.5: b* = min(3.3, 2) = 2; b' = 0.4
    follower = one_month(rate=1.0, spill_closed=0.9, absorptive=1.0)[1]
    assert follower.spill == pytest.approx(0.4, abs=1e-12)


# -- direction and bound ---------------------------------------------------------------------

share = st.floats(0.0, 1.0)


@given(base=st.floats(20.0, 35.0), lead=st.floats(0.0, 5.0), q_low=share, q_more=share,
       rate=share, absorptive=st.floats(0.0, 1.5), s_open=share, s_closed=share,
       open_behind=st.floats(0.0, 5.0))
def test_a_leader_that_sells_more_is_distilled_more_and_never_passed(
        base, lead, q_low, q_more, rate, absorptive, s_open, s_closed, open_behind):
    leader = base + lead
    q_high = q_low + (1.0 - q_low) * q_more
    b = np.array([base])
    spill = cap.spillover_target(b, leader - open_behind, leader, np.array([absorptive]),
                                 s_open, s_closed)

    def target(q):
        distilled = cap.distillation_target(b, np.array([leader]), np.array([q]),
                                            np.array([absorptive]), rate)
        return cap.with_distillation(spill, distilled, b, leader)[0]

    assert target(q_high) >= target(q_low)
    assert base + target(q_high) <= leader + 1e-12
    assert target(q_low) >= spill[0]


def test_a_rival_behind_or_selling_nothing_teaches_nothing():
    base = np.array([25.0])
    assert cap.distillation_target(base, np.array([24.0, 27.0]), np.array([0.9, 0.0]),
                                   np.array([1.0]), 1.0)[0] == 0.0


# -- config -----------------------------------------------------------------------------------

@pytest.mark.parametrize("override", ["world.capability.distillation_rate=-0.1",
                                      "world.capability.distillation_rate=1.5",
                                      "world.governments.US.distillation_guard=2"])
def test_out_of_range_settings_are_refused(override):
    from sim.config.errors import ConfigError
    with pytest.raises(ConfigError):
        compose_config(["world=small", override])


# -- the small world --------------------------------------------------------------------------

def us_cn_gap(rate: float) -> float:
    table = run(compose_config(["world=small", "world.end=2027-12",
                                f"world.capability.distillation_rate={rate}"])).table
    row = table[(table.metric == "capability_gap_months") & (table.entity == "US-CN")
                & (table.month == "2027-12")]
    return float(row.value.iloc[0])


def test_distillation_narrows_the_us_cn_gap_on_the_small_world():
    assert us_cn_gap(0.2) < us_cn_gap(0.0)
