"""Parameter draws beyond seeds: a Latin hypercube over the levers' priors, reproducible by
its seed, run on common seeds by evaluate_many. The strata are checked through each
prior's cumulative distribution written out here in closed form, not through the code's
quantile function."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.config import SCENARIOS_DIR
from sim.experiment import LEVERS, LeverError, Prior, evaluate_many, sample_parameters
from sim.experiment.uncertainty import prior, world_priors

SHORT = ("world.start=2025-07", "world.end=2026-03")


def uniform_cdf(x, lo, hi):
    return (np.asarray(x) - lo) / (hi - lo)


def triangular_cdf(x, lo, mode, hi):
    x = np.asarray(x, dtype=float)
    left = (x - lo) ** 2 / ((hi - lo) * (mode - lo)) if mode > lo else np.zeros_like(x)
    right = 1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode)) if hi > mode else np.ones_like(x)
    return np.where(x <= mode, left, right)


def strata(p, n):
    """The stratum (0 .. n-1) of each probability: a Latin hypercube fills each once."""
    return sorted(np.floor(np.asarray(p) * n).astype(int).tolist())


@pytest.mark.parametrize("n", [1, 7, 50])
def test_a_latin_hypercube_puts_one_draw_in_each_equally_probable_stratum(n):
    priors = {"quality_weight": None, "spill_open": (0.1, 0.9),
              "us_distrust_of_cn": (-6.0, -3.0, 0.0), "cn_price_factor": (0.1, 0.1, 1.0)}
    draws = sample_parameters(priors, n, seed=11)
    assert list(draws.columns) == list(priors) and len(draws) == n
    lo, hi = LEVERS["quality_weight"].box
    assert strata(uniform_cdf(draws.quality_weight, lo, hi), n) == list(range(n))
    assert strata(uniform_cdf(draws.spill_open, 0.1, 0.9), n) == list(range(n))
    assert strata(triangular_cdf(draws.us_distrust_of_cn, -6, -3, 0), n) == list(range(n))
    assert strata(triangular_cdf(draws.cn_price_factor, 0.1, 0.1, 1.0), n) == list(range(n))


def test_independent_draws_do_not_fill_every_stratum():
    """The property above is the hypercube's: plain random draws miss strata (the chance
    that 50 uniform draws fill 50 strata is 50!/50^50, about 3e-21)."""
    draws = sample_parameters(["spill_open", "quality_weight"], 50, seed=11, method="random")
    lo, hi = LEVERS["spill_open"].box
    assert strata(uniform_cdf(draws.spill_open, lo, hi), 50) != list(range(50))


def test_the_same_seed_gives_the_same_design_and_another_seed_another():
    levers = ["quality_weight", "spill_open", "us_distrust_of_cn"]
    first = sample_parameters(levers, 20, seed=3)
    pd.testing.assert_frame_equal(first, sample_parameters(levers, 20, seed=3))
    assert not np.allclose(first.to_numpy(), sample_parameters(levers, 20, seed=4).to_numpy())
    for name in levers:  # inside each lever's box
        lo, hi = LEVERS[name].box
        assert first[name].between(lo, hi).all()


def test_a_triangular_prior_puts_its_mass_near_the_mode():
    draws = sample_parameters({"spill_open": (0.0, 0.9, 1.0)}, 2000, seed=1)
    # the mean of a triangular distribution is (lo + mode + hi) / 3
    assert draws.spill_open.mean() == pytest.approx((0.0 + 0.9 + 1.0) / 3, abs=2e-3)


@pytest.mark.parametrize(("spec", "words"), [
    ((0.5, 0.2), "needs lo < hi"),
    ((0.0, 1.5, 1.0), "mode 1.5 is outside"),
    ((0.0, 1.5), r"lever spill_open = 1\.5 is outside its range \[0, 1\]"),
    ((0.0,), r"give \(lo, hi\) or \(lo, mode, hi\)"),
])
def test_a_bad_prior_is_refused_naming_the_lever(spec, words):
    with pytest.raises(LeverError, match=words):
        sample_parameters({"spill_open": spec}, 4)


def test_bad_arguments_are_refused_before_any_draw():
    with pytest.raises(LeverError, match="unknown lever 'nope'"):
        sample_parameters(["nope"], 4)
    with pytest.raises(ValueError, match=r"n = 0: a number of draws"):
        sample_parameters(["spill_open"], 0)
    with pytest.raises(ValueError, match="method = 'sobol': one of lhs, random"):
        sample_parameters(["spill_open"], 4, method="sobol")


def test_world_priors_take_the_calibrated_values_as_modes():
    priors = world_priors(["quality_weight", "spill_open", "cn_price_factor"])
    # read from the world files themselves: the fitted value in calibrated.yaml, and for a
    # parameter the fit leaves alone the prior of default.yaml, which calibrated.yaml extends
    worlds = SCENARIOS_DIR / "world"
    fitted = yaml.safe_load((worlds / "calibrated.yaml").read_text())
    default = yaml.safe_load((worlds / "default.yaml").read_text())
    assert priors["quality_weight"] == Prior(1.0, 6.0, fitted["demand"]["quality_weight"])
    assert "spill_open" not in fitted.get("capability", {})
    assert priors["spill_open"] == Prior(0.05, 0.95, default["capability"]["spill_open"])
    # a scenario lever on the baseline, which does not declare it: the box, uniform
    assert priors["cn_price_factor"] == prior("cn_price_factor")
    on_cut = world_priors(["cn_price_factor"], scenario="token_price_cut")
    assert on_cut["cn_price_factor"].mode == 0.1  # the scenario's parameter


def test_evaluate_many_runs_every_draw_on_the_same_seeds():
    draws = sample_parameters({"spill_open": (0.1, 0.9), "quality_weight": (5.0, 12.0)}, 2,
                              seed=5)
    runs = evaluate_many(draws, [0, 1], progress=False, outcomes=["cn_share_startups"],
                         overrides=SHORT)
    assert list(zip(runs.design, runs.seed, strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for design in (0, 1):
        rows = runs[runs.design == design]
        for name in draws.columns:  # the drawn values, exactly, on both seeds
            assert (rows[name] == draws.loc[design, name]).all()
    # common random numbers: one design on two seeds differs, and is reproducible
    first = runs[runs.design == 0].cn_share_startups.to_numpy()
    assert first[0] != first[1] and math.isfinite(first[0])
    again = evaluate_many(draws.iloc[[0]], [0], progress=False, outcomes=["cn_share_startups"],
                          overrides=SHORT)
    assert again.cn_share_startups[0] == first[0]


def test_the_documented_example_runs(capsys):
    doc = Path(__file__).resolve().parents[1] / "docs" / "experiments.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index("## Parameter uncertainty")
    code = re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(doc), "exec"), namespace)
    assert len(namespace["runs"]) == 4 * 2
    assert "across draws" in capsys.readouterr().out
