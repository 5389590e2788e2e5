"""The calibration's posterior: the SMM sandwich, the finite-difference Jacobian, which
parameters the moments identify, and draws from the posterior file.

Each expected value comes from a computation of its own, not from the code's output: the
sandwich of a linear moment model is the covariance of its weighted least-squares
estimator, H Omega H' with H from ``numpy.linalg.lstsq``; the Jacobian is written out by
hand; the draws are checked against the stated mean and covariance within the standard
error of a sample mean and a sample covariance, and the truncated margin against
``scipy.stats.truncnorm``.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sim.calibrate.fit import DEFAULT_PARAMETERS, fitted_values
from sim.calibrate.posterior import (
    BAND_Z,
    POSTERIOR_FILE,
    WORLD_FILE,
    data_covariance,
    identified,
    identified_sets,
    jacobian,
    main,
    posterior_covariance,
    sandwich,
    simulation_covariance,
)
from sim.config import SCENARIOS_DIR, compose_raw, to_config
from sim.experiment.draws import apply_draw, design
from sim.experiment.draws import main as draws_main
from sim.experiment.levers import LEVERS
from sim.experiment.uncertainty import load_posterior, sample_posterior

# Two config paths no lever sets: their boxes come from the posterior file.
PATH_A = "world.demand.outside_utility.startups"
PATH_B = "world.firms.startups.volume_median_mtok"


def linear_model(seed: int = 0, k: int = 6, p: int = 3):
    """m(theta) = A theta + b, a positive definite Omega and a diagonal W."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(k, p))
    b = rng.normal(size=k)
    root = rng.normal(size=(k, k))
    omega = root @ root.T + k * np.eye(k)
    W = np.diag(1.0 / rng.uniform(0.5, 2.0, size=k) ** 2)
    return A, b, omega, W


def test_the_sandwich_of_a_linear_model_is_its_estimators_covariance():
    """For m = A theta + b, the minimum-distance estimator is linear in the targets,
    theta_hat = H (t - b), H the weighted least-squares map; if t has covariance Omega,
    theta_hat has H Omega H' (H computed column by column by lstsq, no inverse)."""
    A, b, omega, W = linear_model()
    theta = np.array([0.3, -1.2, 2.0])
    G = jacobian(lambda x: A @ x + b, theta, steps=[0.1, 0.1, 0.1])
    np.testing.assert_allclose(G, A, rtol=1e-9, atol=1e-12)  # exact for a linear model
    root_w = np.sqrt(W)
    H = np.linalg.lstsq(root_w @ A, root_w, rcond=None)[0]  # P x K
    np.testing.assert_allclose(sandwich(G, W, omega), H @ omega @ H.T, rtol=1e-9)
    # efficient weights: (A' Omega^-1 A)^-1, through a Cholesky solve
    L = np.linalg.cholesky(omega)
    whitened = np.linalg.solve(L, A)  # L^-1 A, so whitened' whitened = A' Omega^-1 A
    expected = np.linalg.inv(whitened.T @ whitened)
    np.testing.assert_allclose(sandwich(A, np.linalg.inv(omega), omega), expected, rtol=1e-9)


