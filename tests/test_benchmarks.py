"""The benchmark code runs (on tiny sizes); it measures, it never asserts times."""

import json

import numpy as np

from benchmarks.__main__ import main
from benchmarks.suite import config_for, measure


def test_a_measurement_has_every_column():
    cfg = config_for(50, "small", "vector", "2023-03")
    m = measure("tiny", cfg, repeats=1)
    assert m.months == 3 and m.firms == 50 + cfg.world.firms["enterprises"].n
    assert m.median_s > 0 and m.peak_mib > 0 and 0 <= m.record_share <= 1
    assert m.buyer_steps_per_s > 0


def test_the_quick_suite_writes_its_table(tmp_path, capsys):
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "benchmarks.json").read_text())
    assert len(result["rows"]) == 7
    assert [r["engine"] for r in result["rows"][:3]] == ["vector", "reference", "agent"]
    assert result["vector_to_reference_speedup_buyers"] > 0
    assert result["vector_to_live_agent_speedup_buyers"] > 0
    assert [t["world"] for t in result["model_time"]] == ["small", "default"]
    assert all(t["cpu_s"] > 0 and t["wall_s"] > 0 for t in result["model_time"])
    assert result["import_time"][0]["statement"] == "import sim"
    split = result["run_split"]  # one command-line run: where its time went
    parts = ("model_s", "tables_s", "figures_s", "report_s")
    assert all(split[p] > 0 for p in parts)
    assert split["outputs_s"] == sum(split[p] for p in parts[1:])
    assert split["outputs_to_model"] == split["outputs_s"] / split["model_s"]
    assert split["met"] == (split["outputs_to_model"] <= split["target"] == 1.0)
    redraw = result["dashboard_redraw"]  # every figure of the page, timed
    from sim.dashboard.figures import FIGURE_KEYS
    assert list(redraw["seconds"]) == list(FIGURE_KEYS)
    assert redraw["max_s"] == max(redraw["seconds"].values()) > 0
    assert redraw["met"] == (redraw["max_s"] <= redraw["target"] == 0.5)
    out = capsys.readouterr().out
    assert "agent-steps/s" in out and "x the model (target: at most 1x" in out
    assert "dashboard redraw after 3 months" in out


def test_the_frozen_reference_is_the_agent_engine_with_its_firms_swapped():
    from benchmarks.reference_agents import ReferenceStartup, reference_firms
    from sim import run
    from sim.model import AIMarket

    cfg = config_for(40, "small", "agent", "2023-04")
    # the reference was frozen before firms had an outside option: compare without one
    cfg.world.demand.outside_utility = {}
    with reference_firms():
        model = AIMarket(cfg)
        frozen = run(cfg).table["value"].to_numpy()
    assert all(isinstance(a, ReferenceStartup) for f in model.firms.values() for a in f.agents)
    live = run(cfg).table["value"].to_numpy()  # the same economics, written another way
    ok = ~np.isnan(live)
    assert np.array_equal(np.isnan(frozen), ~ok)
    assert np.allclose(frozen[ok], live[ok], rtol=1e-9, atol=1e-9)


def test_the_large_rows_run_each_size_in_a_fresh_interpreter():
    """Issue 17's rows on tiny sizes (the real ones are 1M and 10M startups)."""
    from benchmarks.large import large_rows, large_table

    rows = large_rows((300, 600), "2023-02")
    assert [r["firms"] for r in rows] == [300, 600]
    for r in rows:
        assert r["months"] == 2 and r["first_month_s"] > 0 and r["later_month_s"] > 0
        assert r["peak_mib"] >= r["choice_peak_mib"] > 0 and r["max_rss_mib"] > 0
        assert r["bytes_per_startup"] == r["peak_mib"] * 2**20 / r["firms"]
    assert "300 startups" in large_table(rows)
