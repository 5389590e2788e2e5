"""Global sensitivity: Morris indices against closed forms, ``python -m sim.sensitivity``
on the small world, resuming without redoing runs, bad input, and the tables' format.

Expected values come from closed forms (a linear function's elementary effects are its
coefficients times the boxes' widths; an interaction's are known moments of the grid)
or from an independent computation over the saved runs, never from the code under test.
Where only the bookkeeping is tested (resuming, counting evaluations), the model is
replaced by a linear function of the levers, so that those tests take a second.
"""

from __future__ import annotations

import importlib
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from sim.experiment.levers import LEVERS
from sim.experiment.morris import morris_indices
from sim.experiment.resume import RUNS_FILE
from sim.experiment.screening import stability
from sim.sensitivity import main

#: the module (``sim.experiment.evaluate`` the attribute is the function of that name)
evaluate_module = importlib.import_module("sim.experiment.evaluate")
#: The small world's last month of history and the scenarios' first: two months a run.
SHORT = ["--start", "2025-12", "--end", "2026-01"]
THREE = "quality_weight,us_distrust_of_cn,spill_open"
COEF = {"quality_weight": 2.0, "us_distrust_of_cn": -0.5, "spill_open": 3.0}


def width(name: str) -> float:
    lo, hi = LEVERS[name].box
    return hi - lo


# -- Morris against closed forms ----------------------------------------------------------

def test_morris_of_a_linear_function_is_its_coefficients_times_the_boxes():
    bounds = {"a": (0.0, 1.0), "b": (0.0, 2.0), "c": (-1.0, 1.0)}
    coef = {"a": 3.0, "b": -2.0, "c": 0.0}
    result = morris_indices(lambda x: sum(coef[k] * x[k] for k in coef), bounds, n=10)
    expected = {k: coef[k] * (hi - lo) for k, (lo, hi) in bounds.items()}  # mu = a w
    np.testing.assert_allclose(result.indices.mu, list(expected.values()), atol=1e-9)
    np.testing.assert_allclose(result.indices.mu_star, np.abs(list(expected.values())),
                               atol=1e-9)
    np.testing.assert_allclose(result.indices.sigma, 0.0, atol=1e-9)  # acts alone, linearly
    assert len(result.samples) == 10 * (3 + 1)


def test_morris_of_an_interaction_matches_the_grids_moments():
    # y = x1 + b x1 x3 on the unit square: x3's effect is b x1, and x1 sits on the grid
    # {0, 1/3, 2/3, 1} with equal chances: mu* = b / 2, sigma = b sqrt(5/36)
    b = 4.0
    bounds = {"x1": (0.0, 1.0), "x2": (0.0, 1.0), "x3": (0.0, 1.0)}
    result = morris_indices(lambda x: x["x1"] + b * x["x1"] * x["x3"], bounds, n=600, seed=3)
    ind = result.indices
    assert ind.loc["x3", "mu_star"] == pytest.approx(b / 2, rel=0.06)
    assert ind.loc["x3", "sigma"] == pytest.approx(b * np.sqrt(5 / 36), rel=0.06)
    assert ind.loc["x1", "mu"] == pytest.approx(1 + b / 2, rel=0.06)  # 1 + b E[x3]
    assert ind.loc["x2", "mu_star"] == 0.0 and ind.loc["x2", "sigma"] == 0.0


# -- the command on the small world -----------------------------------------------------

def elementary_effects(design: pd.DataFrame, y: pd.Series, levers: list[str],
                       n: int) -> dict[str, list[float]]:
    """Morris's effects by hand: within each trajectory (D + 1 consecutive designs), each
    step moves one lever; its effect is the change in y over the move as a share of the
    lever's box."""
    effects: dict[str, list[float]] = {k: [] for k in levers}
    d = len(levers)
    for t in range(n):
        rows = design.iloc[t * (d + 1):(t + 1) * (d + 1)]
        for (_, before), (_, after) in itertools.pairwise(rows.iterrows()):
            moved = [k for k in levers if before[k] != after[k]]
            assert len(moved) == 1, "a Morris step moves exactly one lever"
            k = moved[0]
            share = (after[k] - before[k]) / width(k)
            effects[k].append((y[int(after.design)] - y[int(before.design)]) / share)
    return effects


