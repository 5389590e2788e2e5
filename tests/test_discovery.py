"""Scenario discovery: the EMA Workbench model (20 experiments, then PRIM), the
``python -m sim.discover`` command, its boxes and its refusals.

EMA runs use the small world over two months (2025-12, the last of history, and 2026-01,
the scenarios' first). Expected values come from an independent path (``evaluate`` for
the same design and seed; coverage and density counted by hand over the saved runs).
Where only the bookkeeping is tested, the model is replaced by a known function of the
levers whose region of interest is a box.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

from sim.discover import main
from sim.experiment import ema_model, evaluate
from sim.experiment.discovery import parse_condition
from sim.experiment.ema import ema_prim
from sim.experiment.levers import LEVERS
from sim.experiment.outcomes import OutcomeError
from sim.experiment.prim import prim
from sim.experiment.resume import RUNS_FILE

evaluate_module = importlib.import_module("sim.experiment.evaluate")
SHORT = ("world.start=2025-12", "world.end=2026-01")
LEVER_SET = ["cn_price_factor", "quality_weight", "us_distrust_of_cn"]


def perform(model, scenarios: int):
    """EMA's perform_experiments on one process (EMA Workbench: the [ema] extra, which
    `make test` installs: no skip, a missing install fails here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its optional back-ends warn when absent
        ema = importlib.import_module("ema_workbench")
        np.random.seed(20)  # noqa: NPY002 - EMA's Latin hypercube draws from the global generator
        with ema.SequentialEvaluator(model) as evaluator:
            return ema.perform_experiments(model, scenarios=scenarios, evaluator=evaluator)


# -- EMA Workbench ----------------------------------------------------------------------------

def test_an_ema_run_of_20_experiments_then_prim():
    model = ema_model(levers=LEVER_SET, outcomes=["cn_share_startups"], overrides=SHORT)
    assert [u.name for u in model.uncertainties] == LEVER_SET
    experiments, outcomes = perform(model, 20)
    assert len(experiments) == 20 and len(outcomes["cn_share_startups"]) == 20
    for name in LEVER_SET:  # the levers' boxes are the uncertainties' ranges
        lo, hi = LEVERS[name].box
        assert experiments[name].between(lo, hi).all()
    first = experiments.iloc[0]
    expected = evaluate({k: first[k] for k in LEVER_SET}, 0, outcomes=["cn_share_startups"],
                        overrides=SHORT)
    assert outcomes["cn_share_startups"][0] == expected["cn_share_startups"]  # the run of evaluate
    x = experiments[LEVER_SET].astype(float)
    y = outcomes["cn_share_startups"] > np.median(outcomes["cn_share_startups"])
    # a peel of a tenth: with 20 runs, EMA's quantile peel of 5% (one run) can cut at a
    # column's minimum and remove nothing, so its search stops before the first peel
    for found in (ema_prim(x, y, alpha=0.1, mass_min=0.1), prim(x, y, alpha=0.1, mass_min=0.1)):
        start = found.trajectory.iloc[0]
        assert (start.coverage, start.density, start.mass) == (1.0, y.mean(), 1.0)
        assert found.trajectory.density.max() > y.mean()  # peeling concentrates them
        box = found.box(min_density=0.8)
        assert list(box.index) == LEVER_SET and (box.lo <= box.hi).all()


def test_a_replicator_model_averages_over_seeds():
    model = ema_model(levers=LEVER_SET[:2], outcomes=["cn_share_startups"], overrides=SHORT,
                      replications=2)
    assert type(model).__name__ == "ReplicatorModel"
    experiments, outcomes = perform(model, 2)
    row = experiments.iloc[1]
    design = {k: row[k] for k in LEVER_SET[:2]}
    by_seed = [evaluate(design, s, outcomes=["cn_share_startups"], overrides=SHORT)
               for s in (0, 1)]
    assert outcomes["cn_share_startups"][1] == pytest.approx(
        np.mean([r["cn_share_startups"] for r in by_seed]), abs=1e-15)


def test_ema_model_refuses_bad_input():
    with pytest.raises(ValueError, match="replications = 0"):
        ema_model(levers=LEVER_SET, replications=0)
    with pytest.raises(OutcomeError, match="unknown outcome 'nope'"):
        ema_model(levers=LEVER_SET, outcomes=["nope"])


# -- conditions -------------------------------------------------------------------------------

