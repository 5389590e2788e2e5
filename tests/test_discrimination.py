"""Price discrimination by bloc: each buyer bloc priced at the markup of its own demand
elasticity within an arbitrage band; dumping as trade law measures it; anti-dumping duties.

Expected values are closed forms (plain logit in log price: a bloc whose buyers have price
sensitivity a and give the vendor the share s has E = e + a (1 - s); p = c E / (E - 1)),
not the code's output. The neutral settings (discrimination off, a band of 0, a duty of 0)
must leave every table unchanged.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import small_config

from sim.agents.vendor import Vendor
from sim.config import ConfigError, EventConfig, validate
from sim.core.constants import BLOCS
from sim.market import discrimination
from sim.market.panel import DemandPanel
from sim.model import AIMarket
from sim.rules.pricing import MarketView, best_response

US, CN = BLOCS.index("US"), BLOCS.index("CN")
#: free prices from mid-2023 on, so a short run reaches the pricing rules
SHORT = ("world.history_until=2023-06", "world.end=2023-12")


# -- the pure functions --------------------------------------------------------------------

def test_the_band_clips_each_blocs_price_around_the_home_price():
    prices = np.array([10.0, 5.0, 14.0, 10.5])
    clipped = discrimination.arbitrage_clip(prices, 10.0, 0.2)
    assert clipped.tolist() == [10.0, 8.0, 12.0, 10.5]
    assert discrimination.arbitrage_clip(prices, 10.0, 0.0).tolist() == [10.0] * 4


def test_trade_law_dumping_needs_both_below_home_and_below_cost():
    home, cost = 2.0, 1.5
    export = np.array([1.0, 1.8, 2.5, 1.4])
    assert discrimination.export_price_gap(export, home).tolist() == pytest.approx(
        [-0.5, -0.1, 0.25, -0.3])
    # below home and cost; below home only; above both; below both
    assert discrimination.trade_dumping(export, home, cost).tolist() == [True, False, False,
                                                                         True]
    # a vendor selling below cost at home too is not dumping by trade law if it charges
    # exports the home price
    assert not discrimination.trade_dumping(1.0, 1.0, 1.5)


def test_a_duty_multiplies_the_price_and_its_revenue_is_d_p_x():
    assert discrimination.duty_inclusive_price(2.0, 0.25) == 2.5
    assert discrimination.duty_inclusive_price(3.7, 0.0) == 3.7  # exactly
    assert discrimination.duty_revenue(np.array([0.25, 0.0]), np.array([2.0, 9.0]),
                                       np.array([100.0, 50.0])) == pytest.approx(50.0)


# -- third-degree discrimination on a hand-built panel ------------------------------------

ALPHA = {US: 2.0, CN: 4.0}
EPS = 0.3


def two_bloc_panel(duty_cn: float = 0.0) -> DemandPanel:
    """Two API offerings; one buyer in the US (a = 2) and one in China (a = 4), identical
    otherwise; CN's government levies ``duty_cn`` on offering 1."""
    wedge = np.ones((2, 2))
    wedge[1, 1] += duty_cn
    return DemandPanel(
        base_utility=np.zeros((2, 2)), alpha=np.array([ALPHA[US], ALPHA[CN]]),
        own_price=np.ones((2, 2)), available=np.ones((2, 2), bool),
        weight=np.full(2, 100.0), is_api=np.ones(2, bool), nest=np.zeros(2, int),
        nest_lambda=1.0, price_elasticity=EPS, reference_price=1.0,
        bloc=np.array([US, CN]), wedge=wedge if duty_cn else None)


def view(panel, price_by_bloc, cost, discriminate=True, max_markup=100.0):
    menu = SimpleNamespace(is_api=np.ones(2, bool), lab_api=np.ones(2, bool),
                           on_sale=np.ones(2, bool), n_slots=2,
                           price=price_by_bloc[US].copy(), price_by_bloc=price_by_bloc,
                           marginal_cost=np.full(2, cost))
    config = SimpleNamespace(discrimination=discriminate, max_markup=max_markup,
                             arbitrage_band=0.5)
    return MarketView(menu, panel, config)


def logit_elasticity(alpha, p_own, p_rival, paid_own=1.0):
    """E = e + a (1 - s), s = x^-a / (x^-a + y^-a) at the prices the buyer pays."""
    share = (p_own * paid_own) ** -alpha / ((p_own * paid_own) ** -alpha + p_rival ** -alpha)
    return EPS + alpha * (1.0 - share)