def test_morris_of_three_levers_on_the_small_world(tmp_path, capsys):
    out = tmp_path / "morris"
    code = main(["morris", "--levers", THREE, "--outcomes", "cn_share_startups",
                 "--n", "4", *SHORT, "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "16 runs" in printed and "cn_share_startups: " in printed
    indices = pd.read_csv(out / "indices.csv")
    runs = pd.read_csv(out / RUNS_FILE)
    design = pd.read_csv(out / "design.csv")
    assert len(runs) == 4 * (3 + 1) and list(runs.seed.unique()) == [0]
    y = runs.set_index("design")["cn_share_startups"]
    levers = THREE.split(",")
    effects = elementary_effects(design, y, levers, n=4)
    table = indices.pivot(index="lever", columns="index", values="value")
    for k in levers:  # SALib's indices equal the effects computed by hand
        assert table.loc[k, "mu"] == pytest.approx(np.mean(effects[k]), abs=1e-12)
        assert table.loc[k, "mu_star"] == pytest.approx(np.mean(np.abs(effects[k])), abs=1e-12)
        assert table.loc[k, "sigma"] == pytest.approx(np.std(effects[k], ddof=1), abs=1e-12)
    assert table.loc["quality_weight", "mu_star"] > 0  # the quality weight moves the shares
    assert (out / "morris.png").read_bytes().startswith(b"\x89PNG")


# -- resuming, with the model replaced by a linear function --------------------------------

@pytest.fixture
def counted(monkeypatch):
    """Replace the model by y = sum of COEF x (every outcome) and count the evaluations;
    ``calls["stop_at"]`` interrupts the evaluation of that number, as Ctrl-C would."""
    calls = {"n": 0, "stop_at": None}

    def fake(params, seed, world="small", scenario="baseline", outcomes=None, overrides=()):
        calls["n"] += 1
        if calls["stop_at"] is not None and calls["n"] >= calls["stop_at"]:
            raise KeyboardInterrupt
        value = sum(COEF[k] * float(v) for k, v in params.items()) + 0.001 * seed
        return {name: value for name in outcomes}

    monkeypatch.setattr(evaluate_module, "evaluate", fake)
    monkeypatch.setattr(evaluate_module, "build_config", lambda *a, **k: None)
    return calls


def morris_args(out, *extra: str) -> list[str]:
    return ["morris", "--levers", THREE, "--outcomes", "cn_share_startups,welfare", "--n", "6",
            "--out", str(out), "--quiet", *extra]


def test_an_interrupted_screening_resumes_without_redoing_runs(tmp_path, counted):
    out = tmp_path / "screen"
    total = 6 * (3 + 1)
    counted["stop_at"] = 10  # Ctrl-C during the tenth run: nine are done
    with pytest.raises(KeyboardInterrupt):
        main(morris_args(out))
    assert len(pd.read_csv(out / RUNS_FILE)) == 9  # saved as they stopped
    counted.update(n=0, stop_at=None)
    assert main(morris_args(out)) == 0
    assert counted["n"] == total - 9  # only the missing runs
    first = (out / "indices.csv").read_bytes()
    counted["n"] = 0
    assert main(morris_args(out)) == 0
    assert counted["n"] == 0 and (out / "indices.csv").read_bytes() == first
    assert main(morris_args(out, "--seeds", "0,1")) == 0  # a new seed: its runs only
    assert counted["n"] == total
    runs = pd.read_csv(out / RUNS_FILE)
    assert len(runs) == 2 * total and not runs.duplicated(["design", "seed"]).any()
    # the indices are the closed form's: mu = coefficient x box width, sigma = 0
    table = pd.read_csv(out / "indices.csv").query("outcome == 'welfare'").pivot(
        index="lever", columns="index", values="value")
    for k, a in COEF.items():
        assert table.loc[k, "mu"] == pytest.approx(a * width(k), rel=1e-9)
        assert table.loc[k, "sigma"] == pytest.approx(0.0, abs=1e-9)


def test_a_folder_of_another_screening_is_refused(tmp_path, counted, capsys):
    out = tmp_path / "screen"
    assert main(morris_args(out)) == 0
    capsys.readouterr()
    args = morris_args(out)
    args[args.index("--n") + 1] = "8"
    assert main(args) == 2
    assert "holds another screening (n: 6 there, 8 here)" in capsys.readouterr().err
    assert json.loads((out / "spec.json").read_text())["n"] == 6  # left as it was


def test_sobol_of_a_linear_function_through_the_command(tmp_path, counted):
    out = tmp_path / "sobol"
    assert main(["sobol", "--levers", "quality_weight=0:1,spill_open=0:1", "--outcomes",
                 "welfare", "--n", "256", "--out", str(out), "--quiet"]) == 0
    share = 2.0 ** 2 / (2.0 ** 2 + 3.0 ** 2)  # y = 2 x1 + 3 x2 on unit boxes
    table = pd.read_csv(out / "indices.csv").pivot(index="lever", columns="index",
                                                   values="value")
    np.testing.assert_allclose(table.loc[["quality_weight", "spill_open"], "S1"],
                               [share, 1 - share], atol=0.03)
    np.testing.assert_allclose(table.loc[["quality_weight", "spill_open"], "ST"],
                               [share, 1 - share], atol=0.03)
    stability = pd.read_csv(out / "stability.csv")
    assert stability.stable.dtype == bool and bool(stability.stable.iloc[0])
    assert (out / "sobol.png").exists()


def test_the_tables_read_back_with_their_types(tmp_path, counted):
    out = tmp_path / "screen"
    assert main(morris_args(out)) == 0
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["method", "outcome", "lever", "index", "value", "conf", "n"]
    assert indices.value.dtype == np.float64 and indices.conf.dtype == np.float64
    assert indices.n.dtype == np.int64 and set(indices.method) == {"morris"}
    assert set(indices["index"]) == {"mu", "mu_star", "sigma"}
    assert len(indices) == 2 * 3 * 3  # outcomes x levers x indices
    assert indices[indices["index"] == "mu_star"].conf.notna().all()
    stability = pd.read_csv(out / "stability.csv")
    assert stability.stable.dtype == bool and stability.swapped_pairs.dtype == np.int64
    assert list(stability.n_half) == [3, 3] and list(stability.n) == [6, 6]
    runs = pd.read_csv(out / RUNS_FILE)
    assert runs.design.dtype == np.int64 and runs.seed.dtype == np.int64
    assert all(runs[c].dtype == np.float64 for c in [*COEF, "welfare"])


@pytest.mark.parametrize(("args", "message"), [
    (["--levers", "quality_weight,nope"], "unknown lever 'nope'; levers are cn_price_factor"),
    (["--levers", "spill_open=0:2,quality_weight"], "spill_open = 2.0 is outside its range"),
    (["--outcomes", "cn_share"], "unknown outcome 'cn_share'"),
    (["--n", "3"], "--n 3: Morris trajectories, at least 4"),
    (["--n", "x"], "argument --n: 'x': a whole number"),
    (["--seeds", "a"], "argument --seeds: 'a': whole numbers"),
    (["--levels", "3"], "--levels 3: an even number"),
    (["--set", "world.end"], "--set 'world.end': write PATH=VALUE"),
])
def test_bad_input_is_refused_naming_option_and_value(tmp_path, capsys, args, message):
    base = {"--levers": THREE, "--outcomes": "welfare", "--n": "4"}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    argv = ["morris", *itertools.chain.from_iterable(base.items()), "--out", str(tmp_path)]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_sobol_needs_a_power_of_two(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["sobol", "--levers", THREE, "--outcomes", "welfare", "--n", "6"])
    assert "Sobol's base sample must be a power of 2" in capsys.readouterr().err


def test_the_stability_criterion():
    def table(values, conf=0.01):
        return pd.DataFrame({"mu_star": values, "mu_star_conf": conf}, index=["a", "b", "c"])

    full = table([2.0, 1.0, 0.0])  # scaled by the largest mu*: 1, 0.5, 0
    same = stability("morris", "y", table([1.9, 1.1, 0.05]), full, 8)
    assert same["stable"] and same["swapped_pairs"] == 0
    assert same["max_change"] == pytest.approx(0.1 / 2)
    assert same["max_conf"] == pytest.approx(0.01 / 2) and same["n_half"] == 4
    swapped = stability("morris", "y", table([1.0, 2.0, 0.0]), full, 8)  # a and b swap
    assert not swapped["stable"] and swapped["swapped_pairs"] == 1
    moved = stability("morris", "y", table([2.0, 1.5, 0.0]), full, 8)  # b moves by 0.25
    assert not moved["stable"] and moved["swapped_pairs"] == 0
    # levers within the tolerance of each other may swap: an order that is noise
    close = stability("sobol", "y", pd.DataFrame({"ST": [0.50, 0.47], "ST_conf": 0.02},
                                                 index=["a", "b"]),
                      pd.DataFrame({"ST": [0.48, 0.50], "ST_conf": 0.02}, index=["a", "b"]), 8)
    assert close["stable"] and close["swapped_pairs"] == 0