def test_conditions_parse_and_refuse():
    c = parse_condition("soft_power_cn@mean >= 0.3")
    assert (c.outcome, c.op, c.threshold) == ("soft_power_cn@mean", ">=", 0.3)
    assert list(c.of([0.2, 0.3, 0.4])) == [False, True, True]
    with pytest.raises(ValueError, match="write OUTCOME OP NUMBER"):
        parse_condition("soft_power_cn = 0.3")
    with pytest.raises(ValueError, match="'x' is not a number"):
        parse_condition("soft_power_cn > x")
    with pytest.raises(OutcomeError, match="unknown outcome 'soft'"):
        parse_condition("soft > 1")


# -- the command, with the model replaced by a known function -----------------------------

@pytest.fixture
def boxed(monkeypatch):
    """y = 1 inside quality_weight > 4.5 and us_distrust_of_cn > -3, else 0 (plus a little
    of cn_price_factor, which decides nothing); counts evaluations."""
    calls = {"n": 0}

    def fake(params, seed, world="small", scenario="baseline", outcomes=None, overrides=()):
        calls["n"] += 1
        inside = params["quality_weight"] > 4.5 and params["us_distrust_of_cn"] > -3
        return {name: float(inside) + 0.01 * params["cn_price_factor"] for name in outcomes}

    monkeypatch.setattr(evaluate_module, "evaluate", fake)
    monkeypatch.setattr(evaluate_module, "build_config", lambda *a, **k: None)
    return calls


def discover_args(out, condition: str = "soft_power_cn > 0.5", *extra: str) -> list[str]:
    return [condition, "--levers", ",".join(LEVER_SET), "--n", "400", "--out", str(out),
            "--quiet", *extra]


def test_discover_finds_the_box_and_writes_coverage_and_density(tmp_path, boxed, capsys):
    out = tmp_path / "found"
    assert main(discover_args(out)) == 0
    assert boxed["n"] == 400
    printed = capsys.readouterr().out
    assert "Chosen box" in printed and "(not restricted)" in printed
    boxes = pd.read_csv(out / "boxes.csv")
    assert list(boxes.columns) == ["condition", "box", "lever", "lo", "hi", "coverage",
                                   "density", "mass", "restricted", "chosen"]
    assert boxes.chosen.dtype == bool and boxes.box.dtype == np.int64
    assert boxes.lo.dtype == np.float64 and set(boxes.condition) == {"soft_power_cn > 0.5"}
    chosen = boxes[boxes.chosen].set_index("lever")
    assert chosen.lo["quality_weight"] == pytest.approx(4.5, abs=0.2)
    assert chosen.lo["us_distrust_of_cn"] == pytest.approx(-3, abs=0.2)
    # coverage and density counted by hand over the saved runs
    runs = pd.read_csv(out / RUNS_FILE)
    inside = np.all([runs[k].between(chosen.lo[k], chosen.hi[k]) for k in LEVER_SET], axis=0)
    interest = runs.soft_power_cn > 0.5
    assert chosen.coverage.iloc[0] == pytest.approx((inside & interest).sum() / interest.sum())
    assert chosen.density.iloc[0] == pytest.approx((inside & interest).sum() / inside.sum())
    assert chosen.density.iloc[0] >= 0.8
    assert (out / "prim.png").read_bytes().startswith(b"\x89PNG")


def test_another_threshold_reuses_the_runs_and_emas_prim_writes_the_same_tables(
        tmp_path, boxed):
    out = tmp_path / "found"
    assert main(discover_args(out)) == 0
    boxed["n"] = 0
    assert main(discover_args(out, "soft_power_cn >= 1", "--prim", "ema")) == 0
    assert boxed["n"] == 0  # the same runs, another condition, EMA's PRIM
    boxes = pd.read_csv(out / "boxes.csv")
    assert set(boxes.condition) == {"soft_power_cn >= 1"}
    chosen = boxes[boxes.chosen].set_index("lever")
    assert chosen.lo["quality_weight"] == pytest.approx(4.5, abs=0.2)
    assert chosen.density.iloc[0] >= 0.8


@pytest.mark.parametrize(("args", "message"), [
    (["soft_power_cn = 1"], "write OUTCOME OP NUMBER"),
    (["soft_power_cn > 0.5", "--levers", "nope"], "unknown lever 'nope'"),
    (["soft_power_cn > 0.5", "--n", "1"], "argument --n: '1': a whole number, at least 2"),
    (["soft_power_cn > 0.5", "--min-density", "1.5"], "'1.5': a share between 0 and 1"),
    (["soft_power_cn > 0.5", "--prim", "other"], "invalid choice: 'other'"),
])
def test_bad_input_is_refused_naming_it(capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_a_condition_no_run_meets_is_refused_with_the_outcomes_range(tmp_path, boxed, capsys):
    assert main(discover_args(tmp_path / "none", "soft_power_cn > 5")) == 2
    err = capsys.readouterr().err
    assert "no run meets soft_power_cn > 5: soft_power_cn ranges from" in err
