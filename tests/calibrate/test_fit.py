"""Calibration recovers parameters from moments the model itself produced."""

import numpy as np
import pytest
from conftest import small_config

from sim.calibrate.fit import (
    DEFAULT_PARAMETERS,
    FreeParameter,
    Problem,
    calibrate,
    get_path,
    set_path,
)
from sim.calibrate.moments import Target, load_targets

KNOWN = {"world.vendors.anthropic.appeal": 2.0,
         "world.vendors.alibaba.funding_musd_per_month": 400.0}


def test_paths_set_and_get_dataclasses_and_dicts():
    cfg = small_config()
    set_path(cfg, "world.demand.affinity.US.CN", -2.5)
    set_path(cfg, "world.firms.startups.n", 7.0)
    assert get_path(cfg, "world.demand.affinity.US.CN") == -2.5
    assert cfg.world.firms["startups"].n == 7
    assert isinstance(cfg.world.firms["startups"].n, int)


@pytest.mark.slow
def test_calibration_recovers_known_parameters_from_synthetic_targets():
    """Targets made by the model itself at known values are fitted back to those values.

    Anthropic's appeal moves its enterprise spend share (T11); Alibaba's funding moves
    China's share of compute (T14): two parameters, two moments that identify them.
    """
    base = small_config("world.end=2025-06")
    parameters = [FreeParameter("world.vendors.anthropic.appeal", -1.0, 5.0),
                  FreeParameter("world.vendors.alibaba.funding_musd_per_month", 50.0, 800.0)]
    used = [t for t in load_targets() if t.id in ("T11", "T14")]
    truth = Problem(base, parameters, used, seeds=(0,))
    produced = truth.moments([KNOWN[p.path] for p in parameters])
    targets = [Target(t.id, t.quantity, float(produced[t.id][0]),
                      float(produced[t.id][0]) - 0.5, float(produced[t.id][0]) + 0.5, t.unit,
                      t.period, t.source, t.moment, "in_sample", "") for t in used]
    problem = Problem(base, parameters, targets, seeds=(0,))
    fit = calibrate(problem, maxiter=6, popsize=5, polish_evals=30, profile_points=5)
    assert fit.distance < 0.05
    assert fit.theta[0] == pytest.approx(KNOWN[parameters[0].path], abs=0.5)
    assert fit.theta[1] == pytest.approx(KNOWN[parameters[1].path], rel=0.05)
    assert all(fit.identified.values())
    for path, (grid, values) in fit.profiles.items():  # the profile bottoms out at the truth
        assert abs(grid[np.argmin(values)] - KNOWN[path]) <= (grid[1] - grid[0]), path


@pytest.mark.parametrize("parameter", DEFAULT_PARAMETERS, ids=lambda p: p.path)
def test_every_corner_of_the_search_box_is_a_valid_world(parameter):
    """The search may try any point of a parameter's box: both ends must pass validation
    with the others at their defaults (a box reaching outside a field's domain stops a fit
    half way)."""
    problem = Problem(small_config(), DEFAULT_PARAMETERS, targets=[])
    base = [get_path(problem.base, p.path) for p in DEFAULT_PARAMETERS]
    i = DEFAULT_PARAMETERS.index(parameter)
    for end in (parameter.low, parameter.high):
        theta = list(base)
        theta[i] = end
        assert get_path(problem.config(theta, seed=0), parameter.path) == pytest.approx(end)


def test_a_fit_in_targets_mode_runs_with_its_overrides_and_writes_them():
    import yaml

    from sim.calibrate.__main__ import world_yaml
    from sim.calibrate.fit import PARAMETER_SETS, build_problem

    params = PARAMETER_SETS["targets"]
    problem = build_problem("small", 1, params, overrides=("world.history_mode=targets",
                                                           "rules.vendor_release=hazard"))
    cfg = problem.config([p.low for p in params], seed=0)
    assert cfg.world.history_mode == "targets" and cfg.rules.vendor_release == "hazard"
    assert cfg.world.demand.affinity["US"]["CN"] == -8.0
    assert cfg.world.compute.serving_overhead == 1.0
    text = world_yaml({"world.compute.serving_overhead": 4.77123}, 1.0, "report.md", "targets",
                      {"world.history_mode": "targets"}, ["rules.vendor_release=hazard"])
    tree = yaml.safe_load(text)
    assert tree["name"] == "targets" and tree["history_mode"] == "targets"
    assert tree["compute"]["serving_overhead"] == 4.7712
    assert "rules.vendor_release=hazard" in text.splitlines()[3]