def test_each_bloc_is_priced_at_the_markup_of_its_own_elasticity():
    cost = 1.0
    prices = np.ones((len(BLOCS), 2))
    prices[US] = [2.0, 1.5]
    prices[CN] = [1.2, 1.1]
    vendor = SimpleNamespace(index=0, marginal_cost=cost, bloc="US", price=2.0)
    target = best_response(vendor, view(two_bloc_panel(), prices, cost))
    for b in (US, CN):
        e = logit_elasticity(ALPHA[b], prices[b, 0], prices[b, 1])
        assert target[b] == pytest.approx(cost * e / (e - 1.0), rel=1e-12)
    assert target[US] > target[CN]  # the less elastic bloc pays more
    # blocs without buyers in the panel get the one-price markup: the elasticity of all the
    # vendor's demand, the token-weighted mean of the blocs'
    panel = two_bloc_panel()
    tokens = panel.tokens(prices)[0][:, 0]
    pooled = EPS + np.average([logit_elasticity(ALPHA[b], prices[b, 0], prices[b, 1]) - EPS
                               for b in (US, CN)], weights=tokens)
    assert target[BLOCS.index("EU")] == pytest.approx(cost * pooled / (pooled - 1), rel=1e-12)


def test_the_bloc_elasticity_is_the_panel_of_that_bloc_alone():
    prices = np.full((len(BLOCS), 2), 1.3)
    prices[CN] = [0.9, 1.7]
    full = two_bloc_panel().elasticity_by_bloc(prices, len(BLOCS))
    alone = DemandPanel(base_utility=np.zeros((1, 2)), alpha=np.array([ALPHA[CN]]),
                        own_price=np.ones((1, 2)), available=np.ones((1, 2), bool),
                        weight=np.full(1, 100.0), is_api=np.ones(2, bool),
                        nest=np.zeros(2, int), nest_lambda=1.0, price_elasticity=EPS,
                        reference_price=1.0)
    assert full[CN] == pytest.approx(alone.elasticity(prices[CN]), rel=1e-12)


def test_the_band_holds_export_prices_and_band_zero_is_one_price():
    stub = SimpleNamespace(bloc="US", vid="x")
    target = np.array([2.0, 1.0, 2.9, 2.2])
    home, ratio = Vendor.rule_target(stub, target, "best_response", 0.25)
    assert home == 2.0
    assert (home * ratio).tolist() == pytest.approx([2.0, 1.5, 2.5, 2.2])
    assert Vendor.rule_target(stub, target, "best_response", 0.0)[1].tolist() == [1.0] * 4
    with pytest.raises(Exception, match="one per bloc"):
        Vendor.rule_target(stub, np.array([1.0, 2.0]), "best_response", 0.25)


def test_a_subsidised_vendor_dumps_where_demand_is_elastic():
    """A per-token subsidy s lowers the cost the rule sees to c - s; CN's more elastic
    demand then gets a price below the home price and below the cost of production."""
    cost, subsidy = 1.0, 0.5  # below cost where (c - s) E / (E - 1) < c: s > c / E = 0.43
    prices = np.ones((len(BLOCS), 2))
    vendor = SimpleNamespace(index=0, marginal_cost=cost - subsidy, bloc="US", price=1.0)
    target = best_response(vendor, view(two_bloc_panel(), prices, cost - subsidy))
    e_us, e_cn = (logit_elasticity(ALPHA[b], 1.0, 1.0) for b in (US, CN))
    home, export = (cost - subsidy) * e_us / (e_us - 1), (cost - subsidy) * e_cn / (e_cn - 1)
    assert (target[US], target[CN]) == pytest.approx((home, export))
    assert discrimination.export_price_gap(target[CN], target[US]) < 0
    assert discrimination.trade_dumping(target[CN], target[US], cost)
    assert not discrimination.trade_dumping(target[US], target[US], cost)


def test_a_duty_enters_the_importing_buyers_choice_at_p_times_one_plus_d():
    prices = np.ones((len(BLOCS), 2))
    prices[CN] = [1.2, 0.8]
    duty = 0.25
    panel = two_bloc_panel(duty_cn=duty)
    assert panel.buyer_prices(prices)[1].tolist() == pytest.approx([1.2, 0.8 * 1.25])
    share = panel.probabilities(prices)[1, 1]
    paid = 0.8 * 1.25
    assert share == pytest.approx(paid ** -4 / (paid ** -4 + 1.2 ** -4), rel=1e-12)
    assert share < two_bloc_panel().probabilities(prices)[1, 1]


# -- whole runs ------------------------------------------------------------------------------

def table(*overrides, events=()):
    cfg = small_config(*SHORT, *overrides)
    cfg.scenario.events.extend(events)
    model = AIMarket(validate(cfg)).run()
    return model, model.recorder.to_frame()


def assert_same(a, b):
    a = a.reset_index(drop=True).astype({"metric": str, "entity": str, "segment": str})
    b = b.reset_index(drop=True).astype({"metric": str, "entity": str, "segment": str})
    assert a.shape == b.shape
    assert (a.drop(columns="value") == b.drop(columns="value")).all().all()
    same = (a.value == b.value) | (a.value.isna() & b.value.isna())
    assert same.all(), a[~same].metric.unique()


