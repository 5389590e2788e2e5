"""The backcast: the small world in ``targets`` mode (the rules set every release and price
from 2023-01) with the values fitted by ``python -m sim.calibrate --parameters targets``
(``scenarios/world/targets.yaml``) reproduces the in-sample facts better than the same
rules at the replay world's values, and its months join without jumps (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibrate.fit import PARAMETER_SETS, build_problem, fitted_values, get_path
from sim.config import SCENARIOS_DIR
from sim.core.calendar import parse_month
from sim.market.capability import release_step
from sim.model.results import run

WORLD_FILE = SCENARIOS_DIR / "world" / "targets.yaml"
OVERRIDES = ("world.history_mode=targets", "rules.vendor_release=hazard")
PARAMETERS = PARAMETER_SETS["targets"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def problem():
    return build_problem("small", 1, PARAMETERS, overrides=OVERRIDES)


@pytest.fixture(scope="module")
def fitted(problem):
    values = fitted_values(WORLD_FILE, PARAMETERS)
    return np.array([values[p.path] for p in PARAMETERS])


def test_the_fit_beats_the_replay_worlds_values_in_targets_mode(problem, fitted):
    before = np.array([get_path(problem.base, p.path) for p in PARAMETERS])
    assert problem.distance(fitted) < problem.distance(before)


def test_the_backcast_has_no_seam(problem, fitted):
    """No price moves by more than the stickiness limit in a month (30%), and no lab's
    capability by more than the frontier's growth since its previous model."""
    cfg = problem.config(fitted, seed=0)
    results = run(cfg)
    prices = results.series("price")
    ratio = (prices / prices.shift(1)).to_numpy()[1:]
    limit = cfg.world.pricing.max_monthly_change
    on_sale = np.isfinite(ratio) & (ratio > 0)
    assert on_sale.sum() > 100
    assert np.all(ratio[on_sale] <= 1 + limit + 1e-9)
    assert np.all(ratio[on_sale] >= 1 - limit - 1e-9)
    capability = results.series("capability")
    steps = capability.diff().to_numpy()[1:]
    growth = cfg.world.capability.oom_per_year
    most = release_step(12 if cfg.world.capability.release_catch_up_months is None
                        else cfg.world.capability.release_catch_up_months, growth,
                        cfg.world.capability.release_catch_up_months)
    assert np.nanmax(steps) <= most + 1e-9
    assert parse_month(str(prices.index[0])) == parse_month(cfg.world.start)
