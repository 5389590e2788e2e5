"""sim.experiment: levers, outcomes, evaluate, batch_run, Sobol indices and PRIM.

Model runs use the small world over a short horizon (2025-07 to 2026-03: the last half
year of history and the scenario's first quarter). Expected values come from the config
metadata, closed forms (Ishigami, a linear model) or an independent path through the
model (Results.value), never from the code under test.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mesa.batchrunner import batch_run

from sim import compose_config, run
from sim.config import ConfigError, EventConfig, compose_raw, to_config
from sim.config.behaviour import CapabilityConfig, DemandConfig
from sim.core.dates import SCENARIO_FROM
from sim.experiment import (
    LEVERS,
    OUTCOMES,
    LeverError,
    OutcomeError,
    build_config,
    evaluate,
    evaluate_many,
    outcome,
    write_runs,
)
from sim.experiment.levers import apply_params
from sim.experiment.mesa_model import BatchMarket, batch_table
from sim.experiment.outcomes import compute_outcomes
from sim.experiment.prim import prim
from sim.experiment.sensitivity import sobol, sobol_indices

SHORT = ("world.start=2025-07", "world.end=2026-03")
SHARE = "cn_share_startups"


def _meta(cls: type, name: str) -> dict:
    return dict(next(f for f in dataclasses.fields(cls) if f.name == name).metadata)


# -- levers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "cls", "field"), [
    ("quality_weight", DemandConfig, "quality_weight"),
    ("privacy_weight", DemandConfig, "privacy_weight"),
    ("spill_open", CapabilityConfig, "spill_open"),
])
def test_config_levers_take_unit_and_range_from_the_field_metadata(name, cls, field):
    meta, lev = _meta(cls, field), LEVERS[name]
    assert (lev.unit, lev.lo, lev.hi) == (meta["unit"], meta["lo"], meta["hi"])
    assert lev.lo <= lev.box[0] < lev.box[1] <= lev.hi


def test_a_value_outside_the_range_is_refused_naming_lever_value_and_range():
    with pytest.raises(LeverError, match=r"spill_open = 1\.5 .*\[0, 1\]"):
        build_config({"spill_open": 1.5}, 0, overrides=SHORT)
    with pytest.raises(LeverError, match=r"cn_price_factor = 0 .*\[1e-06, 100\]"):
        build_config({"cn_price_factor": 0}, 0, overrides=SHORT)  # the field's numerical floor
    with pytest.raises(LeverError, match="unknown lever 'no_such_lever'"):
        build_config({"no_such_lever": 1}, 0, overrides=SHORT)


def test_config_levers_and_raw_paths_set_the_config():
    cfg = build_config({"us_distrust_of_cn": -4.5, "world.demand.nest_lambda": 0.7}, 3,
                       overrides=SHORT)
    assert cfg.world.demand.affinity["US"]["CN"] == -4.5
    assert cfg.world.demand.nest_lambda == 0.7
    assert cfg.seed == 3


def test_a_scenario_lever_sets_the_scenario_parameter_whatever_the_event_order():
    for order in (1, -1):
        tree = compose_raw(["world=small", "scenario=token_price_cut", *SHORT])
        tree.scenario.events = list(tree.scenario.events)[::order]
        apply_params(tree, {"cn_price_factor": 0.4})
        cfg = to_config(tree)
        prices = [e for e in cfg.scenario.events if e.kind == "price"]
        subsidies = [e for e in cfg.scenario.events if e.kind == "subsidy"]
        assert len(cfg.scenario.events) == 2  # changed, not added
        assert cfg.scenario.params["price_cut_factor"] == 0.4
        assert prices[0].factor == 0.4
        assert prices[0].subsidised and prices[0].date == "2026-01"  # the shipped event's
        assert subsidies[0].level == 1.0  # the other event untouched


def test_a_lever_by_name_equals_the_parameter_by_path_and_the_override():
    by_name = build_config({"cn_price_factor": 0.3}, 2, scenario="token_price_cut",
                           overrides=SHORT)
    by_path = build_config({"scenario.params.price_cut_factor": 0.3}, 2,
                           scenario="token_price_cut", overrides=SHORT)
    by_override = compose_config(["world=small", "scenario=token_price_cut", "seed=2",
                                  "output.progress=false", *SHORT,
                                  "scenario.params.price_cut_factor=0.3"])
    assert by_name == by_path == by_override
    shipped = compose_config(["world=small", "scenario=token_price_cut", *SHORT])
    assert [e.factor for e in shipped.scenario.events] == [None, 0.1]
    assert [e.factor for e in by_name.scenario.events] == [None, 0.3]


def _literal_token_price_cut():
    """token_price_cut as a scenario file without params would compose: literal values."""
    tree = compose_raw(["world=small", "scenario=token_price_cut", *SHORT])
    tree.scenario.params = {}
    tree.scenario.events[0].level = 1.0
    tree.scenario.events[1].factor = 0.1
    return tree


def test_without_the_parameter_a_lever_finds_its_event_by_kind_and_bloc():
    for order in (1, -1):
        tree = _literal_token_price_cut()
        tree.scenario.events = list(tree.scenario.events)[::order]
        apply_params(tree, {"cn_price_factor": 0.4})
        cfg = to_config(tree)
        prices = [e for e in cfg.scenario.events if e.kind == "price"]
        assert len(cfg.scenario.events) == 2 and prices[0].factor == 0.4
        assert prices[0].subsidised and prices[0].date == "2026-01"


def test_a_lever_sets_the_parameter_its_event_refers_to_under_another_name():
    tree = _literal_token_price_cut()
    tree.scenario.params = {"my_cut": 0.1}
    tree.scenario.events[1].factor = "${scenario.params.my_cut}"
    apply_params(tree, {"cn_price_factor": 0.4})
    cfg = to_config(tree)
    assert cfg.scenario.params == {"my_cut": 0.4}
    assert cfg.scenario.events[1].factor == 0.4


def test_an_event_lever_adds_its_event_at_the_scenario_start_when_missing():
    cfg = build_config({"cn_price_factor": 0.5, "export_level": 0.2}, 0, overrides=SHORT)
    added = {e.kind: e for e in cfg.scenario.events}
    assert set(added) == {"price", "export_limit"}
    assert added["price"].date == added["export_limit"].date == SCENARIO_FROM
    assert (added["price"].bloc, added["price"].factor) == ("CN", 0.5)
    assert (added["export_limit"].bloc, added["export_limit"].level) == ("CN", 0.2)


def test_two_matching_events_are_refused_as_ambiguous():
    tree = _literal_token_price_cut()
    tree.scenario.events.append(EventConfig(date="2026-02", kind="price", bloc="CN",
                                            factor=0.2))
    with pytest.raises(LeverError, match="2 price events"):
        apply_params(tree, {"cn_price_factor": 0.5})


def test_a_parameter_lever_on_a_scenario_without_it_names_those_with_it():
    with pytest.raises(LeverError, match=r"declares no parameter 'deepseek_lag_months' .*"
                                         r"asymmetric_strategy, open_weight_release"):
        build_config({"deepseek_lag_months": 0}, 0, overrides=SHORT)
    cfg = build_config({"deepseek_lag_months": 0}, 0, scenario="open_weight_release",
                       overrides=SHORT)
    assert [e.frontier_lag_months for e in cfg.scenario.events] == [0.0]


def test_a_raw_path_the_composed_config_lacks_is_refused_naming_the_known_keys():
    with pytest.raises(ConfigError, match=r"world\.vendors\.nope\.appeal = 1 .*openai"):
        build_config({"world.vendors.nope.appeal": 1}, 0, overrides=SHORT)
    with pytest.raises(ConfigError, match=r"scenario\.params\.nope = 1 .*price_support"):
        build_config({"scenario.params.nope": 1}, 0, scenario="token_price_cut",
                     overrides=SHORT)


# -- outcomes -----------------------------------------------------------------------------

def test_every_headline_has_an_end_and_a_mean_outcome():
    from sim.analysis.headline import HEADLINES

    assert set(OUTCOMES) == {n for h in HEADLINES for n in (h.key, f"{h.key}@mean")}
    assert outcome(f"{SHARE}@2027-12").month == "2027-12"
    for bad in ("no_such_headline", f"{SHARE}@2027-13", f"{SHARE}@median"):
        with pytest.raises(OutcomeError):
            outcome(bad)


def test_outcomes_of_a_known_table():
    months = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    values = [1.0, 2.0, 3.0, 5.0, 10.0]
    table = pd.DataFrame({"month": months, "metric": "token_share_bloc", "entity": "CN",
                          "segment": "startups", "value": values, "unit": "share"})
    out = compute_outcomes(table, "2025-12", [SHARE, f"{SHARE}@mean", f"{SHARE}@2026-01"])
    assert out == {SHARE: 10.0, f"{SHARE}@mean": (3 + 5 + 10) / 3, f"{SHARE}@2026-01": 3.0}
    with pytest.raises(OutcomeError, match="no month 2030-01"):
        compute_outcomes(table, "2025-12", [f"{SHARE}@2030-01"])


# -- evaluate -----------------------------------------------------------------------------

def test_evaluate_agrees_with_a_plain_run_and_is_reproducible():
    names = [SHARE, f"{SHARE}@2026-01", "welfare"]
    first = evaluate({"cn_price_factor": 0.3}, 2, outcomes=names, overrides=SHORT)
    assert evaluate({"cn_price_factor": 0.3}, 2, outcomes=names, overrides=SHORT) == first
    # the same design by hand: the composed scenario plus a CN price event, then Results
    cfg = compose_config(["world=small", "seed=2", *SHORT])
    cfg.scenario.events.append(EventConfig(date=SCENARIO_FROM, kind="price", bloc="CN",
                                           factor=0.3))
    results = run(cfg)
    assert first[SHARE] == results.value("token_share_bloc", "CN", "startups")
    assert first[f"{SHARE}@2026-01"] == results.value("token_share_bloc", "CN", "startups",
                                                       month="2026-01")
    assert first["welfare"] == results.value("welfare", "total")


def test_evaluate_many_runs_every_design_on_the_same_seeds(tmp_path):
    designs = [{"cn_price_factor": 1.0}, {"cn_price_factor": 0.2, "quality_weight": 6}]
    runs = evaluate_many(designs, [0, 1], progress=False, outcomes=[SHARE], overrides=SHORT)
    assert list(runs.columns) == ["design", "seed", "cn_price_factor", "quality_weight", SHARE]
    assert list(zip(runs.design, runs.seed, strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert np.isnan(runs.quality_weight[0]) and runs.quality_weight[2] == 6
    assert runs[SHARE][3] == evaluate(designs[1], 1, outcomes=[SHARE], overrides=SHORT)[SHARE]
    back = pd.read_csv(write_runs(runs, tmp_path))
    assert (tmp_path / "runs.csv").exists()
    assert all(pd.api.types.is_numeric_dtype(back[c]) for c in back.columns)
    pd.testing.assert_frame_equal(back, runs, check_dtype=False)


def test_evaluate_many_in_parallel_gives_the_same_table():
    designs = [{"spill_open": 0.2}, {"spill_open": 0.8}]
    kwargs = {"outcomes": [SHARE, "gap_us_cn_months"], "overrides": SHORT, "progress": False}
    pd.testing.assert_frame_equal(evaluate_many(designs, [0], n_jobs=2, **kwargs),
                                  evaluate_many(designs, [0], n_jobs=1, **kwargs))


# -- mesa.batch_run -----------------------------------------------------------------------

def test_batch_run_works_and_seeds_give_different_draws():
    rows = batch_run(BatchMarket, parameters={"cn_price_factor": [0.5, 1.0], "seed": [0, 1],
                                              "start": "2025-07", "end": "2026-03"},
                     max_steps=100, number_processes=1, data_collection_period=1,
                     display_progress=False)
    table = batch_table(rows)
    assert len(table) == 4 * 9  # 4 runs, 9 months each
    last = table[table.month == "2026-03"].set_index(["cn_price_factor", "seed"])[SHARE]
    assert last[(1.0, 0)] != last[(1.0, 1)]  # different seeds, different draws
    assert last[(0.5, 0)] != last[(1.0, 0)]
    expected = evaluate({"cn_price_factor": 0.5}, 1, outcomes=[SHARE], overrides=SHORT)
    assert last[(0.5, 1)] == expected[SHARE]  # the same run as evaluate's


# -- Sobol indices ------------------------------------------------------------------------

def test_sobol_indices_of_the_ishigami_function_match_the_closed_form():
    a, b = 7.0, 0.1
    box = (-np.pi, np.pi)
    bounds = {"x1": box, "x2": box, "x3": box}

    def ishigami(x):
        return (np.sin(x["x1"]) + a * np.sin(x["x2"]) ** 2
                + b * x["x3"] ** 4 * np.sin(x["x1"]))

    # Sobol and Levitan 1999: the variances of the main effects and of x1-x3
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * np.pi ** 8 / 225
    v = v1 + v2 + v13
    result = sobol_indices(ishigami, bounds, n=2048)
    assert result.indices.shape == (3, 4)
    np.testing.assert_allclose(result.indices.S1, [v1 / v, v2 / v, 0.0], atol=0.05)
    np.testing.assert_allclose(result.indices.ST, [(v1 + v13) / v, v2 / v, v13 / v], atol=0.05)


def test_sobol_indices_of_a_linear_model():
    a, b = 3.0, 1.0  # y = a x1 + b x2 on equal boxes: S1 = ST = a^2 / (a^2 + b^2), x3 none
    result = sobol_indices(lambda x: a * x["x1"] + b * x["x2"],
                           {"x1": (0, 1), "x2": (0, 1), "x3": (0, 1)}, n=1024)
    share = a ** 2 / (a ** 2 + b ** 2)
    np.testing.assert_allclose(result.indices.S1, [share, 1 - share, 0], atol=0.03)
    np.testing.assert_allclose(result.indices.ST, [share, 1 - share, 0], atol=0.03)


def test_sobol_on_the_model_gives_zero_to_a_lever_acting_after_the_horizon():
    # the price event comes at the scenario's start, after a run that ends with the history
    result = sobol(["quality_weight", "cn_price_factor"], SHARE, n=4, seeds=[0],
                   overrides=("world.start=2025-07", "world.end=2025-12"), progress=False)
    assert result.indices.shape == (2, 4)
    assert len(result.runs) == 4 * (2 + 2)
    inert = result.indices.loc["cn_price_factor"]
    assert abs(inert.S1) < 1e-12 and abs(inert.ST) < 1e-12
    assert result.indices.loc["quality_weight", "ST"] > 0.1


# -- PRIM ---------------------------------------------------------------------------------

def test_prim_finds_a_known_box():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(size=(3000, 3)), columns=["a", "b", "c"])
    y = (x.a > 0.7) & (x.b < 0.4)  # the box a in (0.7, 1], b in [0, 0.4), any c
    result = prim(x, y)
    box = result.box(min_density=0.95)
    assert box.loc["a", "lo"] == pytest.approx(0.7, abs=0.03)
    assert box.loc["b", "hi"] == pytest.approx(0.4, abs=0.03)
    assert box.loc["c", "lo"] < 0.05 and box.loc["c", "hi"] > 0.95
    chosen = result.trajectory[result.trajectory.density >= 0.95].coverage.max()
    assert chosen > 0.85


# -- docs/experiments.md --------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "experiments.md"


def test_the_documented_lever_table_is_the_registry():
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \| (.+?) \| (.+?) \| \[(.+?), (.+?)\] \|$",
                      DOC.read_text(encoding="utf-8"), re.M)
    documented = {name: (unit, rng, (float(lo), float(hi)))
                  for name, _, unit, rng, lo, hi in rows}
    assert documented == {n: (lv.unit, lv.range_text(), lv.box) for n, lv in LEVERS.items()}
    for name, sets, *_ in rows:  # what each sets: its parameter first, or its paths
        lev = LEVERS[name]
        first = f"scenario.params.{lev.param}" if lev.param else lev.paths[0]
        assert sets.startswith(f"`{first}`"), (name, sets)


def test_the_worked_example_runs(tmp_path, monkeypatch, capsys):
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Worked example")
    code = re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    runs = namespace["runs"]
    assert len(runs) == 3 * 2
    assert (tmp_path / "outputs/experiments/price_vs_distrust/runs.csv").exists()
    assert "cn_share_startups@mean" in capsys.readouterr().out