def test_the_band_is_read_as_a_90_percent_interval_and_seed_noise_as_a_covariance():
    np.testing.assert_allclose(np.diag(data_covariance([1.645, 3.29])),
                               [(1.645 / BAND_Z) ** 2, (3.29 / BAND_Z) ** 2])
    assert stats.norm.cdf(BAND_Z) - stats.norm.cdf(-BAND_Z) == pytest.approx(0.90, abs=1e-12)
    per_seed = np.array([[1.0, 2.0], [3.0, 2.0], [2.0, 5.0]])
    # by hand: means (2, 3); deviations (-1, -1), (1, -1), (0, 2); ddof 1
    np.testing.assert_allclose(simulation_covariance(per_seed),
                               [[1.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(simulation_covariance(per_seed[:1]), np.zeros((2, 2)))


def test_the_finite_difference_jacobian_matches_the_analytic_one():
    def f(x):
        return np.array([x[0] ** 2 * x[1], np.sin(x[0]), np.exp(x[1] / 3), x[0] / x[1]])

    x = np.array([0.7, 1.9])
    analytic = np.array([[2 * x[0] * x[1], x[0] ** 2],
                         [np.cos(x[0]), 0.0],
                         [0.0, np.exp(x[1] / 3) / 3],
                         [1 / x[1], -x[0] / x[1] ** 2]])
    np.testing.assert_allclose(jacobian(f, x, [1e-5, 1e-5]), analytic, rtol=1e-7, atol=1e-9)
    # at the edge of a box the stencil is clipped: one-sided, first-order accurate
    at_edge = jacobian(f, x, [1e-6, 1e-6], lower=[0.7, 0.0], upper=[5.0, 5.0])
    np.testing.assert_allclose(at_edge, analytic, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="not finite"):
        jacobian(lambda v: np.array([np.nan if v[0] > 0.7 else 1.0]), [0.7], [1e-3])


def test_a_parameter_with_a_zero_column_is_unidentified_and_the_rest_keep_their_sandwich():
    A, _, omega, W = linear_model(seed=3, k=5, p=3)
    G = np.column_stack([A[:, 0], np.zeros(5), A[:, 2]])
    keep = identified(G, W, tol=1.0, scale=[1.0, 1.0, 1.0])
    assert keep.tolist() == [True, False, True]
    block = posterior_covariance(G, W, omega, scale=[1.0, 1.0, 1.0])
    assert block.identified.tolist() == [True, False, True]
    assert block.condition == np.inf
    reduced = G[:, [0, 2]]
    H = np.linalg.lstsq(np.sqrt(W) @ reduced, np.sqrt(W), rcond=None)[0]
    np.testing.assert_allclose(block.covariance, H @ omega @ H.T, rtol=1e-9)


def test_flatness_is_measured_across_the_box_in_squared_half_bands():
    """One moment with half band h = 2 (W = 1/4): moving a parameter across its box of
    width w shifts the moment by g w, which raises J by (g w / h)^2."""
    W = np.array([[0.25]])
    # g w / h = 0.5 half band across the box: J moves 0.25 < 1, flat
    assert identified(np.array([[0.1]]), W, tol=1.0, scale=[10.0]).tolist() == [False]
    # g w / h = 2 half bands: J moves 4 >= 1, identified
    assert identified(np.array([[0.4]]), W, tol=1.0, scale=[10.0]).tolist() == [True]
    # two parameters with the same effect: only their sum is pinned, one is dropped
    G = np.array([[1.0, 1.0], [0.0, 0.0]])
    assert identified(G, np.eye(2), tol=1.0, scale=[1.0, 1.0]).sum() == 1


@pytest.mark.parametrize("exhaustive", [16, 0], ids=["every set", "greedy"])
def test_the_identified_set_is_the_largest_then_the_stiffest(exhaustive):
    """Columns a = (1, 0), b = (0, 1), c = (1/2, 1/2) with W = w I and unit boxes. By hand:
    {a, b}: M = w I, smallest eigenvalue w; {a, c} and {b, c}: w [[1, 1/2], [1/2, 1/2]],
    eigenvalues w (3/2 -+ sqrt(5/4)) / 2, the smaller 0.19098 w; all three: singular."""
    G = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    small = (1.5 - np.sqrt(1.25)) / 2
    keep, count = identified_sets(G, 4.0 * np.eye(2), 1.0, [1, 1, 1], exhaustive)
    assert keep.tolist() == [True, True, False]  # 4 * 0.19 < 1: only {a, b} passes
    assert count == (1 if exhaustive else None)
    keep, count = identified_sets(G, 10.0 * np.eye(2), 1.0, [1, 1, 1], exhaustive)
    assert 10 * small > 1.0 and keep.tolist() == [True, True, False]  # the stiffest of 3
    assert count == (3 if exhaustive else None)
    keep, count = identified_sets(G, 0.5 * np.eye(2), 1.0, [1, 1, 1], exhaustive)
    assert keep.tolist() == [False, False, False]  # even a alone rises by 0.5 < 1


def write_posterior(path, mean, sd, corr, boxes, paths=(PATH_A, PATH_B), unidentified=()):
    """A posterior file written by hand (the fields the draws read)."""
    sd, corr = np.asarray(sd, dtype=float), np.asarray(corr, dtype=float)
    cov = corr * np.outer(sd, sd)
    keep = [i for i, p in enumerate(paths) if p not in unidentified]
    data = {"parameters": [{"path": p, "box": list(map(float, box)), "mean": float(m),
                            "identified": p not in unidentified}
                           for p, m, box in zip(paths, mean, boxes, strict=True)],
            "identified_block": {"paths": [paths[i] for i in keep],
                                 "covariance": cov[np.ix_(keep, keep)].tolist()}}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("method", ["random", "lhs"])
def test_draws_have_the_stated_mean_and_covariance_within_sampling_error(tmp_path, method):
    """With boxes 20 SDs wide the truncation removes nothing (P ~ 1e-88). For n normal
    draws, SE(mean_i) = sd_i / sqrt(n) and SE(s_ij) = sqrt((s_ij^2 + s_ii s_jj) / (n - 1));
    every estimate must lie within 4 SE (a false alarm about once in 16,000 per check)."""
    mean, sd, rho = np.array([-3.0, 600.0]), np.array([0.5, 150.0]), 0.6
    corr = np.array([[1.0, rho], [rho, 1.0]])
    boxes = [(-13.0, 7.0), (-2400.0, 3600.0)]
    file = write_posterior(tmp_path / "p.yaml", mean, sd, corr, boxes)
    n = 20000
    draws = sample_posterior([PATH_A, PATH_B], n, seed=7, method=method, file=file)
    x = draws[[PATH_A, PATH_B]].to_numpy()
    sigma = corr * np.outer(sd, sd)
    assert np.all(np.abs(x.mean(axis=0) - mean) < 4 * sd / np.sqrt(n))
    sample = np.cov(x, rowvar=False)
    se = np.sqrt((sigma ** 2 + np.outer(np.diag(sigma), np.diag(sigma))) / (n - 1))
    assert np.all(np.abs(sample - sigma) < 4 * se), (sample, sigma, se)


def test_truncation_keeps_draws_in_the_box_by_rejection_not_clipping(tmp_path):
    """A normal N(0.5, 1) truncated to [0, 1]: every draw inside, none piled on a bound
    (clipping would put about 31% on each), and the mean and SD of scipy's truncnorm."""
    file = write_posterior(tmp_path / "p.yaml", [0.5, 600.0], [1.0, 10.0], np.eye(2),
                           [(0.0, 1.0), (0.0, 2000.0)])
    n = 20000
    x = sample_posterior([PATH_A], n, seed=3, method="random", file=file)[PATH_A].to_numpy()
    assert x.min() > 0.0 and x.max() < 1.0
    assert np.mean(x == 0.0) == 0 and np.mean(x == 1.0) == 0
    law = stats.truncnorm(-0.5, 0.5, loc=0.5, scale=1.0)
    assert abs(x.mean() - law.mean()) < 4 * law.std() / np.sqrt(n)
    assert x.std() == pytest.approx(law.std(), rel=0.03)


def test_an_unidentified_parameter_is_drawn_uniformly_from_its_box(tmp_path):
    file = write_posterior(tmp_path / "p.yaml", [-3.0, 600.0], [0.5, 150.0], np.eye(2),
                           [(-8.0, 4.0), (50.0, 2000.0)], unidentified=(PATH_B,))
    n = 200
    draws = sample_posterior(None, n, seed=1, file=file)  # None: every parameter
    assert list(draws.columns) == [PATH_A, PATH_B]
    u = (draws[PATH_B].to_numpy() - 50.0) / 1950.0  # its uniform cdf, written out
    # a Latin hypercube: one draw in each of n equally probable strata of the box
    assert sorted(np.floor(u * n).astype(int).tolist()) == list(range(n))
    assert stats.kstest(draws[PATH_A], stats.norm(-3.0, 0.5).cdf).pvalue > 1e-3


def test_draws_are_reproducible_by_their_seed_and_named_by_their_lever(tmp_path):
    """A fitted path that a lever sets is drawn under the lever's name and box; a lever
    the calibration does not fit is drawn from its box."""
    file = write_posterior(tmp_path / "p.yaml", [2.8, -3.2], [0.4, 1.0],
                           [[1.0, -0.3], [-0.3, 1.0]], [(1.0, 6.0), (-8.0, 4.0)],
                           paths=("world.demand.quality_weight", PATH_A))
    one = sample_posterior(None, 30, seed=5, file=file)
    assert list(one.columns) == ["quality_weight", PATH_A]
    pd.testing.assert_frame_equal(one, sample_posterior(None, 30, seed=5, file=file))
    assert not one.equals(sample_posterior(None, 30, seed=6, file=file))
    lo, hi = LEVERS["quality_weight"].box
    assert one.quality_weight.between(lo, hi).all()
    mixed = sample_posterior(["spill_open", "quality_weight"], 30, seed=5, file=file)
    lo, hi = LEVERS["spill_open"].box
    assert mixed.spill_open.between(lo, hi).all() and mixed.spill_open.std() > 0.1


def test_a_posterior_design_file_sets_the_config_of_a_run(tmp_path):
    file = write_posterior(tmp_path / "p.yaml", [2.8, -3.2], [0.4, 1.0], np.eye(2),
                           [(1.0, 6.0), (-8.0, 4.0)],
                           paths=("world.demand.quality_weight", PATH_A))
    frame = design([], 3, seed=2, prior="posterior", posterior=file)
    assert list(frame.columns) == ["draw", "quality_weight", PATH_A]
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    tree = compose_raw(["world=small", f"draw.file={path}", "draw.index=1"])
    apply_draw(tree)
    config = to_config(tree)
    assert config.world.demand.quality_weight == frame.quality_weight[1]
    assert config.world.demand.outside_utility["startups"] == frame[PATH_A][1]


def test_the_command_writes_a_posterior_the_draws_read(tmp_path):
    """A tiny budget: two parameters, one target (OpenAI's revenue in 2023-12), one seed,
    one-year runs (5 of them). Enterprises' volume moves the revenue; devices' outside
    option, a segment of a few device makers, does not."""
    out = tmp_path / "posterior.yaml"
    volume = "world.firms.enterprises.volume_median_mtok"
    devices = "world.demand.outside_utility.devices"
    assert main(["--seeds", "1", "--end", "2023-12", "--parameters", f"{volume},{devices}",
                 "--targets", "T23", "--out", str(out)]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [p["path"] for p in data["parameters"]] == [volume, devices]
    assert data["unidentified"] == [devices] and data["seeds"] == [0]
    assert data["identified_block"]["paths"] == [volume]
    fitted = yaml.safe_load(WORLD_FILE.read_text(encoding="utf-8"))
    assert data["parameters"][0]["mean"] == fitted["firms"]["enterprises"]["volume_median_mtok"]
    assert data["parameters"][0]["sd"] > 0 and data["parameters"][1]["sd"] is None
    assert data["command"].startswith("python -m sim.calibrate.posterior --seeds 1")
    draws = sample_posterior(None, 20, seed=0, file=out)
    assert list(draws.columns) == [volume, devices]  # no lever sets either path
    assert draws[volume].between(500.0, 20000.0).all()
    assert draws[devices].between(-8.0, 4.0).all()


def test_fitted_values_are_read_from_the_calibrated_world():
    tree = yaml.safe_load(WORLD_FILE.read_text(encoding="utf-8"))
    values = fitted_values(WORLD_FILE)
    assert values["world.demand.quality_weight"] == tree["demand"]["quality_weight"]
    assert (values["world.firms.enterprises.volume_median_mtok"]
            == tree["firms"]["enterprises"]["volume_median_mtok"])
    assert list(values) == [p.path for p in DEFAULT_PARAMETERS]


def test_the_shipped_posterior_is_centred_on_the_fit_and_consistent():
    data = yaml.safe_load(POSTERIOR_FILE.read_text(encoding="utf-8"))
    fitted = fitted_values(WORLD_FILE)
    assert [p["path"] for p in data["parameters"]] == [p.path for p in DEFAULT_PARAMETERS]
    for p in data["parameters"]:
        assert p["mean"] == fitted[p["path"]]
        assert (p["sd"] is None) == (not p["identified"]) == (p["path"] in data["unidentified"])
    post = load_posterior()
    cov = post.covariance
    np.testing.assert_allclose(cov, cov.T)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    sds = [p["sd"] for p in data["parameters"] if p["identified"]]
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), sds, rtol=1e-5)
    draws = sample_posterior(None, 50, seed=0)
    assert draws.notna().all().all() and len(draws) == 50


@pytest.mark.slow
def test_a_sweep_of_posterior_draws_splits_its_variance_unchanged(tmp_path):
    """Posterior draws (levers and dotted config paths as columns) run as a sweep of draws
    x seeds, and the gathered table splits each outcome's spread between them."""
    path = tmp_path / "design.csv"
    assert draws_main(["--n", "2", "--prior", "posterior", "--seed", "4",
                       "--out", str(path)]) == 0
    sweep = tmp_path / "sweep"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "world=small", "world.start=2025-07",
         "world.end=2026-03", f"draw.file={path}", "draw.index=0,1", "seed=0,1",
         "output.plots=false", "output.report=false", "output.progress=false",
         f"hydra.sweep.dir={sweep}"], cwd=SCENARIOS_DIR.parent, capture_output=True,
        text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    runs = pd.read_csv(sweep / "gathered" / "runs.csv")
    drawn = pd.read_csv(path).set_index("draw")
    for row in runs.itertuples():
        assert (runs.loc[row.Index, f"draw.{PATH_A}"] == drawn.loc[row.draw, PATH_A])
        assert (runs.loc[row.Index, "draw.quality_weight"]
                == drawn.loc[row.draw, "quality_weight"])
    table = pd.read_csv(sweep / "gathered" / "uncertainty.csv")
    row = table[(table.quantity == "value") & (table.outcome == "cn_share_startups")].iloc[0]
    assert (row["n_draws"], row["n_runs"]) == (2, 4)
    assert row["var_total"] == pytest.approx(np.var(runs["cn_share_startups"].to_numpy()))
    assert row["var_param"] + row["var_seed"] == pytest.approx(row["var_total"])


def test_the_readmes_posterior_draws_run_as_written(tmp_path):
    """The README's `--prior posterior` commands (For researchers), on the shipped file."""
    text = (SCENARIOS_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## For researchers"):].replace("\\\n", " ")
    commands = [shlex.split(line) for line in section.splitlines()
                if line.startswith("python -m sim.experiment.draws")
                and "--prior posterior" in line]
    assert len(commands) == 2
    for number, args in enumerate(commands):
        out = tmp_path / f"{number}.csv"
        args = args[3:]
        args[args.index("--out") + 1] = str(out)
        assert draws_main(args) == 0
        frame = pd.read_csv(out)
        assert len(frame) == int(args[args.index("--n") + 1]) and frame.notna().all().all()
