"""Parameter draws in a sweep: the design file, a job taking its row (the same config as
the experiments' :func:`sim.experiment.build_config` for the same values), refusals that
name the file, and a sweep of draws × seeds through ``python -m sim -m``."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.config import SCENARIOS_DIR, ConfigError, compose_config, compose_raw, to_config
from sim.experiment import build_config
from sim.experiment.draws import apply_draw, design, main, read_draw
from sim.experiment.uncertainty import sample_parameters, world_priors

LEVERS = ["us_distrust_of_cn", "spill_open"]
ROOT = SCENARIOS_DIR.parent


def test_a_design_numbers_its_draws_and_holds_the_sampled_values():
    frame = design(LEVERS, 5, seed=3)
    assert list(frame.columns) == ["draw", *LEVERS] and frame["draw"].tolist() == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(frame[LEVERS], sample_parameters(LEVERS, 5, seed=3))
    world = design(LEVERS, 5, seed=3, prior="world")  # triangular at the fitted values
    pd.testing.assert_frame_equal(
        world[LEVERS], sample_parameters(world_priors(LEVERS, "calibrated"), 5, seed=3))
    with pytest.raises(ValueError, match="prior 'posterior'"):
        design(LEVERS, 5, prior="posterior")


def test_the_command_writes_the_design_and_refuses_an_unknown_lever(tmp_path, capsys):
    path = tmp_path / "d.csv"
    assert main([*LEVERS, "--n", "4", "--seed", "1", "--out", str(path)]) == 0
    written = pd.read_csv(path)
    pd.testing.assert_frame_equal(written, design(LEVERS, 4, seed=1))  # floats round-trip
    assert main(["no_such_lever", "--n", "4"]) == 2
    assert "unknown lever 'no_such_lever'" in capsys.readouterr().err


def test_a_draw_sets_the_same_config_as_the_experiments_do(tmp_path):
    path = tmp_path / "d.csv"
    design(LEVERS, 3, seed=2).to_csv(path, index=False, float_format="%.17g")
    tree = compose_raw(["world=small", f"draw.file={path}", "draw.index=2", "seed=4"])
    drawn = apply_draw(tree)
    values = design(LEVERS, 3, seed=2).iloc[2][LEVERS].to_dict()
    assert drawn == {"file": str(path), "index": 2, "values": values}
    config = to_config(tree)
    expected = build_config(values, seed=4, world="small")
    assert config.world == expected.world and config.scenario == expected.scenario
    assert config.world.capability.spill_open == values["spill_open"]
    assert apply_draw(compose_raw(["world=small"])) is None  # no draw: nothing changes


def test_an_empty_cell_leaves_the_lever_and_bad_rows_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("draw,spill_open,us_distrust_of_cn\n0,0.3,\n1,abc,-2\n")
    assert read_draw(path, 0) == {"spill_open": 0.3}
    with pytest.raises(ConfigError, match=r"draw 1, spill_open\) = 'abc'.*a number"):
        read_draw(path, 1)
    with pytest.raises(ConfigError, match=r"draw.index = 7 .*it has 0..1"):
        read_draw(path, 7)
    with pytest.raises(ConfigError, match=r"draw.file = .*missing.csv.*an existing design"):
        read_draw(tmp_path / "missing.csv", 0)
    path.write_text("draw,spill_open\n0,1.5\n")  # outside the lever's range [0, 1]
    tree = compose_raw(["world=small", f"draw.file={path}", "draw.index=0"])
    with pytest.raises(ConfigError, match=r"spill_open = 1.5 is outside its range"):
        apply_draw(copy.deepcopy(tree))


def test_a_draw_index_without_a_file_is_refused():
    with pytest.raises(ConfigError, match=r"draw.file = None .*set together with draw.index"):
        compose_config(["world=small", "draw.index=3"])


def test_a_run_of_a_missing_design_file_is_refused_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sim", "world=small", f"draw.file={tmp_path / 'no.csv'}",
         "draw.index=0", f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "error: draw.file = " in result.stderr and "an existing design file" in result.stderr
    assert not (tmp_path / "run").exists()  # nothing left of the refused run


@pytest.mark.slow
def test_a_sweep_of_draws_by_seeds_gathers_the_draws_and_their_share(tmp_path):
    path = tmp_path / "design.csv"
    assert main([*LEVERS, "--n", "2", "--seed", "5", "--out", str(path)]) == 0
    sweep = tmp_path / "sweep"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "world=small", "world.start=2025-07",
         "world.end=2026-03", f"draw.file={path}", "draw.index=0,1", "seed=0,1",
         "output.plots=false", "output.report=false", "output.progress=false",
         f"hydra.sweep.dir={sweep}"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    runs = pd.read_csv(sweep / "gathered" / "runs.csv")
    assert len(runs) == 4 and (runs.status == "finished").all()
    drawn = design(LEVERS, 2, seed=5).set_index("draw")
    for row in runs.itertuples():
        assert runs.loc[row.Index, "draw.spill_open"] == drawn.loc[row.draw, "spill_open"]
        summary = json.loads((sweep / row.run / "summary.json").read_text())
        assert summary["draw"]["index"] == row.draw
    table = pd.read_csv(sweep / "gathered" / "uncertainty.csv")
    row = table[(table.quantity == "value") & (table.outcome == "cn_share_startups")].iloc[0]
    values = runs["cn_share_startups"].to_numpy()
    assert (row["n_draws"], row["n_runs"]) == (2, 4)
    assert row["var_total"] == pytest.approx(np.var(values))