@pytest.fixture(scope="module")
def plain():
    return table()


def duty_event(level, date="2023-07"):
    return EventConfig(date=date, kind="duty", bloc="US", from_bloc="CN", level=level)


def test_neutral_settings_leave_every_table_unchanged(plain):
    _, uniform = plain
    assert_same(table("world.pricing.discrimination=true", "world.pricing.arbitrage_band=0")[1],
                uniform)
    assert_same(table(events=[duty_event(0.0)])[1], uniform)


def test_discrimination_moves_export_prices_within_the_band(plain):
    model, frame = table("world.pricing.discrimination=true", "world.pricing.arbitrage_band=0.2")
    gap = frame[frame.metric == "export_price_gap"].value
    assert (gap.abs() <= 0.2 + 1e-12).all() and (gap != 0).any()
    # the home bloc's gap is 0 by definition
    home = frame[(frame.metric == "export_price_gap")
                 & frame.entity.astype(str).isin([f"{v.vid}/{v.bloc}" for v in model.vendors])]
    assert (home.value == 0).all()
    # dumping by trade law is flagged exactly where the export is below home and cost
    for v in model.vendors:
        if v.active:
            p = v.price_by_bloc
            flags = discrimination.trade_dumping(p, v.price, v.cost_before_token)
            assert not flags[BLOCS.index(v.bloc)]


def test_a_duty_raises_what_importers_pay_collects_d_p_x_and_conserves_money(plain):
    duty = 0.25
    model, frame = table(events=[duty_event(duty)])
    menu, n = model.menu, model.menu.n_vendors
    cn = np.flatnonzero(menu.lab_api & (menu.bloc == CN))
    month = model.firm_month["startups"]
    assert month.price[US, cn] == pytest.approx(menu.price_by_bloc[US, cn] * (1 + duty),
                                                rel=1e-15, nan_ok=True)
    others = [b for b in range(len(BLOCS)) if b != US]
    assert np.array_equal(month.price[others][:, cn], menu.price_by_bloc[others][:, cn],
                          equal_nan=True)
    # revenue: d p x on the US buyers' tokens from CN labs, recomputed from the demand
    tokens = sum(d.tokens_by_bloc[US, :n] for d in model.demand.values())
    collected = duty * np.nansum(menu.price_by_bloc[US, cn] * tokens[cn])
    assert model.governments["US"].duty_revenue == pytest.approx(collected, rel=1e-12)
    assert collected > 0
    # money: buyers' API spend = labs' revenue + duties, month by month
    by_month = frame.groupby(["metric", "month"], observed=True)["value"].sum()
    spend = by_month["spend"] - by_month["spend_self_hosted"]
    earned = by_month["revenue"] + by_month["duty_revenue"]
    assert np.allclose(spend, earned.loc[spend.index], rtol=1e-9)
    # welfare: G is spending net of duties
    welfare = frame[(frame.metric == "welfare") & (frame.entity == "government_spending")]
    spending = frame[frame.metric == "government_spending"].groupby("month").value.sum()
    duties = frame[frame.metric == "duty_revenue"].groupby("month").value.sum()
    assert np.allclose(welfare.set_index("month").value, spending - duties, rtol=1e-12,
                       atol=1e-6)
    # direction: US startups buy less from China than without the duty (same draws)
    base = plain[0]
    def cn_share(m):
        d = m.demand["startups"].tokens_by_bloc[US]
        return d[menu.bloc == CN].sum() / d.sum()
    assert cn_share(model) < cn_share(base)


@pytest.mark.parametrize("event,field,allowed", [
    (dict(bloc="US", from_bloc="US", level=0.1), "from_bloc", "other than the importing"),
    (dict(bloc="US", from_bloc="CN", level=-0.1), "level", r"in \[0, 1\]"),
    (dict(bloc="US", level=0.1), "from_bloc", "required"),
])
def test_bad_duties_are_refused_with_the_field_named(event, field, allowed):
    cfg = small_config(*SHORT)
    cfg.scenario.events.append(EventConfig(date="2023-07", kind="duty", **event))
    with pytest.raises(ConfigError, match=field) as info:
        validate(cfg)
    assert info.match(allowed)


def test_both_engines_agree_on_prices_by_bloc_and_duties():
    """The vector and per-agent engines give the same tables with discrimination and a duty."""
    tables = [table("world.pricing.discrimination=true", *engine,
                    events=[duty_event(0.3)])[1] for engine in ((), ("engine=agent",))]
    vector, agents = tables
    assert list(vector.metric) == list(agents.metric)
    a, b = vector.value.to_numpy(), agents.value.to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    assert np.allclose(a[ok], b[ok], rtol=1e-9, atol=1e-9)
