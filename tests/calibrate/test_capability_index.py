"""The capability-index estimation: OLS of ECI on log10 FLOP, years and lab fixed effects,
its standard errors, and the mapping into the model's units (sim.calibrate.capability_index)."""

import math

import numpy as np
import pytest

from sim.calibrate.capability_index import Releases, fit_index, history_releases, ols
from sim.config import compose_config

#: The synthetic world: ECI = A log10(C) + G years + PHI[lab] + noise.
A, G = 4.0, 9.0
PHI = {"lab0": 10.0, "lab1": 12.0, "lab2": 14.0, "lab3": 11.0, "lab4": 13.0}


def synthetic(rng: np.random.Generator, per_lab: int = 6, sigma: float = 0.0) -> Releases:
    labs = tuple(lab for lab in PHI for _ in range(per_lab))
    log_flop = rng.uniform(23.0, 26.5, len(labs))
    years = rng.uniform(0.0, 3.0, len(labs))
    eci = (A * log_flop + G * years + np.array([PHI[lab] for lab in labs])
           + sigma * rng.standard_normal(len(labs)))
    return Releases(labs, log_flop, years, eci)


def test_noise_free_releases_give_back_the_parameters_exactly():
    fit = fit_index(synthetic(np.random.default_rng(1)))
    assert fit.points_per_oom == pytest.approx(A, abs=1e-9)
    assert fit.points_per_year == pytest.approx(G, abs=1e-9)
    for lab, phi in zip(fit.labs, fit.fixed_effects, strict=True):
        assert phi == pytest.approx(PHI[lab], abs=1e-9)
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    # the mapping, by hand: c = mean phi = 12, e = (phi - c) / a, h = 12 log10(2) a / g
    assert fit.offset == pytest.approx(12.0, abs=1e-9)
    assert fit.efficiency_oom() == pytest.approx(
        {"lab0": -0.5, "lab1": 0.0, "lab2": 0.5, "lab3": -0.25, "lab4": 0.25}, abs=1e-9)
    assert fit.algo_halving_months == pytest.approx(12 * math.log10(2) * 4 / 9, abs=1e-9)
    assert fit.derived()["algo_oom_per_year"][0] == pytest.approx(9 / 4, abs=1e-9)


def test_with_noise_the_estimates_are_within_three_standard_errors():
    fit = fit_index(synthetic(np.random.default_rng(2), sigma=1.5))
    truth = np.array([A, G, *(PHI[lab] for lab in fit.labs)])
    for robust in (False, True):
        assert np.all(np.abs(fit.coef - truth) < 3 * fit.se(robust)), robust


def test_standard_errors_match_the_spread_over_repeated_draws():
    """The classical and HC1 SEs of a (and a delta-method SE) against the Monte-Carlo
    standard deviation over 400 draws of the noise, with the regressors held fixed."""
    rng = np.random.default_rng(3)
    design = synthetic(rng)
    slopes, efficiencies, se, se_hc1, se_eff = [], [], [], [], []
    for _ in range(400):
        noisy = Releases(design.labs, design.log_flop, design.years,
                         design.eci + 1.5 * rng.standard_normal(len(design.eci)))
        fit = fit_index(noisy)
        slopes.append(fit.points_per_oom)
        efficiencies.append(fit.efficiency_oom()["lab2"])
        se.append(fit.se()[0])
        se_hc1.append(fit.se(robust=True)[0])
        se_eff.append(fit.derived()["efficiency:lab2"][1])
    spread = np.std(slopes, ddof=1)
    assert np.mean(slopes) == pytest.approx(A, abs=3 * spread / np.sqrt(400))
    assert np.mean(se) == pytest.approx(spread, rel=0.12)
    assert np.mean(se_hc1) == pytest.approx(spread, rel=0.25)  # HC1 is biased down in small n
    assert np.mean(se_eff) == pytest.approx(np.std(efficiencies, ddof=1), rel=0.15)


def test_hc1_is_the_sandwich_with_the_small_sample_correction():
    rng = np.random.default_rng(4)
    x = np.column_stack([np.ones(12), rng.normal(size=12), rng.normal(size=12)])
    y = x @ [1.0, 2.0, -1.0] + rng.normal(size=12) * (1 + np.abs(x[:, 1]))
    b, e, cov, cov_hc1 = ols(y, x)
    bread = np.linalg.inv(x.T @ x)
    meat = sum(np.outer(row, row) * r**2 for row, r in zip(x, e, strict=True))
    assert cov_hc1 == pytest.approx(12 / 9 * bread @ meat @ bread, rel=1e-10)
    assert cov == pytest.approx(e @ e / 9 * bread, rel=1e-10)
    assert b == pytest.approx(np.linalg.lstsq(x, y, rcond=None)[0], rel=1e-10)


def test_a_singular_design_or_no_degree_of_freedom_is_refused():
    x = np.column_stack([np.ones(5), np.arange(5.0), 2 * np.arange(5.0)])
    with pytest.raises(ValueError, match="collinear"):
        ols(np.arange(5.0), x)
    with pytest.raises(ValueError, match="degree of freedom"):
        ols(np.arange(3.0), np.eye(3))


def test_the_shipped_world_holds_the_estimates_of_the_shipped_history():
    """scenarios/world/default.yaml stores what `python -m sim.calibrate.capability_index`
    gives on sim/data/history_2022_2025.csv, rounded as stored (3 decimals)."""
    world = compose_config([]).world
    fit = fit_index(history_releases(world.history_file, world.capability.reference_month))
    shipped = {"capability.index.points_per_oom": world.capability.index.points_per_oom,
               "capability.index.offset": world.capability.index.offset,
               "capability.algo_halving_months": world.capability.algo_halving_months}
    shipped.update({f"vendors.{lab}.efficiency_oom": world.vendors[lab].efficiency_oom
                    for lab in fit.labs})
    assert shipped == fit.world_values()
    # labs without a scored release with a FLOP estimate are the mean lab
    assert all(v.efficiency_oom == 0.0 for lab, v in world.vendors.items()
               if lab not in fit.labs)
    # frontier growth: 4.7x a year of training compute (Epoch) plus g / a
    assert world.capability.oom_per_year == round(
        math.log10(4.7) + fit.points_per_year / fit.points_per_oom, 3)
    # GPT-4 (ECI 125.7 in the history file) at its launch on the stored index
    index = world.capability.index
    assert world.demand.reference_capability == round(
        (125.7 - index.offset) / index.points_per_oom, 3)


def test_the_history_has_the_releases_the_fit_reports():
    releases = history_releases("history_2022_2025.csv", "2023-01")
    assert len(releases.eci) == 25
    gpt4 = releases.models.index("GPT-4")
    assert (releases.eci[gpt4], releases.years[gpt4]) == (125.7, 2 / 12)
    assert releases.log_flop[gpt4] == pytest.approx(math.log10(2.1e25))
