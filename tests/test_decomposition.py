"""A scenario's headline effect split by lever (sim.analysis.decomposition,
sim.tools.decompose): the arithmetic by hand, the runs it makes, and a neutral lever that
contributes exactly nothing."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import compose_config
from sim.analysis.decomposition import decompose, summarise
from sim.config import EventConfig, validate
from sim.model.results import run
from sim.tools.decompose import lever_decomposition, levers, variants

ROOT = Path(__file__).resolve().parents[1]
SHORT = ("world=small", "world.start=2025-07", "world.end=2026-06", "output.progress=false")
OUTCOMES = ("cn_share_startups@mean", "us_lerner@mean")


def test_the_arithmetic_by_hand():
    # y(all) = 10, y(none) = 2, y(without a) = 6, y(without b) = 7:
    # T = 8, c_a = 4, c_b = 3, interaction = 8 - 7 = 1
    values = pd.DataFrame({"run": ["all", "none", "without:a", "without:b"], "seed": 0,
                           "outcome": "y", "value": [10.0, 2.0, 6.0, 7.0]})
    table = decompose(values).set_index("lever")
    assert table.loc["a", "contribution"] == 4.0 and table.loc["b", "contribution"] == 3.0
    assert table.loc["interaction", "contribution"] == 1.0
    assert (table["total"] == 8.0).all()
    assert table.loc["a", "share_of_total"] == 0.5
    two_seeds = pd.concat([values, values.assign(seed=1, value=values.value * 3)])
    summary = summarise(decompose(two_seeds)).set_index("lever")
    assert summary.loc["a", "contribution"] == pytest.approx((4 + 12) / 2)
    assert summary.loc["a", "seeds"] == 2


def test_a_scenarios_levers_are_its_events_by_label():
    cfg = compose_config(["scenario=token_price_cut", *SHORT])
    assert list(levers(cfg)) == ["CN price support", "CN tenfold price cut"]
    runs = variants(cfg)
    assert list(runs) == ["none", "without:CN price support", "without:CN tenfold price cut"]
    assert runs["none"].scenario.events == []
    assert [e.kind for e in runs["without:CN price support"].scenario.events] == ["price"]
    assert len(cfg.scenario.events) == 2  # the scenario's own config is untouched


def test_one_lever_is_the_whole_effect_and_a_neutral_one_adds_nothing():
    """A scenario of a real lever (a relative price cut) and a neutral one (a per-token
    subsidy of 0 USD, which changes nothing): the real lever's contribution is the total
    effect, the neutral lever's exactly 0, and nothing is left to interaction."""
    cfg = compose_config(["scenario=token_price_cut", *SHORT])
    cut = copy.deepcopy(next(e for e in cfg.scenario.events if e.kind == "price"))
    cut.subsidised = False
    neutral = EventConfig(date="2026-01", kind="subsidy", bloc="CN", lever="per_mtok",
                          usd_per_mtok=0.0, label="no cut at all")
    cfg.scenario.events = [cut, neutral]
    validate(cfg)
    made = []

    def counting(variant):
        made.append(variant)
        return run(variant)

    table = lever_decomposition(cfg, outcomes=OUTCOMES, own=run(cfg), runner=counting)
    assert len(made) == 3  # none, and each of the two levers off; the scenario's own reused
    parts = table.set_index(["outcome", "lever"])["contribution"]
    for name in OUTCOMES:
        total = table.loc[table.outcome == name, "total"].iloc[0]
        assert total != 0
        assert parts[(name, "no cut at all")] == 0.0
        assert parts[(name, "CN tenfold price cut")] == total
        assert parts[(name, "interaction")] == 0.0


def test_a_scenario_without_events_is_refused():
    with pytest.raises(ValueError, match="no events"):
        lever_decomposition(compose_config(["scenario=baseline", *SHORT]))


@pytest.mark.slow
def test_a_run_writes_its_decomposition_and_the_report_shows_it(tmp_path):
    """On by default with the report; off without it (no extra runs)."""
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "scenario=token_price_cut", *SHORT,
         "output.plots=false", f"hydra.run.dir={out}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    table = pd.read_csv(out / "decomposition.csv")
    assert set(table.lever) == {"CN price support", "CN tenfold price cut", "interaction"}
    sums = table.groupby(["outcome", "seed"]).agg(parts=("contribution", "sum"),
                                                  total=("total", "first"))
    finite = sums.dropna()
    assert ((finite.parts - finite.total).abs() <= 1e-9 * finite.total.abs().clip(1)).all()
    assert "The headline effect by lever" in (out / "report.html").read_text()
    quiet = tmp_path / "quiet"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "scenario=token_price_cut", *SHORT,
         "output.report=false", "output.plots=false", f"hydra.run.dir={quiet}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and not (quiet / "decomposition.csv").exists()
