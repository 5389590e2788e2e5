"""A run's figures drawn in worker processes: the same bytes as drawn in this process, drawn
here when no worker can start, and a command-line run that ends its log with the time split
(model, tables, figures, report) and writes PNG unless asked for vector formats.

No test holds a duration: speed is measured by ``make bench`` only.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from sim import compose_config, run
from sim.config import SCENARIOS_DIR
from sim.core.timing import TimeSplit
from sim.plots import parallel
from sim.plots.run_figures import RUN_FIGURES, draw_run_figures

pytestmark = pytest.mark.xdist_group("plots")

SHORT = ["world=small", "world.end=2026-06", "output.progress=false",
         "scenario=token_price_cut", "seed=3"]


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    """A run folder with its table and events, as the command line writes them."""
    res = run(compose_config(SHORT))
    folder = tmp_path_factory.mktemp("run")
    res.table.to_parquet(folder / "timeseries.parquet", index=False)
    res.events.to_csv(folder / "events.csv", index=False)
    return res, folder


def test_figures_drawn_in_workers_are_the_bytes_drawn_here(saved_run, tmp_path):
    res, folder = saved_run
    here = draw_run_figures(res.table, res.events, "token_price_cut", tmp_path / "here")
    there = parallel.draw_saved_run_figures(folder, "token_price_cut", tmp_path / "there",
                                            workers=2)
    assert list(there) == list(here) == list(RUN_FIGURES)  # the report's order
    for name in RUN_FIGURES:
        assert [p.name for p in there[name]] == [f"{name}.png"]
        assert there[name][0].read_bytes() == here[name][0].read_bytes(), name


class _NoPool:
    """A process pool that cannot start (a sandbox without process semaphores)."""

    def __init__(self, *args, **kwargs):
        raise OSError("no sem_open here")


def test_without_worker_processes_the_figures_are_drawn_here(saved_run, tmp_path,
                                                             monkeypatch, caplog):
    _, folder = saved_run
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", _NoPool)
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        drawn = parallel.draw_saved_run_figures(folder, "token_price_cut", tmp_path,
                                                workers=4, formats=["png", "svg"])
    assert list(drawn) == list(RUN_FIGURES)
    assert all([p.suffix for p in paths] == [".png", ".svg"] for paths in drawn.values())
    assert "no worker processes (no sem_open here)" in caplog.text


def test_one_worker_or_one_cpu_draws_here_without_a_pool(saved_run, tmp_path, monkeypatch):
    _, folder = saved_run
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", _NoPool)  # would warn if used
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 1)
    assert list(parallel.draw_saved_run_figures(folder, "x", tmp_path / "a")) == list(
        RUN_FIGURES)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 8)
    assert list(parallel.draw_saved_run_figures(folder, "x", tmp_path / "b",
                                                workers=1)) == list(RUN_FIGURES)


def test_a_csv_only_run_folder_is_read_like_the_parquet_one(saved_run, tmp_path):
    res, folder = saved_run
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    res.table.to_csv(csv_dir / "timeseries.csv", index=False)
    (csv_dir / "events.csv").write_bytes((folder / "events.csv").read_bytes())
    from_csv, _ = parallel.read_run_tables(csv_dir)
    from_parquet, events = parallel.read_run_tables(folder)
    assert from_csv["value"].equals(from_parquet["value"].astype(float))
    assert list(from_csv["month"]) == list(from_parquet["month"].astype(str))
    assert events is not None and (events.columns[:2] == ["month", "kind"]).all()
    with pytest.raises(FileNotFoundError, match="timeseries"):
        parallel.read_run_tables(tmp_path / "nothing")


def test_time_split_sums_its_parts_in_order():
    split = TimeSplit()
    split.add("model", 2.0)
    split.add("tables", 0.5)
    split.add("model", 1.0)
    assert split.as_dict() == {"model": 3.0, "tables": 0.5, "total": 3.5}
    assert split.line() == "time: model 3.00 s, tables 0.50 s; total 3.50 s"


@pytest.mark.slow
def test_a_run_ends_its_log_with_the_time_split_and_writes_the_formats_asked(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "sim", *SHORT, "output.figure_formats=[pdf]",
         f"hydra.run.dir={out}"],
        cwd=SCENARIOS_DIR.parent, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    log_lines = (out / "__main__.log").read_text().strip().splitlines()
    last = log_lines[-1]
    # a scenario with events: its report's decomposition by lever is timed too, in order
    parts = ["model", "tables", "decomposition", "figures", "report"]
    assert "time: " in last and all(f"{p} " in last for p in parts) and "; total " in last
    assert [last.index(f"{p} ") for p in parts] == sorted(last.index(f"{p} ") for p in parts)
    seconds = json.loads((out / "manifest.json").read_text())["seconds"]
    assert list(seconds) == [*parts, "total"]
    assert seconds["total"] == pytest.approx(sum(seconds[p] for p in parts), abs=0.01)
    # PDF asked for, so no PNG is left in plots/, yet the report embeds every figure
    assert sorted(p.suffix for p in (out / "plots").iterdir()) == [".pdf"] * len(RUN_FIGURES)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == len(RUN_FIGURES)
