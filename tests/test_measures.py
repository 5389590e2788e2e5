"""The market-power, concentration and welfare series on whole small-world runs."""

import numpy as np
import pytest
from conftest import cached_run

HHIS = ["hhi_revenue", "hhi_tokens_api", "hhi_tokens_incl_self_hosted"]
NEW = ["hhi_revenue", "hhi_tokens_api", "revenue_share_bloc", "revenue_share_openness",
       "producer_surplus", "producer_surplus_bloc", "government_spending", "welfare"]


@pytest.fixture(scope="module", params=["baseline", "token_price_cut"])
def result(request):
    return cached_run(f"scenario={request.param}")


def by_segment(result, metric):
    table = result.table[result.table.metric == metric]
    return {str(seg): rows.pivot(index="month", columns="entity", values="value")
            for seg, rows in table.groupby("segment", observed=True)}


def test_revenue_and_token_shares_sum_to_one(result):
    spend = {s: w["market"] for s, w in by_segment(result, "spend").items()}
    selfhost = {s: w["market"] for s, w in by_segment(result, "spend_self_hosted").items()}
    for metric in ("revenue_share_bloc", "revenue_share_openness"):
        shares = by_segment(result, metric)
        assert set(shares) == {"startups", "enterprises", "nations", "devices", "all"}
        for segment, wide in shares.items():
            sums = wide.sum(axis=1)
            if segment != "all":  # where the segment spent anything on APIs
                api = (spend[segment] - selfhost[segment]) > 0
                assert np.allclose(sums[api], 1.0, atol=1e-9), (metric, segment)
                assert np.allclose(sums[~api], 0.0), (metric, segment)
            assert np.allclose(sums[sums > 0], 1.0, atol=1e-9), (metric, segment)
    for segment, wide in by_segment(result, "token_share_bloc").items():
        sums = wide.sum(axis=1)
        assert np.allclose(sums[sums > 0], 1.0, atol=1e-9), segment


def test_hhis_are_in_range_and_the_fringe_lowers_the_token_hhi(result):
    for metric in HHIS:
        values = result.table.loc[result.table.metric == metric, "value"]
        assert values.notna().all() and ((values >= 0) & (values <= 10_000 + 1e-6)).all()
    api = by_segment(result, "hhi_tokens_api")
    credited = by_segment(result, "hhi_tokens_incl_self_hosted")
    for segment, wide in credited.items():
        assert (api[segment]["market"] <= wide["market"] + 1e-6).all(), segment


def test_no_nan_in_the_new_series(result):
    values = result.table.loc[result.table.metric.isin(NEW), "value"]
    assert np.isfinite(values).all()


def test_lerner_is_revenue_weighted_and_at_most_one(result):
    price, cost = result.series("price"), result.series("marginal_cost")
    tokens, revenue = result.series("tokens_api"), result.series("revenue")
    margin = ((price - cost) * tokens).where(tokens > 0)
    blocs = {v: c.bloc for v, c in result.config.world.vendors.items()}
    by_bloc = result.series("lerner_bloc")
    for bloc in by_bloc.columns:
        mine = [v for v in price.columns if blocs.get(v) == bloc]
        sold = revenue[mine].sum(axis=1)
        expected = (margin[mine].sum(axis=1) / sold).where(sold > 0)
        assert np.allclose(by_bloc[bloc], expected, rtol=1e-9, equal_nan=True), bloc
        assert (by_bloc[bloc].dropna() <= 1.0).all()
    market = result.series("lerner_market")["market"]
    sold = revenue.sum(axis=1)
    assert market[sold > 0].notna().all() and (market.dropna() <= 1.0).all()
    social = result.series("lerner_bloc_social_cost")
    assert (social.fillna(0) <= by_bloc.fillna(0) + 1e-12).all().all()  # subsidies add cost


def test_welfare_adds_up(result):
    split = result.series("welfare")
    cs = result.series("consumer_surplus")["market"]
    ps = result.series("producer_surplus").sum(axis=1)
    gov = result.series("government_spending")
    levers = sum(result.series(f"subsidy_spend_{lever}")
                 for lever in ("compute", "energy", "price", "token"))
    assert np.allclose(gov, levers, rtol=1e-12)
    assert np.allclose(split["consumer_surplus"], cs, rtol=1e-12)
    assert np.allclose(split["producer_surplus"], ps, rtol=1e-9)
    # producer surplus is the accounts' profit, recomputed from the recorded flows: revenue
    # and state payments in, serving, chips, fixed costs and compliance out (not funding)
    flows = (result.series("cash_in") - result.series("funding")
             - result.series("cash_out")).sum(axis=1)
    assert np.allclose(ps, flows, rtol=1e-9, atol=1e-3)
    # G is the governments' spending net of the duties they collect
    duties = result.series("duty_revenue").sum(axis=1)
    assert np.allclose(split["government_spending"], gov.sum(axis=1) - duties, rtol=1e-12)
    w = split["consumer_surplus"] + split["producer_surplus"] - split["government_spending"]
    assert np.allclose(split["total"], w, rtol=1e-12, atol=1e-3)
    assert np.allclose(result.series("producer_surplus_bloc").sum(axis=1), ps, rtol=1e-9)
