"""The split of a sweep's spread into parameters (between draws) and seeds (within draws):
a hand computation, the exact identity, and a two-level model whose shares are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.variance import SPLIT_COLUMNS, variance_split, variance_table


def test_a_two_by_two_design_splits_as_computed_by_hand():
    # draw a: 1, 3 (mean 2); draw b: 5, 7 (mean 6); all four: mean 4
    split = variance_split([1, 3, 5, 7], ["a", "a", "b", "b"])
    assert split.var_total == pytest.approx((9 + 1 + 1 + 9) / 4)  # 5
    assert split.var_param == pytest.approx(((2 - 4) ** 2 + (6 - 4) ** 2) / 2)  # 4
    assert split.var_seed == pytest.approx((1 + 1 + 1 + 1) / 4)  # 1
    assert split.share_param == pytest.approx(0.8)
    # MS_between = 4 * 4 / 1 = 16, MS_within = 4 * 1 / 2 = 2, n0 = 2: (16 - 2) / 2 = 7
    assert split.share_param_adjusted == pytest.approx(7 / (7 + 2))
    assert (split.n_draws, split.n_runs, split.mean) == (2, 4, 4.0)
    assert (split.low, split.high) == pytest.approx(np.quantile([1, 3, 5, 7], [0.05, 0.95]))


def test_an_unbalanced_design_with_a_missing_value_still_adds_up():
    # draw a: 0, 2, 4 (mean 2); draw b: 8 (one seed); the NaN is left out
    split = variance_split([0, 2, 4, 8, np.nan], [0, 0, 0, 1, 1])
    y = np.array([0, 2, 4, 8.0])
    assert split.n_runs == 4 and split.mean == pytest.approx(3.5)
    assert split.var_total == pytest.approx(np.var(y))
    assert split.var_param == pytest.approx((3 * (2 - 3.5) ** 2 + 1 * (8 - 3.5) ** 2) / 4)
    assert split.var_seed == pytest.approx((4 + 0 + 4 + 0) / 4)
    assert split.var_param + split.var_seed == pytest.approx(split.var_total)


def test_without_replicated_seeds_or_draws_the_share_says_what_it_can():
    no_seeds = variance_split([1.0, 2.0, 3.0], ["a", "b", "c"])  # one seed a draw
    assert np.isnan(no_seeds.share_param) and np.isnan(no_seeds.share_param_adjusted)
    one_draw = variance_split([1.0, 2.0, 3.0], ["a", "a", "a"])  # seeds only
    assert one_draw.share_param == 0.0 and np.isnan(one_draw.share_param_adjusted)
    assert np.isnan(variance_split([], []).mean)
    with pytest.raises(ValueError, match="differ in length"):
        variance_split([1.0, 2.0], ["a"])


@pytest.mark.parametrize("seeds", [4, 20])
def test_a_two_level_model_gives_its_known_shares(seeds):
    # y = a_d + e_ds, Var(a) = 1 (parameters), Var(e) = 3 (seeds): the true share is 1/4.
    # The split of the observed spread counts each draw mean's seed noise (3 / S) with the
    # parameters: E[between] = (D - 1)/D (1 + 3/S), E[within] = (S - 1)/S 3.
    rng = np.random.default_rng(7)
    draws = 4000
    y = rng.normal(0, 1, (draws, 1)) + rng.normal(0, np.sqrt(3), (draws, seeds))
    split = variance_split(y.reshape(-1), np.repeat(np.arange(draws), seeds))
    between = (draws - 1) / draws * (1 + 3 / seeds)
    within = (seeds - 1) / seeds * 3
    assert split.share_param == pytest.approx(between / (between + within), abs=0.02)
    assert split.share_param_adjusted == pytest.approx(0.25, abs=0.02)
    assert split.var_param + split.var_seed == pytest.approx(split.var_total)


def test_the_table_splits_every_group_on_its_own():
    frame = pd.DataFrame({
        "outcome": ["x"] * 4 + ["y"] * 4,
        "draw": [0, 0, 1, 1] * 2,
        "value": [1, 3, 5, 7, 2, 2, 2, 2],
    })
    table = variance_table(frame, ["outcome"]).set_index("outcome")
    assert list(table.columns) == list(SPLIT_COLUMNS)
    assert table.loc["x", "share_param"] == pytest.approx(0.8)
    assert np.isnan(table.loc["y", "share_param"])  # no spread at all: no share
    with pytest.raises(KeyError, match="no column"):
        variance_table(frame, ["scenario"])
