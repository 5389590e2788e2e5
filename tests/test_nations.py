"""Developing nations differ for sourced reasons: the leaning from UN General Assembly
votes, and income types from the Gini index."""

import numpy as np
import pytest
from conftest import TWELVE_COUNTRIES, assert_engines_agree, small_config

from sim import data, run
from sim.market import buyers
from sim.model import AIMarket
from sim.model import buyers as model_buyers


def table() -> dict[str, dict[str, str]]:
    return {r["iso3"]: r for r in data.read_csv("countries.csv")}


def test_the_poles_and_three_countries_by_hand():
    poles = data.load_unga_poles()
    us, cn = poles["USA"], poles["CHN"]
    assert (us, cn) == (2.590, -0.625)  # means of sessions 74-78, countries.md
    assert buyers.unga_leaning(us, us, cn) == -1.0
    assert buyers.unga_leaning(cn, us, cn) == 1.0
    rows = table()
    x = {c: float(rows[c]["unga_ideal_point"]) for c in ("IND", "TUR", "UKR", "IRN")}
    assert x == {"IND": -0.192, "TUR": 0.598, "UKR": 1.258, "IRN": -1.814}
    # (|x - x_US| - |x - x_CN|) / |x_US - x_CN|, with |x_US - x_CN| = 3.215
    expected = {"IND": (2.782 - 0.433) / 3.215,  # 0.7306
                "TUR": (1.992 - 1.223) / 3.215,  # 0.2392
                "UKR": (1.332 - 1.883) / 3.215,  # -0.1714
                "IRN": 1.0}  # votes further from the US than China does: fully to China
    for country, value in expected.items():
        assert float(buyers.unga_leaning(x[country], us, cn)) == pytest.approx(value, abs=1e-12)


def test_a_country_closer_to_china_in_its_votes_leans_more_to_china():
    poles = data.load_unga_poles()
    us, cn = poles["USA"], poles["CHN"]
    x = np.array([float(r["unga_ideal_point"]) for r in table().values()])
    leaning = buyers.unga_leaning(x, us, cn)
    between = (x > cn) & (x < us)
    order = np.argsort(x[between])  # from China's side towards the US's
    assert np.all(np.diff(leaning[between][order]) < 0)
    assert np.unique(leaning[between]).size == between.sum()  # different votes, different leaning
    with pytest.raises(ValueError, match="must differ"):
        buyers.unga_leaning(0.0, 1.0, 1.0)


def test_every_country_of_the_table_gets_its_own_leaning_and_income_types():
    """Countries between the poles get leanings of their own; those that vote at least as
    far from the US as China does (Bangladesh, Indonesia, Vietnam and Egypt of the twelve
    countries) all lean fully to China."""
    model = AIMarket(small_config(*TWELVE_COUNTRIES))
    nations = model.nations
    k = len(nations.iso3)
    beyond = [c for c, x in zip(nations.iso3, nations.leaning, strict=True) if x == 1.0]
    assert sorted(beyond) == ["BGD", "EGY", "IDN", "VNM"]
    assert np.unique(nations.leaning).size == k - len(beyond) + 1
    assert nations.alpha.shape == (k, 5)  # five income types per country
    assert np.all(np.diff(nations.alpha, axis=1) < 0)  # richer types are less price sensitive


def closer_to_china(monkeypatch, country: str, ideal_point: float) -> None:
    """The model's country table with one country's ideal point moved."""
    load = data.load_countries

    def moved(name, include):
        rows = [dict(r) for r in load(name, include)]
        for row in rows:
            if row["iso3"] == country:
                row["unga_ideal_point"] = str(ideal_point)
        return rows
    monkeypatch.setattr(model_buyers.data, "load_countries", moved)


def test_raising_a_countrys_china_alignment_raises_its_chinese_share(monkeypatch):
    """Brazil votes as it does (ideal point 0.127, leaning 0.53) or as Bangladesh does
    (-0.639, leaning +1): same seed and everything else, so its Chinese share rises in
    every month with a Chinese model on sale."""
    overrides = ("world.end=2025-12", "world.nations.include=[BRA,IND,NGA]")
    base = run(small_config(*overrides)).series("country_share_CN", "nations")["BRA"]
    closer_to_china(monkeypatch, "BRA", -0.639)
    moved = run(small_config(*overrides)).series("country_share_CN", "nations")["BRA"]
    on_sale = base > 0
    assert on_sale.sum() >= 12
    assert (moved[on_sale] > base[on_sale]).all()
    assert (moved[~on_sale] == 0).all()
    assert moved.iloc[-1] > base.iloc[-1] + 0.05


def test_both_engines_agree_with_several_income_types_and_a_wide_spread():
    assert_engines_agree("world.end=2024-12", "world.nations.income_nodes=3",
                         "world.nations.income_sigma_scale=1.5")
