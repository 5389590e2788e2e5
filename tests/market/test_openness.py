"""Strategic openness (sim.market.openness, the profit rule of rules.vendor_openness).

Expected values come from a monopolist lab facing a logit market with an outside option,
written here from the exponentiated utilities (docs/MODEL.md 7.4): closed, its API takes
e^{u_a} / (1 + e^{u_a}); open, self-hosting at cost s joins with e^{u_s}, u_s = v - a ln s.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.market import openness as op
from sim.rules.openness import profit


def logit_market(v: float, alpha: float, price: float, self_cost: float):
    """Shares of the API (closed), and of the API and self-hosting (open), from utilities."""
    ea, es = math.exp(v - alpha * math.log(price)), math.exp(v - alpha * math.log(self_cost))
    return ea / (1 + ea), ea / (1 + ea + es), es / (1 + ea + es)


# -- the pure formulas against the logit written out ------------------------------------------

def test_shares_from_attractions_are_the_logit_shares():
    closed, api_open, self_open = logit_market(v=1.3, alpha=1.7, price=4.0, self_cost=2.5)
    a, _ = op.attractions(closed, 0.0)
    s = a * op.self_host_ratio(4.0, 2.5, 1.7)
    assert op.level_shares(a, s, False) == pytest.approx((closed, 0.0), rel=1e-12)
    assert op.level_shares(a, s, True) == pytest.approx((api_open, self_open), rel=1e-12)
    # and from the open market's shares back to the same attractions
    assert op.attractions(api_open, self_open) == pytest.approx((a, s), rel=1e-12)


def test_spillover_cost_is_the_rivals_catch_up_valued_at_the_loss_per_oom():
    # two rivals 0.5 and 1.0 OOM behind (one absorbs half), a third ahead: 0.3 of the gap
    # closed beyond the leak, 0.2 of 1e9 USD lost per OOM
    cost = op.spillover_cost(0.3, np.array([0.5, 1.0, -0.4]), np.array([1.0, 0.5, 1.0]),
                             0.2, 1e9)
    assert cost == pytest.approx(0.2 * 0.3 * (0.5 + 0.5 * 1.0) * 1e9)
    assert op.spillover_cost(0.3, np.array([1.0]), np.array([1.0]), 0.2, -5e8) == 0.0


def test_catch_up_share_is_what_open_teaches_beyond_the_closed_leak():
    assert op.catch_up_share("closed", 0.5, 0.2, 0.2) == 0.0
    assert op.catch_up_share("open_weight", 0.5, 0.2, 0.2) == pytest.approx(0.3)
    assert op.catch_up_share("open_source", 0.5, 0.2, 0.2) == pytest.approx(0.5)
    assert op.catch_up_share("open_source", 0.9, 0.2, 0.5) == pytest.approx(0.8)  # capped at 1
    assert op.catch_up_share("open_weight", 0.1, 0.2, 0.0) == 0.0


def inputs(**changes) -> op.OpennessInputs:
    base = dict(margin=2.0, market_tokens=1e6, api_attraction=0.5, self_attraction=0.8,
                dev_api_attraction=0.2, dev_self_attraction=0.4, horizon_months=24.0,
                ecosystem_value=0.0, source_ecosystem_bonus=0.0, soft_power_value=0.0,
                spill_costs={})
    return op.OpennessInputs(**{**base, **changes})


def test_neutral_settings_leave_only_the_api_profit():
    """No ecosystem, no soft power, no spillover cost: each level is worth its API profit,
    and closed wins at a positive margin (open only diverts buyers to self-hosting)."""
    x = inputs()
    values = op.payoffs(x)
    closed, api_open, _ = 0.5 / 1.5, 0.5 / 2.3, 0.8 / 2.3
    assert values["closed"] == pytest.approx(24 * 2.0 * 1e6 * closed)
    assert values["open_weight"] == values["open_source"] == pytest.approx(24 * 2e6 * api_open)
    assert op.best_level(values, "open_weight") == "closed"
    assert op.open_gap(values) < 0


def test_ties_keep_the_current_level():
    values = {"closed": 1.0, "open_weight": 1.0, "open_source": 0.0}
    assert op.best_level(values, "open_weight") == "open_weight"
    assert op.best_level(values, "open_source") == "closed"


# -- the rule on a monopolist market: the choice flips where the closed form says -------------

V, ALPHA, PRICE, COST, SELF_COST, M = 0.9, 1.5, 3.0, 1.0, 1.2, 2e6
H, LOSS, SPILL_OPEN, SPILL_CLOSED, BONUS = 24.0, 0.2, 0.5, 0.2, 0.2


def monopolist(ecosystem=0.0, soft_power=0.0, rival_gap=None, loss=LOSS, openness="closed",
               market=(V, ALPHA, PRICE, SELF_COST), off_formula=1.0, switch_cost=0.0):
    """A lab in a market of M tokens whose rest its rival sells (the outside good of the lab's
    logit), the developing nations half of it alike, as the model the rule reads. The lab's
    model is on sale at ``openness``; open, its buyers self-host ``off_formula`` times the
    attraction (1) gives them (the model's own market also has nesting, trust and fixed
    costs), the API keeping its odds against the outside good."""
    v, alpha, price, self_cost = market
    closed, _, _ = logit_market(v, alpha, price, self_cost)
    n = 2  # slots: the two APIs, then the two self-hosted weights
    if openness == "closed":
        lab_tokens = np.array([closed, 1 - closed, 0.0, 0.0])
    else:
        a = closed / (1 - closed)
        s = a * (price / self_cost) ** alpha * off_formula
        lab_tokens = np.array([a, 1.0, s, 0.0]) / (1 + a + s)
    segment = SimpleNamespace(tokens=lab_tokens * M / 2)
    nations = SimpleNamespace(tokens=segment.tokens.copy())
    lab = SimpleNamespace(openness=openness, model_name="lab-1", price=price,
                          marginal_cost=COST, index=0, bloc="US", parent=None,
                          base_capability=1.0, openness_gap=np.nan,
                          cfg=SimpleNamespace(absorptive_capacity=1.0),
                          next_capability=lambda: 1.0)
    lab.owner = lab
    rival = SimpleNamespace(parent=None, base_capability=(1.0 - rival_gap if rival_gap
                                                          else -np.inf),
                            cfg=SimpleNamespace(absorptive_capacity=1.0))
    rival.owner = rival
    cfg = SimpleNamespace(world=SimpleNamespace(
        openness=SimpleNamespace(horizon_months=H, ecosystem_value_usd_per_mtok=ecosystem,
                                 source_ecosystem_bonus=0.0, spill_loss_per_oom=loss,
                                 switch_cost_usd=switch_cost),
        capability=SimpleNamespace(spill_open=SPILL_OPEN, spill_closed=SPILL_CLOSED,
                                   spill_source_bonus=BONUS)))
    model = SimpleNamespace(
        cfg=cfg, vendors=[lab, rival],
        panel=SimpleNamespace(alpha=np.array([alpha, alpha]), weight=np.array([1.0, 3.0])),
        menu=SimpleNamespace(self_cost=np.full((3, 2 * n), self_cost)),
        demand={"startups": segment, "nations": nations},
        governments={"US": SimpleNamespace(cfg=SimpleNamespace(
            openness_soft_power_value=soft_power))})
    return lab, model


def threshold_ecosystem(rival_gap: float = 0.0, soft_power: float = 0.0) -> float:
    """The ecosystem value at which open weights tie with closed (USD per Mtok):

        H w M x_s + H g (F_open - F_closed) = H m M (x_c - x_o) + l s gap H m M x_c
    """
    closed, api_open, self_open = logit_market(V, ALPHA, PRICE, SELF_COST)
    m = PRICE - COST
    spill = LOSS * (SPILL_OPEN - SPILL_CLOSED) * rival_gap * H * m * M * closed
    soft = H * soft_power * ((api_open + self_open) - closed)
    return (H * m * M * (closed - api_open) + spill - soft) / (H * M * self_open)


def test_a_monopolist_opens_when_a_self_hosted_token_is_worth_its_closed_margin_share():
    """Without rivals or soft power, (2) of docs/MODEL.md 7.4 reduces to w* = m x_c."""
    closed, _, _ = logit_market(V, ALPHA, PRICE, SELF_COST)
    assert threshold_ecosystem() == pytest.approx((PRICE - COST) * closed, rel=1e-12)


@pytest.mark.parametrize(("rival_gap", "soft_power"), [(0.0, 0.0), (0.8, 0.0), (0.8, 3e4)])
def test_the_profit_rule_opens_exactly_above_the_closed_form_threshold(rival_gap, soft_power):
    w_star = threshold_ecosystem(rival_gap, soft_power)
    assert w_star > 0
    below = profit(*monopolist(w_star * (1 - 1e-6), soft_power, rival_gap or None))
    above = profit(*monopolist(w_star * (1 + 1e-6), soft_power, rival_gap or None))
    assert (below, above) == ("closed", "open_weight")


def test_the_rule_leaves_the_payoff_gap_on_the_vendor():
    lab, model = monopolist(threshold_ecosystem() * 2)
    assert profit(lab, model) == "open_weight"
    _, _, self_open = logit_market(V, ALPHA, PRICE, SELF_COST)
    # at twice the threshold the gap is the ecosystem value of the threshold once over
    assert lab.openness_gap == pytest.approx(H * threshold_ecosystem() * M * self_open,
                                             rel=1e-9)


# -- one estimate in both regimes, and the cost of switching -----------------------------------

def gap_at(openness: str, **market) -> float:
    lab, model = monopolist(openness=openness, **market)
    profit(lab, model)
    return lab.openness_gap


@settings(max_examples=200, deadline=None)
@given(v=st.floats(-3.0, 3.0), alpha=st.floats(0.2, 3.0), price=st.floats(0.1, 30.0),
       self_cost=st.floats(0.1, 30.0), ecosystem=st.floats(0.0, 20.0),
       soft_power=st.floats(0.0, 1e6), rival_gap=st.one_of(st.none(), st.floats(0.01, 2.0)))
def test_the_payoff_gap_does_not_depend_on_the_level_the_lab_is_at(
        v, alpha, price, self_cost, ecosystem, soft_power, rival_gap):
    """Market data made by (1) itself: a closed lab and an open lab in the same market (the
    same utilities; each observes the shares its own level gives) predict the same payoffs."""
    market = dict(market=(v, alpha, price, self_cost), ecosystem=ecosystem,
                  soft_power=soft_power, rival_gap=rival_gap)
    closed = gap_at("closed", **market)
    assert gap_at("open_weight", **market) == pytest.approx(closed, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("off_formula", [0.0, 0.1, 3.0])
def test_an_open_labs_observed_self_hosting_does_not_move_its_estimate(off_formula):
    """The model's market self-hosts an open model more or less than the plain logit says
    (nesting, trust, fixed costs); a closed lab cannot see that, so an open one does not use it
    either: with the same odds of its API against the outside good, it predicts what the
    closed lab predicts (estimates that differed by regime made labs switch at every release)."""
    w = threshold_ecosystem() * 1.5
    closed = gap_at("closed", ecosystem=w)
    assert gap_at("open_weight", ecosystem=w, off_formula=off_formula) == pytest.approx(
        closed, rel=1e-12)


def test_estimated_attractions_recover_the_logit_from_either_level():
    closed, api_open, self_open = logit_market(V, ALPHA, PRICE, SELF_COST)
    ratio = (PRICE / SELF_COST) ** ALPHA
    a = closed / (1 - closed)
    assert op.estimated_attractions(closed, 0.0, ratio) == pytest.approx((a, a * ratio))
    assert op.estimated_attractions(api_open, self_open, ratio) == pytest.approx(
        (a, a * ratio), rel=1e-12)


def test_a_lab_changes_level_only_when_the_gain_exceeds_the_switching_cost():
    values = {"closed": 10.0, "open_weight": 12.0, "open_source": 11.0}
    assert op.best_level(values, "closed", switch_cost=2.0) == "closed"  # gain 2: a tie
    assert op.best_level(values, "closed", switch_cost=1.9) == "open_weight"
    assert op.best_level(values, "open_source", switch_cost=0.9) == "open_weight"
    assert op.best_level(values, "open_source", switch_cost=1.1) == "open_source"
    assert op.best_level(values, "closed", switch_cost=0.0) == op.best_level(values, "closed")


def test_the_switching_cost_opens_a_band_of_inaction_around_the_threshold():
    """From (2) with a switching cost C: a closed monopolist opens iff
    H M x_s (w - w*) > C and an open one closes iff H M x_s (w* - w) > C, so
    w = w* +- C / (H M x_s) bound the band where either keeps its level."""
    _, _, self_open = logit_market(V, ALPHA, PRICE, SELF_COST)
    switch = 1e6
    band = switch / (H * M * self_open)
    w_star = threshold_ecosystem()

    def choice(openness, w):
        return profit(*monopolist(w, openness=openness, switch_cost=switch))

    assert choice("closed", (w_star + band) * (1 - 1e-6)) == "closed"
    assert choice("closed", (w_star + band) * (1 + 1e-6)) == "open_weight"
    assert choice("open_weight", (w_star - band) * (1 + 1e-6)) == "open_weight"
    assert choice("open_weight", (w_star - band) * (1 - 1e-6)) == "closed"
    # a lab with no model on sale has no level to go back on: no switching cost
    lab, model = monopolist((w_star + band) * (1 - 1e-6), switch_cost=switch)
    lab.model_name = ""
    assert profit(lab, model) == "open_weight"


def test_a_higher_spillover_cost_closes_a_lab_that_an_ecosystem_opened():
    w = threshold_ecosystem(0.8) * 1.01
    assert profit(*monopolist(w, rival_gap=0.8)) == "open_weight"
    assert profit(*monopolist(w, rival_gap=0.8, loss=LOSS * 1.5)) == "closed"


# -- comparative statics (Xu et al. 2025: openness and the data flywheel) ----------------------

positive = st.floats(0.0, 1e3, allow_nan=False)
share = st.floats(1e-4, 0.45)


@st.composite
def markets(draw):
    api, self_hosted = draw(share), draw(share)
    a, s = op.attractions(api, self_hosted)
    return dict(margin=draw(st.floats(-5.0, 50.0)), market_tokens=draw(st.floats(1.0, 1e9)),
                api_attraction=a, self_attraction=s,
                dev_api_attraction=draw(st.floats(0.0, 5.0)),
                dev_self_attraction=draw(st.floats(0.0, 5.0)),
                horizon_months=draw(st.floats(1.0, 120.0)),
                source_ecosystem_bonus=draw(st.floats(0.0, 2.0)),
                soft_power_value=draw(st.floats(0.0, 1e8)),
                current=draw(st.sampled_from(op.LEVELS)),
                gaps=np.array(draw(st.lists(st.floats(-1.0, 2.0), max_size=4))),
                spill=(draw(st.floats(0.0, 1.0)), draw(st.floats(0.0, 1.0)),
                       draw(st.floats(0.0, 1.0))))


def choose(market: dict, ecosystem: float, loss: float) -> str:
    current, gaps, spill = market["current"], market["gaps"], market["spill"]
    fields = {k: v for k, v in market.items() if k not in ("current", "gaps", "spill")}
    x = op.OpennessInputs(ecosystem_value=ecosystem, spill_costs={}, **fields)
    closed = op.closed_api_profit(x)
    costs = {level: op.spillover_cost(op.catch_up_share(level, *spill), gaps,
                                      np.ones(gaps.size), loss, closed) for level in op.LEVELS}
    x = op.OpennessInputs(ecosystem_value=ecosystem, spill_costs=costs, **fields)
    return op.best_level(op.payoffs(x), current)


@settings(max_examples=300, deadline=None)
@given(markets(), positive, positive, st.floats(0.0, 5.0))
def test_a_stronger_ecosystem_makes_open_weakly_more_likely(market, w1, w2, loss):
    low, high = sorted((w1, w2))
    if choose(market, low, loss) != "closed":
        assert choose(market, high, loss) != "closed"


@settings(max_examples=300, deadline=None)
@given(markets(), positive, st.floats(0.0, 5.0), st.floats(0.0, 5.0))
def test_a_costlier_spillover_makes_closed_weakly_more_likely(market, w, l1, l2):
    low, high = sorted((l1, l2))
    if choose(market, w, low) == "closed":
        assert choose(market, w, high) == "closed"
